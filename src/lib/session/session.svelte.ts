/**
 * The page's side of a training session: a Svelte-reactive handle on a session Web Worker. The
 * worker trains; this class only holds what it last reported (`$state`) and forwards commands.
 * Browser-only: create it in `onMount`, never during prerendering.
 */
import * as Comlink from 'comlink';
import type { Config } from '$lib/config';
import { alignForComparison } from './compare';
import type { RestoreResult, SessionOptions } from './core';
import { shareUnchanged } from './snapshot';
import type { BackendInfo, SessionStatus, Snapshot } from './snapshot';
import { startSessionWorker } from './start-worker';
import { WASM_PATHS } from './wasm-paths';
import type { SessionWorker } from './worker';

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The wasm binaries' URLs, absolute (the worker resolves URLs against its own address). They come
 * from the page's bundle, not the worker's, so that one copy of each binary is in the build, under
 * the page's assets, where the service worker precaches it; in the single-file build they are
 * data: URLs.
 */
function wasmPaths(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(WASM_PATHS).map(([name, url]) => [name, new URL(url, location.href).href])
  );
}

/** A live slider's new value; `final` when the drag ended (then a full look follows). */
export interface PreviewChange {
  spectralRadius?: number;
  gainSquared?: number;
  final?: boolean;
}

/** One training session running in its own worker. */
export class Session {
  status = $state<SessionStatus>('loading');
  /** The latest snapshot; replaced, never mutated. */
  snapshot = $state.raw<Snapshot | null>(null);
  backend = $state.raw<BackendInfo | null>(null);
  /** Config and backend notices, and the latest backend switch. */
  notices = $state.raw<string[]>([]);
  /** Why the session stopped, or why a command failed. */
  error = $state<string | null>(null);
  /** Settles once the worker has built the model and shown it. */
  readonly ready: Promise<void>;

  #worker: Worker;
  #remote: Comlink.Remote<SessionWorker>;

  constructor(config: Config | string, options: SessionOptions = {}) {
    this.#worker = startSessionWorker();
    this.#worker.addEventListener('error', (event) => {
      this.status = 'error';
      this.error = `The session worker failed: ${event.message || 'it could not start'}`;
    });
    this.#remote = Comlink.wrap<SessionWorker>(this.#worker);
    this.ready = this.#call(() =>
      this.#remote.init(
        config,
        options,
        Comlink.proxy((snapshot: Snapshot) => this.#receive(snapshot)),
        wasmPaths()
      )
    );
  }

  play = () => this.#afterConfig(() => this.#remote.play());
  pause = () => this.#afterConfig(() => this.#remote.pause());
  step = (n = 1) => this.#afterConfig(() => this.#remote.step(n));
  reset = () => this.#afterConfig(() => this.#remote.reset());
  /**
   * Rebuild for a new config (a Config or a URL hash); fresh parameters from its seed. While one
   * rebuild is under way only the newest config waits for its turn: quick edits of the address or
   * a control do not queue a rebuild each. Other commands wait for the rebuilds asked before them.
   */
  setConfig = (config: Config | string): Promise<void> => {
    this.#nextConfig = config;
    this.#configuring ??= (async () => {
      while (this.#nextConfig !== null) {
        const next: Config | string = this.#nextConfig;
        this.#nextConfig = null;
        await this.#call(() => this.#remote.setConfig(next));
      }
      this.#configuring = null;
    })();
    return this.#configuring;
  };
  #configuring: Promise<void> | null = null;
  #nextConfig: Config | string | null = null;
  setStepsPerFrame = (n: number) => this.#call(() => this.#remote.setStepsPerFrame(n));
  /** Train the character model on a pasted text (null: the grammar corpus). */
  setText = (text: string | null) => this.#afterConfig(() => this.#remote.setText(text));
  /**
   * Live slider: rescale W_hh to ρ (or for a new g²) and show the new gradient norms at once.
   * While one look is under way, only the newest value waits for its turn (a drag sends many).
   */
  preview = (change: PreviewChange): Promise<void> => {
    if (this.#previewing) {
      this.#pendingPreview = { ...change, final: change.final || this.#pendingPreview?.final };
      return this.#previewing;
    }
    this.#previewing = (async () => {
      let next: PreviewChange | null = change;
      while (next) {
        this.#pendingPreview = null;
        const current: PreviewChange = next;
        await this.#afterConfig(() => this.#remote.preview(current));
        next = this.#pendingPreview;
      }
      this.#previewing = null;
    })();
    return this.#previewing;
  };
  #previewing: Promise<void> | null = null;

  /** The run as a run file's JSON text (docs/run-format.md), or why there is none. */
  exportRun = async (): Promise<{ text: string; step: number } | { error: string }> => {
    try {
      await this.#configuring;
      return await this.#remote.exportRun();
    } catch (error) {
      return { error: message(error) };
    }
  };

  /**
   * Go on from a run file's JSON text: its config, weights, optimizer state and step. A malformed
   * or mismatched file is refused with a message and changes nothing.
   */
  restore = async (text: string): Promise<RestoreResult> => {
    try {
      await this.#configuring;
      const result = await this.#remote.restore(text);
      if (result.ok) this.#receive(result.snapshot);
      return result;
    } catch (error) {
      return { ok: false, error: message(error) };
    }
  };
  #pendingPreview: PreviewChange | null = null;

  /** Stop the worker; the session cannot be used after this. */
  dispose(): void {
    this.#remote[Comlink.releaseProxy]();
    this.#worker.terminate();
  }

  #receive(snapshot: Snapshot): void {
    // Replies and snapshot calls travel on different message ports: keep the newest.
    if (this.snapshot && snapshot.serial <= this.snapshot.serial) return;
    // What did not change keeps its identity, so views of it need not draw again.
    const shared = shareUnchanged(this.snapshot, snapshot);
    this.snapshot = shared;
    this.status = shared.status;
    this.backend = shared.backend;
    this.notices = shared.notice ? [...shared.notices, shared.notice] : shared.notices;
    this.error = shared.error;
  }

  /** Run a command once the config rebuilds asked before it have been made. */
  async #afterConfig(command: () => Promise<Snapshot | void>): Promise<void> {
    if (this.#configuring) await this.#configuring;
    return this.#call(command);
  }

  /** Run a command; a snapshot it returns is shown, a failure becomes `error`. */
  async #call(command: () => Promise<Snapshot | void>): Promise<void> {
    try {
      const snapshot = await command();
      if (snapshot) this.#receive(snapshot);
    } catch (error) {
      this.error = message(error);
    }
  }
}

/**
 * Two sessions side by side on the same data and seed (the second takes the first's task, data and
 * seed, with a notice), with shared controls.
 */
export class Comparison {
  readonly sessions: readonly [Session, Session];
  /** What was changed in the second config to compare like with like. */
  readonly notices: string[];
  readonly ready: Promise<void>;

  constructor(first: Config | string, second: Config | string, options: SessionOptions = {}) {
    const aligned = alignForComparison(first, second);
    this.notices = aligned.notices;
    this.sessions = [new Session(aligned.first, options), new Session(aligned.second, options)];
    this.ready = this.#both((s) => s.ready);
  }

  play = () => this.#both((s) => s.play());
  pause = () => this.#both((s) => s.pause());
  step = (n = 1) => this.#both((s) => s.step(n));
  reset = () => this.#both((s) => s.reset());
  setStepsPerFrame = (n: number) => this.#both((s) => s.setStepsPerFrame(n));

  dispose(): void {
    for (const session of this.sessions) session.dispose();
  }

  async #both(command: (session: Session) => Promise<void>): Promise<void> {
    await Promise.all(this.sessions.map(command));
  }
}
