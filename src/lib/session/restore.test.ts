/**
 * Saving a session as a run file and going on from it, in Node on the cpu backend: export →
 * import gives the same weights, the same step and the same next training step (the optimizer's
 * running averages and a carried stream state travel in the file); a URL opened twice gives the
 * same initial weights; a malformed or mismatched file is refused and changes nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '$lib/engine/node-backend';
import { SessionCore } from './core';
import type { RunFile } from './runfile';

beforeAll(async () => {
  await useNodeBackend('cpu');
});

function newCore() {
  return new SessionCore({ selectBackend: (name) => useNodeBackend(name) });
}

/** The session's run file, through JSON as a download and an upload would carry it. */
async function saved(core: SessionCore): Promise<RunFile> {
  const run = await core.exportRun();
  if ('error' in run) throw new Error(run.error);
  return JSON.parse(JSON.stringify(run)) as RunFile;
}

/** A session at `hash` after `steps` updates. */
async function trained(hash: string, steps: number): Promise<SessionCore> {
  const core = newCore();
  await core.init(hash);
  if (steps > 0) await core.step(steps);
  return core;
}

const CASES = [
  // Adam's running averages and its bias correction depend on the step count.
  ['LSTM, Adam', 'cell=lstm&hidden=6&T=8&batch=3&seed=5&lr=0.05&backend=cpu'],
  // Momentum's buffer; a stream of windows whose state carries into the next window.
  [
    'GRU, momentum, a stream of windows with the state carried',
    'cell=gru&hidden=5&T=6&batch=2&seed=2&opt=momentum&lr=0.05&windows=stream&backend=cpu'
  ],
  ['RNN, RMSprop, 2 layers, bidirectional', 'hidden=4&layers=2&bidir=1&T=5&batch=2&opt=rmsprop'],
  // An encoder–decoder with scheduled sampling: the teacher-forcing coins depend on the step.
  [
    'encoder–decoder (reversal), scheduled sampling',
    'task=reverse&cell=lstm&hidden=6&T=3&batch=3&tf=0.5&ss=linear&ssk=20&seed=2&backend=cpu'
  ]
] as const;

describe('run file restore', () => {
  it.each(CASES)(
    '%s: export → import gives the same weights, step and next training step',
    async (_, hash) => {
      const original = await trained(hash, 5);
      const file = await saved(original);
      expect(file.step).toBe(5);
      expect(file.history.map((h) => h.step)).toEqual([1, 2, 3, 4, 5]);
      expect(file.optimizer?.step).toBe(5);

      // Another session, elsewhere in its own run, takes the file.
      const other = await trained('cell=rnn&hidden=3&T=4&batch=2&seed=77&backend=cpu', 2);
      const result = await other.restore(file);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.config).toEqual(file.config);
      expect(result.snapshot.step).toBe(5);
      expect(result.snapshot.status).toBe('paused');
      // The history comes back: the loss chart and the loss readout show what they showed.
      const before = original.snapshot();
      expect(Array.from(result.snapshot.lossHistory)).toEqual(Array.from(before.lossHistory));
      expect(result.snapshot.last?.loss).toBe(before.last?.loss);
      expect(result.snapshot.view?.loss).toBe(before.view?.loss);
      expect((await saved(other)).parameters).toEqual(file.parameters);

      // The next step is the one the original makes.
      const [a, b] = [await original.step(1), await other.step(1)];
      expect(b.step).toBe(6);
      expect(b.last?.loss).toBe(a.last?.loss);
      expect(b.last?.gradNormBefore).toBe(a.last?.gradNormBefore);
      const [nextA, nextB] = [await saved(original), await saved(other)];
      expect(nextB.parameters).toEqual(nextA.parameters);
      expect(nextB.optimizer).toEqual(nextA.optimizer);
      expect(nextB.carriedState).toEqual(nextA.carriedState);
      await original.dispose();
      await other.dispose();
    }
  );

  it('the stream case really carries a state, and without the optimizer state the next step differs', async () => {
    const [, hash] = CASES[1];
    const original = await trained(hash, 4);
    const file = await saved(original);
    expect(Object.keys(file.carriedState ?? {})).toEqual(['l0']);
    // A control: the same weights with the optimizer's buffer and the carried state dropped.
    const { optimizer: _o, carriedState: _c, ...bare } = file;
    const other = newCore();
    await other.init(hash);
    const result = await other.restore(bare);
    expect(result.ok).toBe(true);
    expect(result.ok && result.notices.join(' ')).toMatch(/no optimizer state/);
    const [a, b] = [await original.step(1), await other.step(1)];
    expect(b.last?.loss).not.toBe(a.last?.loss);
    expect((await saved(other)).parameters).not.toEqual((await saved(original)).parameters);
    await original.dispose();
    await other.dispose();
  });

  it('a character model trained on a pasted text goes on from its file, text and all', async () => {
    const hash = 'task=chars&cell=gru&hidden=6&T=8&batch=2&seed=3&backend=cpu';
    const text = 'abba cabbage, a bad cab; '.repeat(8);
    const original = newCore();
    await original.init(hash);
    await original.setText(text);
    await original.step(3);
    const file = await saved(original);
    expect(file.text).toBe(text);
    // The pasted text has its own vocabulary (the corpus's is larger): the weights follow it.
    const corpus = await saved(await trained(hash, 0));
    const width = (run: RunFile) => (run.parameters['weight_ih_l0'] as number[][])[0].length;
    expect(width(file)).toBeLessThan(width(corpus));
    const other = newCore();
    await other.init(hash);
    const result = await other.restore(file);
    expect(result.ok).toBe(true);
    const [a, b] = [await original.step(1), await other.step(1)];
    expect(b.last?.loss).toBe(a.last?.loss);
    expect((await saved(other)).parameters).toEqual((await saved(original)).parameters);
    // Without its text the weights do not fit the grammar corpus's vocabulary: refused.
    const { text: _text, ...withoutText } = file;
    const refused = await newCore().restore(withoutText);
    expect(refused.ok).toBe(false);
    await original.dispose();
    await other.dispose();
  });

  it('the same URL opened twice gives the same initial weights; another seed other ones', async () => {
    const hash = 'cell=lstm&hidden=7&layers=2&T=9&seed=12&init=orthogonal&rho=0.9&backend=cpu';
    const first = await saved(await trained(hash, 0));
    const second = await saved(await trained(hash, 0));
    expect(first.step).toBe(0);
    expect(second.parameters).toEqual(first.parameters);
    expect(second.forward.loss).toBe(first.forward.loss);
    const reseeded = await saved(await trained(hash.replace('seed=12', 'seed=13'), 0));
    expect(reseeded.parameters).not.toEqual(first.parameters);
  });

  it('a malformed or mismatched file is refused with a message and changes nothing', async () => {
    const hash = 'cell=lstm&hidden=6&T=8&batch=3&seed=5&backend=cpu';
    const source = await saved(await trained(hash, 3));
    const core = await trained('cell=gru&hidden=4&T=5&batch=2&seed=1&backend=cpu', 2);
    const before = await saved(core);

    const clone = () => JSON.parse(JSON.stringify(source)) as Record<string, unknown> & RunFile;
    const cases: [string, unknown, RegExp][] = [
      ['not an object', [1, 2], /a JSON object/],
      ['another format', { ...clone(), format: 'something/else' }, /Not a run file/],
      ['a later version', { ...clone(), version: 2 }, /version 2 is not supported/],
      ['no config', { ...clone(), config: undefined }, /no "config"/],
      [
        'a config that does not fit the weights',
        { ...clone(), config: { ...source.config, hidden: 9 } },
        /weight_ih_l0: expected shape \[36, 1\]/
      ],
      [
        'a weight with a string in it',
        (() => {
          const run = clone();
          (run.parameters['bias_hh_l0'] as unknown[])[2] = 'x';
          return run;
        })(),
        /bias_hh_l0: expected a number/
      ],
      [
        'an optimizer state for another optimizer',
        (() => {
          const run = clone();
          run.optimizer!.kind = 'sgd';
          return run;
        })(),
        /optimizer state is for "sgd", but its config trains with adam/
      ],
      [
        'an optimizer that made other steps',
        (() => {
          const run = clone();
          run.optimizer!.step = 2;
          return run;
        })(),
        /optimizer has made 2 steps, the run 3/
      ],
      [
        'an optimizer buffer of the wrong shape',
        (() => {
          const run = clone();
          run.optimizer!.state['weight_hh_l0'].exp_avg = [[0]];
          return run;
        })(),
        /weight_hh_l0.exp_avg: expected shape \[24, 6\]/
      ],
      [
        'an extra parameter',
        (() => {
          const run = clone();
          run.parameters['weight_hh_l7'] = [1];
          return run;
        })(),
        /a parameter weight_hh_l7, which its config does not make/
      ],
      ['a fractional step', { ...clone(), step: 1.5 }, /"step" is not a whole number/]
    ];
    for (const [what, json, message] of cases) {
      const result = await core.restore(json);
      expect(result.ok, what).toBe(false);
      expect(!result.ok && result.error, what).toMatch(message);
    }
    // Nothing changed: same step, same weights, same optimizer state, and it still trains.
    const after = await saved(core);
    expect(after.step).toBe(2);
    expect(after.config).toEqual(before.config);
    expect(after.parameters).toEqual(before.parameters);
    expect(after.optimizer).toEqual(before.optimizer);
    expect((await core.step(1)).step).toBe(3);
    await core.dispose();
  });

  it('the echo state network has no run file, and says why', async () => {
    const core = await trained('task=esn&backend=cpu', 0);
    const run = await core.exportRun();
    expect(run).toEqual({ error: expect.stringMatching(/echo state network/) });
    await core.dispose();
  });
});
