import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Random } from '$lib/engine/random';
import { Trainer } from '$lib/engine/trainer';
import type { Batch, StepReport, TrainingSpec } from '$lib/engine/trainer';
import { trainingSpec } from '$lib/tasks';
import { buildRunFile, float32Number, readRunFile } from './runfile';

function hasNumpy(): boolean {
  return spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
}

function spec(
  network: Partial<TrainingSpec['network']>,
  rest: Partial<TrainingSpec> = {}
): TrainingSpec {
  return {
    network: {
      cell: 'lstm',
      activation: 'tanh',
      inputSize: 2,
      hidden: 4,
      layers: 1,
      bidirectional: false,
      readout: 'step',
      outputSize: 3,
      peepholes: false,
      ...network
    },
    init: {
      recurrent: 'orthogonal',
      input: 'glorot-uniform',
      gainSquared: 1,
      spectralRadius: 1.2,
      forgetBias: 1,
      seed: 4
    },
    optimizer: 'adam',
    learningRate: 0.05,
    clipping: 'norm',
    clipThreshold: 1,
    truncation: 0,
    loss: 'mse',
    ...rest
  };
}

function batch(s: TrainingSpec, T: number, B: number, seed: number): Batch {
  const random = new Random(seed);
  const { inputSize: I, outputSize: O, readout } = s.network;
  const tOut = readout === 'step' ? T : 1;
  const target = new Float32Array(tOut * B * O);
  for (let row = 0; row < tOut * B; row++) {
    if (s.loss === 'xent') target[row * O + random.int(O)] = 1;
    else for (let o = 0; o < O; o++) target[row * O + o] = random.normal();
  }
  return { T, B, x: new Float32Array(T * B * I).map(() => random.normal()), target };
}

/** Train a few steps so that the parameters are not the initial ones, then write the run file. */
async function runFileFor(s: TrainingSpec) {
  const trainer = Trainer.create(s);
  const history: StepReport[] = [];
  for (let i = 0; i < 3; i++) history.push(await trainer.train(batch(s, 5, 2, 10 + i)));
  const b = batch(s, 5, 2, 99);
  const run = await buildRunFile({
    config: DEFAULT_CONFIG,
    spec: s,
    task: 'test',
    trainer,
    batch: b,
    batchIndex: 3,
    history
  });
  trainer.dispose();
  return run;
}

const GRID: [string, TrainingSpec][] = [
  [
    'rnn relu, 2 layers, bidirectional, truncated k=2',
    spec({ cell: 'rnn', activation: 'relu', layers: 2, bidirectional: true }, { truncation: 2 })
  ],
  [
    'rnn sigmoid, readout last, cross-entropy',
    spec({ cell: 'rnn', activation: 'sigmoid', readout: 'last' }, { loss: 'xent' })
  ],
  [
    'lstm with peepholes, bidirectional, readout mean',
    spec({ cell: 'lstm', peepholes: true, bidirectional: true, readout: 'mean' })
  ],
  [
    'lstm, 2 layers, truncated k=3, cross-entropy',
    spec({ cell: 'lstm', layers: 2 }, { truncation: 3, loss: 'xent' })
  ],
  [
    'gru, 2 layers, bidirectional, readout last',
    spec({ cell: 'gru', layers: 2, bidirectional: true, readout: 'last' })
  ],
  ['gru, truncated k=2', spec({ cell: 'gru' }, { truncation: 2 })],
  [
    'lstm with a learned initial state, bidirectional, truncated k=2',
    spec({ cell: 'lstm', bidirectional: true, learnedInitialState: true }, { truncation: 2 })
  ]
];

describe('run file', () => {
  beforeAll(async () => {
    await useNodeBackend('cpu');
  });

  const numpy = hasNumpy();
  if (!numpy && process.env.CI)
    throw new Error('CI needs python3 with numpy for the independent run-file check.');

  it.skipIf(!numpy).each(GRID)(
    '%s: an independent NumPy float64 recomputation agrees',
    async (_, s) => {
      const run = await runFileFor(s);
      const dir = mkdtempSync(path.join(tmpdir(), 'run-'));
      const file = path.join(dir, 'run.json');
      writeFileSync(file, JSON.stringify(run));
      const result = spawnSync(
        'python3',
        ['scripts/check_run.py', file, '--samples', '12', '--quiet'],
        { encoding: 'utf8' }
      );
      expect(result.stdout + result.stderr).toMatch(/passed: 0 check\(s\) failed/);
      expect(result.status).toBe(0);
    }
  );

  it
    .skipIf(!numpy)
    .each([
      'task=reverse&cell=lstm&hidden=6&T=3&batch=3&tf=0.5&seed=2',
      'task=addition&cell=gru&hidden=5&layers=2&T=1&batch=2&tf=0&seed=3',
      'task=waveform&cell=rnn&hidden=5&T=6&batch=2&tf=0.5&h0=learned'
    ])('encoder–decoder and one-to-many (%s): the NumPy recomputation agrees', async (hash) => {
    const { config } = decodeHash(hash);
    const { task, spec: s } = trainingSpec(config);
    const trainer = Trainer.create(s);
    const history: StepReport[] = [];
    for (let i = 0; i < 3; i++)
      history.push(
        await trainer.train(task.batch(config.seed, i, config.seqLength, config.batchSize))
      );
    const b = task.batch(config.seed, 3, config.seqLength, config.batchSize);
    const run = await buildRunFile({
      config,
      spec: s,
      task: task.name,
      trainer,
      batch: b,
      batchIndex: 3,
      history
    });
    trainer.dispose();
    expect(Object.keys(run.norms)).toContain('decoder.l0');
    const dir = mkdtempSync(path.join(tmpdir(), 'run-'));
    const file = path.join(dir, 'run.json');
    writeFileSync(file, JSON.stringify(run));
    const result = spawnSync(
      'python3',
      ['scripts/check_run.py', file, '--samples', '8', '--quiet'],
      { encoding: 'utf8' }
    );
    expect(result.stdout + result.stderr).toMatch(/passed: 0 check\(s\) failed/);
  });

  it.skipIf(!numpy)('the NumPy checker catches a wrong gradient', async () => {
    const run = await runFileFor(GRID[2][1]);
    const g = run.gradients['weight_hh_l0'] as number[][];
    g[0][0] += 0.01;
    g[1][2] *= 1.5;
    const dir = mkdtempSync(path.join(tmpdir(), 'run-'));
    const file = path.join(dir, 'run.json');
    writeFileSync(file, JSON.stringify(run));
    const result = spawnSync(
      'python3',
      ['scripts/check_run.py', file, '--samples', '100', '--quiet'],
      { encoding: 'utf8' }
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/FAIL dL\/dweight_hh_l0/);
  });

  it('export → import restores the exact parameters and the same loss', async () => {
    const { config } = decodeHash('cell=gru&hidden=8&layers=2&bidir=1&T=12&seed=9');
    const { task, spec: s } = trainingSpec(config);
    const trainer = Trainer.create(s);
    const history: StepReport[] = [];
    for (let i = 0; i < 5; i++) history.push(await trainer.train(task.batch(9, i, 12, 16)));
    const b = task.batch(9, 5, 12, 16);
    const run = await buildRunFile({
      config,
      spec: s,
      task: task.name,
      trainer,
      batch: b,
      batchIndex: 5,
      history
    });
    const read = readRunFile(JSON.parse(JSON.stringify(run)), (c) => trainingSpec(c).spec);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.config).toEqual(config);
    expect(read.step).toBe(5);
    const original = await trainer.parameters();
    for (const name of Object.keys(original))
      expect(read.params[name].values).toEqual(original[name].values);
    const restored = Trainer.fromParameters(s, read.params);
    expect((await restored.measure(b)).loss).toBe((await trainer.measure(b)).loss);
    restored.dispose();
    trainer.dispose();
  });

  it('a malformed run file is refused with a message, never a crash', () => {
    const specFor = (c: typeof DEFAULT_CONFIG) => trainingSpec(c).spec;
    expect(readRunFile(null, specFor)).toEqual({
      ok: false,
      error: 'A run file is a JSON object.'
    });
    expect(readRunFile({ format: 'x' }, specFor)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/Not a run file/)
    });
    expect(readRunFile({ format: 'rnn-explorer/run', version: 7 }, specFor)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/version 7/)
    });
    expect(
      readRunFile({ format: 'rnn-explorer/run', version: 1, config: {}, parameters: {} }, specFor)
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/no parameter weight_ih_l0/)
    });
    expect(
      readRunFile(
        {
          format: 'rnn-explorer/run',
          version: 1,
          config: {},
          parameters: { weight_ih_l0: [[1, 2]] }
        },
        specFor
      )
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/malformed: weight_ih_l0: expected shape \[32, 1\]/)
    });
  });

  it('numbers are written in the shortest form that reads back as the same float32', () => {
    const values = new Float32Array([0.1, 1 / 3, -2.5e-8, 123456.789, 0, 1e30]);
    for (const v of values) {
      const written = float32Number(v);
      expect(Math.fround(written)).toBe(v);
      expect(
        String(written)
          .replace(/[-.]|e.*$/g, '')
          .replace(/^0+/, '').length
      ).toBeLessThanOrEqual(9);
    }
    expect(float32Number(Math.fround(0.1))).toBe(0.1);
  });

  it('the command-line runner trains and writes a run file the checker accepts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
    const out = path.join(dir, 'run.json');
    const log = execFileSync(
      'npx',
      [
        'tsx',
        'scripts/experiment.ts',
        'cell=rnn&hidden=4&T=6&batch=2&seed=2&k=3',
        '--steps',
        '20',
        '--out',
        out
      ],
      { encoding: 'utf8' }
    );
    expect(log).toMatch(/RNN tanh · 4 hidden · 1 layer · T=6/);
    expect(log).toMatch(/20 steps in/);
    expect(log).toMatch(/wrote /);
    if (numpy) {
      const result = spawnSync('python3', ['scripts/check_run.py', out, '--quiet'], {
        encoding: 'utf8'
      });
      expect(result.stdout).toMatch(/passed: 0 check\(s\) failed/);
    }
  });
});
