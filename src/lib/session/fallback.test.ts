/**
 * A backend that fails mid-run: the session moves to the next backend and goes on from the same
 * parameters. In Node: from wasm to cpu. (Its own file: the failed wasm backend is removed from
 * tfjs for the rest of the file.)
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import type { TrainingSpec } from '$lib/engine/trainer';
import type { ParamArrays } from '$lib/engine/init';
import { trainingSpec } from '$lib/tasks';
import { SessionCore } from './core';
import type { Runner, RunnerFactory } from './runner';

const HASH = 'cell=gru&hidden=8&T=12&batch=4&seed=9&lr=0.02';

/** Losses of the first `steps` updates on `backend`, by the Trainer itself. */
async function reference(backend: 'wasm' | 'cpu', steps: number): Promise<number[]> {
  await useNodeBackend(backend);
  const { config } = decodeHash(HASH);
  const { task, spec } = trainingSpec(config);
  const trainer = Trainer.create(spec);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++)
    losses.push(
      (await trainer.train(task.batch(config.seed, i, config.seqLength, config.batchSize))).loss
    );
  trainer.dispose();
  return losses;
}

/** Trainers whose `train` throws a (non device-loss) error once, at update `failAt`. */
function failingOnce(failAt: number): RunnerFactory {
  let failed = false;
  const wrap = (trainer: Trainer): Runner =>
    new Proxy(trainer, {
      get(target, key, receiver) {
        if (key === 'train')
          return async (...args: Parameters<Trainer['train']>) => {
            if (!failed && target.updates + 1 === failAt) {
              failed = true;
              throw new Error('mapAsync: the GPU buffer is invalid');
            }
            return target.train(...args);
          };
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

describe('backend fallback', () => {
  it('an error in a step: reads the parameters back, moves on to the next backend, same loss', async () => {
    const onWasm = await reference('wasm', 6);
    const dropped: string[] = [];
    const core = new SessionCore({
      selectBackend: (name) => useNodeBackend(name),
      // Keep wasm registered for the next test; record that it would have been dropped.
      dropBackend: (name) => dropped.push(name),
      runners: failingOnce(4)
    });
    await core.init(`${HASH}&backend=wasm`);
    const snapshot = await core.step(6);
    expect(dropped).toEqual(['wasm']);
    expect(snapshot.backend?.active).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(snapshot.switches).toEqual([
      {
        from: 'wasm',
        to: 'cpu',
        failedAtStep: 4,
        resumedFromStep: 3,
        reason: 'mapAsync: the GPU buffer is invalid'
      }
    ]);
    expect(snapshot.notice).toMatch(
      /wasm backend failed at step 4 .* on cpu from the parameters after step 3/
    );
    expect(snapshot.status).toBe('paused');
    expect(snapshot.step).toBe(6);
    // Updates 1–3 on wasm, update 4 on cpu from wasm's parameters after 3: the same loss as wasm's.
    const losses = Array.from(snapshot.lossHistory);
    expect(losses.slice(0, 3)).toEqual(onWasm.slice(0, 3).map(Math.fround));
    expect(Math.abs(losses[3] - onWasm[3]) / onWasm[3]).toBeLessThan(1e-5);
    expect(snapshot.view?.step).toBe(6);
    await core.dispose();
  });

  it('a simulated device loss: wasm is dropped, cpu goes on from the last copy of the parameters', async () => {
    const onWasm = await reference('wasm', 10);
    const core = new SessionCore({
      selectBackend: (name) => useNodeBackend(name),
      dropBackend: (name) => tf.removeBackend(name)
    });
    await core.init(`${HASH}&backend=wasm`, { simulateDeviceLossAtStep: 8 });
    expect(core.snapshot().backend?.active).toBe('wasm');
    await core.step(5);
    const snapshot = await core.step(5);
    const [change] = snapshot.switches;
    expect(change).toMatchObject({ from: 'wasm', to: 'cpu', failedAtStep: 8 });
    expect(change.reason).toMatch(/GPU device lost \(simulated at step 8\)/);
    // The parameters of a lost device cannot be read: the copy made at the last snapshot is used.
    expect(change.resumedFromStep).toBeGreaterThanOrEqual(5);
    expect(change.resumedFromStep).toBeLessThan(8);
    const k = change.resumedFromStep;
    expect(snapshot.backend?.active).toBe('cpu');
    expect(tf.findBackend('wasm')).toBeNull();
    // Five updates in the second step(5): 6 and 7 on wasm, then three on cpu after going back to k.
    expect(snapshot.step).toBe(k + 3);
    const losses = Array.from(snapshot.lossHistory);
    expect(losses.slice(0, k)).toEqual(onWasm.slice(0, k).map(Math.fround));
    // The first update on cpu starts from wasm's parameters after k updates: wasm's loss of update k+1.
    expect(Math.abs(losses[k] - onWasm[k]) / onWasm[k]).toBeLessThan(1e-5);
    console.log(
      `fallback: wasm lost at step 8, cpu resumed from step ${k}; loss of update ${k + 1}: ` +
        `wasm ${onWasm[k]}, cpu ${losses[k]}`
    );
    await core.dispose();
  });

  it('when the last backend fails too, the session stops with an error, not a crash', async () => {
    const core = new SessionCore({
      selectBackend: (name) => useNodeBackend(name),
      runners: failingOnce(2)
    });
    await core.init(`${HASH}&backend=cpu`);
    const snapshot = await core.step(3);
    expect(snapshot.status).toBe('error');
    expect(snapshot.error).toMatch(/cpu backend failed .*no backend after it works/);
    expect(snapshot.step).toBe(1);
    expect((await core.reset()).status).toBe('paused');
    await core.dispose();
  });
});
