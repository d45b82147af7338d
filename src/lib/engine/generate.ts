/**
 * Sampling text from a trained character model, one step at a time, carrying the recurrent state:
 * the prime is run through the network once, then each sampled token is fed back in as a one-hot
 * input x_t ∈ {0, 1}^V for the next step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { forward } from './network';
import type { Params, State } from './network';
import { Random } from './random';
import type { NetworkSpec } from './types';

/**
 * At or below this temperature, sampling is greedy: the next token is argmax_i y_i (the first one
 * on ties), with no random draw. It is also the lowest temperature the config allows.
 */
export const GREEDY_TEMPERATURE = 0.05;

export interface SampleOptions {
  /** Token ids to start from (at least one); their outputs are not returned. */
  prime: readonly number[];
  /** Number of tokens to sample after the prime. */
  length: number;
  /** τ > 0: the next token is drawn from softmax(y / τ); τ ≤ {@link GREEDY_TEMPERATURE} is argmax. */
  temperature: number;
  /** Seed of the draws: the same seed, parameters and options give the same tokens. */
  seed: number | string;
  /** V: the one-hot input width and the number of output logits. */
  vocabSize: number;
}

/**
 * Index drawn from softmax(logits / τ) with one uniform draw u ∈ [0, 1): the first i whose
 * cumulative probability exceeds u. Greedy (argmax, no draw) for τ ≤ {@link GREEDY_TEMPERATURE}.
 * Computed in float64 with the maximum subtracted first.
 */
export function drawToken(logits: ArrayLike<number>, temperature: number, random: Random): number {
  const n = logits.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= GREEDY_TEMPERATURE) return best;
  const weights = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    weights[i] = Math.exp((logits[i] - logits[best]) / temperature);
    total += weights[i];
  }
  const u = random.uniform() * total;
  let cumulative = 0;
  let last = best;
  for (let i = 0; i < n; i++) {
    if (weights[i] === 0) continue;
    cumulative += weights[i];
    last = i;
    if (u < cumulative) return i;
  }
  return last; // u rounded up to the total
}

function checkOptions(spec: NetworkSpec, options: SampleOptions): void {
  const { prime, length, temperature, vocabSize } = options;
  if (spec.readout !== 'step')
    throw new Error('Sampling needs an output at every step (readout=step).');
  if (spec.bidirectional)
    throw new Error('A bidirectional network reads the future, so it cannot generate text.');
  if (spec.inputSize !== vocabSize || spec.outputSize !== vocabSize)
    throw new Error(
      `The network's input and output sizes (${spec.inputSize}, ${spec.outputSize}) must both be the vocabulary size ${vocabSize}.`
    );
  if (prime.length === 0) throw new Error('Sampling needs at least one token to start from.');
  for (const id of prime)
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new Error(`Token id ${id} is not in the vocabulary 0 … ${vocabSize - 1}.`);
  if (!Number.isInteger(length) || length < 0)
    throw new Error(`The sample length must be a whole number ≥ 0, not ${length}.`);
  if (!(temperature > 0) || !Number.isFinite(temperature))
    throw new Error(`The temperature must be a positive number, not ${temperature}.`);
}

/**
 * Samples `length` token ids after `prime`. The prime goes through the network in one pass (from
 * the network's initial state: zeros or learned); the final state of that pass and the logits y
 * of its last step start the loop, in which each token drawn from softmax(y / τ) with the seeded
 * {@link Random} is fed back as the next one-hot input, one step at a time, the state carried.
 * Every tensor it makes is disposed.
 */
export async function sample(
  spec: NetworkSpec,
  params: Params,
  options: SampleOptions
): Promise<number[]> {
  checkOptions(spec, options);
  const { prime, length, temperature, vocabSize: V } = options;
  const random = new Random(`sample:${options.seed}`);
  let state: Record<string, State> | undefined;

  /** Runs ids [T] as a batch of one; keeps the last step's logits [V] and the final state. */
  const run = async (ids: readonly number[]): Promise<Float32Array> => {
    let logits: tf.Tensor | undefined;
    let next: Record<string, State> = {};
    tf.tidy(() => {
      const T = ids.length;
      const x = tf.reshape(tf.oneHot(tf.tensor1d(Array.from(ids), 'int32'), V), [T, 1, V]);
      const pass = forward(spec, params, tf.cast(x, 'float32'), {
        truncation: 0,
        initialState: state
      });
      logits = tf.keep(tf.reshape(tf.slice(pass.output, [T - 1, 0, 0], [1, 1, V]), [V]));
      next = Object.fromEntries(
        Object.entries(pass.finalState).map(([suffix, s]) => [
          suffix,
          { h: tf.keep(s.h), c: s.c && tf.keep(s.c) }
        ])
      );
    });
    if (state) disposeState(state);
    state = next;
    const values = (await logits!.data()) as Float32Array;
    logits!.dispose();
    return values;
  };

  const out: number[] = [];
  try {
    let logits = await run(prime);
    for (let i = 0; i < length; i++) {
      const id = drawToken(logits, temperature, random);
      out.push(id);
      if (i < length - 1) logits = await run([id]);
    }
  } finally {
    if (state) disposeState(state);
  }
  return out;
}

function disposeState(state: Record<string, State>): void {
  for (const s of Object.values(state)) {
    s.h.dispose();
    s.c?.dispose();
  }
}
