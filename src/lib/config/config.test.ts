import { describe, it, expect } from 'vitest';
import * as v from 'valibot';
import {
  ConfigSchema,
  DEFAULT_CONFIG,
  FIELD_SCHEMAS,
  PARAMETERS,
  PARAMETER_GROUPS,
  decodeHash,
  describeConfig,
  encodeHash,
  parameter,
  validateConfig,
  type Config,
  type ConfigKey,
  type Notice,
  type Parameter
} from './index';

/** A tiny seeded generator (32-bit LCG), so every random test reproduces. */
function lcg(seed: number) {
  let state = seed >>> 0;
  const next32 = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  const random = () => next32() / 2 ** 32;
  return {
    random,
    /** A full-precision double in [0, 1). */
    double: () => (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53,
    int: (min: number, max: number) => min + Math.floor(random() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  };
}
type Rng = ReturnType<typeof lcg>;

const TABLE: readonly Parameter[] = PARAMETERS;

function randomValue(p: Parameter, rng: Rng): unknown {
  switch (p.kind) {
    case 'enum':
      return rng.pick(p.options);
    case 'bool':
      return rng.random() < 0.5;
    case 'int':
      return rng.random() < 0.1 ? rng.pick([p.min, p.max]) : rng.int(p.min, p.max);
    case 'float': {
      if (p.nullable && rng.random() < 0.25) return null;
      const style = rng.random();
      if (style < 0.1) return rng.pick([p.min, p.max]);
      const fraction = rng.double();
      const value =
        p.scale === 'log'
          ? p.min * (p.max / p.min) ** fraction
          : p.min + (p.max - p.min) * fraction;
      // Half raw doubles (17 significant digits), half slider values (a multiple of the step).
      if (style < 0.55 || p.scale === 'log') return Math.min(p.max, Math.max(p.min, value));
      const stepped = Number((Math.round(value / p.step) * p.step).toFixed(6));
      return Math.min(p.max, Math.max(p.min, stepped));
    }
  }
}

function randomConfig(rng: Rng): Config {
  const config = Object.fromEntries(TABLE.map((p) => [p.key, randomValue(p, rng)])) as Config;
  // A valid config has k = 0 (full BPTT) or k < T.
  if (config.truncation >= config.seqLength) {
    config.truncation = config.seqLength > 1 ? rng.int(0, config.seqLength - 1) : 0;
  }
  return config;
}

const only = (notices: Notice[]) => {
  expect(notices).toHaveLength(1);
  return notices[0];
};

describe('the parameter table', () => {
  it('has one descriptor per Config field, in a fixed order', () => {
    expect(TABLE.map((p) => p.key)).toEqual(Object.keys(DEFAULT_CONFIG));
    expect(new Set(TABLE.map((p) => p.key)).size).toBe(32);
  });

  it('gives every parameter a label, help text and a known group', () => {
    for (const p of TABLE) {
      expect(p.label.trim(), p.key).not.toBe('');
      expect(p.help.trim().length, p.key).toBeGreaterThan(20);
      expect(p.help, p.key).not.toContain('\n');
      expect(PARAMETER_GROUPS, p.key).toContain(p.group);
    }
  });

  it('uses names that never collide, in any case, across URL keys and field names', () => {
    const owners = new Map<string, string>();
    for (const p of TABLE) {
      for (const name of new Set([p.key.toLowerCase(), p.url.toLowerCase()])) {
        expect(owners.get(name), `${name} of ${p.key}`).toBeUndefined();
        owners.set(name, p.key);
      }
      expect(p.url).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    }
  });

  it('has sensible ranges and defaults inside them', () => {
    for (const p of TABLE) {
      if (p.kind === 'enum') {
        expect(new Set(p.options).size, p.key).toBe(p.options.length);
        expect(p.options, p.key).toContain(p.default);
        expect(Object.keys(p.optionLabels).sort(), p.key).toEqual([...p.options].sort());
      } else if (p.kind === 'int' || p.kind === 'float') {
        expect(p.min, p.key).toBeLessThan(p.max);
        if (p.default !== null) {
          expect(p.default, p.key).toBeGreaterThanOrEqual(p.min);
          expect(p.default, p.key).toBeLessThanOrEqual(p.max);
        }
        if (p.kind === 'int') {
          expect(Number.isInteger(p.min) && Number.isInteger(p.max), p.key).toBe(true);
          expect(Number.isInteger(p.default), p.key).toBe(true);
        } else {
          expect(p.step, p.key).toBeGreaterThan(0);
          if (p.scale === 'log') expect(p.min, p.key).toBeGreaterThan(0);
        }
      } else {
        expect(typeof p.default, p.key).toBe('boolean');
      }
    }
  });

  it('matches the ranges of the brief', () => {
    expect(parameter('hidden')).toMatchObject({ url: 'hidden', min: 1, max: 256, default: 32 });
    expect(parameter('seqLength')).toMatchObject({ url: 'T', min: 1, max: 500, default: 20 });
    expect(parameter('spectralRadius')).toMatchObject({
      url: 'rho',
      min: 0.01,
      max: 3,
      nullable: true,
      default: null
    });
    expect(parameter('learningRate')).toMatchObject({ min: 1e-5, max: 1, scale: 'log' });
    expect(parameter('gainSquared')).toMatchObject({ url: 'g2', step: 0.05, default: 1 });
    expect(parameter('cell').options).toEqual(['rnn', 'lstm', 'gru']);
    expect(DEFAULT_CONFIG.cell).toBe('rnn');
    expect(() => parameter('nope' as ConfigKey)).toThrow(/nope/);
  });

  it('agrees with the valibot schema on every field', () => {
    expect(Object.keys(FIELD_SCHEMAS)).toEqual(TABLE.map((p) => p.key));
    expect(v.is(ConfigSchema, DEFAULT_CONFIG)).toBe(true);
    expect(v.is(ConfigSchema, { ...DEFAULT_CONFIG, extra: 1 })).toBe(false);
    const { cell: _cell, ...missingCell } = DEFAULT_CONFIG;
    expect(v.is(ConfigSchema, missingCell)).toBe(false);
    for (const p of TABLE) {
      const schema = FIELD_SCHEMAS[p.key as ConfigKey];
      expect(v.is(schema, p.default), p.key).toBe(true);
      const reject = (value: unknown) =>
        expect(v.is(schema, value), `${p.key}=${value}`).toBe(false);
      reject(undefined);
      reject('1');
      if (p.kind === 'enum') {
        reject('not-an-option');
        for (const o of p.options) expect(v.is(schema, o)).toBe(true);
      } else if (p.kind === 'bool') {
        reject(1);
      } else {
        reject(p.max + 1);
        reject(p.min - 1);
        reject(Number.NaN);
        reject(Infinity);
        expect(v.is(schema, null), p.key).toBe(p.kind === 'float' && p.nullable);
        if (p.kind === 'int') reject(p.min + 0.5);
        else expect(v.is(schema, (p.min + p.max) / 3)).toBe(true);
      }
    }
  });

  it('freezes the defaults', () => {
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
  });
});

describe('validateConfig', () => {
  it('accepts the defaults with no notices', () => {
    expect(validateConfig(DEFAULT_CONFIG)).toEqual({ config: DEFAULT_CONFIG, notices: [] });
    expect(validateConfig({})).toEqual({ config: DEFAULT_CONFIG, notices: [] });
    expect(validateConfig(undefined)).toEqual({ config: DEFAULT_CONFIG, notices: [] });
  });

  it('keeps a valid config that differs from the defaults in every field', () => {
    const config: Config = {
      cell: 'gru',
      activation: 'relu',
      hidden: 256,
      layers: 4,
      bidirectional: true,
      readout: 'mean',
      task: 'chars',
      windows: 'stream',
      seqLength: 500,
      batchSize: 1,
      initRecurrent: 'identity',
      initInput: 'zeros',
      gainSquared: 1.5,
      spectralRadius: 0.95,
      forgetBias: -5,
      initialState: 'learned',
      peepholes: true,
      optimizer: 'rmsprop',
      learningRate: 1e-5,
      clipping: 'value',
      clipThreshold: 1000,
      truncation: 499,
      loss: 'xent',
      teacherForcing: 0.5,
      schedule: 'inverse-sigmoid',
      scheduleSteps: 100000,
      temperature: 0.05,
      leakRate: 0.3,
      inputScaling: 10,
      ridge: 1e-10,
      seed: 2147483647,
      backend: 'cpu'
    };
    const result = validateConfig(config);
    expect(result.notices).toEqual([]);
    expect(result.config).toEqual(config);
    expect(result.config).not.toBe(config);
  });

  it('writes the clamp message for the user', () => {
    const { config, notices } = validateConfig({ hidden: 999 });
    expect(config.hidden).toBe(256);
    expect(notices).toEqual([
      { key: 'hidden', kind: 'clamped', message: 'hidden=999 is above the maximum 256; using 256.' }
    ]);
  });

  const cases: [string, Record<string, unknown>, ConfigKey, unknown, Notice['kind']][] = [
    ['hidden below the minimum', { hidden: 0 }, 'hidden', 1, 'clamped'],
    ['hidden not whole', { hidden: 3.4 }, 'hidden', 3, 'adjusted'],
    ['layers above and not whole', { layers: 7.6 }, 'layers', 4, 'clamped'],
    ['layers rounding up past the max', { layers: 4.4 }, 'layers', 4, 'adjusted'],
    ['seqLength negative', { seqLength: -3 }, 'seqLength', 1, 'clamped'],
    ['seed above 2^31 - 1', { seed: 2 ** 40 }, 'seed', 2147483647, 'clamped'],
    ['seed negative', { seed: -5 }, 'seed', 0, 'clamped'],
    ['learning rate too large', { learningRate: 5 }, 'learningRate', 1, 'clamped'],
    ['learning rate too small', { learningRate: 1e-9 }, 'learningRate', 1e-5, 'clamped'],
    ['spectral radius zero', { spectralRadius: 0 }, 'spectralRadius', 0.01, 'clamped'],
    ['spectral radius huge', { spectralRadius: 40 }, 'spectralRadius', 3, 'clamped'],
    ['negative g²', { gainSquared: -1 }, 'gainSquared', 0, 'clamped'],
    ['forget bias too negative', { forgetBias: -7.25 }, 'forgetBias', -5, 'clamped'],
    ['clip threshold too large', { clipThreshold: 1e6 }, 'clipThreshold', 1000, 'clamped'],
    ['forget bias NaN', { forgetBias: Number.NaN }, 'forgetBias', 1, 'dropped'],
    ['g² infinite', { gainSquared: Infinity }, 'gainSquared', 1, 'dropped'],
    ['hidden as a string', { hidden: '64' }, 'hidden', 32, 'dropped'],
    ['hidden as null', { hidden: null }, 'hidden', 32, 'dropped'],
    ['learning rate null', { learningRate: null }, 'learningRate', 0.01, 'dropped'],
    ['spectral radius as a word', { spectralRadius: 'off' }, 'spectralRadius', null, 'dropped'],
    ['unknown cell', { cell: 'transformer' }, 'cell', 'rnn', 'dropped'],
    ['cell in capitals', { cell: 'LSTM' }, 'cell', 'rnn', 'dropped'],
    ['cell as a number', { cell: 1 }, 'cell', 'rnn', 'dropped'],
    ['bidirectional as 1', { bidirectional: 1 }, 'bidirectional', false, 'dropped'],
    ['peepholes as "true"', { peepholes: 'true' }, 'peepholes', false, 'dropped'],
    ['optimizer as an object', { optimizer: { name: 'adam' } }, 'optimizer', 'adam', 'dropped'],
    ['truncation as an array', { truncation: [3] }, 'truncation', 0, 'dropped'],
    ['task unknown', { task: 'juggling' }, 'task', 'sine', 'dropped']
  ];

  it.each(cases)('%s', (_name, input, key, expected, kind) => {
    const { config, notices } = validateConfig(input);
    expect(config[key]).toEqual(expected);
    expect(config).toEqual({ ...DEFAULT_CONFIG, [key]: expected });
    const notice = only(notices);
    expect(notice.key).toBe(key);
    expect(notice.kind).toBe(kind);
    expect(notice.message).toContain(`${key}=`);
    expect(v.is(ConfigSchema, config)).toBe(true);
  });

  it('says what a dropped value should have been and what is used instead', () => {
    const notice = only(validateConfig({ cell: 'transformer' }).notices);
    expect(notice.message).toBe(
      'cell="transformer" is not one of rnn, lstm, gru; using the default rnn.'
    );
    expect(only(validateConfig({ hidden: 3.4 }).notices).message).toBe(
      'hidden=3.4 is not a whole number; using 3.'
    );
  });

  it('drops unknown keys with a notice naming them, including prototype names', () => {
    const input = JSON.parse('{"colour":"red","__proto__":{"hidden":1},"constructor":1}');
    const { config, notices } = validateConfig(input);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(notices.map((n) => [n.key, n.kind])).toEqual([
      ['colour', 'dropped'],
      ['__proto__', 'dropped'],
      ['constructor', 'dropped']
    ]);
    expect(notices[0].message).toContain('colour');
  });

  it.each([['hello'], [[1, 2]], [null], [42], [() => 1]])(
    'falls back to the defaults for a non-object %s',
    (input) => {
      const { config, notices } = validateConfig(input);
      expect(config).toEqual(DEFAULT_CONFIG);
      expect(only(notices).kind).toBe('dropped');
    }
  );

  it('never throws on an object whose properties throw', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        }
      }
    );
    const { config, notices } = validateConfig(hostile);
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(only(notices).kind).toBe('dropped');
  });

  it('does not change its input', () => {
    const input = { hidden: 999, truncation: 50, seqLength: 10 };
    validateConfig(input);
    expect(input).toEqual({ hidden: 999, truncation: 50, seqLength: 10 });
  });

  it('treats -0 as 0', () => {
    const { config, notices } = validateConfig({ forgetBias: -0, truncation: -0 });
    expect(Object.is(config.forgetBias, 0)).toBe(true);
    expect(Object.is(config.truncation, 0)).toBe(true);
    expect(notices).toEqual([]);
  });

  describe('cross-field rules', () => {
    it('turns a window k >= T into full BPTT (k = 0)', () => {
      const { config, notices } = validateConfig({ seqLength: 10, truncation: 10 });
      expect(config.truncation).toBe(0);
      expect(config.seqLength).toBe(10);
      const notice = only(notices);
      expect(notice).toMatchObject({ key: 'truncation', kind: 'adjusted' });
      expect(notice.message).toContain('truncation=10');
      expect(notice.message).toContain('seqLength=10');
    });

    it('keeps a window shorter than T', () => {
      expect(validateConfig({ seqLength: 10, truncation: 9 })).toEqual({
        config: { ...DEFAULT_CONFIG, seqLength: 10, truncation: 9 },
        notices: []
      });
    });

    it('compares k with T after clamping both', () => {
      const { config, notices } = validateConfig({ seqLength: 900, truncation: 600 });
      expect(config).toMatchObject({ seqLength: 500, truncation: 0 });
      expect(notices.map((n) => [n.key, n.kind])).toEqual([
        ['seqLength', 'clamped'],
        ['truncation', 'clamped'],
        ['truncation', 'adjusted']
      ]);
    });

    it('keeps LSTM-only settings on other cells without a notice', () => {
      const input = { cell: 'gru', forgetBias: 2, peepholes: true, activation: 'relu' };
      expect(validateConfig(input)).toEqual({
        config: { ...DEFAULT_CONFIG, ...input },
        notices: []
      });
    });
  });
});

describe('encodeHash', () => {
  it('writes nothing for the defaults and everything with full', () => {
    expect(encodeHash(DEFAULT_CONFIG)).toBe('');
    expect(encodeHash(DEFAULT_CONFIG, { full: true })).toBe(
      'cell=rnn&act=tanh&hidden=32&layers=1&bidir=0&readout=step&task=sine&windows=sequences' +
        '&T=20&batch=16&init=orthogonal&initIH=glorot-uniform&g2=1&rho=off&fbias=1&h0=zeros&peep=0' +
        '&opt=adam&lr=0.01&clip=norm&clipAt=1&k=0&loss=mse&tf=1&ss=off&ssk=1000&temp=1&leak=1' +
        '&inScale=1&ridge=0.000001&seed=1&backend=auto'
    );
  });

  it('writes only what differs from the defaults, in table order', () => {
    const config: Config = {
      ...DEFAULT_CONFIG,
      seed: 7,
      spectralRadius: 0.95,
      cell: 'lstm',
      bidirectional: true,
      learningRate: 0.00003,
      gainSquared: 1.5
    };
    expect(encodeHash(config)).toBe('cell=lstm&bidir=1&g2=1.5&rho=0.95&lr=0.00003&seed=7');
  });

  it('writes numbers in their shortest exact form', () => {
    expect(encodeHash({ ...DEFAULT_CONFIG, learningRate: 0.1 + 0.2 })).toBe(
      'lr=0.30000000000000004'
    );
    expect(encodeHash({ ...DEFAULT_CONFIG, clipThreshold: 1e-3 })).toBe('clipAt=0.001');
  });
});

describe('decodeHash', () => {
  it('reads the example URL to exactly those values', () => {
    const { config, notices } = decodeHash(
      'cell=lstm&hidden=32&rho=0.95&init=orthogonal&T=50&seed=1'
    );
    expect(notices).toEqual([]);
    expect(config).toEqual({
      ...DEFAULT_CONFIG,
      cell: 'lstm',
      hidden: 32,
      spectralRadius: 0.95,
      initRecurrent: 'orthogonal',
      seqLength: 50,
      seed: 1
    });
  });

  it('accepts a leading #, empty segments and an empty hash', () => {
    expect(decodeHash('#&&cell=gru&&')).toEqual({
      config: { ...DEFAULT_CONFIG, cell: 'gru' },
      notices: [],
      preset: null,
      story: null
    });
    expect(decodeHash('')).toEqual({
      config: DEFAULT_CONFIG,
      notices: [],
      preset: null,
      story: null
    });
    expect(decodeHash('#')).toEqual({
      config: DEFAULT_CONFIG,
      notices: [],
      preset: null,
      story: null
    });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['yes', true],
    ['on', true],
    ['TRUE', true],
    ['0', false],
    ['false', false],
    ['no', false],
    ['off', false]
  ])('reads bidir=%s as %s', (text, expected) => {
    const { config, notices } = decodeHash(`bidir=${text}&peep=${text}`);
    expect(notices).toEqual([]);
    expect(config.bidirectional).toBe(expected);
    expect(config.peepholes).toBe(expected);
  });

  it('reads rho=off as null, in any case', () => {
    expect(decodeHash('rho=0.5&rho=OFF').config.spectralRadius).toBeNull();
    expect(decodeHash('rho=off')).toEqual({
      config: DEFAULT_CONFIG,
      notices: [],
      preset: null,
      story: null
    });
  });

  it('percent-decodes keys and values', () => {
    expect(decodeHash('cell=%6Cstm&%54=5%30&lr=1e%2D3')).toEqual({
      config: { ...DEFAULT_CONFIG, cell: 'lstm', seqLength: 50, learningRate: 0.001 },
      notices: [],
      preset: null,
      story: null
    });
  });

  it('accepts field names and any case for keys and options', () => {
    expect(decodeHash('seqLength=40&CELL=LSTM&t=30&Init=Identity')).toMatchObject({
      config: { ...DEFAULT_CONFIG, cell: 'lstm', seqLength: 30, initRecurrent: 'identity' }
    });
  });

  it('reads numbers in any decimal notation', () => {
    const { config, notices } = decodeHash('hidden=6.4e1&lr=.5&fbias=-2.&g2=+3');
    expect(notices).toEqual([]);
    expect(config).toMatchObject({ hidden: 64, learningRate: 0.5, forgetBias: -2, gainSquared: 3 });
  });

  it('clamps with a message in URL names', () => {
    const { config, notices } = decodeHash('hidden=999&T=0');
    expect(config).toMatchObject({ hidden: 256, seqLength: 1 });
    expect(notices).toEqual([
      {
        key: 'hidden',
        kind: 'clamped',
        message: 'hidden=999 is above the maximum 256; using 256.'
      },
      { key: 'seqLength', kind: 'clamped', message: 'T=0 is below the minimum 1; using 1.' }
    ]);
  });

  it('turns k >= T into full BPTT, naming k and T', () => {
    const { config, notices } = decodeHash('T=20&k=50');
    expect(config).toMatchObject({ seqLength: 20, truncation: 0 });
    const notice = only(notices);
    expect(notice).toMatchObject({ key: 'truncation', kind: 'adjusted' });
    expect(notice.message).toMatch(/^k=50 .*T=20.*k=0\.$/);
  });

  const malformed: [string, string, ConfigKey | string][] = [
    ['no =', 'hidden', 'hidden'],
    ['not a number', 'hidden=abc', 'hidden'],
    ['overflow', 'lr=1e999', 'learningRate'],
    ['NaN', 'lr=NaN', 'learningRate'],
    ['Infinity', 'fbias=Infinity', 'forgetBias'],
    ['-Infinity', 'g2=-Infinity', 'gainSquared'],
    ['hex', 'hidden=0x20', 'hidden'],
    ['two numbers', 'hidden=3 2', 'hidden'],
    ['empty value', 'hidden=', 'hidden'],
    ['blank value', 'T=%20', 'seqLength'],
    ['off for a non-optional number', 'lr=off', 'learningRate'],
    ['unknown option', 'cell=transformer', 'cell'],
    ['unknown bool word', 'bidir=maybe', 'bidirectional'],
    ['broken %-encoding', 'hidden=%E0%A4%A', 'hidden'],
    ['unknown key', 'colour=red', 'colour'],
    ['prototype key', '__proto__=1', '__proto__'],
    ['another prototype key', 'constructor=x', 'constructor'],
    ['empty key', '=5', '']
  ];

  it.each(malformed)('drops a segment with %s, with a notice', (_name, hash, key) => {
    const { config, notices } = decodeHash(`layers=2&${hash}`);
    expect(config).toEqual({ ...DEFAULT_CONFIG, layers: 2 });
    const notice = only(notices);
    expect(notice.key).toBe(key);
    expect(notice.kind).toBe('dropped');
    expect(notice.message.length).toBeGreaterThan(10);
  });

  it('names the bad value and the default in the message', () => {
    expect(only(decodeHash('hidden=abc').notices).message).toBe(
      'hidden=abc is not a number; using the default 32.'
    );
    expect(only(decodeHash('lr=1e999').notices).message).toBe(
      'lr=1e999 is not a finite number; using the default 0.01.'
    );
    expect(only(decodeHash('bidir=maybe').notices).message).toContain('default 0');
  });

  it('lets the last of a repeated key win, with a notice', () => {
    const { config, notices } = decodeHash('hidden=8&cell=gru&hidden=16&HIDDEN=24');
    expect(config).toEqual({ ...DEFAULT_CONFIG, cell: 'gru', hidden: 24 });
    const notice = only(notices);
    expect(notice).toMatchObject({ key: 'hidden', kind: 'dropped' });
    expect(notice.message).toContain('3 times');
    expect(notice.message).toContain('hidden=24');
  });

  it('counts a URL key and its field name as the same parameter', () => {
    const { config, notices } = decodeHash('T=10&seqLength=30');
    expect(config.seqLength).toBe(30);
    expect(only(notices).key).toBe('seqLength');
  });

  it('lets a bad last value win over a good earlier one', () => {
    const { config, notices } = decodeHash('hidden=8&hidden=abc');
    expect(config.hidden).toBe(32);
    expect(notices.map((n) => n.kind)).toEqual(['dropped', 'dropped']);
  });

  it('shortens very long user text in messages', () => {
    const { notices } = decodeHash(`hidden=${'9'.repeat(5000)}&${'x'.repeat(5000)}=1`);
    expect(notices).toHaveLength(2);
    for (const n of notices) expect(n.message.length).toBeLessThan(200);
  });
});

describe('round trip', () => {
  it('decodes every encoded random config to exactly the same config', () => {
    const rng = lcg(20240611);
    for (let i = 0; i < 1000; i++) {
      const config = randomConfig(rng);
      expect(validateConfig(config)).toEqual({ config, notices: [] });
      for (const full of [false, true]) {
        const hash = encodeHash(config, { full });
        const decoded = decodeHash(hash);
        expect(decoded.notices, hash).toEqual([]);
        expect(decoded.config, hash).toEqual(config);
        expect(decodeHash(`#${hash}`).config).toEqual(config);
        expect(encodeHash(decoded.config, { full })).toBe(hash);
      }
    }
  });

  it('reproduces awkward floats bit for bit', () => {
    const floats = [
      0.1 + 0.2,
      1 / 3,
      2.9999999999999996,
      0.010000000000000002,
      1e-5,
      0.7000000000000001
    ];
    for (const x of floats) {
      const config: Config = { ...DEFAULT_CONFIG, learningRate: Math.min(1, x), forgetBias: -x };
      expect(decodeHash(encodeHash(config)).config).toEqual(config);
    }
  });
});

describe('hostile hashes', () => {
  const PIECES = [
    '=',
    '&',
    '#',
    '%',
    '%2',
    '%ZZ',
    '%E0%A4%A',
    '%00',
    '%26',
    '%3D',
    '+',
    ' ',
    '\u0000',
    '\n',
    '\uD800',
    '\uDFFF',
    '😀',
    'é',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'cell',
    'act',
    'hidden',
    'T',
    'k',
    'rho',
    'bidir',
    'lr',
    'seed',
    'init',
    'off',
    'on',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '-1e999',
    '1e-999',
    '-0',
    '0x10',
    '0b1',
    '1_000',
    '9'.repeat(400),
    '-',
    '.',
    'e',
    'E5',
    '1.2.3',
    'lstm',
    'LSTM',
    'orthogonal',
    'null',
    'undefined',
    '[]',
    '{}'
  ];

  function randomHostileString(rng: Rng): string {
    const length = rng.int(0, 30);
    let text = '';
    for (let i = 0; i < length; i++) {
      const r = rng.random();
      if (r < 0.7) text += rng.pick(PIECES);
      else if (r < 0.85) text += String.fromCharCode(rng.int(0, 0xffff));
      else text += String(rng.int(-1000, 1000));
    }
    return text;
  }

  function expectValid(hash: string) {
    const { config, notices } = decodeHash(hash);
    expect(validateConfig(config), JSON.stringify(hash)).toEqual({ config, notices: [] });
    expect(v.is(ConfigSchema, config)).toBe(true);
    for (const n of notices) {
      expect(typeof n.key).toBe('string');
      expect(['clamped', 'dropped', 'adjusted']).toContain(n.kind);
      expect(n.message.length).toBeGreaterThan(0);
    }
  }

  it('never throws and always yields a valid config (seeded random strings)', () => {
    const rng = lcg(7);
    for (let i = 0; i < 600; i++) expectValid(randomHostileString(rng));
  });

  it('survives random mutations of valid hashes', () => {
    const rng = lcg(99);
    for (let i = 0; i < 300; i++) {
      const chars = [...encodeHash(randomConfig(rng), { full: rng.random() < 0.5 })];
      for (let j = rng.int(1, 5); j > 0; j--) {
        chars.splice(rng.int(0, chars.length), rng.int(0, 3), rng.pick(PIECES));
      }
      expectValid(chars.join(''));
    }
  });

  it.each([
    '',
    '#',
    '##',
    '&&&',
    '=',
    '==',
    '=&=',
    '%',
    '%%%',
    '#%',
    'cell',
    'cell=',
    '=lstm',
    'hidden=__proto__',
    'toString=1',
    'valueOf=',
    'cell=lstm=gru',
    'rho=off=on',
    'a'.repeat(100_000),
    '&'.repeat(10_000),
    'hidden=1&'.repeat(2_000)
  ])('never throws on hostile string #%#', (hash) => {
    expectValid(hash);
  });

  it('does not throw when given a non-string at run time', () => {
    expect(decodeHash(undefined as unknown as string).config).toEqual(DEFAULT_CONFIG);
    expect(decodeHash(42 as unknown as string).config).toEqual(DEFAULT_CONFIG);
  });
});

describe('describeConfig', () => {
  it('summarises the defaults', () => {
    expect(describeConfig(DEFAULT_CONFIG)).toBe(
      'RNN tanh · 32 hidden · 1 layer · T=20 · orthogonal init · ρ off · adam lr 0.01'
    );
  });

  it('summarises an LSTM with ρ, stacked bidirectional layers and truncation', () => {
    const config: Config = {
      ...DEFAULT_CONFIG,
      cell: 'lstm',
      activation: 'relu',
      layers: 2,
      bidirectional: true,
      seqLength: 50,
      truncation: 10,
      spectralRadius: 0.95,
      initRecurrent: 'normal',
      optimizer: 'sgd',
      learningRate: 0.1
    };
    expect(describeConfig(config)).toBe(
      'LSTM · 32 hidden · 2 layers · bidirectional · T=50 · k=10 · normal init · ρ=0.95 · sgd lr 0.1'
    );
  });
});
