import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import { additionTask } from './addition';
import { trainingSpec } from './index';
import { reverseTask } from './reverse';
import { decodeBatch, tokenBatch, tokenMetrics } from './tokens';
import { WAVEFORMS, waveformTask, waveformValue } from './waveform';

describe('token batches', () => {
  it('encode "12+345" → "357" exactly: left-padded source, EOS, padding masked, teacher inputs shifted', () => {
    // Source vocabulary: digits, '+' = 10, PAD = 11. Target vocabulary: digits, EOS = 10.
    const b = tokenBatch([{ source: [1, 2, 10, 3, 4, 5], target: [3, 5, 7] }], 8, 5, 12, 11);
    const row = (a: Float32Array, width: number, t: number) =>
      Array.from(a.slice(t * width, (t + 1) * width));
    const hot = (width: number, k: number) =>
      Array.from({ length: width }, (_, i) => (i === k ? 1 : 0));
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((t) => row(b.x, 12, t).indexOf(1))).toEqual([
      11, 11, 1, 2, 10, 3, 4, 5
    ]);
    expect([0, 1, 2, 3].map((t) => row(b.target, 11, t))).toEqual([
      hot(11, 3),
      hot(11, 5),
      hot(11, 7),
      hot(11, 10)
    ]);
    expect(row(b.target, 11, 4)).toEqual(hot(11, -1));
    expect(Array.from(b.mask!)).toEqual([1, 1, 1, 1, 0]);
    // Decoder input: [start flag, previous target token].
    expect(row(b.decoderInput!, 12, 0)).toEqual([1, ...hot(11, -1)]);
    expect(row(b.decoderInput!, 12, 1)).toEqual([0, ...hot(11, 3)]);
    expect(row(b.decoderInput!, 12, 4)).toEqual([0, ...hot(11, 10)]);
    expect(b.tOut).toBe(5);
  });

  it('token and sequence accuracy count only unmasked positions', () => {
    const b = tokenBatch(
      [
        { source: [1], target: [1] },
        { source: [2, 3], target: [3, 2] }
      ],
      2,
      3,
      11,
      11
    );
    // Output = the target, except item 1's second token is wrong.
    const output = b.target.slice();
    output.fill(0, (1 * 2 + 1) * 11, (1 * 2 + 2) * 11);
    output[(1 * 2 + 1) * 11 + 7] = 1;
    expect(tokenMetrics(b, output, 11)).toEqual({ tokenAccuracy: 4 / 5, sequenceAccuracy: 1 / 2 });
  });
});

describe('reverse and addition generators', () => {
  it('reversal: targets are the sources reversed, lengths 1 … T, seeded', () => {
    const b = reverseTask.batch(4, 0, 6, 200);
    const lengths = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const { source, target } = decodeBatch(b, 11, 11, i);
      expect(target).toEqual([...source].reverse());
      lengths.add(source.length);
    }
    expect([...lengths].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(reverseTask.batch(4, 0, 6, 200)).toEqual(b);
    expect(reverseTask.batch(4, 1, 6, 200).x).not.toEqual(b.x);
  });

  it('addition: every target is the decimal sum of the two operands', () => {
    const b = additionTask.batch(2, 3, 4, 300);
    for (let i = 0; i < 300; i++) {
      const { source, target } = decodeBatch(b, 12, 11, i);
      const text = source.map((k) => (k === 10 ? '+' : String(k))).join('');
      const [a, c] = text.split('+');
      expect(a.length).toBeGreaterThan(0);
      expect(a.length).toBeLessThanOrEqual(4);
      expect(a === '0' || a[0] !== '0').toBe(true);
      expect(Number(target.join(''))).toBe(Number(a) + Number(c));
    }
  });
});

describe('waveform generator', () => {
  it('computes sine, square and sawtooth in closed form', () => {
    expect(waveformValue(0, 0.125, 2)).toBeCloseTo(1, 12);
    expect(waveformValue(1, 0.125, 3)).toBe(1);
    expect(waveformValue(1, 0.125, 4)).toBe(-1);
    expect(waveformValue(2, 0.125, 2)).toBeCloseTo(-0.5, 12);
    expect(waveformValue(2, 0.125, 6)).toBeCloseTo(0.5, 12);
  });

  it('gives the class and frequency at step 0 only, and feeds back the previous target', () => {
    const T = 10;
    const B = 4;
    const b = waveformTask.batch(1, 0, T, B);
    const I = WAVEFORMS.length + 2;
    for (let item = 0; item < B; item++) {
      const first = b.decoderInput!.slice(item * I, item * I + I);
      const kind = Array.from(first.slice(0, 3)).indexOf(1);
      const f = first[3] / 8;
      expect(kind).toBeGreaterThanOrEqual(0);
      for (let t = 0; t < T; t++) {
        expect(b.target[t * B + item]).toBeCloseTo(waveformValue(kind, f, t + 1), 6);
        const fed = b.decoderInput![(t * B + item) * I + I - 1];
        expect(fed).toBeCloseTo(waveformValue(kind, f, t), 6);
        if (t > 0)
          expect(
            Array.from(b.decoderInput!.slice((t * B + item) * I, (t * B + item) * I + 4))
          ).toEqual([0, 0, 0, 0]);
      }
    }
  });
});

describe('encoder–decoder training (wasm in Node)', () => {
  beforeAll(async () => {
    await useNodeBackend('wasm');
  });

  /** Reproduce with: npm run experiment -- '<hash>' --steps 200 --backend wasm */
  const REVERSE = 'task=reverse&cell=gru&hidden=48&T=5&batch=32&lr=0.01';

  it('teacher-forced reversal reaches > 90% token accuracy, and free running shows exposure bias', async () => {
    const { config, notices } = decodeHash(REVERSE);
    expect(notices).toEqual([]);
    const { task, spec } = trainingSpec(config);
    const trainer = Trainer.create(spec);
    const evaluation = task.batch(config.seed + 1000, 0, config.seqLength, 256);
    let early: { forced: number; free: number } | null = null;
    for (let i = 0; i < 200; i++) {
      await trainer.train(task.batch(config.seed, i, config.seqLength, config.batchSize));
      if (i === 79) {
        const forced = task.metrics(
          evaluation,
          (await trainer.measure(evaluation, { teacherForcing: 1 })).output
        );
        const free = task.metrics(
          evaluation,
          (await trainer.measure(evaluation, { teacherForcing: 0 })).output
        );
        early = { forced: forced.tokenAccuracy, free: free.tokenAccuracy };
      }
    }
    const forced = task.metrics(
      evaluation,
      (await trainer.measure(evaluation, { teacherForcing: 1 })).output
    );
    expect(forced.tokenAccuracy).toBeGreaterThan(0.9);
    // Exposure bias: on its own predictions the decoder compounds its mistakes.
    expect(early!.free).toBeLessThan(early!.forced - 0.02);
    trainer.dispose();
  });

  it('the waveform generator learns under teacher forcing and does worse free running', async () => {
    const { config } = decodeHash('task=waveform&cell=lstm&hidden=32&T=30&batch=32&lr=0.01');
    const { task, spec } = trainingSpec(config);
    expect(spec.sequence).toMatchObject({ sourceSize: 0, feedback: 'value', teacherForcing: 1 });
    const trainer = Trainer.create(spec);
    const evaluation = task.batch(99, 0, 30, 128);
    const before = task.metrics(evaluation, (await trainer.measure(evaluation)).output).mse;
    for (let i = 0; i < 120; i++) await trainer.train(task.batch(config.seed, i, 30, 32));
    const forced = task.metrics(
      evaluation,
      (await trainer.measure(evaluation, { teacherForcing: 1 })).output
    ).mse;
    const free = task.metrics(
      evaluation,
      (await trainer.measure(evaluation, { teacherForcing: 0 })).output
    ).mse;
    expect(forced).toBeLessThan(before * 0.5);
    expect(forced).toBeLessThan(waveformTask.baselines(30)[0].loss!);
    expect(free).toBeGreaterThan(forced);
    trainer.dispose();
  });

  it('scheduled sampling lowers the teacher-forcing ratio as training goes on', () => {
    const { config } = decodeHash('task=reverse&tf=1&ss=linear&ssk=100');
    const { spec } = trainingSpec(config);
    expect(spec.sequence).toEqual({
      sourceSize: 11,
      feedback: 'token',
      teacherForcing: 1,
      schedule: 'linear',
      scheduleSteps: 100
    });
  });
});
