/**
 * The page side of `npm run bench`: times training steps of the engine and of tf.layers on the
 * backend the page was started with. scripts/bench.mjs loads this page in headless Chromium and
 * calls `window.bench` through Playwright, one table row at a time.
 *
 * The kinds of a row are timed interleaved, one step of each per round, so that a machine whose
 * load changes (other processes, thermal state) slows all of them alike and their ratio holds.
 * Each timed step is the step itself, which awaits its own readback (the engine's loss and norms,
 * tf.layers' loss), then a barrier: a one-number readback of a GPU-resident tensor, which returns
 * only when everything queued before it has run. The engine applies Adam after its readback; the
 * barrier puts that work in the step that queued it rather than in whichever step comes next.
 */
/// <reference types="vite/client" />
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
// tf.layers calls chained tensor methods (`x.flatten()`); the @tensorflow/tfjs union package
// registers them, tfjs-core alone does not.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { selectBackend } from '../../src/lib/engine/backend';
import { Trainer } from '../../src/lib/engine/trainer';
import type { Batch, TrainingSpec } from '../../src/lib/engine/trainer';
import type { BackendName, CellType } from '../../src/lib/engine/types';

/** One model size and sequence shape. */
export interface BenchShape {
  cell: CellType;
  hidden: number;
  /** Sequence length T. */
  steps: number;
  /** Batch size B. */
  batch: number;
}

/**
 * What is timed: the engine's full training step (`train`), its forward + backward + norms without
 * the update (`measure`), or tf.layers' `trainOnBatch` on the same shape (`layers`).
 */
export type BenchKind = 'train' | 'measure' | 'layers';

/** How long to time one table row. */
export interface TimingBudget {
  /** Untimed rounds first (the first one compiles shaders); fewer if they eat the budget. */
  warmupSteps: number;
  /** At most this many timed rounds. */
  maxSteps: number;
  /**
   * Stop once warm-up and timed rounds together have taken this long (at least one timed round;
   * the first round, which compiles, is not counted).
   */
  budgetMs: number;
}

export interface Timing {
  /** Median of the timed steps, ms. */
  medianMs: number;
  minMs: number;
  /** Timed steps. */
  steps: number;
  warmupSteps: number;
  /** The very first step (shader compilation, kernel setup included), ms. */
  firstStepMs: number;
}

/** A row's timings by kind, and what it leaked. */
export interface RowTiming {
  timings: Partial<Record<BenchKind, Timing>>;
  /** Tensors left behind per timed round, all kinds together (0 unless something leaks). */
  leakedTensorsPerRound: number;
}

export interface BackendInfo {
  requested: BackendName;
  /** False when the backend could not start (selectBackend fell back to another). */
  available: boolean;
  reason?: string;
  /** What the WebGPU adapter or WebGL renderer says of itself; the wasm build used. */
  details?: string;
}

const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl
};

async function webGpuAdapterInfo(): Promise<string> {
  const gpu = (
    navigator as Navigator & {
      gpu?: {
        requestAdapter(): Promise<{
          info?: { vendor?: string; architecture?: string; device?: string; description?: string };
        } | null>;
      };
    }
  ).gpu;
  const adapter = await gpu?.requestAdapter();
  const info = adapter?.info;
  if (!info) return 'unknown adapter';
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(Boolean);
  return `adapter ${parts.join(' / ') || 'unknown'}`;
}

function webGlRenderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'no WebGL2 context';
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = debug
    ? gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)
    : gl.getParameter(gl.RENDERER);
  return `WebGL2, renderer ${String(renderer)}`;
}

async function init(requested: BackendName): Promise<BackendInfo> {
  let report;
  try {
    report = await selectBackend(requested, { wasmPaths: WASM_PATHS });
  } catch (error) {
    return { requested, available: false, reason: String(error) };
  }
  if (report.active !== requested)
    return {
      requested,
      available: false,
      reason: report.skipped.find((s) => s.name === requested)?.reason ?? 'unavailable'
    };
  let details: string | undefined;
  if (requested === 'webgpu') details = await webGpuAdapterInfo();
  else if (requested === 'webgl') details = webGlRenderer();
  else if (requested === 'cpu') details = 'plain JavaScript kernels';
  else if (requested === 'wasm') {
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    details = `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'multithreaded' : 'single thread (the page is not cross-origin isolated)'}`;
  }
  return { requested, available: true, details };
}

/** x_t = sin(0.3 t + b), target x_{t+1}: the same numbers for both implementations. */
function makeBatch(shape: BenchShape): Batch {
  const { steps: T, batch: B } = shape;
  const x = new Float32Array(T * B);
  const target = new Float32Array(T * B);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++) {
      x[t * B + b] = Math.sin(0.3 * t + b);
      target[t * B + b] = Math.sin(0.3 * (t + 1) + b);
    }
  return { T, B, x, target };
}

/** The app's defaults: one layer, tanh, per-step readout, Adam, clipping by global norm. */
function engineSpec(shape: BenchShape): TrainingSpec {
  return {
    network: {
      cell: shape.cell,
      activation: 'tanh',
      inputSize: 1,
      hidden: shape.hidden,
      layers: 1,
      bidirectional: false,
      readout: 'step',
      outputSize: 1,
      peepholes: false
    },
    init: {
      recurrent: 'orthogonal',
      input: 'glorot-uniform',
      gainSquared: 1,
      spectralRadius: null,
      forgetBias: 1,
      seed: 1
    },
    optimizer: 'adam',
    learningRate: 0.01,
    clipping: 'norm',
    clipThreshold: 1,
    truncation: 0,
    loss: 'mse'
  };
}

/**
 * The tf.layers reference: recurrent layer (return_sequences) + timeDistributed dense, Adam, MSE.
 * The gates use the logistic sigmoid, as the engine does (tf.layers' default is the hard sigmoid).
 * The recurrent kernel starts glorot-uniform, not orthogonal: tf.layers' orthogonal initializer runs
 * a QR decomposition op by op on the active backend, minutes of shader compiles on SwiftShader for
 * hidden 128, and the starting values do not change what a step costs.
 */
function layersModel(shape: BenchShape): tfl.Sequential {
  const recurrentArgs = {
    units: shape.hidden,
    returnSequences: true,
    inputShape: [shape.steps, 1],
    recurrentInitializer: 'glorotUniform' as const
  };
  const recurrent =
    shape.cell === 'rnn'
      ? tfl.layers.simpleRNN({ ...recurrentArgs, activation: 'tanh' })
      : shape.cell === 'lstm'
        ? tfl.layers.lstm({ ...recurrentArgs, recurrentActivation: 'sigmoid' })
        : tfl.layers.gru({ ...recurrentArgs, recurrentActivation: 'sigmoid' });
  const model = tfl.sequential({
    layers: [recurrent, tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 1 }) })]
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  return model;
}

/** Batch-major [B, T, 1] copy of a time-major [T, B, 1] array, for tf.layers. */
function batchMajor(values: Float32Array, T: number, B: number): tf.Tensor3D {
  const out = new Float32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) out[b * T + t] = values[t * B + b];
  return tf.tensor3d(out, [B, T, 1]);
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** One kind's step, ready to run, and how to free what it holds. */
interface Stepper {
  step: () => Promise<unknown>;
  dispose: () => void;
}

function makeStepper(
  kind: BenchKind,
  shape: BenchShape,
  overrides: Partial<TrainingSpec> = {}
): Stepper {
  const batch = makeBatch(shape);
  if (kind === 'layers') {
    const model = layersModel(shape);
    const xs = batchMajor(batch.x, batch.T, batch.B);
    const ys = batchMajor(batch.target, batch.T, batch.B);
    return {
      step: () => model.trainOnBatch(xs, ys),
      dispose: () => {
        tf.dispose([xs, ys]);
        model.optimizer.dispose();
        model.dispose();
      }
    };
  }
  const trainer = Trainer.create({ ...engineSpec(shape), ...overrides });
  return {
    step: () => (kind === 'train' ? trainer.train(batch) : trainer.measure(batch)),
    dispose: () => trainer.dispose()
  };
}

/**
 * Waits until the backend has run everything queued so far. The probe is computed on the device
 * from a tensor that lives there (large enough that webgl and webgpu do not forward it to the CPU),
 * so its readback waits behind all earlier GPU work.
 */
async function barrier(anchor: tf.Tensor): Promise<void> {
  const probe = tf.sum(anchor);
  await probe.data();
  probe.dispose();
}

/**
 * Times `kinds` on `shape`, interleaved. `overrides` change the engine's spec (e.g.
 * `{ clipping: 'off' }`) to split a step's cost by part when investigating; the table uses none.
 */
async function timeRow(
  shape: BenchShape,
  budget: TimingBudget,
  kinds: BenchKind[] = ['train', 'measure', 'layers'],
  overrides: Partial<TrainingSpec> = {}
): Promise<RowTiming> {
  const anchor = tf.tidy(() => tf.add(tf.fill([4096], 1), 1));
  const steppers: Stepper[] = [];
  try {
    for (const kind of kinds) steppers.push(makeStepper(kind, shape, overrides));
    const timed = async (stepper: Stepper) => {
      const t0 = performance.now();
      await stepper.step();
      await barrier(anchor);
      return performance.now() - t0;
    };
    // The first round compiles shaders and sets kernels up: reported, never counted in the budget.
    const firstStepMs: number[] = [];
    for (const stepper of steppers) firstStepMs.push(await timed(stepper));
    const firstRoundMs = firstStepMs.reduce((a, b) => a + b, 0);
    const start = performance.now();
    let warmupSteps = 1;
    // More warm-up rounds, unless they would eat a large part of the budget: where one round takes
    // longer than the whole budget, the first round is all the warm-up there is.
    while (
      warmupSteps < budget.warmupSteps &&
      firstRoundMs < budget.budgetMs &&
      performance.now() - start < budget.budgetMs / 4
    ) {
      for (const stepper of steppers) await timed(stepper);
      warmupSteps++;
    }
    const tensorsBefore = tf.memory().numTensors;
    const times: number[][] = kinds.map(() => []);
    let rounds = 0;
    while (
      rounds < budget.maxSteps &&
      (rounds === 0 || performance.now() - start < budget.budgetMs)
    ) {
      for (let k = 0; k < steppers.length; k++) times[k].push(await timed(steppers[k]));
      rounds++;
    }
    const leaked = tf.memory().numTensors - tensorsBefore;
    const timings: Partial<Record<BenchKind, Timing>> = {};
    kinds.forEach((kind, k) => {
      const sorted = [...times[k]].sort((a, b) => a - b);
      timings[kind] = {
        medianMs: median(sorted),
        minMs: sorted[0],
        steps: sorted.length,
        warmupSteps,
        firstStepMs: firstStepMs[k]
      };
    });
    return { timings, leakedTensorsPerRound: leaked / rounds };
  } finally {
    for (const stepper of steppers) stepper.dispose();
    anchor.dispose();
  }
}

/** Kernel launches of one kind in a profiled step. */
export interface KernelCount {
  name: string;
  count: number;
  /** Summed kernel time, ms, where the backend can time kernels (cpu, wasm; not SwiftShader GPUs). */
  ms?: number;
}

/** One step, profiled: what it launches and uploads. */
export interface StepProfile {
  /** Wall time of the profiled step, ms (profiling slows it down). */
  wallMs: number;
  /** Kernel launches (GPU dispatches or CPU kernel calls). */
  kernels: number;
  /** Tensors made from JS values: inputs, `tf.zeros`, and a scalar for every JS number an op is given. */
  uploads: number;
  /** Of those, scalars. */
  scalarUploads: number;
  /** Summed kernel time, ms, where available. */
  kernelMs?: number;
  /** By kernel name, most time (else most launches) first. */
  byKernel: KernelCount[];
  /** By kernel name and input shapes (`BatchMatMul [32,128]×[512,128]`), the 12 longest. */
  slowest: KernelCount[];
}

/**
 * Counts the tensors made from JS values (`engine.makeTensor`: inputs, `tf.zeros`, and a scalar for
 * every JS number handed to an op) while `run` runs. On webgl and webgpu each is an upload.
 */
async function countUploads<T>(
  run: () => Promise<T>
): Promise<{ result: T; uploads: number; scalarUploads: number }> {
  const engine = tf.engine() as unknown as {
    makeTensor: (values: unknown, shape: number[], ...rest: unknown[]) => tf.Tensor;
  };
  const makeTensor = engine.makeTensor;
  let uploads = 0;
  let scalarUploads = 0;
  engine.makeTensor = (values, shape, ...rest) => {
    uploads++;
    if (shape.every((d) => d === 1)) scalarUploads++;
    return makeTensor.call(engine, values, shape, ...rest);
  };
  try {
    return { result: await run(), uploads, scalarUploads };
  } finally {
    engine.makeTensor = makeTensor;
  }
}

/** Input shapes as `[32,128]×[512,128]`; a run of equal shapes as `100×[32,128]`. */
function shapesLabel(shapes: (number[] | null)[]): string {
  const parts: string[] = [];
  for (let i = 0; i < shapes.length;) {
    const label = `[${shapes[i] ?? ''}]`;
    let j = i + 1;
    while (j < shapes.length && `[${shapes[j] ?? ''}]` === label) j++;
    parts.push(j - i > 1 ? `${j - i}×${label}` : label);
    i = j;
  }
  return parts.join('×');
}

/** Kernels launched and tensors uploaded by one step, after two warm-up steps. */
async function profile(kind: BenchKind, shape: BenchShape): Promise<StepProfile> {
  const { step, dispose } = makeStepper(kind, shape);
  try {
    await step();
    await step();
    const t0 = performance.now();
    const {
      result: info,
      uploads,
      scalarUploads
    } = await countUploads(() =>
      tf.profile(async () => {
        await step();
      })
    );
    const wallMs = performance.now() - t0;
    const byName = new Map<string, KernelCount>();
    const byShape = new Map<string, KernelCount>();
    let kernelMs: number | undefined = 0;
    const add = (groups: Map<string, KernelCount>, name: string, ms: number | undefined) => {
      const entry = groups.get(name) ?? { name, count: 0, ms: 0 };
      entry.count++;
      entry.ms = ms === undefined || entry.ms === undefined ? undefined : entry.ms + ms;
      groups.set(name, entry);
    };
    for (const kernel of info.kernels) {
      const ms = typeof kernel.kernelTimeMs === 'number' ? kernel.kernelTimeMs : undefined;
      kernelMs = ms === undefined || kernelMs === undefined ? undefined : kernelMs + ms;
      add(byName, kernel.name, ms);
      add(byShape, `${kernel.name} ${shapesLabel(kernel.inputShapes)}`, ms);
    }
    const byTime = (a: KernelCount, b: KernelCount) =>
      (b.ms ?? 0) - (a.ms ?? 0) || b.count - a.count;
    const byKernel = [...byName.values()].sort(byTime);
    const slowest = [...byShape.values()].sort(byTime).slice(0, 12);
    return {
      wallMs,
      kernels: info.kernels.length,
      uploads,
      scalarUploads,
      kernelMs,
      byKernel,
      slowest
    };
  } finally {
    dispose();
  }
}

/** `tf` too, for ad-hoc experiments from the Playwright side (`window.bench.tf`). */
const bench = { init, timeRow, profile, tf };
export type BenchApi = typeof bench;
(window as unknown as { bench: BenchApi }).bench = bench;
document.title = 'bench ready';
