/**
 * The single-file build's wasm-paths.ts (see vite.config.ts, `singleFileVariants`): the binaries
 * as data: URLs inside the page. The threaded binary is left out (an empty module that fails to
 * compile, should it ever be asked for): threads need a cross-origin isolated page, which a file
 * opened from disk never is, so the wasm backend never picks it there.
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url&inline';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url&inline';

/** Binary file name (as the wasm backend asks for it) → data: URL. */
export const WASM_PATHS: Readonly<Record<string, string>> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': 'data:application/wasm;base64,'
};
