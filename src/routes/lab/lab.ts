/**
 * What the lab pages share: reading the config from the URL, and loading the engine in the browser.
 * The engine (and with it TensorFlow.js) is imported dynamically, so that prerendering never
 * touches it; call {@link loadEngine} from `onMount` only.
 */
import { decodeHash, type Config, type Notice } from '$lib/config';

/** The config in the URL hash, and what was clamped or dropped on the way. */
export function configFromHash(): { config: Config; notices: Notice[] } {
  return decodeHash(window.location.hash);
}

/**
 * A whole number from the query string (`?steps=40`), clamped to [min, max]; the fallback when it is
 * missing or not a number.
 */
export function queryInteger(name: string, fallback: number, min: number, max: number): number {
  const text = new URLSearchParams(window.location.search).get(name);
  const value = text === null ? NaN : Number.parseInt(text, 10);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

/** Imports the engine, makes the config's backend the tfjs backend and says which one runs. */
export async function loadEngine(backend: Config['backend']) {
  const [{ selectBackend }, { WASM_PATHS }, { Trainer }, tf] = await Promise.all([
    import('$lib/engine/backend'),
    import('$lib/session/wasm-paths'),
    import('$lib/engine/trainer'),
    import('@tensorflow/tfjs-core')
  ]);
  const report = await selectBackend(backend, { wasmPaths: { ...WASM_PATHS } });
  return { report, Trainer, tf };
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
