/**
 * The training session's Web Worker: the engine, TensorFlow.js and the training loop all run here,
 * so that the page's main thread only renders. Exposes {@link SessionWorker} with comlink; start it
 * with `startSessionWorker()` from start-worker.ts (session.svelte.ts does).
 */
import * as Comlink from 'comlink';
import * as tf from '@tensorflow/tfjs-core';
import type { Config } from '$lib/config';
import { selectBackend } from '$lib/engine/backend';
import type { BackendName } from '$lib/engine/types';
import { SessionCore } from './core';
import type { RestoreResult, SessionOptions } from './core';
import type { Snapshot } from './snapshot';

/** Listens for the loss of the WebGPU device, which tfjs otherwise only shows as failing ops. */
function watchDevice(name: BackendName): void {
  if (name !== 'webgpu') return;
  const device = (tf.backend() as { device?: { lost?: Promise<{ message?: string }> } }).device;
  device?.lost?.then((info) => core.backendLost(`WebGPU device lost: ${info?.message ?? ''}`));
}

/** Where the wasm backend finds its binaries: the page says, in `init` (see session.svelte.ts). */
let wasmPaths: Record<string, string> | undefined;

const core = new SessionCore({
  async selectBackend(name) {
    const report = await selectBackend(name, { wasmPaths: wasmPaths && { ...wasmPaths } });
    watchDevice(report.active);
    return report;
  },
  dropBackend(name) {
    tf.removeBackend(name);
  },
  // While WebGPU or WebGL compiles its shaders, the first picture comes from the CPU: wasm (three
  // to four times faster than tfjs's cpu backend at the first look, measured in Node), else cpu.
  quickBackends: ['wasm', 'cpu']
});

/** The session API, called from the page through comlink (every method returns a promise there). */
const api = {
  /**
   * Set up for a config (a URL hash such as `cell=lstm&T=50`, or a Config): backend, model, first
   * look. `onSnapshot` (wrapped in `Comlink.proxy`) is called at display rate from then on.
   * `paths` maps each wasm binary's file name to its absolute URL (the page's `WASM_PATHS`).
   */
  init(
    config: Config | string,
    options: SessionOptions = {},
    onSnapshot?: (snapshot: Snapshot) => void,
    paths?: Record<string, string>
  ): Promise<Snapshot> {
    wasmPaths ??= paths;
    core.onSnapshot(onSnapshot ?? null);
    return core.init(config, options);
  },
  play: (): Promise<Snapshot> => core.play(),
  pause: (): Promise<Snapshot> => core.pause(),
  step: (n = 1): Promise<Snapshot> => core.step(n),
  reset: (): Promise<Snapshot> => core.reset(),
  setConfig: (config: Config | string): Promise<Snapshot> => core.setConfig(config),
  /** The character model's text (null: the grammar corpus); refused with a message if too big. */
  setText: (text: string | null): Promise<Snapshot> => core.setText(text),
  /**
   * Live slider: rescale W_hh to ρ (or for a new g²) and look again at once. The snapshot is the
   * reply, on the worker's own channel, and does not also go through `onSnapshot`: one message
   * per slider event reaches the page (a call through the `onSnapshot` proxy is a message on
   * its port and an answer back, and the reply followed as a third).
   */
  preview: (change: {
    spectralRadius?: number;
    gainSquared?: number;
    final?: boolean;
  }): Promise<Snapshot> => core.preview(change, { quiet: true }),
  setStepsPerFrame: (n: number): void => core.setStepsPerFrame(n),
  /**
   * The run as a run file's JSON text (made here: one string crosses to the page, not a tree of
   * arrays), or why there is none.
   */
  exportRun: async (): Promise<{ text: string; step: number } | { error: string }> => {
    const run = await core.exportRun();
    return 'error' in run ? run : { text: JSON.stringify(run), step: run.step };
  },
  /** Go on from a run file's JSON text; a malformed or mismatched one changes nothing. */
  restore: (text: string): Promise<RestoreResult> => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return Promise.resolve({
        ok: false,
        error: `The file is not JSON (${error instanceof Error ? error.message : String(error)}).`
      });
    }
    return core.restore(json);
  },
  snapshot: (): Snapshot => core.snapshot(),
  dispose: (): Promise<void> => core.dispose()
};

export type SessionWorker = typeof api;

Comlink.expose(api);
