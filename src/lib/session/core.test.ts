/**
 * The session's training loop, driven directly in Node on the cpu backend: play, pause, step,
 * reset and setConfig; the windows of a stream (state carried or reset), checked against the
 * Trainer; divergence pausing and reset recovering; snapshots at display rate, not per step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import { TASKS, trainingSpec } from '$lib/tasks';
import { SessionCore, SHUFFLE_BLOCK, shuffledBlock, windowPlan } from './core';
import type { Snapshot } from './snapshot';

/** A small, quick sine model. */
const SMALL = 'cell=lstm&hidden=8&T=10&batch=4&seed=3&backend=cpu';
/**
 * ReLU, g² = 4, no clipping, plain SGD: the first step is finite (loss ~1e14) and its update
 * overflows the forward pass of the second.
 */
const DIVERGING =
  'cell=rnn&act=relu&init=normal&initIH=normal&g2=4&clip=off&T=40&opt=sgd&lr=0.001&backend=cpu';

function newCore() {
  const snapshots: { at: number; snapshot: Snapshot }[] = [];
  const core = new SessionCore({ selectBackend: (name) => useNodeBackend(name) });
  core.onSnapshot((snapshot) => snapshots.push({ at: performance.now(), snapshot }));
  return { core, snapshots };
}

/** Losses of `steps` updates made by the Trainer itself, as the session should make them. */
async function trainerLosses(hash: string, steps: number, plan = true): Promise<number[]> {
  const { config } = decodeHash(hash);
  const { task, spec } = trainingSpec(config);
  const trainer = Trainer.create(spec);
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const window = plan
      ? windowPlan(config.windows, config.seed, step)
      : { index: step, stateful: false };
    const batch = task.batch(config.seed, window.index, config.seqLength, config.batchSize);
    losses.push((await trainer.train(batch, { stateful: window.stateful })).loss);
  }
  trainer.dispose();
  return losses;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('window plans', () => {
  it('sequences and stream walk the windows in order; only the stream carries the state', () => {
    expect([0, 1, 2].map((s) => windowPlan('sequences', 1, s))).toEqual([
      { index: 0, stateful: false },
      { index: 1, stateful: false },
      { index: 2, stateful: false }
    ]);
    expect(windowPlan('stream', 1, 7)).toEqual({ index: 7, stateful: true });
  });

  it('shuffled visits each block of windows once, in a seeded order, never carrying state', () => {
    const first = Array.from({ length: SHUFFLE_BLOCK }, (_, s) => windowPlan('shuffled', 5, s));
    const second = Array.from({ length: SHUFFLE_BLOCK }, (_, s) =>
      windowPlan('shuffled', 5, SHUFFLE_BLOCK + s)
    );
    const sorted = (plans: { index: number }[]) => plans.map((p) => p.index).sort((a, b) => a - b);
    expect(sorted(first)).toEqual(Array.from({ length: SHUFFLE_BLOCK }, (_, i) => i));
    expect(sorted(second)).toEqual(
      Array.from({ length: SHUFFLE_BLOCK }, (_, i) => SHUFFLE_BLOCK + i)
    );
    expect(first.every((p) => !p.stateful)).toBe(true);
    // Shuffled, seeded: the same seed gives the same order, another seed another one.
    expect(first.map((p) => p.index)).not.toEqual(sorted(first));
    expect(shuffledBlock(5, 0)).toEqual(shuffledBlock(5, 0));
    expect(shuffledBlock(5, 0)).not.toEqual(shuffledBlock(6, 0));
    expect(shuffledBlock(5, 0)).not.toEqual(shuffledBlock(5, 1));
  });
});

describe('session core', () => {
  it('init shows the untrained model: paused at step 0, a finite look at the display batch', async () => {
    const { core, snapshots } = newCore();
    const snapshot = await core.init(SMALL);
    expect(snapshot.status).toBe('paused');
    expect(snapshot.step).toBe(0);
    expect(snapshot.backend?.active).toBe('cpu');
    expect(snapshot.view).toMatchObject({ step: 0, T: 10, B: 4, H: 8, batchIndex: 0 });
    expect(Number.isFinite(snapshot.view!.loss)).toBe(true);
    expect(snapshot.view!.metrics.mse).toBeCloseTo(snapshot.view!.loss, 5);
    expect(snapshot.lossHistory.length).toBe(0);
    expect(snapshots.at(-1)!.snapshot.status).toBe('paused');
    await core.dispose();
  });

  it('step(n) makes n updates, exactly as the Trainer does on the same batches', async () => {
    const { core } = newCore();
    await core.init(SMALL);
    const snapshot = await core.step(6);
    expect(snapshot.step).toBe(6);
    expect(snapshot.status).toBe('paused');
    expect(Array.from(snapshot.lossHistory)).toEqual(
      (await trainerLosses(SMALL, 6)).map(Math.fround)
    );
    expect(snapshot.last?.step).toBe(6);
    expect(snapshot.view?.step).toBe(6);
    expect(snapshot.timing.msPerStep).toBeGreaterThan(0);
    await core.dispose();
  });

  it('play trains until pause; pause stops within a step; snapshots come at display rate', async () => {
    const { core, snapshots } = newCore();
    await core.init(SMALL, { stepsPerFrame: 1000, snapshotIntervalMs: 100 });
    snapshots.length = 0;
    await core.play();
    await wait(1200);
    const asked = performance.now();
    const paused = await core.pause();
    const pauseLatency = performance.now() - asked;
    expect(paused.status).toBe('paused');
    expect(paused.step).toBeGreaterThan(10);
    // No update after pause has resolved.
    await wait(200);
    expect(core.snapshot().step).toBe(paused.step);
    // Far fewer snapshots than steps, and those while running spaced by the display interval.
    const running = snapshots.filter((s) => s.snapshot.status === 'running');
    expect(snapshots.length).toBeLessThan(paused.step / 2);
    const gaps = running.slice(1).map((s, i) => s.at - running[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95);
    expect(running.length).toBeGreaterThanOrEqual(5);
    expect(pauseLatency).toBeLessThan(500);
    // Play again goes on from there.
    await core.play();
    await wait(200);
    expect((await core.pause()).step).toBeGreaterThan(paused.step);
    await core.dispose();
  });

  it('steps per frame limit the speed while playing', async () => {
    const { core } = newCore();
    await core.init(SMALL, { stepsPerFrame: 1, frameMs: 50 });
    await core.play();
    await wait(1000);
    const { step } = await core.pause();
    // One step per 50 ms frame: about 20 in a second, never 40.
    expect(step).toBeGreaterThan(5);
    expect(step).toBeLessThanOrEqual(22);
    await core.dispose();
  });

  it('reset starts again from the seed; setConfig rebuilds and keeps playing', async () => {
    const { core } = newCore();
    await core.init(SMALL);
    const first = await core.step(3);
    const reset = await core.reset();
    expect(reset).toMatchObject({ status: 'paused', step: 0 });
    expect(reset.view?.loss).toBe(await newLookLoss());
    expect(Array.from((await core.step(3)).lossHistory)).toEqual(Array.from(first.lossHistory));

    await core.play();
    const changed = await core.setConfig(SMALL.replace('hidden=8', 'hidden=6'));
    expect(changed.view?.H).toBe(6);
    expect(changed.status).toBe('running');
    await wait(200);
    const paused = await core.pause();
    expect(paused.step).toBeGreaterThan(0);
    expect(paused.view?.H).toBe(6);
    await core.dispose();
  });

  it('a config with bad values is repaired, and the notices are in the snapshot', async () => {
    const { core } = newCore();
    const snapshot = await core.init('cell=lstm&hidden=0&T=5&batch=2&backend=cpu&bogus=1');
    expect(snapshot.status).toBe('paused');
    expect(snapshot.view?.H).toBe(1);
    expect(snapshot.notices.join(' ')).toMatch(/hidden=0 is below the minimum 1/);
    expect(snapshot.notices.join(' ')).toMatch(/Unknown parameter "bogus"/);
    await core.dispose();
  });
});

/** The untrained model's loss on the display batch, by the Trainer itself. */
async function newLookLoss(): Promise<number> {
  const { config } = decodeHash(SMALL);
  const { task, spec } = trainingSpec(config);
  const trainer = Trainer.create(spec);
  const inspection = await trainer.inspect(
    task.batch(config.seed, 0, config.seqLength, config.batchSize)
  );
  trainer.dispose();
  return inspection.loss;
}

describe('windows of a stream', () => {
  const STREAM = `${SMALL}&windows=stream`;
  const SHUFFLED = `${SMALL}&windows=shuffled`;

  it('stream carries the state from window to window, as the stateful Trainer does', async () => {
    const { core } = newCore();
    await core.init(STREAM);
    const losses = Array.from((await core.step(6)).lossHistory);
    expect(losses).toEqual((await trainerLosses(STREAM, 6)).map(Math.fround));
    // Carrying matters: the same windows without the carried state give other losses after the first.
    const stateless = (await trainerLosses(STREAM, 6, false)).map(Math.fround);
    expect(losses[0]).toBe(stateless[0]);
    expect(losses.slice(1).every((loss, i) => loss !== stateless[i + 1])).toBe(true);
    await core.dispose();
  });

  it('shuffled resets the state before each window, in the seeded order', async () => {
    const { core } = newCore();
    await core.init(SHUFFLED);
    const losses = Array.from((await core.step(6)).lossHistory);
    expect(losses).toEqual((await trainerLosses(SHUFFLED, 6)).map(Math.fround));
    // Not the stream's order: the first window differs from the stream's window 0.
    expect(windowPlan('shuffled', 3, 0).index).not.toBe(0);
    expect(losses[0]).not.toBe(Math.fround((await trainerLosses(STREAM, 1))[0]));
    await core.dispose();
  });
});

describe('divergence', () => {
  it('the diverging config really diverges on the Trainer: finite step 1, non-finite step 2', async () => {
    const { config } = decodeHash(DIVERGING);
    const { task, spec } = trainingSpec(config);
    const trainer = Trainer.create(spec);
    const batch = (i: number) => task.batch(config.seed, i, config.seqLength, config.batchSize);
    const first = await trainer.train(batch(0));
    expect(first.nonFinite).toBeNull();
    expect(first.loss).toBeGreaterThan(1e10);
    const second = await trainer.train(batch(1));
    expect(second.nonFinite?.quantity).toBe('h');
    trainer.dispose();
  });

  it('pauses, names the step and the quantity, keeps the last finite look; reset recovers', async () => {
    const { core } = newCore();
    const initial = await core.init(DIVERGING);
    await core.play();
    let snapshot = core.snapshot();
    for (let i = 0; i < 100 && snapshot.status === 'running'; i++) {
      await wait(20);
      snapshot = core.snapshot();
    }
    snapshot = await core.pause();
    expect(snapshot.status).toBe('diverged');
    expect(snapshot.divergence).toMatchObject({ step: 2, quantity: 'h', where: 'l0' });
    expect(snapshot.divergence!.message).toMatch(
      /^Training diverged at step 2: h_t became non-finite at step t=\d+/
    );
    // The finite part stays on screen: one finite update, the last finite look.
    expect(snapshot.step).toBe(1);
    expect(Array.from(snapshot.lossHistory).every(Number.isFinite)).toBe(true);
    expect(snapshot.view).not.toBeNull();
    expect(Number.isFinite(snapshot.view!.loss)).toBe(true);
    expect(snapshot.view!.directions[0].h.every(Number.isFinite)).toBe(true);
    // Play does nothing until reset.
    expect((await core.play()).status).toBe('diverged');
    expect((await core.step(3)).step).toBe(1);

    const reset = await core.reset();
    expect(reset.status).toBe('paused');
    expect(reset.divergence).toBeNull();
    expect(reset.step).toBe(0);
    expect(reset.view!.loss).toBe(initial.view!.loss);
    const again = await core.step(1);
    expect(again.status).toBe('paused');
    expect(Number.isFinite(again.lossHistory[0])).toBe(true);
    await core.dispose();
  });

  it('a long sequence with a large init diverges at the first step, in the forward pass', async () => {
    const { core } = newCore();
    await core.init(
      'cell=rnn&act=relu&init=normal&initIH=normal&g2=4&clip=off&T=300&hidden=32&backend=cpu'
    );
    const snapshot = await core.step(5);
    expect(snapshot.status).toBe('diverged');
    expect(snapshot.divergence).toMatchObject({ step: 1, quantity: 'h' });
    expect(snapshot.divergence!.t).toBeGreaterThan(50);
    expect(snapshot.divergence!.t).toBeLessThan(300);
    expect(snapshot.step).toBe(0);
    await core.dispose();
  });
});

describe('every task runs in a session', () => {
  const TASK_NAMES = (Object.keys(TASKS) as (keyof typeof TASKS)[]).filter((t) => t !== 'esn');

  it.each(TASK_NAMES)(
    '%s: two updates, a finite loss, the task’s scores and prediction',
    async (task) => {
      const { core } = newCore();
      await core.init(`task=${task}&hidden=6&T=8&batch=3&backend=cpu`);
      const snapshot = await core.step(2);
      expect(snapshot.status).toBe('paused');
      expect(snapshot.step).toBe(2);
      expect(Array.from(snapshot.lossHistory).every(Number.isFinite)).toBe(true);
      expect(snapshot.view!.step).toBe(2);
      const scores = Object.values(snapshot.view!.metrics);
      expect(scores.length).toBeGreaterThan(0);
      expect(scores.every(Number.isFinite)).toBe(true);
      expect(snapshot.view!.prediction).toBeTruthy();
      await core.dispose();
    }
  );
});

describe('the echo state network in a session', () => {
  it('is fitted in closed form when built: NRMSE and the echo state property, no training steps', async () => {
    const { core } = newCore();
    const fitted = await core.init('task=esn&hidden=50&rho=0.9&backend=cpu');
    expect(fitted.status).toBe('paused');
    expect(fitted.step).toBe(0);
    expect(fitted.view).toBeNull();
    expect(fitted.reservoir!.nrmse).toBeLessThan(0.1);
    expect(fitted.reservoir!.prediction.kind).toBe('series');
    const d = fitted.reservoir!.echoStateDistance;
    expect(d[d.length - 1]).toBeLessThan(1e-6);
    // Nothing to train: stepping leaves it as it is.
    const stepped = await core.step(3);
    expect(stepped.step).toBe(0);
    expect(stepped.reservoir!.nrmse).toBe(fitted.reservoir!.nrmse);
    // Above 1 with a weak input, the echo state property breaks.
    const wild = await core.setConfig('task=esn&hidden=100&rho=1.5&inScale=0.1&backend=cpu');
    const w = wild.reservoir!.echoStateDistance;
    expect(w[w.length - 1]).toBeGreaterThan(0.1);
    expect((await core.setConfig('task=sine&backend=cpu')).reservoir).toBeNull();
    await core.dispose();
  });
});

describe('the character model in a session', () => {
  it('writes a sample with the config’s temperature, and takes a pasted text unless it is too big', async () => {
    const { core } = newCore();
    await core.init('task=chars&cell=gru&hidden=8&T=8&batch=4&temp=0.7&backend=cpu');
    const trained = await core.step(2);
    expect(trained.sample?.kind).toBe('text');
    if (trained.sample?.kind !== 'text') return;
    expect(trained.sample.seed).toBe('the dogs that the cat sees ');
    expect(trained.sample.text).toHaveLength(120);

    // Too big: a clear message, and nothing else changes.
    const huge = 'a'.repeat(210 * 1024);
    const refused = await core.setText(huge);
    expect(refused.notices[0]).toMatch(/the limit is 200 KB.*nothing was changed/);
    expect(refused.step).toBe(2);
    expect(refused.sample).toEqual(trained.sample);

    // A text of its own: the session rebuilds on it, vocabulary and all.
    const text = 'to be or not to be, that is the question. '.repeat(20);
    const taken = await core.setText(text);
    expect(taken.notices.some((n) => /limit/.test(n))).toBe(false);
    expect(taken.step).toBe(0);
    expect(taken.view!.prediction.kind).toBe('text');
    if (taken.view!.prediction.kind === 'text') expect(text).toContain(taken.view!.prediction.seed);
    expect((await core.step(3)).step).toBe(3);
    await core.dispose();
  });
});

describe('live sliders', () => {
  it('dragging ρ rescales W_hh in place and the gradient curve follows ρ^(T−t) at once', async () => {
    const { core } = newCore();
    await core.init(
      'cell=rnn&act=linear&init=orthogonal&readout=step&hidden=8&T=12&batch=2&backend=cpu'
    );
    const T = 12;
    for (const rho of [0.6, 1.2]) {
      const snapshot = await core.preview({ spectralRadius: rho });
      const d = snapshot.view!.directions[0];
      expect(d.eigenvalues[0].spectralRadius).toBeCloseTo(rho, 4);
      // Only the last step's loss term reaches back the whole way; compare with a fresh look.
      expect(snapshot.step).toBe(0);
      expect(d.gradNormPerStep).toHaveLength(T);
    }
    // The drag ends: a full look agrees with what the preview showed.
    const quick = (await core.preview({ spectralRadius: 0.9 })).view!;
    const full = (await core.preview({ spectralRadius: 0.9, final: true })).view!;
    expect(full.directions[0].eigenvalues[0].spectralRadius).toBeCloseTo(0.9, 4);
    // The drag's look is the plain-JavaScript pass, the full one tfjs: equal to float32 rounding.
    const fullNorms = full.directions[0].gradNormPerStep;
    quick.directions[0].gradNormPerStep.forEach((v, t) =>
      expect(Math.abs(v - fullNorms[t]) / fullNorms[t], `t = ${t}`).toBeLessThan(1e-5)
    );
    expect(full.directions[0].jacobianNorm[3]).toBeCloseTo(0.9, 3);
    // W_hh = ρQ: every singular value is ρ, in the quick look (scaled) and the full one (solved).
    for (const view of [quick, full]) {
      const sigma = view.directions[0].singularValues![0].values;
      expect(sigma).toHaveLength(8);
      for (const s of sigma) expect(s).toBeCloseTo(0.9, 4);
    }
    // Reset draws the weights afresh with the slider's value.
    const reset = await core.reset();
    expect(reset.view!.directions[0].eigenvalues[0].spectralRadius).toBeCloseTo(0.9, 4);
    await core.dispose();
  });

  it('dragging g² (normal init) scales W_hh by √(g²′/g²): the spectral radius follows', async () => {
    const { core } = newCore();
    const first = await core.init(
      'cell=rnn&act=relu&init=normal&g2=1&hidden=16&T=10&batch=2&backend=cpu'
    );
    const radius = first.view!.directions[0].eigenvalues[0].spectralRadius;
    const sigma = first.view!.directions[0].singularValues![0].values;
    const moved = await core.preview({ gainSquared: 4, final: true });
    expect(moved.view!.directions[0].eigenvalues[0].spectralRadius).toBeCloseTo(2 * radius, 4);
    // While dragging, the singular values are scaled, not solved: by |√(g²′/g²)| = 2 again.
    const dragged = await core.preview({ gainSquared: 1 });
    const scaled = dragged.view!.directions[0].singularValues![0].values;
    const solved = (await core.preview({ gainSquared: 1, final: true })).view!.directions[0]
      .singularValues![0].values;
    sigma.forEach((s, k) => {
      expect(scaled[k]).toBeCloseTo(s, 4);
      expect(solved[k]).toBeCloseTo(s, 4);
    });
    expect(sigma[0]).toBeGreaterThanOrEqual(radius);
    await core.dispose();
  });
});
