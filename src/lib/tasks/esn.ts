import type { Config, Notice } from '$lib/config';
import {
  createReservoir,
  echoStateDistance,
  evaluateEchoStateNetwork,
  normalizedRootMeanSquaredError
} from '$lib/engine/esn';
import {
  mackeyGlassBaselines,
  mackeyGlassBatch,
  mackeyGlassMetrics,
  mackeyGlassStream,
  seriesPrediction
} from './mackey-glass';
import type { Task } from './task';

/** ρ used when the config's spectral radius is off (null): the usual choice just below 1. */
export const ESN_DEFAULT_SPECTRAL_RADIUS = 0.9;

/** Steps of the run: washout (not fitted), training stretch, held-out test stretch. */
export const ESN_WASHOUT = 100;
export const ESN_TRAIN_LENGTH = 2000;
export const ESN_TEST_LENGTH = 500;
/** Steps of the two-initial-state (echo state property) run. */
export const ESN_ESP_STEPS = 500;

/** The knobs an echo state network reads from the config. */
export type EchoStateConfig = Pick<
  Config,
  'hidden' | 'spectralRadius' | 'leakRate' | 'inputScaling' | 'ridge' | 'seed'
>;

export interface EchoStateOptions {
  washout?: number;
  trainLength?: number;
  testLength?: number;
  espSteps?: number;
}

/** Everything the ESN view shows, as plain data (no tensors). */
export interface EchoStateRun {
  /** The settings the run used (ρ filled in when the config had it off). */
  settings: {
    hidden: number;
    spectralRadius: number;
    leakRate: number;
    inputScaling: number;
    ridge: number;
    seed: number;
    washout: number;
    trainLength: number;
    testLength: number;
  };
  notices: Notice[];
  /** NRMSE = RMSE / std(target) of the one-step prediction on the held-out test stretch. */
  nrmse: number;
  /** Test-stretch MSE, in the normalized units of the Mackey–Glass task. */
  mse: number;
  /** NRMSE on the training stretch. */
  trainNrmse: number;
  /** Trivial predictors on the same test stretch. */
  baselines: { label: string; nrmse: number; loss: number }[];
  /** Test stretch: input u_t, target u_{t+1}, ESN output. */
  prediction: { kind: 'series'; input: number[]; target: number[]; output: number[] };
  /** ||x_t||₂ over washout + train + test steps. */
  stateNorms: Float32Array;
  /** Where the training and test stretches start in `stateNorms`. */
  trainFrom: number;
  testFrom: number;
  /** RMS distance per unit between two runs from different initial states, per step. */
  echoStateDistance: Float32Array;
  /** That distance before the first step. */
  echoStateInitialDistance: number;
  /** Eigenvalues of W (re, im), and the largest |λ| = ρ. */
  eigenvalues: { re: Float32Array; im: Float32Array };
  spectralRadius: number;
  /** W_out: bias, input, then one weight per reservoir unit. */
  readout: Float32Array;
}

/**
 * Fits and evaluates an echo state network on one-step Mackey–Glass prediction, from the config.
 *
 * Data: stream 0 of the `mackey-glass` task with the config's seed (so the same numbers as that
 * task's batches): u_t = x(1000 + t) − 1, target y*_t = u_{t+1}. The reservoir (config `hidden`,
 * `spectralRadius` ρ — 0.9 when off —, `leakRate`, `inputScaling`, seed) is driven from zeros;
 * the readout on [1; u_t; x_t] is fitted by ridge regression (`ridge`) on steps 100 … 2099 and
 * scored on the next 500 (teacher-forced). The echo state property curve drives two copies from
 * two random initial states with the first 500 inputs.
 */
export function runEchoStateNetwork(
  config: EchoStateConfig,
  options: EchoStateOptions = {}
): EchoStateRun {
  const notices: Notice[] = [];
  let spectralRadius = config.spectralRadius;
  if (spectralRadius === null) {
    spectralRadius = ESN_DEFAULT_SPECTRAL_RADIUS;
    notices.push({
      key: 'spectralRadius',
      kind: 'adjusted',
      message: `An echo state network needs a spectral radius; using ρ=${ESN_DEFAULT_SPECTRAL_RADIUS}.`
    });
  }
  const washout = options.washout ?? ESN_WASHOUT;
  const trainLength = options.trainLength ?? ESN_TRAIN_LENGTH;
  const testLength = options.testLength ?? ESN_TEST_LENGTH;
  const espSteps = options.espSteps ?? ESN_ESP_STEPS;
  const length = washout + trainLength + testLength;

  const series = mackeyGlassStream(config.seed, 0).read(0, Math.max(length, espSteps) + 1);
  const inputs = series.subarray(0, length);
  const targets = series.subarray(1, length + 1);

  const reservoir = createReservoir({
    hidden: config.hidden,
    inputSize: 1,
    spectralRadius,
    leakRate: config.leakRate,
    inputScaling: config.inputScaling,
    seed: config.seed
  });
  const evaluation = evaluateEchoStateNetwork(reservoir, inputs, targets, 1, {
    washout,
    trainLength,
    testLength,
    ridge: config.ridge
  });
  const esp = echoStateDistance(reservoir, series, espSteps, config.seed);

  const testFrom = washout + trainLength;
  const testInputs = inputs.subarray(testFrom, length);
  const testTargets = targets.subarray(testFrom, length);
  let mse = 0;
  for (let t = 0; t < testLength; t++) mse += (evaluation.testOutput[t] - testTargets[t]) ** 2;
  mse /= testLength;
  let trainMean = 0;
  for (let t = washout; t < testFrom; t++) trainMean += targets[t];
  trainMean /= trainLength;
  const baseline = (label: string, output: ArrayLike<number>) => {
    let loss = 0;
    for (let t = 0; t < testLength; t++) loss += (output[t] - testTargets[t]) ** 2;
    return {
      label,
      nrmse: normalizedRootMeanSquaredError(output, testTargets),
      loss: loss / testLength
    };
  };

  let radius = 0;
  for (let i = 0; i < reservoir.hidden; i++)
    radius = Math.max(radius, Math.hypot(reservoir.eigenvalues.re[i], reservoir.eigenvalues.im[i]));

  return {
    settings: {
      hidden: config.hidden,
      spectralRadius,
      leakRate: config.leakRate,
      inputScaling: config.inputScaling,
      ridge: config.ridge,
      seed: config.seed,
      washout,
      trainLength,
      testLength
    },
    notices,
    nrmse: evaluation.testNrmse,
    mse,
    trainNrmse: evaluation.trainNrmse,
    baselines: [
      baseline('repeat the last value', testInputs),
      baseline('always answer the training mean', new Float64Array(testLength).fill(trainMean))
    ],
    prediction: {
      kind: 'series',
      input: Array.from(testInputs),
      target: Array.from(testTargets),
      output: Array.from(evaluation.testOutput)
    },
    stateNorms: Float32Array.from(evaluation.stateNorms),
    trainFrom: washout,
    testFrom,
    echoStateDistance: Float32Array.from(esp.distance),
    echoStateInitialDistance: esp.initial,
    eigenvalues: {
      re: Float32Array.from(reservoir.eigenvalues.re),
      im: Float32Array.from(reservoir.eigenvalues.im)
    },
    spectralRadius: radius,
    readout: Float32Array.from(evaluation.readout)
  };
}

/**
 * Echo state network on Mackey–Glass (pattern `reservoir`): there is no gradient training, so a
 * session runs it with `runEchoStateNetwork(config)` instead of the trainer. `batch` still gives
 * the data (the `mackey-glass` task's windows: same seed, same numbers), and `metrics`,
 * `baselines` and `prediction` score and draw an output on it like any series task.
 */
export const esnTask: Task = {
  name: 'esn',
  pattern: 'reservoir',
  description:
    'Predict the next value of the Mackey–Glass series with a fixed random reservoir and a readout fitted in one step.',
  teaches:
    'Reservoir computing: only the readout is learned, by ridge regression, and it works only while the reservoir forgets its initial state (the echo state property, lost when the spectral radius is well above 1).',
  inputSize: 1,
  outputSize: 1,
  loss: 'mse',
  readouts: ['step'],
  batch: mackeyGlassBatch,
  metrics: mackeyGlassMetrics,
  baselines: mackeyGlassBaselines,
  prediction: seriesPrediction
};
