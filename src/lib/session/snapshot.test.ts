import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import type { Inspection, StepReport } from '$lib/engine/trainer';
import { trainingSpec } from '$lib/tasks';
import { sineTask } from '$lib/tasks/sine';
import {
  decimate,
  divergenceOf,
  historyStride,
  makeSnapshot,
  makeView,
  MAX_HISTORY_POINTS,
  keeper,
  shareUnchanged,
  sliceItem
} from './snapshot';
import type { SnapshotInput } from './snapshot';

describe('history decimation', () => {
  it.each([
    [0, 1],
    [1, 1],
    [MAX_HISTORY_POINTS, 1],
    [MAX_HISTORY_POINTS + 1, 2],
    [4 * MAX_HISTORY_POINTS, 4],
    [4 * MAX_HISTORY_POINTS + 1, 8]
  ])('%i steps → stride %i', (count, stride) => {
    expect(historyStride(count)).toBe(stride);
    expect(Math.ceil(count / stride)).toBeLessThanOrEqual(MAX_HISTORY_POINTS);
  });

  it('averages runs of stride values; the last run may be short', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 99]);
    expect(Array.from(decimate(values, 5, 2))).toEqual([1.5, 3.5, 5]);
    expect(Array.from(decimate(values, 5, 1))).toEqual([1, 2, 3, 4, 5]);
    expect(decimate(values, 0, 1).length).toBe(0);
  });
});

it('sliceItem picks one batch item of a [T, B, H] array', () => {
  // value = 100 t + 10 b + h
  const T = 2;
  const B = 3;
  const H = 2;
  const values = new Float32Array(T * B * H);
  for (let t = 0; t < T; t++)
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) values[(t * B + b) * H + h] = 100 * t + 10 * b + h;
  expect(Array.from(sliceItem(values, T, B, H, 1))).toEqual([10, 11, 110, 111]);
  expect(Array.from(sliceItem(values, T, B, H, 2))).toEqual([20, 21, 120, 121]);
});

function input(overrides: Partial<SnapshotInput> = {}): SnapshotInput {
  return {
    serial: 1,
    status: 'running',
    step: 0,
    losses: new Float32Array(8),
    gradNorms: new Float32Array(8),
    last: null,
    view: null,
    baselines: [],
    divergence: null,
    backend: { requested: 'auto', active: 'wasm', skipped: [] },
    switches: [],
    notices: [],
    error: null,
    timing: { msPerStep: null, stepsPerSecond: 0 },
    ...overrides
  };
}

describe('makeSnapshot', () => {
  it('copies the used part of the history, decimated, so later steps do not change it', () => {
    const losses = new Float32Array([4, 3, 2, 1, 0, 0, 0, 0]);
    const gradNorms = new Float32Array([8, 6, 4, 2, 0, 0, 0, 0]);
    const snapshot = makeSnapshot(input({ step: 4, losses, gradNorms }));
    expect(Array.from(snapshot.lossHistory)).toEqual([4, 3, 2, 1]);
    expect(Array.from(snapshot.gradNormHistory)).toEqual([8, 6, 4, 2]);
    losses[0] = 42;
    expect(snapshot.lossHistory[0]).toBe(4);

    const small = makeSnapshot(input({ step: 4, losses, gradNorms, maxHistoryPoints: 2 }));
    expect(small.historyStride).toBe(2);
    expect(Array.from(small.gradNormHistory)).toEqual([7, 3]);
  });

  it('keeps the last step report fields, renumbered per layer direction', () => {
    const report: StepReport = {
      step: 3,
      loss: 0.5,
      gradNormBefore: 2,
      gradNormAfter: 1,
      clipped: true,
      nonFinite: null,
      directions: [
        {
          dir: { layer: 0, reverse: false, suffix: 'l0' },
          hNorm: new Float32Array([1, 2]),
          gradNormPerStep: new Float32Array([3, 4])
        }
      ]
    };
    const { last } = makeSnapshot(input({ step: 3, last: report }));
    expect(last).toMatchObject({ step: 3, loss: 0.5, gradNormBefore: 2, gradNormAfter: 1 });
    expect(last!.clipped).toBe(true);
    expect(last!.perStep[0].suffix).toBe('l0');
    expect(Array.from(last!.perStep[0].gradNormPerStep)).toEqual([3, 4]);
  });

  it('says which backend failed, where it goes on, and from which step', () => {
    const snapshot = makeSnapshot(
      input({
        switches: [
          { from: 'webgpu', to: 'wasm', failedAtStep: 12, resumedFromStep: 10, reason: 'lost' }
        ]
      })
    );
    expect(snapshot.notice).toMatch(/webgpu backend failed at step 12 \(lost\)/);
    expect(snapshot.notice).toMatch(/on wasm from the parameters after step 10/);
    expect(makeSnapshot(input()).notice).toBeNull();
  });

  it('a divergence names the training step and the quantity', () => {
    const divergence = divergenceOf(
      { quantity: 'h', where: 'l0', step: 3, message: 'h_t became non-finite at step t=3.' },
      2
    );
    expect(divergence).toMatchObject({ step: 2, quantity: 'h', where: 'l0', t: 3 });
    expect(divergence.message).toMatch(/^Training diverged at step 2: h_t became non-finite/);
  });
});

describe('makeView of a real inspection', () => {
  let inspection: Inspection;
  const { config } = decodeHash('cell=lstm&hidden=5&layers=2&bidir=1&T=7&batch=3&seed=4');
  const { spec } = trainingSpec(config);
  const batch = sineTask.batch(config.seed, 0, config.seqLength, config.batchSize);

  beforeAll(async () => {
    await useNodeBackend('cpu');
    const trainer = Trainer.create(spec);
    inspection = await trainer.inspect(batch, { batchItem: 2 });
    trainer.dispose();
  });

  it('traces are the batch item’s [T, H] rows; norms, Jacobians and eigenvalues pass through', () => {
    const view = makeView({ step: 0, batchIndex: 0, batch, inspection, hidden: 5, task: sineTask });
    expect(view).toMatchObject({ T: 7, B: 3, H: 5, batchItem: 2, loss: inspection.loss });
    expect(view.directions.map((d) => d.suffix)).toEqual(['l0', 'l0_reverse', 'l1', 'l1_reverse']);
    const d = view.directions[3];
    const source = inspection.directions[3];
    expect(d).toMatchObject({ layer: 1, reverse: true });
    expect(Object.keys(d.gates).sort()).toEqual(['f', 'g', 'i', 'o']);
    for (const t of [0, 6])
      for (const u of [0, 4]) {
        const at = (t * 3 + 2) * 5 + u;
        expect(d.h[t * 5 + u]).toBe(source.trace.h[at]);
        expect(d.c![t * 5 + u]).toBe(source.trace.c![at]);
        expect(d.gates.f[t * 5 + u]).toBe(source.trace.gates.f[at]);
        expect(d.pre.o[t * 5 + u]).toBe(source.trace.pre.o[at]);
      }
    expect(d.h.length).toBe(7 * 5);
    expect(d.jacobianNorm).toBe(source.jacobianNorm);
    expect(d.gradNormPerStep.length).toBe(7);
    expect(d.eigenvalues.map((e) => e.gate)).toEqual(['i', 'f', 'g', 'o']);
    expect(d.eigenvalues[0].re.length).toBe(5);
    expect(d.singularValues!.map((s) => s.gate)).toEqual(['i', 'f', 'g', 'o']);
    expect(d.singularValues![2].values).toEqual(source.singularValues[2].values);
    expect(d.singularValues![2].values).toHaveLength(5);

    // The task's scores and prediction of the same outputs.
    expect(view.metrics).toEqual(sineTask.metrics(batch, inspection.output));
    expect(view.prediction.kind).toBe('series');
    if (view.prediction.kind === 'series') {
      expect(view.prediction.target).toEqual(
        Array.from({ length: 7 }, (_, t) => batch.target[t * 3 + 2])
      );
      expect(view.prediction.output[6]).toBe(inspection.output[6 * 3 + 2]);
    }
  });
});

describe('shareUnchanged: what did not change keeps its identity', () => {
  it('keeps equal typed arrays, arrays and objects; takes what changed', () => {
    const previous = {
      serial: 1,
      view: {
        loss: 0.5,
        directions: [
          {
            suffix: 'l0',
            h: new Float32Array([1, 2, 3]),
            gradNormPerStep: new Float32Array([4, 5])
          }
        ],
        gates: { a: new Float32Array([NaN, 0]) },
        metrics: { mse: 0.5 }
      },
      notices: ['x'],
      reservoir: null
    };
    // A structured clone with a new loss and new per-step norms.
    const next = structuredClone(previous);
    next.serial = 2;
    next.view.loss = 0.25;
    next.view.directions[0].gradNormPerStep = new Float32Array([4, 6]);
    const shared = shareUnchanged(previous, next);
    expect(shared).not.toBe(previous);
    expect(shared.serial).toBe(2);
    expect(shared.view.loss).toBe(0.25);
    expect(shared.view.directions[0].h).toBe(previous.view.directions[0].h);
    expect(Array.from(shared.view.directions[0].gradNormPerStep)).toEqual([4, 6]);
    expect(shared.view.directions[0].gradNormPerStep).not.toBe(
      previous.view.directions[0].gradNormPerStep
    );
    // NaN equals NaN: the gate object is kept whole.
    expect(shared.view.gates).toBe(previous.view.gates);
    expect(shared.view.metrics).toBe(previous.view.metrics);
    expect(shared.notices).toBe(previous.notices);
    // Never mutates: `previous` is as it was, `next` still holds its own arrays.
    expect(previous.view.loss).toBe(0.5);
    expect(next.view.directions[0].h).not.toBe(previous.view.directions[0].h);
    // A clone of the same thing is the same thing.
    expect(shareUnchanged(previous, structuredClone(previous))).toBe(previous);
  });

  it.each([
    ['a value', new Float32Array([1, 2]), new Float32Array([1, 3])],
    ['the length', new Float32Array([1, 2]), new Float32Array([1, 2, 3])],
    ['the kind of array', new Float32Array([1, 2]), new Float64Array([1, 2])],
    ['the sign of zero', new Float32Array([0]), new Float32Array([-0])],
    ['a key', { a: 1 }, { b: 1 }],
    ['one key more', { a: 1 }, { a: 1, b: 2 }],
    ['an array for an object', { 0: 1 }, [1]],
    ['null for an object', { a: 1 }, null]
  ])('a change of %s is not shared', (_, previous, next) => {
    const shared = shareUnchanged(previous, next);
    expect(shared).not.toBe(previous);
    expect(shared).toEqual(next);
  });

  it('shares the parts of an object that gained a key', () => {
    const h = new Float32Array([1]);
    const shared = shareUnchanged({ h }, { h: new Float32Array([1]), c: 2 });
    expect(shared).toEqual({ h, c: 2 });
    expect(shared.h).toBe(h);
  });
});

it('keeper returns its last value while the new one equals it', () => {
  const keep = keeper<{ rows: { suffix: string; steps: number }[]; rms: Float32Array[] }>();
  const first = keep({ rows: [{ suffix: 'l0', steps: 3 }], rms: [new Float32Array([1, 2, 3])] });
  expect(keep({ rows: [{ suffix: 'l0', steps: 3 }], rms: [new Float32Array([1, 2, 3])] })).toBe(
    first
  );
  const changed = keep({ rows: [{ suffix: 'l0', steps: 3 }], rms: [new Float32Array([1, 2, 4])] });
  expect(changed).not.toBe(first);
  expect(changed.rows).toBe(first.rows);
  expect(Array.from(changed.rms[0])).toEqual([1, 2, 4]);
  expect(keep({ rows: [{ suffix: 'l0', steps: 3 }], rms: [new Float32Array([1, 2, 4])] })).toBe(
    changed
  );
});
