/**
 * Live sliders through the session: with the plain-JavaScript pass (the default) a drag shows the
 * same numbers as with the runner's tfjs pass, reads the weights once per drag and runs no tfjs
 * measurement; its copy of the weights is dropped by a training step, a reset and a new config.
 * Also prints the time of one slider event for the size (not a timed assertion).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import type { TrainingSpec } from '$lib/engine/trainer';
import type { ParamArrays } from '$lib/engine/init';
import { SessionCore } from './core';
import type { SessionOptions } from './core';
import type { Runner, RunnerFactory } from './runner';
import type { Snapshot, View } from './snapshot';

/** How often the runners of a session were asked to measure and to give their parameters. */
interface Calls {
  measure: number;
  parameters: number;
}

/** Trainers that count their `measure` and `parameters` calls (and are listed in `made`). */
function counting(calls: Calls, made: Trainer[] = []): RunnerFactory {
  const wrap = (trainer: Trainer): Runner =>
    new Proxy((made.push(trainer), trainer), {
      get(target, key, receiver) {
        if (key === 'measure' || key === 'parameters') calls[key] += 1;
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
    });
  return {
    create: (spec: TrainingSpec) => wrap(Trainer.create(spec)),
    fromParameters: (spec: TrainingSpec, params: ParamArrays) =>
      wrap(Trainer.fromParameters(spec, params))
  };
}

function newCore(options: SessionOptions) {
  const calls: Calls = { measure: 0, parameters: 0 };
  const made: Trainer[] = [];
  const core = new SessionCore({
    selectBackend: (name) => useNodeBackend(name),
    runners: counting(calls, made)
  });
  return { core, calls, made, init: (hash: string) => core.init(hash, options) };
}

/** Largest |a_t − b_t| / |b_t| over the steps. */
function stepwiseError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let t = 0; t < b.length; t++)
    worst = Math.max(worst, Math.abs(a[t] - b[t]) / Math.max(Math.abs(b[t]), 1e-12));
  return worst;
}

/** The slider-driven numbers of two views agree to float32 rounding. */
function expectSameLook(fast: View, slow: View, what: string) {
  expect(Math.abs(fast.loss - slow.loss) / Math.abs(slow.loss), `${what}: loss`).toBeLessThan(1e-5);
  expect(Math.abs(fast.gradNorm - slow.gradNorm) / slow.gradNorm, `${what}: gradNorm`).toBeLessThan(
    1e-5
  );
  expect(fast.directions.map((d) => d.suffix)).toEqual(slow.directions.map((d) => d.suffix));
  fast.directions.forEach((d, i) => {
    const s = slow.directions[i];
    const where = `${what}, ${d.suffix}`;
    expect(stepwiseError(d.hNorm, s.hNorm), `${where}: ||h_t||`).toBeLessThan(1e-5);
    expect(
      stepwiseError(d.gradNormPerStep, s.gradNormPerStep),
      `${where}: ||dL/dh_t||`
    ).toBeLessThan(1e-4);
    if (s.cNorm) expect(stepwiseError(d.cNorm!, s.cNorm), `${where}: ||c_t||`).toBeLessThan(1e-5);
    if (s.cellGradNormPerStep)
      expect(
        stepwiseError(d.cellGradNormPerStep!, s.cellGradNormPerStep),
        `${where}: ||dL/dc_t||`
      ).toBeLessThan(1e-4);
    d.eigenvalues.forEach((e, g) =>
      expect(e.spectralRadius, `${where}: radius`).toBeCloseTo(s.eigenvalues[g].spectralRadius, 5)
    );
  });
}

beforeAll(async () => {
  await useNodeBackend('cpu');
});

describe('live sliders with the fast pass', () => {
  it.each([
    ['vanilla tanh, per-step readout', 'cell=rnn&hidden=16&T=20&batch=4&backend=cpu'],
    [
      'vanilla ReLU, 3 layers, bidirectional, last step, k = 3',
      'task=adding&cell=rnn&act=relu&layers=3&bidir=1&readout=last&k=3&hidden=6&T=12&batch=3&backend=cpu'
    ],
    [
      'LSTM with peepholes and a learned initial state, mean readout',
      'task=adding&cell=lstm&peep=1&h0=learned&readout=mean&hidden=8&T=10&batch=3&backend=cpu'
    ],
    [
      'GRU, 2 layers, bidirectional, cross-entropy with a mask',
      'task=tagging&cell=gru&layers=2&bidir=1&hidden=6&T=9&batch=3&backend=cpu'
    ]
  ])(
    '%s: a drag shows what the tfjs pass shows, with one readback and no tfjs measure',
    async (_, hash) => {
      const fast = newCore({});
      const slow = newCore({ fastPreview: false });
      await fast.init(hash);
      await slow.init(hash);
      const readsAtStart = fast.calls.parameters;
      const drag = async (values: number[], what: string) => {
        let a: Snapshot | null = null;
        for (const rho of values) {
          a = await fast.core.preview({ spectralRadius: rho });
          const b = await slow.core.preview({ spectralRadius: rho });
          expectSameLook(a.view!, b.view!, `${what}, ρ = ${rho}`);
        }
        return a!;
      };
      await drag([0.7, 1.3, 0.95], 'first drag');
      expect(fast.calls.measure).toBe(0);
      // One readback for the whole drag (the copy then follows the runner's rescaling).
      expect(fast.calls.parameters - readsAtStart).toBe(1);
      expect(slow.calls.measure).toBe(3);

      // The drag ends (a full look), training moves the weights: the next drag reads them again.
      await fast.core.preview({ spectralRadius: 0.95, final: true });
      await slow.core.preview({ spectralRadius: 0.95, final: true });
      const trained = await fast.core.step(2);
      await slow.core.step(2);
      const readsAfterSteps = fast.calls.parameters;
      const moved = await drag([0.8, 1.1], 'after two steps');
      expect(moved.step).toBe(2);
      expect(fast.calls.parameters - readsAfterSteps).toBe(1);
      expect(fast.calls.measure).toBe(0);
      expect(moved.view!.loss).not.toBe(trained.view!.loss);

      // Reset draws afresh (with ρ = 1.1): the copy goes with the old runner.
      await fast.core.reset();
      await slow.core.reset();
      await drag([0.6], 'after reset');
      expect(fast.calls.measure).toBe(0);
      await fast.core.dispose();
      await slow.core.dispose();
    }
  );

  it('g² (normal init) and a new config: the same numbers as the tfjs pass', async () => {
    const hash = 'cell=lstm&init=normal&g2=1&hidden=10&T=15&batch=2&backend=cpu';
    const fast = newCore({});
    const slow = newCore({ fastPreview: false });
    await fast.init(hash);
    await slow.init(hash);
    for (const g2 of [2, 0.5, 3]) {
      const a = await fast.core.preview({ gainSquared: g2 });
      const b = await slow.core.preview({ gainSquared: g2 });
      expectSameLook(a.view!, b.view!, `g² = ${g2}`);
    }
    // ρ after g² on the same copy.
    expectSameLook(
      (await fast.core.preview({ spectralRadius: 0.9 })).view!,
      (await slow.core.preview({ spectralRadius: 0.9 })).view!,
      'ρ = 0.9 after g²'
    );
    // A new config rebuilds the runner: the old copy must not be used for it.
    const next = 'cell=gru&hidden=12&T=8&batch=2&backend=cpu';
    await fast.core.setConfig(next);
    await slow.core.setConfig(next);
    expectSameLook(
      (await fast.core.preview({ spectralRadius: 1.2 })).view!,
      (await slow.core.preview({ spectralRadius: 1.2 })).view!,
      'new config'
    );
    expect(fast.calls.measure).toBe(0);
    await fast.core.dispose();
    await slow.core.dispose();
  });

  it('one snapshot per slider event: the reply is the one published (the page draws it once)', async () => {
    const { core, init } = newCore({});
    await init('cell=rnn&hidden=8&T=10&batch=2&backend=cpu');
    const published: Snapshot[] = [];
    core.onSnapshot((snapshot) => published.push(snapshot));
    for (const rho of [0.7, 0.9]) {
      const reply = await core.preview({ spectralRadius: rho });
      expect(published.at(-1)!.serial).toBe(reply.serial);
      expect(published.at(-1)!.view!.loss).toBe(reply.view!.loss);
    }
    expect(published).toHaveLength(2);
    await core.dispose();
  });

  it("quiet: a slider event's snapshot is only the reply, and serials still increase", async () => {
    const { core, init } = newCore({});
    await init('cell=rnn&hidden=8&T=10&batch=2&backend=cpu');
    const published: Snapshot[] = [];
    core.onSnapshot((snapshot) => published.push(snapshot));
    const first = await core.preview({ spectralRadius: 0.7 }, { quiet: true });
    const second = await core.preview({ spectralRadius: 0.9 }, { quiet: true });
    expect(published).toHaveLength(0);
    expect(second.serial).toBeGreaterThan(first.serial);
    expect(second.view!.loss).not.toBe(first.view!.loss);
    // Back to 0.7 without `quiet` (the same look, but for float32 rounding of the rescaling
    // there and back): this one also goes to the listener.
    const loud = await core.preview({ spectralRadius: 0.7 });
    expect(published).toHaveLength(1);
    expect(published[0]).toBe(loud);
    expect(loud.serial).toBeGreaterThan(second.serial);
    expect(loud.view!.loss).toBeCloseTo(first.view!.loss, 5);
    // Training's snapshots still go to the listener, newer than the last reply.
    await core.step(1);
    expect(published.at(-1)!.serial).toBeGreaterThan(loud.serial);
    await core.dispose();
  });

  it.each([
    ['the drag ends', true],
    ['training goes on mid-drag', false]
  ])(
    "a drag defers the runner's rescaling of W_hh; when %s it has the weights it would have had",
    async (_, final) => {
      const hash = 'cell=lstm&init=normal&hidden=8&T=10&batch=2&backend=cpu';
      const fast = newCore({});
      const slow = newCore({ fastPreview: false });
      await fast.init(hash);
      await slow.init(hash);
      const events: [number | undefined, number | undefined][] = [
        [0.7, undefined],
        [1.2, undefined],
        [undefined, 2],
        [0.9, undefined]
      ];
      for (const [spectralRadius, gainSquared] of events) {
        await fast.core.preview({ spectralRadius, gainSquared }, { quiet: true });
        await slow.core.preview({ spectralRadius, gainSquared });
      }
      // The first event rescaled the runner (before its copy was read); the others wait.
      expect(fast.made.at(-1)!.rescalingDeferred).toBe(true);
      expect(slow.made.at(-1)!.rescalingDeferred).toBe(false);
      if (final) {
        await fast.core.preview({ spectralRadius: 0.9, final: true });
        await slow.core.preview({ spectralRadius: 0.9, final: true });
      } else {
        await fast.core.step(1);
        await slow.core.step(1);
      }
      const a = await fast.core.exportRun();
      const b = await slow.core.exportRun();
      if ('error' in a || 'error' in b) throw new Error('no run file');
      // Bit for bit: the copy's float32 multiplications are the ones tfjs makes.
      expect(a.parameters).toEqual(b.parameters);
      await fast.core.dispose();
      await slow.core.dispose();
    }
  );

  it('an encoder–decoder is measured with tfjs, as before', async () => {
    const { core, calls, init } = newCore({});
    await init('task=reverse&hidden=8&T=6&batch=2&backend=cpu');
    const snapshot = await core.preview({ spectralRadius: 0.8 });
    expect(calls.measure).toBe(1);
    expect(snapshot.view!.directions.length).toBeGreaterThan(0);
    await core.dispose();
  });
});

describe('slider event timing (printed, not asserted)', () => {
  it.each([
    ['cpu', true],
    ['cpu', false],
    ['wasm', true],
    ['wasm', false]
  ] as const)(
    'vanilla RNN, H = 64, T = 100, batch 16: %s backend, fast pass %s',
    async (backend, fastPreview) => {
      const hash = `cell=rnn&hidden=64&T=100&rho=1&backend=${backend}`;
      const { core, init } = newCore({ fastPreview });
      await init(hash);
      const events = fastPreview ? 100 : 30;
      await core.preview({ spectralRadius: 0.99 }); // the drag starts: eigensolve, readback
      const times: number[] = [];
      // The process's CPU time too: on a shared machine the wall time also counts other jobs.
      const cpu: number[] = [];
      for (let i = 0; i < events; i++) {
        const started = performance.now();
        const used = process.cpuUsage();
        await core.preview({ spectralRadius: 0.8 + (0.4 * i) / events });
        const { user, system } = process.cpuUsage(used);
        times.push(performance.now() - started);
        cpu.push((user + system) / 1000);
      }
      cpu.sort((a, b) => a - b);
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
      console.log(
        `slider event, SessionCore.preview, ${backend}, ${fastPreview ? 'fast pass' : 'tfjs pass'}: ` +
          `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms over ${events} events ` +
          `(CPU time median ${cpu[Math.floor(cpu.length / 2)].toFixed(1)} ms)`
      );
      expect(times[0]).toBeGreaterThan(0);
      await core.dispose();
    }
  );
});
