import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import { meanSquaredError } from './task';
import type { Task } from './task';

/** Noise added to the inputs (not the targets): standard deviation. */
export const SINE_NOISE = 0.05;
/** Angular frequency ω is drawn uniformly from this range, per sequence (radians per step). */
export const SINE_FREQUENCY: readonly [number, number] = [0.2, 0.6];

/**
 * Next value of a noisy sine (many-to-many, aligned). Each sequence b draws ω_b ~ U[0.2, 0.6] and
 * a phase φ_b ~ U[0, 2π); then for t = 0 … T−1
 *   x_t = sin(ω_b t + φ_b) + ε_t,  ε_t ~ N(0, 0.05²),    y*_t = sin(ω_b (t + 1) + φ_b).
 * The network must infer the frequency from what it has seen to predict the next value.
 */
export const sineTask: Task = {
  name: 'sine',
  pattern: 'many-to-many (aligned)',
  description: 'Predict the next value of a noisy sine wave of unknown frequency and phase.',
  teaches:
    'Series prediction, many-to-many and aligned: an output at every step, from the past alone.',
  inputSize: 1,
  outputSize: 1,
  loss: 'mse',
  readouts: ['step'],
  batch(seed: number, index: number, T: number, B: number): Batch {
    const random = new Random(`sine:${seed}:${index}`);
    const x = new Float32Array(T * B);
    const target = new Float32Array(T * B);
    for (let b = 0; b < B; b++) {
      const omega = random.between(SINE_FREQUENCY[0], SINE_FREQUENCY[1]);
      const phase = random.between(0, 2 * Math.PI);
      for (let t = 0; t < T; t++) {
        x[t * B + b] = Math.sin(omega * t + phase) + SINE_NOISE * random.normal();
        target[t * B + b] = Math.sin(omega * (t + 1) + phase);
      }
    }
    return { T, B, x, target };
  },
  metrics(batch, output) {
    return { mse: meanSquaredError(output, batch.target) };
  },
  baselines() {
    // Repeating the last input: E[(sin(ω(t+1)+φ) − sin(ωt+φ) − ε)²] averaged over ω ~ U[0.2, 0.6].
    return [{ label: 'repeat the last value', loss: repeatLastBaseline() }];
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
 * MSE of predicting x_{t+1} by x_t: E[(2 sin(ω/2) cos(·))²] + σ² = E[2 sin²(ω/2)] + σ², with ω
 * uniform on the frequency range (integrated in closed form).
 */
function repeatLastBaseline(): number {
  const [a, b] = SINE_FREQUENCY;
  // ∫ 2 sin²(ω/2) dω = ω − sin ω
  const mean = (b - Math.sin(b) - (a - Math.sin(a))) / (b - a);
  return mean + SINE_NOISE ** 2;
}
