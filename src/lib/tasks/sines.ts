import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { meanSquaredError } from './task';
import type { Task, Windows } from './task';

/** Noise added to the inputs (not the targets): standard deviation σ. */
export const SINES_NOISE = 0.05;
/** Amplitude a_j of each component, uniform on this range. */
export const SINES_AMPLITUDE: readonly [number, number] = [0.2, 0.6];
/** Angular frequency ω_j of each component, uniform on this range (radians per step). */
export const SINES_FREQUENCY: readonly [number, number] = [0.1, 0.8];
/** How many sines a stream sums: 2 or 3, equally likely. */
export const SINES_COMPONENTS: readonly number[] = [2, 3];

/** The components of one stream: s(τ) = Σ_j a_j sin(ω_j τ + φ_j). */
export interface SineComponent {
  amplitude: number;
  frequency: number;
  phase: number;
}

/**
 * The sines of stream b of a run with this seed, drawn from `Random('sines:seed:stream:b')` in
 * order: the number of components, then amplitude, frequency and phase of each.
 */
export function streamComponents(seed: number, b: number): SineComponent[] {
  const random = new Random(`sines:${seed}:stream:${b}`);
  const count = SINES_COMPONENTS[random.int(SINES_COMPONENTS.length)];
  return Array.from({ length: count }, () => ({
    amplitude: random.between(SINES_AMPLITUDE[0], SINES_AMPLITUDE[1]),
    frequency: random.between(SINES_FREQUENCY[0], SINES_FREQUENCY[1]),
    phase: random.between(0, 2 * Math.PI)
  }));
}

function signal(components: SineComponent[], time: number): number {
  let value = 0;
  for (const c of components) value += c.amplitude * Math.sin(c.frequency * time + c.phase);
  return value;
}

/**
 * Next value of a noisy sum of sines (many-to-many, aligned). Stream b is one endless signal
 *   s_b(τ) = Σ_j a_j sin(ω_j τ + φ_j),  j = 1 … J_b,  J_b ∈ {2, 3},
 * a_j ~ U[0.2, 0.6], ω_j ~ U[0.1, 0.8], φ_j ~ U[0, 2π), drawn once per (seed, b) by
 * {@link streamComponents}. Batch `index` is window `index` of every stream: global times
 * τ = index·T + t for t = 0 … T−1, with
 *   x_t = s_b(τ) + ε_τ,  ε_τ ~ N(0, 0.05²) (from `Random('sines:seed:index')`, item by item),
 *   y*_t = s_b(τ + 1)   (clean).
 * So window `index` of stream b continues exactly where window `index − 1` ended: with
 * `windows=stream` the carried state is the state of the same signal one step earlier. With
 * independent or shuffled windows the network sees the same B signals at other times and must
 * pick the phase up again from each window's first steps.
 */
export const sinesTask: Task = {
  name: 'sines',
  pattern: 'many-to-many (aligned)',
  description: 'Predict the next value of a noisy sum of two or three sine waves.',
  teaches:
    'Series prediction with more than one rhythm: to beat "repeat the last value" the network ' +
    'must track several oscillations at once in its state. Train on windows of one long stream ' +
    'with the state carried (truncated BPTT) and compare with resetting it at every window.',
  inputSize: 1,
  outputSize: 1,
  loss: 'mse',
  readouts: ['step'],
  /**
   * Default and `stream`/`shuffled`: window `index` of stream b (time index·T … ). With
   * `sequences`: B fresh signals per batch (streams index·B + b, from time 0).
   */
  batch(seed: number, index: number, T: number, B: number, windows?: Windows): Batch {
    const fresh = windows === 'sequences';
    const noise = new Random(`sines:${seed}:${index}`);
    const x = new Float32Array(T * B);
    const target = new Float32Array(T * B);
    for (let b = 0; b < B; b++) {
      const components = streamComponents(seed, fresh ? index * B + b : b);
      for (let t = 0; t < T; t++) {
        const time = fresh ? t : index * T + t;
        x[t * B + b] = signal(components, time) + SINES_NOISE * noise.normal();
        target[t * B + b] = signal(components, time + 1);
      }
    }
    return { T, B, x, target };
  },
  metrics(batch, output) {
    return { mse: meanSquaredError(output, batch.target) };
  },
  baselines() {
    const { repeatLast, answerZero } = sinesBaselines();
    return [
      { label: 'repeat the last value', loss: repeatLast },
      { label: 'always answer 0', loss: answerZero }
    ];
  },
  prediction(batch, output, item) {
    const pick = (a: Float32Array) =>
      Array.from({ length: batch.T }, (_, t) => a[t * batch.B + item]);
    return {
      kind: 'series',
      input: pick(batch.x),
      target: pick(batch.target),
      output: pick(output)
    };
  }
};

/**
 * Expected MSEs, in closed form, over the random streams (phases uniform and independent, so the
 * cross terms between components average out):
 * - repeat the last value: y*_t − x_t = Σ_j a_j (sin(ω_j(τ+1) + φ_j) − sin(ω_j τ + φ_j)) − ε_τ, and
 *   E[(sin(ω(τ+1)+φ) − sin(ωτ+φ))²] = 2 sin²(ω/2) = 1 − cos ω, so
 *   MSE = E[J] · E[a²] · (1 − E[cos ω]) + σ²;
 * - always answer 0: MSE = E[s²] = E[J] · E[a²] / 2.
 * With a ~ U[p, q]: E[a²] = (q³ − p³) / (3(q − p)); with ω ~ U[p, q]: E[cos ω] = (sin q − sin p)/(q − p).
 */
export function sinesBaselines(): { repeatLast: number; answerZero: number } {
  const meanCount = SINES_COMPONENTS.reduce((a, b) => a + b, 0) / SINES_COMPONENTS.length;
  const [aLow, aHigh] = SINES_AMPLITUDE;
  const meanSquare = (aHigh ** 3 - aLow ** 3) / (3 * (aHigh - aLow));
  const [wLow, wHigh] = SINES_FREQUENCY;
  const meanCos = (Math.sin(wHigh) - Math.sin(wLow)) / (wHigh - wLow);
  return {
    repeatLast: meanCount * meanSquare * (1 - meanCos) + SINES_NOISE ** 2,
    answerZero: (meanCount * meanSquare) / 2
  };
}
