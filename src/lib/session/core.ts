/**
 * The training loop of a session, free of any Worker: the worker (worker.ts) wraps it with comlink,
 * and the unit tests drive it directly in Node.
 *
 * It trains in small slices and yields to the event loop between them, so that commands (pause,
 * reset) are handled within a step; it publishes a Snapshot at display rate, not per step; it pauses
 * on divergence; and when the backend fails mid-run it moves to the next one and goes on from the
 * same parameters.
 */
import { directionLabel } from '$lib/engine/types';
import * as tf from '@tensorflow/tfjs-core';
import type { Params } from '$lib/engine/network';
import { makeCharTask, sampleText } from '$lib/tasks/chars';
import type { CharTask } from '$lib/tasks/chars';
import type { Prediction } from '$lib/tasks';
import { runEchoStateNetwork } from '$lib/tasks/esn';
import type { EchoStateRun } from '$lib/tasks/esn';
import { decodeHash, validateConfig } from '$lib/config';
import type { Config } from '$lib/config';
import { BACKEND_ORDER } from '$lib/engine/backend';
import type { BackendReport } from '$lib/engine/backend';
import { SliderPreview } from '$lib/engine/fast';
import { Random } from '$lib/engine/random';
import { Trainer } from '$lib/engine/trainer';
import type { Batch, Inspection, StepReport, TrainingState } from '$lib/engine/trainer';
import type { BackendName } from '$lib/engine/types';
import type { ParamArrays } from '$lib/engine/init';
import { trainingSpec } from '$lib/tasks';
import type { Task } from '$lib/tasks';
import type { Measurement, Runner, RunnerFactory } from './runner';
import { buildRunFile, readRunFile } from './runfile';
import type { HistoryEntry, RunFile } from './runfile';
import { divergenceOf, makeSnapshot, makeView } from './snapshot';
import type {
  BackendInfo,
  BackendSwitch,
  Divergence,
  SessionStatus,
  Snapshot,
  View
} from './snapshot';

/** Windows of the stream shuffled together: `windows=shuffled` visits each block of this many
 * consecutive windows once, in a seeded random order, before moving to the next block. */
export const SHUFFLE_BLOCK = 32;

/** Characters in the character model's sample, and how often it is drawn while training. */
export const SAMPLE_LENGTH = 120;
export const SAMPLE_INTERVAL_MS = 2000;

/** The display batch: the task's batch number 0, the first window of the stream. */
export const VIEW_BATCH_INDEX = 0;

/** What training step `step` (0-based: the update made after `step` others) trains on. */
export interface WindowPlan {
  /** The batch (window) index passed to `task.batch`. */
  index: number;
  /** Carry the state over from the previous step (windows of one stream, in order). */
  stateful: boolean;
}

/**
 * The window of each training step:
 * - `sequences`: fresh independent batches 0, 1, 2, …; no state carried.
 * - `stream`: windows 0, 1, 2, … of the stream in order, the state carried from each to the next.
 * - `shuffled`: the same windows, each block of {@link SHUFFLE_BLOCK} in a seeded random order;
 *   the state starts afresh in every window.
 */
export function windowPlan(windows: Config['windows'], seed: number, step: number): WindowPlan {
  switch (windows) {
    case 'sequences':
      return { index: step, stateful: false };
    case 'stream':
      return { index: step, stateful: true };
    case 'shuffled': {
      const block = Math.floor(step / SHUFFLE_BLOCK);
      const order = shuffledBlock(seed, block);
      return { index: block * SHUFFLE_BLOCK + order[step % SHUFFLE_BLOCK], stateful: false };
    }
  }
}

/** A seeded permutation of 0 … SHUFFLE_BLOCK − 1 (Fisher–Yates). */
export function shuffledBlock(seed: number, block: number): number[] {
  const random = new Random(`windows:${seed}:${block}`);
  const order = Array.from({ length: SHUFFLE_BLOCK }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** What the core needs from where it runs. */
export interface SessionEnvironment {
  /** Make `name` the tfjs backend (or the next one that works) and say which one runs. */
  selectBackend(name: BackendName | 'auto'): Promise<BackendReport>;
  /** Forget a backend that failed (tf.removeBackend), so that it is never picked again. */
  dropBackend?(name: BackendName): void;
  /** How runners are made; the engine's Trainer by default. */
  runners?: RunnerFactory;
  /** Milliseconds, monotonic; `performance.now` by default. */
  now?(): number;
  /** Wait `ms` milliseconds (0: let other events run); `setTimeout` by default. */
  sleep?(ms: number): Promise<void>;
  /**
   * Backends that compute a first look at once from a cold start, tried in order (the worker
   * gives `['wasm', 'cpu']`). When the config asks for a backend that warms up slowly
   * ({@link WARMS_UP_SLOWLY}), the first picture is computed on one of these and published (status
   * `loading`) while the asked-for backend starts and compiles its shaders. None: the first
   * picture waits for the backend asked for.
   */
  quickBackends?: readonly BackendName[];
}

/**
 * Backends whose first look can take seconds (WebGPU on SwiftShader: about ten): they compile a
 * shader for every kernel they meet. `auto` is among them, as it picks WebGPU on a real GPU.
 */
export const WARMS_UP_SLOWLY: readonly (BackendName | 'auto')[] = ['webgpu', 'webgl', 'auto'];

export interface SessionOptions {
  /** Most training steps per display frame while playing (1 … 1000); default 1. */
  stepsPerFrame?: number;
  /** Display frame, ms; default 1000/60. */
  frameMs?: number;
  /** Snapshots while playing come at most this often, ms; default 100. */
  snapshotIntervalMs?: number;
  /**
   * A fresh look at the display batch (trace, Jacobians, eigenvalues) comes at most this often,
   * ms, and takes at most a quarter of the time; default 250.
   */
  inspectIntervalMs?: number;
  /** The display batch's item whose trace and Jacobians are shown; default 0. */
  batchItem?: number;
  /** Training slices give way to other events after this long, ms; default 30. */
  sliceMs?: number;
  /**
   * Live sliders measure with the plain-JavaScript pass (engine/fast) on a copy of the weights,
   * where it covers the model; default true. False: every slider event runs the runner's tfjs
   * pass (for comparisons and measurements).
   */
  fastPreview?: boolean;
  /**
   * For tests: the active backend "loses its device" when update number `n` (1-based) is about to
   * be made; as with a real loss, its parameters can no longer be read.
   */
  simulateDeviceLossAtStep?: number;
}

/** A device loss (real, from `device.lost`, or simulated). */
export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

/** Where a restored run goes on from: its parameters, training state, step and history. */
interface Resume {
  params: ParamArrays;
  state?: TrainingState;
  step: number;
  history: HistoryEntry[];
}

/** What restoring a run file gave: the config the session now runs, or why nothing changed. */
export type RestoreResult =
  | { ok: true; config: Config; notices: string[]; snapshot: Snapshot }
  | { ok: false; error: string };

/**
 * The live sliders' copy of the weights and display batch, valid for the runner and update count
 * it was read at (a training step, a reset, a rebuild or a backend switch drops it).
 */
interface SliderCopy {
  runner: Runner;
  updates: number;
  preview: SliderPreview;
}

/** A copy of the parameters in main memory, to go on from if the backend fails. */
interface Checkpoint {
  step: number;
  params: ParamArrays;
}

const DEFAULTS = {
  stepsPerFrame: 1,
  frameMs: 1000 / 60,
  snapshotIntervalMs: 100,
  inspectIntervalMs: 250,
  batchItem: 0,
  sliceMs: 30,
  fastPreview: true
};

/** How long reading the parameters back from a failing backend may take before giving up, ms. */
const READBACK_TIMEOUT_MS = 2000;
/** Steps whose durations the timing averages over. */
const TIMING_STEPS = 20;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      }
    );
  });
}

/** A growable float array of per-step values. */
class History {
  values = new Float32Array(1024);
  push(step: number, value: number): void {
    if (step >= this.values.length) {
      const grown = new Float32Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[step] = value;
  }
}

/** One training session: a config, a model, its history, and the loop that trains it. */
export class SessionCore {
  private readonly env: Required<Omit<SessionEnvironment, 'dropBackend'>> &
    Pick<SessionEnvironment, 'dropBackend'>;
  private options = { ...DEFAULTS } as typeof DEFAULTS & SessionOptions;
  private listener: ((snapshot: Snapshot) => void) | null = null;

  private config: Config | null = null;
  private configNotices: string[] = [];
  private task: Task | null = null;
  private spec: ReturnType<typeof trainingSpec>['spec'] | null = null;
  private runner: Runner | null = null;
  /** The echo state network's closed-form fit (task `esn`): it has no training steps. */
  private reservoir: EchoStateRun | null = null;
  /** A text the user gave the character model in place of the grammar corpus. */
  private customText: CharTask | null = null;
  /** The text `customText` was made of (a run file carries it). */
  private customTextSource: string | null = null;
  /** Why the last text given was refused (nothing else changed), until the next accepted one. */
  private textRefusal: string | null = null;
  /** The character model's latest free-running sample, and when it was drawn. */
  private sample: Prediction | null = null;
  private lastSample = -Infinity;
  private viewBatch: Batch | null = null;
  private slider: SliderCopy | null = null;

  private status: SessionStatus = 'loading';
  private error: string | null = null;
  private backend: BackendInfo | null = null;
  private switches: BackendSwitch[] = [];
  /** Updates applied so far (across backend switches). */
  private updates = 0;
  private losses = new History();
  private gradNorms = new History();
  /** Global gradient norm after clipping, and whether the step was clipped (1) or not (0). */
  private gradNormsAfter = new History();
  private clippedSteps = new History();
  private last: StepReport | null = null;
  private view: View | null = null;
  private divergence: Divergence | null = null;
  private checkpoint: Checkpoint | null = null;
  private deviceLost: string | null = null;
  private simulatedLossDone = false;

  /** Whether the loop should keep going; cleared by pause. */
  private running = false;
  private loop: Promise<void> | null = null;
  /** Commands run one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  private serial = 0;
  private lastPublish = -Infinity;
  private lastInspect = -Infinity;
  private inspectCost = 0;
  private stepDurations: number[] = [];
  private stepTimes: number[] = [];

  constructor(env: SessionEnvironment) {
    this.env = {
      runners: Trainer,
      now: () => performance.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...env,
      quickBackends: env.quickBackends ?? []
    };
  }

  /** Called with every snapshot published. */
  onSnapshot(listener: ((snapshot: Snapshot) => void) | null): void {
    this.listener = listener;
  }

  /** Set up the session for a config (a URL hash or an object): backend, model, first look. */
  init(config: Config | string, options: SessionOptions = {}): Promise<Snapshot> {
    return this.command(async () => {
      this.options = { ...DEFAULTS, ...options };
      this.options.stepsPerFrame = clampSteps(this.options.stepsPerFrame);
      await this.build(config, true);
      return this.snapshot();
    });
  }

  /** Start training; returns at once. Ignored after a divergence or an error (reset first). */
  play(): Promise<Snapshot> {
    return this.command(async () => {
      this.startLoop(Infinity, true);
      return this.snapshot();
    });
  }

  /** Stop training after the step under way; resolves once it has stopped and been shown. */
  pause(): Promise<Snapshot> {
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      return this.snapshot();
    });
  }

  /** Pause, then make `n` training steps (fewer if it diverges or is paused meanwhile). */
  step(n = 1): Promise<Snapshot> {
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      this.startLoop(Math.max(0, Math.floor(n)), false);
      await this.loop;
      return this.snapshot();
    });
  }

  /** Pause and start again from the seed: fresh parameters, empty history. Recovers a divergence. */
  reset(): Promise<Snapshot> {
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      await this.build(this.config!, false);
      return this.snapshot();
    });
  }

  /** Rebuild for a new config (fresh parameters from its seed); keeps playing if it was. */
  setConfig(config: Config | string): Promise<Snapshot> {
    const wasRunning = this.running;
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      await this.build(config, true);
      if (wasRunning) this.startLoop(Infinity, true);
      return this.snapshot();
    });
  }

  /**
   * Train the character model on this text instead of the grammar corpus (null: back to the
   * corpus). A text over 200 KB, or too short for T, is refused with a message and changes
   * nothing; an accepted one rebuilds the session (fresh parameters) if the task is `chars`.
   */
  setText(text: string | null): Promise<Snapshot> {
    const wasRunning = this.running;
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      if (text === null) {
        this.customText = null;
        this.customTextSource = null;
        this.textRefusal = null;
      } else {
        const task = makeCharTask(text, { seqLength: this.config?.seqLength, source: 'your text' });
        if ('error' in task) {
          this.textRefusal = task.error;
          if (wasRunning) this.startLoop(Infinity, true);
          this.publish();
          return this.snapshot();
        }
        this.customText = task;
        this.customTextSource = text;
        this.textRefusal = null;
      }
      if (this.config?.task === 'chars') await this.build(this.config, true);
      if (wasRunning) this.startLoop(Infinity, true);
      return this.snapshot();
    });
  }

  /**
   * The run as it is now, as a run file (docs/run-format.md): config, parameters, the optimizer's
   * and the carried state, the history, and the display batch with its trace and gradients.
   * Training pauses while it is read and goes on after. An error in words when there is no
   * trained model to save (the echo state network, a failed session).
   */
  exportRun(): Promise<RunFile | { error: string }> {
    const wasRunning = this.running;
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      try {
        const { runner, config, spec, task, viewBatch } = this;
        if (this.reservoir)
          return {
            error:
              'The echo state network is fitted in closed form at once; it has no training run to save.'
          };
        if (!runner || !config || !spec || !task || !viewBatch || this.status === 'error')
          return { error: 'There is no model to save yet.' };
        const history: HistoryEntry[] = Array.from({ length: this.updates }, (_, i) => ({
          step: i + 1,
          loss: this.losses.values[i],
          gradNormBefore: this.gradNorms.values[i],
          gradNormAfter: this.gradNormsAfter.values[i],
          clipped: this.clippedSteps.values[i] === 1
        }));
        return await buildRunFile({
          config,
          spec,
          task: task.name,
          trainer: runner,
          batch: viewBatch,
          batchIndex: VIEW_BATCH_INDEX,
          history,
          inspection: await runner.inspect(viewBatch, { batchItem: this.options.batchItem }),
          ...(config.task === 'chars' && this.customTextSource !== null
            ? { text: this.customTextSource }
            : {})
        });
      } catch (error) {
        return { error: `The run could not be saved: ${message(error)}` };
      } finally {
        if (wasRunning) this.startLoop(Infinity, true);
      }
    });
  }

  /**
   * Go on from a run file (parsed JSON): its config, parameters, step, history and, when the file
   * has them, the optimizer's and the carried state, so that the next step is the one the saved
   * run would have made. A malformed or mismatched file is refused with a message and changes
   * nothing (a run that was training goes on). Leaves the session paused.
   */
  restore(json: unknown): Promise<RestoreResult> {
    const wasRunning = this.running;
    this.running = false;
    return this.command(async (): Promise<RestoreResult> => {
      await this.stopLoop();
      const refuse = (error: string): RestoreResult => {
        if (wasRunning) this.startLoop(Infinity, true);
        return { ok: false, error };
      };
      // The character model's own text, when the file has one (set by `specFor`).
      const own: { task: CharTask | null } = { task: null };
      const read = readRunFile(json, (config) => {
        const built = trainingSpec(config);
        if (built.task.pattern === 'reservoir')
          throw new Error('an echo state network has no training run to restore.');
        const text = (json as { text?: unknown }).text;
        if (config.task !== 'chars' || typeof text !== 'string') return built.spec;
        const task = makeCharTask(text, { seqLength: config.seqLength, source: 'your text' });
        if ('error' in task) throw new Error(task.error);
        own.task = task;
        return {
          ...built.spec,
          network: { ...built.spec.network, inputSize: task.inputSize, outputSize: task.inputSize }
        };
      });
      if (!read.ok) return refuse(read.error);
      this.customText = own.task;
      this.customTextSource = own.task ? (read.text ?? null) : null;
      this.textRefusal = null;
      await this.build(read.config, true, {
        params: read.params,
        state: read.state,
        step: read.step,
        history: read.history
      });
      if (this.status === 'error') return { ok: false, error: this.error ?? 'The run failed.' };
      const notices = read.notices.map((n) => n.message);
      if (!read.state && read.step > 0)
        notices.push(
          'The run file has no optimizer state: training goes on from its weights with the optimizer started afresh.'
        );
      return { ok: true, config: this.config!, notices, snapshot: this.snapshot() };
    });
  }

  /**
   * A live slider moved: rescale the current W_hh in place — to spectral radius `spectralRadius`,
   * or by √(g²′/g²) for a new `gainSquared` when W_hh was drawn normal or uniform — and look again
   * at once: the loss and every per-step norm of the display batch, with the eigenvalues (and
   * the singular values, by |factor|) scaled to match. Traces and Jacobian norms follow in a full
   * look when `final` (the drag ended).
   * Training pauses while dragging. The config takes the new value, so reset draws it afresh.
   * With `quiet`, the snapshot is only returned, not also given to the `onSnapshot` listener (the
   * worker sends it back as the reply: one message to the page, not a call and its answer).
   */
  preview(
    change: {
      spectralRadius?: number;
      gainSquared?: number;
      final?: boolean;
    },
    options: { quiet?: boolean } = {}
  ): Promise<Snapshot> {
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      const { runner, config, viewBatch } = this;
      if (!runner || !config || !viewBatch || this.status === 'error') return this.snapshot();
      const factors = new Map<string, number[]>();
      const before = this.view;
      if (change.spectralRadius !== undefined) {
        const rho = Math.min(3, Math.max(0.01, change.spectralRadius));
        const copy = this.sliderCopy(runner, viewBatch);
        // With a copy to look at, the runner's own tfjs rescaling waits: it is taken from the
        // copy when the drag ends, or made before anything else reads the runner's weights.
        const scaling = await runner.setSpectralRadius(rho, { defer: copy !== null });
        // The copy follows the runner's rescaling, or is read afresh if the runner does not say.
        if (copy && !(scaling && copy.scale(scaling))) this.slider = null;
        config.spectralRadius = rho;
        if (this.spec)
          this.spec = { ...this.spec, init: { ...this.spec.init, spectralRadius: rho } };
        for (const d of before?.directions ?? [])
          factors.set(
            d.suffix,
            d.eigenvalues.map((e) => (e.spectralRadius > 1e-12 ? rho / e.spectralRadius : 1))
          );
      }
      if (change.gainSquared !== undefined) {
        const g2 = Math.min(10, Math.max(0, change.gainSquared));
        const scalable = config.initRecurrent === 'normal' || config.initRecurrent === 'uniform';
        if (scalable && config.gainSquared > 0) {
          const factor = Math.sqrt(g2 / config.gainSquared);
          const copy = this.sliderCopy(runner, viewBatch);
          runner.scaleRecurrent(factor, { defer: copy !== null });
          copy?.scaleRecurrent(factor);
          for (const d of before?.directions ?? [])
            factors.set(
              d.suffix,
              d.eigenvalues.map(() => factor)
            );
        }
        config.gainSquared = g2;
        if (this.spec) this.spec = { ...this.spec, init: { ...this.spec.init, gainSquared: g2 } };
      }
      if (change.final || !before) {
        // The drag ended: the runner takes the rescaled W_hh from the copy, which made the same
        // float32 multiplications (one upload, not one tfjs multiplication per event).
        const copy = this.sliderCopy(runner, viewBatch);
        if (copy) runner.adoptRecurrent?.(copy.weights);
        this.view = null;
        await this.refreshView();
      } else {
        const measured = await this.measureForSlider(runner, viewBatch);
        const byLabel = new Map(measured.directions.map((d) => [directionLabel(d.dir), d]));
        this.view = {
          ...before,
          loss: measured.loss,
          gradNorm: measured.gradNorm,
          directions: before.directions.map((d) => {
            const m = byLabel.get(d.suffix);
            const f = factors.get(d.suffix);
            return {
              ...d,
              hNorm: m?.hNorm ?? d.hNorm,
              cNorm: m?.cNorm ?? d.cNorm,
              gradNormPerStep: m?.gradNormPerStep ?? d.gradNormPerStep,
              cellGradNormPerStep: m?.cellGradNormPerStep ?? d.cellGradNormPerStep,
              eigenvalues: d.eigenvalues.map((e, g) => {
                const k = f?.[g] ?? 1;
                return {
                  ...e,
                  re: e.re.map((v) => v * k),
                  im: e.im.map((v) => v * k),
                  spectralRadius: e.spectralRadius * Math.abs(k)
                };
              }),
              // W_hh ← k·W_hh scales every singular value by |k|.
              singularValues: d.singularValues?.map((s) => {
                const g = d.eigenvalues.findIndex((e) => e.gate === s.gate);
                const k = Math.abs(f?.[g] ?? 1);
                return { ...s, values: s.values.map((v) => v * k) };
              })
            };
          })
        };
      }
      // The reply is the snapshot just published (same serial), so the page, which drops a
      // snapshot no newer than the one it shows, draws each slider event once, not twice.
      return this.publish(!options.quiet);
    });
  }

  setStepsPerFrame(n: number): void {
    this.options.stepsPerFrame = clampSteps(n);
  }

  /** The session as it is now (with the last look at the display batch). */
  snapshot(): Snapshot {
    const now = this.env.now();
    const recent = this.stepTimes.filter((t) => t > now - 1000);
    const span = recent.length > 1 ? Math.max(now - recent[0], 1) : 1000;
    return makeSnapshot({
      serial: ++this.serial,
      status: this.status,
      step: this.updates,
      losses: this.losses.values,
      gradNorms: this.gradNorms.values,
      last: this.last,
      view: this.view,
      baselines: this.task?.baselines(this.config!.seqLength) ?? [],
      divergence: this.divergence,
      backend: this.backend,
      switches: this.switches,
      notices: [
        ...(this.textRefusal ? [this.textRefusal] : []),
        ...this.configNotices,
        ...(this.backend?.skipped ?? []).map((s) => `Backend ${s.name} skipped: ${s.reason}.`)
      ],
      error: this.error,
      reservoir: this.reservoir,
      sample: this.sample,
      timing: {
        msPerStep: this.stepDurations.length
          ? this.stepDurations.reduce((a, b) => a + b, 0) / this.stepDurations.length
          : null,
        stepsPerSecond: this.status === 'running' ? (recent.length * 1000) / span : 0
      }
    });
  }

  /** The active backend lost its device (from `device.lost`): switch before the next step. */
  backendLost(reason: string): void {
    this.deviceLost = reason;
  }

  /** Stop and free the model. */
  dispose(): Promise<void> {
    this.running = false;
    return this.command(async () => {
      await this.stopLoop();
      this.disposeRunner();
      this.listener = null;
    });
  }

  // --- internals --------------------------------------------------------------------------------

  /** The slider's copy of the weights if it still matches the runner's (else it is dropped). */
  private sliderCopy(runner: Runner, batch: Batch): SliderPreview | null {
    const s = this.slider;
    if (s && s.runner === runner && s.updates === runner.updates && s.preview.batch === batch)
      return s.preview;
    this.slider = null;
    return null;
  }

  /**
   * Loss and per-step norms of the display batch for a slider event: from the plain-JavaScript
   * pass on the copy of the weights (read once, when a drag first needs it) where it covers the
   * model, else (or if it fails) from the runner's tfjs pass. The numbers are the same to float32
   * rounding (engine/fast/pass.test.ts, session/preview.test.ts).
   */
  private async measureForSlider(runner: Runner, batch: Batch): Promise<Measurement> {
    if (this.options.fastPreview !== false && this.spec) {
      let copy = this.sliderCopy(runner, batch);
      if (!copy) {
        copy = SliderPreview.create(this.spec, await runner.parameters(), batch);
        if (copy) this.slider = { runner, updates: runner.updates, preview: copy };
      }
      if (copy)
        try {
          return copy.measure();
        } catch {
          this.slider = null;
        }
    }
    return runner.measure(batch);
  }

  private command<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private startLoop(maxSteps: number, paced: boolean): void {
    if (this.loop || this.status === 'diverged' || this.status === 'error' || !this.runner) return;
    if (maxSteps <= 0) return;
    this.running = true;
    this.status = 'running';
    this.publish();
    this.loop = this.runLoop(maxSteps, paced).finally(() => {
      this.loop = null;
    });
  }

  /** Stop the loop (if any) after the step under way. */
  private async stopLoop(): Promise<void> {
    this.running = false;
    if (this.loop) await this.loop;
    if (this.status === 'running') this.status = 'paused';
  }

  private async runLoop(maxSteps: number, paced: boolean): Promise<void> {
    const { now, sleep } = this.env;
    let done = 0;
    let sliceStart = now();
    try {
      while (this.running && done < maxSteps) {
        const frameStart = now();
        const inFrame = paced ? this.options.stepsPerFrame : maxSteps - done;
        for (let i = 0; i < inFrame && this.running && done < maxSteps; i++) {
          const outcome = await this.trainOne();
          if (outcome === 'stop') {
            this.running = false;
            break;
          }
          if (outcome === 'trained') done++;
          if (now() - sliceStart > this.options.sliceMs) {
            await this.publishIfDue();
            await sleep(0);
            sliceStart = now();
          }
        }
        await this.publishIfDue();
        const rest = paced ? frameStart + this.options.frameMs - now() : 0;
        await sleep(Math.max(0, rest));
        sliceStart = now();
      }
    } catch (error) {
      this.fail(error);
    }
    this.running = false;
    if (this.status === 'running') this.status = 'paused';
    await this.publishNow();
  }

  /**
   * One update: `trained`; `switched` when the backend failed and the next one took over (no
   * update made); `stop` when training must stop (divergence, or no backend left).
   */
  private async trainOne(): Promise<'trained' | 'switched' | 'stop'> {
    const { config, task, runner } = this;
    if (!config || !task || !runner) return 'stop';
    const plan = windowPlan(config.windows, config.seed, this.updates);
    const batch = task.batch(
      config.seed,
      plan.index,
      config.seqLength,
      config.batchSize,
      config.windows
    );
    const started = this.env.now();
    let report: StepReport;
    try {
      if (this.deviceLost !== null) throw new DeviceLostError(this.deviceLost);
      if (this.options.simulateDeviceLossAtStep === this.updates + 1 && !this.simulatedLossDone) {
        this.simulatedLossDone = true;
        throw new DeviceLostError(`GPU device lost (simulated at step ${this.updates + 1})`);
      }
      // The weights move: the slider's copy of them is stale from here.
      this.slider = null;
      report = await runner.train(batch, { stateful: plan.stateful });
    } catch (error) {
      return (await this.switchBackend(error)) ? 'switched' : 'stop';
    }
    const duration = this.env.now() - started;
    if (report.nonFinite) {
      this.divergence = divergenceOf(report.nonFinite, this.updates + 1);
      this.status = 'diverged';
      return 'stop';
    }
    this.losses.push(this.updates, report.loss);
    this.gradNorms.push(this.updates, report.gradNormBefore);
    this.gradNormsAfter.push(this.updates, report.gradNormAfter);
    this.clippedSteps.push(this.updates, report.clipped ? 1 : 0);
    this.updates += 1;
    this.last = { ...report, step: this.updates };
    this.stepDurations.push(duration);
    if (this.stepDurations.length > TIMING_STEPS) this.stepDurations.shift();
    const finished = this.env.now();
    this.stepTimes.push(finished);
    while (this.stepTimes.length && this.stepTimes[0] < finished - 1000) this.stepTimes.shift();
    return 'trained';
  }

  /**
   * The backend failed: read the parameters back if it still can (else take the last copy), drop
   * it, start the next backend in the order webgpu → webgl → wasm → cpu, and go on from there.
   * False when no backend is left.
   */
  private async switchBackend(error: unknown): Promise<boolean> {
    const from = this.backend!.active;
    const failedAtStep = this.updates + 1;
    const reason = message(error);
    this.deviceLost = null;
    let kept: Checkpoint | null = null;
    if (!(error instanceof DeviceLostError)) {
      try {
        const params = await withTimeout(this.runner!.parameters(), READBACK_TIMEOUT_MS);
        if (Object.values(params).every((p) => p.values.every(Number.isFinite)))
          kept = { step: this.updates, params };
      } catch {
        // The backend cannot even be read: fall back on the last copy.
      }
    }
    kept ??= this.checkpoint;
    this.disposeRunner();
    try {
      this.env.dropBackend?.(from);
    } catch {
      // Already gone.
    }
    const next = BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(from) + 1);
    let report: BackendReport | null = null;
    const skipped: BackendInfo['skipped'] = [];
    for (const name of next) {
      try {
        const tried = await this.env.selectBackend(name);
        if (next.includes(tried.active)) {
          report = tried;
          break;
        }
      } catch (failure) {
        skipped.push({ name, reason: message(failure) });
      }
    }
    if (!report) {
      this.fail(new Error(`The ${from} backend failed (${reason}) and no backend after it works.`));
      return false;
    }
    this.backend = {
      requested: this.backend!.requested,
      active: report.active,
      adapter: report.adapter,
      skipped: [...this.backend!.skipped, { name: from, reason }, ...skipped, ...report.skipped]
    };
    const resumedFromStep = kept?.step ?? 0;
    this.runner = kept
      ? this.env.runners.fromParameters(this.spec!, kept.params)
      : this.env.runners.create(this.spec!);
    this.updates = resumedFromStep;
    this.last = null;
    this.checkpoint = kept;
    this.switches = [
      ...this.switches,
      { from, to: report.active, failedAtStep, resumedFromStep, reason }
    ];
    this.view = null;
    this.lastInspect = -Infinity;
    return true;
  }

  private fail(error: unknown): void {
    this.status = 'error';
    this.error = message(error);
    this.running = false;
  }

  /**
   * A fresh model from the config's seed, or, with `resume`, the model of a saved run at its
   * step: a new backend if the config asks for another one.
   */
  private async build(input: Config | string, newConfig: boolean, resume?: Resume): Promise<void> {
    this.disposeRunner();
    this.status = 'loading';
    this.error = null;
    /** The quick backend the first look was computed on, if one was. */
    let looked: BackendName | null = null;
    try {
      if (newConfig) {
        const validated = typeof input === 'string' ? decodeHash(input) : validateConfig(input);
        const built = trainingSpec(validated.config);
        const backendChanged = this.config?.backend !== validated.config.backend;
        this.config = validated.config;
        this.configNotices = [...validated.notices, ...built.notices].map((n) => n.message);
        this.task = built.task;
        this.spec = built.spec;
        if (this.config.task === 'chars' && this.customText) {
          // The pasted text has its own vocabulary: the network's input and output sizes follow.
          const size = this.customText.inputSize;
          this.task = this.customText;
          this.spec = {
            ...built.spec,
            network: { ...built.spec.network, inputSize: size, outputSize: size }
          };
        }
        if (backendChanged || !this.backend) {
          looked = WARMS_UP_SLOWLY.includes(this.config.backend) ? await this.firstLook() : null;
          const report = await this.env.selectBackend(this.config.backend);
          this.backend = { ...report, skipped: [...report.skipped] };
          // The first look stays on screen, now with the backend that warms up.
          if (looked) this.publish();
        }
      }
      const config = this.config!;
      this.reservoir = null;
      if (this.task!.pattern === 'reservoir') {
        // No gradient training: the fixed reservoir runs and its readout is solved at once.
        this.reservoir = runEchoStateNetwork(config);
        this.configNotices.push(...this.reservoir.notices.map((n) => n.message));
        this.resetHistory();
        this.status = 'paused';
        await this.publishNow();
        return;
      }
      if (!resume && looked !== null && looked === this.backend?.active && this.runner) {
        // The first look was made on the backend that runs: it is the look.
        this.status = 'paused';
      } else {
        // A fresh model from the same seed on the backend that runs (the same parameters: they
        // are drawn in JavaScript), or the saved run's; the first look stays on screen until
        // this one replaces it.
        this.disposeRunner();
        this.createRunner(config, resume);
        this.resetHistory();
        if (resume) this.resumeHistory(resume);
        this.status = 'paused';
        await this.refreshView();
      }
    } catch (error) {
      this.fail(error);
    }
    await this.publishNow();
  }

  /** The history of a restored run, and its last step as the numbers shown. */
  private resumeHistory({ step, history }: Resume): void {
    for (const entry of history) {
      const at = entry.step - 1;
      this.losses.push(at, entry.loss);
      this.gradNorms.push(at, entry.gradNormBefore);
      this.gradNormsAfter.push(at, entry.gradNormAfter);
      this.clippedSteps.push(at, entry.clipped ? 1 : 0);
    }
    this.updates = step;
    const latest = history.at(-1);
    // The last step's per-time-step norms are not saved: the views show the restored look instead.
    this.last =
      latest && latest.step === step && Number.isFinite(latest.loss)
        ? { ...latest, directions: [], nonFinite: null }
        : null;
  }

  /**
   * The display batch of the config, and a fresh runner from its seed on the current backend (or
   * the saved run's parameters and state, with `resume`).
   */
  private createRunner(config: Config, resume?: Resume): void {
    this.viewBatch = this.task!.batch(
      config.seed,
      VIEW_BATCH_INDEX,
      config.seqLength,
      config.batchSize,
      config.windows
    );
    this.runner = resume
      ? this.env.runners.fromParameters(this.spec!, resume.params, resume.state)
      : this.env.runners.create(this.spec!);
  }

  /**
   * The first picture, at once: a look at the display batch on the first of the quick backends
   * that starts, published with status `loading` (play waits for the backend asked for). Says
   * which backend it ran on; null when there was none to try or none worked (then the first
   * picture waits, as without quick backends).
   */
  private async firstLook(): Promise<BackendName | null> {
    const quick = this.env.quickBackends;
    if (quick.length === 0 || this.task!.pattern === 'reservoir') return null;
    for (const name of quick) {
      try {
        const report = await this.env.selectBackend(name);
        if (!quick.includes(report.active)) continue;
        this.createRunner(this.config!);
        this.resetHistory();
        await this.refreshView();
        // A failure here is the quick backend's, not the one that will train.
        this.deviceLost = null;
        if (!this.view) {
          this.disposeRunner();
          continue;
        }
        this.publish();
        return report.active;
      } catch {
        this.disposeRunner();
      }
    }
    return null;
  }

  private resetHistory(): void {
    this.sample = null;
    this.lastSample = -Infinity;
    this.updates = 0;
    this.losses = new History();
    this.gradNorms = new History();
    this.gradNormsAfter = new History();
    this.clippedSteps = new History();
    this.last = null;
    this.view = null;
    this.divergence = null;
    this.checkpoint = null;
    this.switches = [];
    this.simulatedLossDone = false;
    this.stepDurations = [];
    this.stepTimes = [];
  }

  private disposeRunner(): void {
    this.slider = null;
    try {
      this.runner?.dispose();
    } catch {
      // A lost backend may not free its tensors; they go with it.
    }
    this.runner = null;
  }

  /**
   * Look at the display batch with the current parameters, and keep a copy of the parameters in
   * main memory. A look that is not finite is not shown: the last finite one stays.
   */
  private async refreshView(): Promise<void> {
    const { runner, viewBatch, task, spec } = this;
    if (!runner || !viewBatch || !task || !spec) return;
    const started = this.env.now();
    let looked: [Inspection, ParamArrays];
    try {
      looked = await Promise.all([
        runner.inspect(viewBatch, { batchItem: this.options.batchItem }),
        runner.parameters()
      ]);
    } catch (error) {
      // The backend failed while looking: the next training step switches to another one.
      this.deviceLost ??= message(error);
      return;
    } finally {
      const finished = this.env.now();
      this.inspectCost = finished - started;
      this.lastInspect = finished;
    }
    const [inspection, params] = looked;
    this.checkpoint = { step: this.updates, params };
    await this.drawSample(params);
    if (!inspection.nonFinite || !this.view)
      this.view = makeView({
        step: this.updates,
        batchIndex: VIEW_BATCH_INDEX,
        batch: viewBatch,
        inspection,
        hidden: spec.network.hidden,
        network: {
          cell: spec.network.cell,
          activation: spec.network.activation,
          readout: spec.network.readout,
          peepholes: spec.network.peepholes,
          learnedInitialState: spec.network.learnedInitialState
        },
        task
      });
  }

  /**
   * The character model writes: a free-running sample from its prime, with the config's
   * temperature and seed, at most every {@link SAMPLE_INTERVAL_MS} while training (sampling is
   * one step at a time, so it is not free).
   */
  private async drawSample(params: ParamArrays): Promise<void> {
    const { task, spec, config } = this;
    if (!task || !spec || !config || task.pattern !== 'autoregressive') return;
    const now = this.env.now();
    if (this.running && now - this.lastSample < SAMPLE_INTERVAL_MS) return;
    this.lastSample = now;
    const tensors: Params = {};
    for (const [name, p] of Object.entries(params)) tensors[name] = tf.tensor(p.values, p.shape);
    try {
      this.sample = await sampleText(task as CharTask, spec.network, tensors, {
        length: SAMPLE_LENGTH,
        temperature: config.temperature,
        seed: config.seed + this.updates
      });
    } finally {
      tf.dispose(tensors);
    }
  }

  /** Publish when a display frame is due; look at the display batch again when that is due. */
  private async publishIfDue(): Promise<void> {
    const now = this.env.now();
    if (now - this.lastPublish < this.options.snapshotIntervalMs) return;
    const inspectDue =
      now - this.lastInspect >= Math.max(this.options.inspectIntervalMs, 4 * this.inspectCost);
    if (inspectDue && this.view?.step !== this.updates) await this.refreshView();
    this.publish();
  }

  /** Look again (unless diverged: the last finite look stays) and publish. */
  private async publishNow(): Promise<void> {
    if (this.status !== 'diverged' && this.status !== 'error' && this.view?.step !== this.updates)
      await this.refreshView();
    this.publish();
  }

  /** A snapshot of now, given to the `onSnapshot` listener unless `notify` is false. */
  private publish(notify = true): Snapshot {
    this.lastPublish = this.env.now();
    const snapshot = this.snapshot();
    if (notify) this.listener?.(snapshot);
    return snapshot;
  }
}

function clampSteps(n: number | undefined): number {
  const value = Math.floor(Number(n));
  return Number.isFinite(value) ? Math.min(1000, Math.max(1, value)) : DEFAULTS.stepsPerFrame;
}
