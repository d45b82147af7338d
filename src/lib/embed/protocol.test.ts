import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, encodeHash } from '$lib/config';
import type { Snapshot } from '$lib/session/snapshot';
import { MAX_STEPS, type EmbedSnapshot, type Metrics } from './messages';
import {
  applyConfigChange,
  createEmbedServer,
  metricsOf,
  parseMessage,
  replyOrigin,
  snapshotJson,
  type EmbedTarget
} from './protocol';

describe('parseMessage', () => {
  it.each([
    [{ type: 'rnn-explorer:play' }],
    [{ type: 'rnn-explorer:pause', id: 'a' }],
    [{ type: 'rnn-explorer:step', id: 3 }],
    [{ type: 'rnn-explorer:step', n: 5 }],
    [{ type: 'rnn-explorer:step', n: MAX_STEPS }],
    [{ type: 'rnn-explorer:reset' }],
    [{ type: 'rnn-explorer:set-config', config: { T: 50 } }],
    [{ type: 'rnn-explorer:set-config', config: 'cell=lstm&T=50' }],
    [{ type: 'rnn-explorer:get-metrics', id: 1 }],
    [{ type: 'rnn-explorer:get-snapshot' }]
  ])('takes %j', (data) => {
    const parsed = parseMessage(data);
    expect(parsed.kind).toBe('request');
  });

  it.each([
    [null, /null with no "type"/],
    ['play', /the string "play"/],
    [42, /a number/],
    [[{ type: 'rnn-explorer:play' }], /an array/],
    [{ type: 'play' }, /no "type" of the form "rnn-explorer:<request>"/],
    [{ type: 'rnn-explorer:explode' }, /rnn-explorer:explode: /],
    [{ type: 'rnn-explorer:step', n: 0 }, /n: /],
    [{ type: 'rnn-explorer:step', n: -5 }, /n: /],
    [{ type: 'rnn-explorer:step', n: 2.5 }, /n: /],
    [{ type: 'rnn-explorer:step', n: '5' }, /n: /],
    [{ type: 'rnn-explorer:step', n: MAX_STEPS + 1 }, /n: /],
    [{ type: 'rnn-explorer:step', n: NaN }, /n: /],
    [
      { type: 'rnn-explorer:step', count: 5 },
      /^rnn-explorer:step: count: not a field of this request$/
    ],
    [{ type: 'rnn-explorer:play', id: { nested: true } }, /id: /],
    [{ type: 'rnn-explorer:play', id: 'x'.repeat(201) }, /id: /],
    [{ type: 'rnn-explorer:set-config' }, /config/],
    [{ type: 'rnn-explorer:set-config', config: 5 }, /config/],
    [{ type: 'rnn-explorer:set-config', config: [1, 2] }, /config/]
  ])('refuses %j, saying why', (data, reason) => {
    const parsed = parseMessage(data);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(parsed.reason).toMatch(reason);
  });

  it("knows reveal.js's slide messages", () => {
    expect(parseMessage('slide:stop')).toEqual({ kind: 'slide', shown: false });
    expect(parseMessage('slide:start')).toEqual({ kind: 'slide', shown: true });
  });
});

describe('applyConfigChange', () => {
  const current = { ...DEFAULT_CONFIG, cell: 'lstm' as const, seqLength: 30 };

  it('merges an object into the current config, by field name or URL key', () => {
    const { config, notices } = applyConfigChange(current, { T: 50, spectralRadius: 0.9 });
    expect(notices).toEqual([]);
    expect(config).toEqual({ ...current, seqLength: 50, spectralRadius: 0.9 });
  });

  it('replaces the config with a hash string', () => {
    const { config } = applyConfigChange(current, 'T=50');
    expect(config).toEqual({ ...DEFAULT_CONFIG, seqLength: 50 });
  });

  it('clamps out-of-range values and drops unknown keys, each with a notice', () => {
    const { config, notices } = applyConfigChange(current, { hidden: 9999, bogus: 1, cell: 'xyz' });
    expect(config).toEqual({ ...current, hidden: 256 });
    expect(notices.map((n) => n.message)).toEqual([
      // A value that cannot be used changes nothing: the cell stays an LSTM.
      'cell="xyz" is not one of rnn, lstm, gru; keeping cell=lstm.',
      'hidden=9999 is above the maximum 256; using 256.',
      'Unknown parameter "bogus"; ignored.'
    ]);
  });
});

/** A snapshot of a session after 3 steps, with non-finite numbers in it. */
function sampleSnapshot(): Snapshot {
  return {
    serial: 1,
    status: 'paused',
    step: 3,
    lossHistory: new Float32Array([0.5, 0.4, Infinity]),
    gradNormHistory: new Float32Array([1, 2, 3]),
    historyStride: 1,
    last: {
      step: 3,
      loss: 0.25,
      gradNormBefore: 1.5,
      gradNormAfter: 1,
      clipped: true,
      perStep: [
        {
          suffix: 'l0',
          hNorm: new Float32Array([1, 1]),
          gradNormPerStep: new Float32Array([0.5, NaN])
        }
      ]
    },
    view: null,
    baselines: [],
    divergence: null,
    backend: { requested: 'auto', active: 'wasm', skipped: [] },
    notice: 'switched',
    switches: [],
    notices: ['one'],
    error: null,
    reservoir: null,
    sample: null,
    timing: { msPerStep: 2, stepsPerSecond: 0 }
  };
}

describe('metricsOf and snapshotJson', () => {
  it('reports a loading session', () => {
    expect(metricsOf(null, '')).toEqual({
      step: 0,
      status: 'loading',
      loss: null,
      gradNorm: null,
      clipped: null,
      stepsPerSecond: 0,
      backend: null,
      taskMetrics: {},
      config: ''
    });
  });

  it('takes the last step, as plain JSON with null for non-finite numbers', () => {
    const snapshot = sampleSnapshot();
    const json = snapshotJson(snapshot, 'T=5');
    expect(json).toMatchObject({
      step: 3,
      status: 'paused',
      loss: 0.25,
      gradNorm: 1.5,
      clipped: true,
      backend: 'wasm',
      config: 'T=5',
      lastStep: [{ suffix: 'l0', gradNormPerStep: [0.5, null] }],
      view: null,
      notices: ['one', 'switched']
    });
    expect(json.lossHistory).toEqual([0.5, Math.fround(0.4), null]);
    // It survives JSON unchanged: nothing typed, nothing non-finite.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

/** A target that records what it was asked to do. */
function fakeTarget() {
  let step = 0;
  let status = 'paused';
  const calls: string[] = [];
  const metrics = (): Metrics => ({ ...metricsOf(null, ''), step, status });
  const target: EmbedTarget = {
    play: async () => void (calls.push('play'), (status = 'running')),
    pause: async () => void (calls.push('pause'), (status = 'paused')),
    step: async (n) => void (calls.push(`step ${n}`), (step += n)),
    reset: async () => void (calls.push('reset'), (step = 0)),
    setConfig: async (change) => {
      calls.push(`set-config ${JSON.stringify(change)}`);
      return ['clamped'];
    },
    metrics,
    snapshot: (): EmbedSnapshot => snapshotJson(null, '')
  };
  return { target, calls };
}

function setup() {
  const { target, calls } = fakeTarget();
  const parent = { postMessage: vi.fn() };
  const warn = vi.fn();
  const server = createEmbedServer({
    target: Promise.resolve(target),
    accepts: (source) => source === parent,
    warn
  });
  const send = (data: unknown, origin = 'https://course.example') =>
    server.receive({ data, origin, source: parent });
  return { server, parent, warn, calls, send };
}

describe('createEmbedServer', () => {
  it('carries out a request and answers the window that asked, at its origin, with the id and metrics', async () => {
    const { parent, send, calls } = setup();
    await send({ type: 'rnn-explorer:step', n: 5, id: 'q1' });
    expect(calls).toEqual(['step 5']);
    expect(parent.postMessage).toHaveBeenCalledWith(
      {
        type: 'rnn-explorer:reply',
        id: 'q1',
        request: 'step',
        metrics: expect.objectContaining({ step: 5, status: 'paused' })
      },
      'https://course.example'
    );
  });

  it('steps once by default and answers with id null when none was given', async () => {
    const { parent, send, calls } = setup();
    await send({ type: 'rnn-explorer:step' });
    expect(calls).toEqual(['step 1']);
    expect(parent.postMessage.mock.calls[0][0]).toMatchObject({ id: null, metrics: { step: 1 } });
  });

  it('reports the notices of set-config, and adds the snapshot to get-snapshot', async () => {
    const { parent, send } = setup();
    await send({ type: 'rnn-explorer:set-config', id: 1, config: { hidden: 999 } });
    expect(parent.postMessage.mock.calls[0][0]).toMatchObject({
      request: 'set-config',
      notices: ['clamped']
    });
    await send({ type: 'rnn-explorer:get-snapshot', id: 2 });
    expect(parent.postMessage.mock.calls[1][0].snapshot).toMatchObject({ lossHistory: [] });
    await send({ type: 'rnn-explorer:get-metrics', id: 3 });
    expect(parent.postMessage.mock.calls[2][0]).not.toHaveProperty('snapshot');
  });

  it('ignores malformed and unknown messages with a warning: nothing runs, nothing is sent', async () => {
    const { parent, send, calls, warn } = setup();
    const bad = [
      'hello',
      { type: 'rnn-explorer:step', n: -1, id: 1 },
      { type: 'rnn-explorer:destroy', id: 2 },
      { type: 'rnn-explorer:reset', id: 3, extra: true },
      { n: 5 }
    ];
    for (const data of bad) await send(data);
    expect(calls).toEqual([]);
    expect(parent.postMessage).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(bad.length);
    expect(warn.mock.calls[1][0]).toMatch(
      /^RNN Explorer embed: ignored a message: rnn-explorer:step: n: /
    );
  });

  it('ignores messages from other windows than its parent', async () => {
    const { server, calls, warn } = setup();
    const stranger = { postMessage: vi.fn() };
    await server.receive({
      data: { type: 'rnn-explorer:play' },
      origin: 'https://x',
      source: stranger
    });
    expect(calls).toEqual([]);
    expect(stranger.postMessage).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledOnce();
  });

  it('answers a page opened from disk (origin null) with the target origin *', async () => {
    const { parent, send } = setup();
    await send({ type: 'rnn-explorer:get-metrics' }, 'null');
    expect(parent.postMessage.mock.calls[0][1]).toBe('*');
    expect(replyOrigin('https://a.example')).toBe('https://a.example');
  });

  it('pauses a running session when reveal.js leaves its slide, silently', async () => {
    const { send, calls, parent, warn } = setup();
    await send({ type: 'rnn-explorer:play' });
    await send('slide:stop');
    await send('slide:start');
    expect(calls).toEqual(['play', 'pause']);
    expect(parent.postMessage).toHaveBeenCalledOnce();
    expect(warn).not.toHaveBeenCalled();
  });

  it('waits for the session before carrying out a request', async () => {
    const { target, calls } = fakeTarget();
    let start!: (target: EmbedTarget) => void;
    const parent = { postMessage: vi.fn() };
    const server = createEmbedServer({
      target: new Promise((resolve) => (start = resolve)),
      accepts: () => true,
      warn: vi.fn()
    });
    const done = server.receive({
      data: { type: 'rnn-explorer:play' },
      origin: 'https://a',
      source: parent
    });
    await Promise.resolve();
    expect(calls).toEqual([]);
    start(target);
    await done;
    expect(calls).toEqual(['play']);
    expect(parent.postMessage).toHaveBeenCalledOnce();
  });
});

describe('the hash in the metrics', () => {
  it('is the config hash', () => {
    const hash = encodeHash({ ...DEFAULT_CONFIG, seqLength: 50 });
    expect(metricsOf(null, hash).config).toBe('T=50');
  });
});
