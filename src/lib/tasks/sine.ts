import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
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
  }
};
