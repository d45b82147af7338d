/**
 * URLs of the wasm backend's binaries, for `selectBackend(…, { wasmPaths: WASM_PATHS })` in the
 * browser. Vite's `?url` imports copy each binary into the build with a hashed name and give its
 * URL, so the wasm backend finds them wherever the static site is served from.
 *
 * Browser-only: import it dynamically next to the engine, never from code that runs in Node.
 */
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** Binary file name (as the wasm backend asks for it) → URL it is served at. */
export const WASM_PATHS: Readonly<Record<string, string>> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl
};
