import { Random } from '$lib/engine/random';
import type { Task } from './task';
import { meanSquaredError } from './task';

export const WAVEFORMS = ['sine', 'square', 'sawtooth'] as const;
/** Frequency f in cycles per step, drawn uniformly from this range per sequence. */
export const FREQUENCY: readonly [number, number] = [1 / 16, 1 / 8];

/** The value of waveform k at step t, frequency f, phase 0, amplitude 1. */
export function waveformValue(kind: number, f: number, t: number): number {
  const cycle = f * t - Math.floor(f * t);
  if (kind === 0) return Math.sin(2 * Math.PI * f * t);
  if (kind === 1) return cycle < 0.5 ? 1 : -1;
  return 2 * cycle - 1;
}

const I = WAVEFORMS.length + 2;

/**
 * One-to-many: generate a waveform from its description. The decoder gets, at step 0 only, the
 * class (one-hot sine / square / sawtooth) and the frequency f ~ U[1/16, 1/8] (×8, so it is near
 * 1); at every step its previous output value is fed back (the true previous value under teacher
 * forcing, its own when free running). Targets: y*_t = wave(f, t + 1) for t = 0 … T−1; the value
 * at t = 0 is the first fed-back input.
 */
export const waveformTask: Task = {
  name: 'waveform',
  pattern: 'one-to-many',
  description: 'From a class and a frequency given once, draw the waveform step by step.',
  teaches:
    'One-to-many generation: one input, a whole sequence out, each output fed back as the next input; trained with teacher forcing, then run free to see errors compound.',
  inputSize: I,
  outputSize: 1,
  loss: 'mse',
  readouts: ['step'],
  sequence: { sourceSize: 0, feedback: 'value' },
  batch(seed, index, T, B) {
    const random = new Random(`waveform:${seed}:${index}`);
    const target = new Float32Array(T * B);
    const decoderInput = new Float32Array(T * B * I);
    for (let b = 0; b < B; b++) {
      const kind = random.int(WAVEFORMS.length);
      const f = random.between(FREQUENCY[0], FREQUENCY[1]);
      decoderInput[b * I + kind] = 1;
      decoderInput[b * I + WAVEFORMS.length] = 8 * f;
      decoderInput[b * I + I - 1] = waveformValue(kind, f, 0);
      for (let t = 0; t < T; t++) {
        target[t * B + b] = waveformValue(kind, f, t + 1);
        if (t + 1 < T) decoderInput[((t + 1) * B + b) * I + I - 1] = target[t * B + b];
      }
    }
    return { T, B, x: new Float32Array(0), target, tOut: T, decoderInput };
  },
  metrics(batch, output) {
    return { mse: meanSquaredError(output, batch.target) };
  },
  baselines() {
    // Always answering 0: the mean square of the wave (1/2, 1, 1/3 for the three shapes).
    return [{ label: 'always 0', loss: (1 / 2 + 1 + 1 / 3) / 3 }];
  },
  prediction(batch, output, item) {
    const pick = (a: Float32Array) =>
      Array.from({ length: batch.tOut! }, (_, t) => a[t * batch.B + item]);
    const input = Array.from(
      { length: batch.tOut! },
      (_, t) => batch.decoderInput![(t * batch.B + item) * I + I - 1]
    );
    return { kind: 'series', input, target: pick(batch.target), output: pick(output) };
  }
};
