import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_CONFIG,
  PARAMETERS,
  PARAMETER_GROUPS,
  STORIES,
  encodeHash,
  findPreset,
  parameter,
  presetConfig,
  type Config
} from '$lib/config';
import { TASKS } from '$lib/tasks';
import {
  Explorer,
  HASH_THROTTLE_MS,
  PALETTE,
  SHORTCUTS,
  SEQUENCE_TASKS,
  controlGroups,
  debounce,
  formatNumber,
  historySteps,
  logDomain,
  metricLabel,
  shortcutOf,
  sliderScale,
  throttle,
  unusedBecause,
  widgetOf,
  type KeyTarget
} from './explorer.svelte';

describe('controlGroups', () => {
  const groups = controlGroups(PARAMETERS);

  it('has every parameter of the table exactly once', () => {
    const keys = groups.flatMap((g) => g.parameters.map((p) => p.key));
    expect(keys.toSorted()).toEqual(PARAMETERS.map((p) => p.key).toSorted());
  });

  it('puts each parameter under its own group, groups in the table order', () => {
    expect(groups.map((g) => g.group)).toEqual(
      PARAMETER_GROUPS.filter((g) => PARAMETERS.some((p) => p.group === g))
    );
    for (const g of groups) for (const p of g.parameters) expect(p.group).toBe(g.group);
    expect(groups.map((g) => g.label)).toEqual([
      'Model',
      'Initialization',
      'Training',
      'Task',
      'System'
    ]);
  });

  it('keeps the table order within a group', () => {
    for (const g of groups) {
      const order = g.parameters.map((p) => PARAMETERS.findIndex((q) => q.key === p.key));
      expect(order).toEqual(order.toSorted((a, b) => a - b));
    }
  });

  it('follows the table: a new parameter appears, an empty group disappears', () => {
    const extra = { ...parameter('hidden'), key: 'extra', url: 'extra', group: 'system' as const };
    const withExtra = controlGroups([...PARAMETERS, extra]);
    expect(withExtra.at(-1)?.parameters.at(-1)?.key).toBe('extra');
    const onlyModel = controlGroups(PARAMETERS.filter((p) => p.group === 'model'));
    expect(onlyModel.map((g) => g.group)).toEqual(['model']);
  });
});

describe('widgetOf', () => {
  it.each([
    ['cell', 'select'],
    ['bidirectional', 'checkbox'],
    ['hidden', 'slider'],
    ['seqLength', 'slider'],
    ['learningRate', 'slider'],
    ['spectralRadius', 'slider'],
    ['seed', 'number'],
    ['scheduleSteps', 'number']
  ] as const)('%s gets a %s', (key, widget) => {
    expect(widgetOf(parameter(key))).toBe(widget);
  });
});

describe('sliderScale', () => {
  it('moves a log parameter in decades and keeps three significant digits', () => {
    const lr = sliderScale(parameter('learningRate'));
    expect([lr.min, lr.max, lr.step]).toEqual([-5, 0, 0.1]);
    expect(lr.position(0.01)).toBeCloseTo(-2, 12);
    expect(lr.value(-2)).toBe(0.01);
    expect(lr.value(-2.1)).toBe(0.00794);
    expect(lr.value(1)).toBe(1);
    expect(lr.value(-9)).toBe(1e-5);
  });

  it('rounds a linear parameter to its step', () => {
    const rho = sliderScale(parameter('spectralRadius'));
    expect(rho.value(0.1 + 0.2)).toBe(0.3);
    expect(rho.value(0.95)).toBe(0.95);
    expect(rho.value(7)).toBe(3);
    const g2 = sliderScale(parameter('gainSquared'));
    expect(g2.value(1.4500000001)).toBe(1.45);
  });

  it('moves a whole-number parameter by 1 within its range', () => {
    const hidden = sliderScale(parameter('hidden'));
    expect([hidden.min, hidden.max, hidden.step]).toEqual([1, 256, 1]);
    expect(hidden.value(31.6)).toBe(32);
    expect(hidden.value(999)).toBe(256);
  });

  it('gives every slider value back as one the config keeps', () => {
    for (const p of PARAMETERS) {
      if (p.kind !== 'float' && p.kind !== 'int') continue;
      const scale = sliderScale(p);
      for (let k = 0; k <= 20; k++) {
        const value = scale.value(scale.min + ((scale.max - scale.min) * k) / 20);
        expect(value).toBeGreaterThanOrEqual(p.min);
        expect(value).toBeLessThanOrEqual(p.max);
        if (p.kind === 'int') expect(Number.isInteger(value)).toBe(true);
      }
    }
  });
});

describe('unusedBecause', () => {
  const config = (change: Partial<Config>): Config => ({ ...DEFAULT_CONFIG, ...change });

  it('names the LSTM-only knobs for other cells', () => {
    expect(unusedBecause('forgetBias', config({ cell: 'gru' }))).toBe('LSTM only');
    expect(unusedBecause('peepholes', config({ cell: 'lstm' }))).toBeNull();
    expect(unusedBecause('activation', config({ cell: 'lstm' }))).toBe('vanilla RNN only');
    expect(unusedBecause('hidden', config({ cell: 'lstm' }))).toBeNull();
  });

  it('ties the clipping threshold to clipping and g² to the scaled inits', () => {
    expect(unusedBecause('clipThreshold', config({ clipping: 'off' }))).toBe('clipping is off');
    expect(unusedBecause('clipThreshold', config({ clipping: 'value' }))).toBeNull();
    expect(unusedBecause('gainSquared', config({}))).not.toBeNull();
    expect(unusedBecause('gainSquared', config({ initInput: 'normal' }))).toBeNull();
  });

  it('knows the sequence tasks (those with a decoder)', () => {
    const withDecoder = Object.entries(TASKS)
      .filter(([, task]) => task.sequence !== undefined)
      .map(([name]) => name);
    expect([...SEQUENCE_TASKS].toSorted()).toEqual(withDecoder.toSorted());
    expect(unusedBecause('teacherForcing', config({ task: 'reverse' }))).toBeNull();
    expect(unusedBecause('scheduleSteps', config({ task: 'reverse' }))).toBe(
      'scheduled sampling is off'
    );
  });
});

describe('shortcutOf', () => {
  const body: KeyTarget = { tagName: 'BODY' };
  const press = (key: string, target: KeyTarget | null = body, extra = {}) =>
    shortcutOf({ key, target, ...extra });

  it('maps space, →, r and ? on the page', () => {
    expect(press(' ')).toBe('toggle');
    expect(press('ArrowRight')).toBe('step');
    expect(press('r')).toBe('reset');
    expect(press('R')).toBe('reset');
    expect(press('?')).toBe('help');
    expect(press('p')).toBe('present');
    expect(press('P')).toBe('present');
    expect(press('x')).toBeNull();
    expect(press('ArrowLeft')).toBeNull();
  });

  it('leaves keys typed into boxes, sliders and menus alone', () => {
    for (const target of [
      { tagName: 'INPUT', type: 'number' },
      { tagName: 'INPUT', type: 'range' },
      { tagName: 'INPUT', type: 'text' },
      { tagName: 'INPUT' },
      { tagName: 'SELECT' },
      { tagName: 'TEXTAREA' },
      { tagName: 'DIV', isContentEditable: true }
    ]) {
      for (const key of [' ', 'ArrowRight', 'r', '?', 'p']) expect(press(key, target)).toBeNull();
    }
  });

  it('lets space click a focused button or checkbox, but → and r still act there', () => {
    expect(press(' ', { tagName: 'BUTTON' })).toBeNull();
    expect(press(' ', { tagName: 'INPUT', type: 'checkbox' })).toBeNull();
    expect(press('ArrowRight', { tagName: 'BUTTON' })).toBe('step');
    expect(press('r', { tagName: 'INPUT', type: 'checkbox' })).toBe('reset');
  });

  it('ignores presses with modifiers (r with Ctrl reloads the page) and held keys', () => {
    expect(press('r', body, { ctrlKey: true })).toBeNull();
    expect(press('r', body, { metaKey: true })).toBeNull();
    expect(press(' ', body, { altKey: true })).toBeNull();
    expect(press(' ', body, { repeat: true })).toBeNull();
    expect(press('p', body, { ctrlKey: true })).toBeNull();
    expect(press('p', body, { metaKey: true })).toBeNull();
    expect(press('p', body, { repeat: true })).toBeNull();
    expect(press('ArrowRight', body, { repeat: true })).toBe('step');
  });
});

describe('historySteps', () => {
  it('puts each averaged point at the last update it covers', () => {
    expect(historySteps(3, 1, 3)).toEqual([1, 2, 3]);
    expect(historySteps(3, 4, 10)).toEqual([4, 8, 10]);
    expect(historySteps(0, 1, 0)).toEqual([]);
  });
});

describe('logDomain', () => {
  it('spans the positive finite values and the extras, padded', () => {
    const [low, high] = logDomain(Float32Array.of(0.1, 10, NaN, -1, Infinity), [0.05]);
    expect(low).toBeLessThan(0.05);
    expect(low).toBeGreaterThan(0.02);
    expect(high).toBeGreaterThan(10);
    expect(high).toBeLessThan(20);
  });

  it('opens to a decade around a single value and has a fallback', () => {
    const [low, high] = logDomain([2]);
    expect(high / low).toBeCloseTo(10, 10);
    expect(Math.sqrt(low * high)).toBeCloseTo(2, 10);
    expect(logDomain([], [])).toEqual([1e-3, 1]);
    expect(logDomain([0, -3, NaN])).toEqual([1e-3, 1]);
  });
});

describe('formatNumber', () => {
  it.each([
    [null, '—'],
    [0, '0'],
    [0.123456, '0.1235'],
    [-2.5, '−2.5'],
    [12345.6, '12350'],
    [-0.0001, '−1.00e−4'],
    [123456, '1.23e+5'],
    [0.0001234, '1.23e−4'],
    [Infinity, '∞'],
    [NaN, 'NaN']
  ])('%s → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});

describe('metricLabel', () => {
  it.each([
    ['mse', 'MSE'],
    ['accuracy', 'Accuracy'],
    ['tokenAccuracy', 'Token accuracy'],
    ['sequenceAccuracy', 'Sequence accuracy'],
    ['bitsPerChar', 'Bits per char']
  ])('%s → %s', (name, label) => {
    expect(metricLabel(name)).toBe(label);
  });
});

describe('PALETTE', () => {
  it('gives every role distinct light and dark colours', () => {
    const light = Object.values(PALETTE).map(([l]) => l);
    const dark = Object.values(PALETTE).map(([, d]) => d);
    expect(new Set(light).size).toBe(light.length);
    expect(new Set(dark).size).toBe(dark.length);
    for (const c of [...light, ...dark]) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('throttle and debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('throttle calls at once, then at most once per interval, always with the last value', () => {
    const calls: number[] = [];
    const f = throttle((n: number) => calls.push(n), 200);
    f(1);
    f(2);
    f(3);
    expect(calls).toEqual([1]);
    vi.advanceTimersByTime(199);
    expect(calls).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([1, 3]);
  });

  it('debounce calls once, after the calls stop', () => {
    const calls: number[] = [];
    const f = debounce((n: number) => calls.push(n), 100);
    f(1);
    vi.advanceTimersByTime(50);
    f(2);
    vi.advanceTimersByTime(99);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([2]);
    f(3);
    f.flush();
    expect(calls).toEqual([2, 3]);
  });
});

describe('Explorer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads a URL hash, with notices for what it clamped or dropped', () => {
    const explorer = new Explorer('#hidden=999&cell=bogus');
    expect(explorer.config.hidden).toBe(256);
    expect(explorer.config.cell).toBe('rnn');
    expect(explorer.notices).toHaveLength(2);
    expect(explorer.notices.join(' ')).toMatch(/hidden=999 is above the maximum 256/);
    expect(explorer.summary).toContain('256 hidden');
  });

  it('writes a changed value to the hash (throttled) and to the session (sliders debounced)', () => {
    const hashes: string[] = [];
    const explorer = new Explorer('', { writeHash: (h) => hashes.push(h) });
    const configs: Config[] = [];
    explorer.attach({
      setConfig: async (c: Config) => void configs.push(c),
      setStepsPerFrame: async () => {}
    } as unknown as Parameters<Explorer['attach']>[0]);

    explorer.set('hidden', 48);
    expect(hashes).toEqual(['hidden=48']);
    expect(configs.map((c) => c.hidden)).toEqual([48]);
    expect(explorer.summary).toContain('48 hidden');

    explorer.set('hidden', 50, { live: true });
    explorer.set('hidden', 52, { live: true });
    expect(hashes).toEqual(['hidden=48']);
    expect(configs).toHaveLength(1);
    vi.advanceTimersByTime(HASH_THROTTLE_MS);
    expect(hashes).toEqual(['hidden=48', 'hidden=52']);
    vi.advanceTimersByTime(1000);
    expect(configs.map((c) => c.hidden)).toEqual([48, 52]);
  });

  it('ρ dragged: every input event asks the session at once; the hash waits for the drag to end', () => {
    const hashes: string[] = [];
    const explorer = new Explorer('', { writeHash: (h) => hashes.push(h) });
    const previews: unknown[] = [];
    explorer.attach({
      preview: async (change: unknown) => void previews.push(change),
      setConfig: async () => {},
      setStepsPerFrame: async () => {}
    } as unknown as Parameters<Explorer['attach']>[0]);
    explorer.set('spectralRadius', 0.9, { live: true });
    explorer.set('spectralRadius', 0.95, { live: true });
    vi.advanceTimersByTime(10 * HASH_THROTTLE_MS);
    expect(previews).toEqual([
      { spectralRadius: 0.9, final: false },
      { spectralRadius: 0.95, final: false }
    ]);
    expect(explorer.config.spectralRadius).toBe(0.95);
    expect(hashes).toEqual([]);
    // The slider's change event: the drag ended.
    explorer.set('spectralRadius', 0.95);
    expect(previews.at(-1)).toEqual({ spectralRadius: 0.95, final: true });
    expect(hashes).toEqual(['rho=0.95']);
  });

  it('clamps a typed value with a notice and applies the cross-field rules', () => {
    const explorer = new Explorer('');
    expect(explorer.set('seqLength', 900)).toBe(500);
    expect(explorer.notices[0]).toMatch(/above the maximum 500/);
    explorer.set('truncation', 10);
    expect(explorer.set('seqLength', 5)).toBe(5);
    expect(explorer.config.truncation).toBe(0);
    expect(explorer.notices[0]).toMatch(/full backpropagation through time/);
  });
});

describe('Explorer presets and stories', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function withSession(hashes: string[]) {
    const explorer = new Explorer('', { writeHash: (h) => hashes.push(h) });
    const configs: Config[] = [];
    explorer.attach({
      setConfig: async (c: Config) => void configs.push(c),
      setStepsPerFrame: async () => {}
    } as unknown as Parameters<Explorer['attach']>[0]);
    return { explorer, configs };
  }

  it('loads a preset: its config runs, its text shows, the URL names it', () => {
    const hashes: string[] = [];
    const { explorer, configs } = withSession(hashes);
    expect(explorer.loadPreset('vanishing-tanh')).toBe(true);
    const preset = findPreset('vanishing-tanh')!;
    expect(explorer.preset).toBe(preset);
    expect(explorer.presetIntact).toBe(true);
    expect(explorer.config).toEqual(presetConfig(preset));
    expect(configs.at(-1)).toEqual(presetConfig(preset));
    expect(hashes.at(-1)).toBe('preset=vanishing-tanh');

    // A change keeps the preset, and the URL says what differs.
    explorer.set('seqLength', 60);
    vi.advanceTimersByTime(HASH_THROTTLE_MS);
    expect(explorer.preset).toBe(preset);
    expect(explorer.presetIntact).toBe(false);
    expect(hashes.at(-1)).toBe('preset=vanishing-tanh&T=60');

    // Leaving the preset writes the config in full.
    explorer.leavePreset();
    vi.advanceTimersByTime(HASH_THROTTLE_MS);
    expect(explorer.preset).toBeNull();
    expect(hashes.at(-1)).toBe(encodeHash(explorer.config));
    expect(hashes.at(-1)).toContain('rho=0.9');
  });

  it('reads preset= from the URL, and refuses an unknown preset with a notice only', () => {
    const explorer = new Explorer('#preset=exploding-relu&hidden=16');
    expect(explorer.preset?.id).toBe('exploding-relu');
    expect(explorer.config.hidden).toBe(16);
    expect(explorer.config.gainSquared).toBe(3);
    const before = explorer.config;
    expect(explorer.loadPreset('no-such-preset')).toBe(false);
    expect(explorer.config).toBe(before);
    expect(explorer.preset?.id).toBe('exploding-relu');
    expect(explorer.notices).toEqual(['There is no preset "no-such-preset".']);
  });

  it('a preset keeps the backend chosen', () => {
    const explorer = new Explorer('#backend=wasm&hidden=7');
    explorer.loadPreset('gru');
    expect(explorer.config.backend).toBe('wasm');
    expect(explorer.config.hidden).toBe(32);
    expect(explorer.hash).toBe('preset=gru&backend=wasm');
    expect(explorer.presetIntact).toBe(true);
  });

  it('a locked explorer loads no preset', () => {
    const explorer = new Explorer('');
    explorer.locked = true;
    expect(explorer.loadPreset('irnn')).toBe(false);
    expect(explorer.startStory('initialization')).toBe(false);
    expect(explorer.preset).toBeNull();
  });

  it('steps through a story, and can leave it at any point', () => {
    const hashes: string[] = [];
    const { explorer } = withSession(hashes);
    const story = STORIES[0];
    expect(explorer.startStory(story.id)).toBe(true);
    expect(explorer.story).toEqual({ story, index: 0 });
    expect(explorer.preset?.id).toBe(story.steps[0].preset);
    explorer.previousStoryStep();
    expect(explorer.story?.index).toBe(0);
    explorer.nextStoryStep();
    expect(explorer.story?.index).toBe(1);
    expect(explorer.preset?.id).toBe(story.steps[1].preset);
    for (let i = 0; i < 10; i++) explorer.nextStoryStep();
    expect(explorer.story?.index).toBe(story.steps.length - 1);
    vi.advanceTimersByTime(HASH_THROTTLE_MS);
    expect(hashes.at(-1)).toBe(`story=${story.id}/${story.steps.length}`);
    explorer.leaveStory();
    vi.advanceTimersByTime(HASH_THROTTLE_MS);
    expect(hashes.at(-1)).toBe(`preset=${story.steps.at(-1)!.preset}`);
    expect(explorer.story).toBeNull();
    // The last step's preset stays.
    expect(explorer.preset?.id).toBe(story.steps.at(-1)!.preset);
    expect(explorer.startStory('nope')).toBe(false);
  });

  it('Page Down and Page Up step through a story, and scroll as usual outside one', () => {
    const explorer = new Explorer('');
    const press = (key: string) => {
      let prevented = false;
      explorer.onKeydown({
        key,
        target: null,
        preventDefault: () => (prevented = true)
      } as unknown as KeyboardEvent);
      return prevented;
    };
    expect(press('PageDown')).toBe(false);
    explorer.startStory('initialization');
    expect(press('PageDown')).toBe(true);
    expect(explorer.story?.index).toBe(1);
    press('PageDown');
    press('PageUp');
    expect(explorer.story?.index).toBe(1);
    // Not while typing in a box.
    explorer.onKeydown({
      key: 'PageDown',
      target: { tagName: 'INPUT', type: 'number' },
      preventDefault: () => {}
    } as unknown as KeyboardEvent);
    expect(explorer.story?.index).toBe(1);
  });

  it('opens a story at the step its URL names', () => {
    const explorer = new Explorer('#story=initialization/3&T=30');
    expect(explorer.story?.story.id).toBe('initialization');
    expect(explorer.story?.index).toBe(2);
    expect(explorer.preset?.id).toBe('irnn');
    expect(explorer.config.seqLength).toBe(30);
    expect(explorer.hash).toBe('story=initialization/3&T=30');
    // Choosing a preset from the menu leaves the story.
    explorer.loadPreset('gru');
    expect(explorer.story).toBeNull();
  });

  it('an imported run forgets the preset', () => {
    const explorer = new Explorer('#preset=irnn');
    explorer.adopt({ ...explorer.config, hidden: 20 });
    expect(explorer.preset).toBeNull();
    expect(explorer.hash).toContain('init=identity');
  });
});

describe('presentation mode', () => {
  const key = (explorer: Explorer, k: string, target: EventTarget | null = null) => {
    let prevented = false;
    explorer.onKeydown({
      key: k,
      target,
      preventDefault: () => (prevented = true)
    } as unknown as KeyboardEvent);
    return prevented;
  };

  it('p turns it on and off, folding the settings away each time; the list of shortcuts has it', () => {
    const explorer = new Explorer('');
    expect(explorer.presenting).toBe(false);
    expect(key(explorer, 'p')).toBe(true);
    expect(explorer.presenting).toBe(true);
    expect(explorer.presentSettings).toBe(false);
    explorer.presentSettings = true;
    key(explorer, 'P');
    expect(explorer.presenting).toBe(false);
    expect(explorer.presentSettings).toBe(false);
    expect(SHORTCUTS.map((s) => s.keys)).toContain('P');
  });

  it('p does nothing while the shortcuts dialog is open or while typing in a box', () => {
    const explorer = new Explorer('');
    explorer.helpOpen = true;
    expect(key(explorer, 'p')).toBe(false);
    expect(explorer.presenting).toBe(false);
    explorer.helpOpen = false;
    key(explorer, 'p', { tagName: 'INPUT', type: 'text' } as unknown as EventTarget);
    expect(explorer.presenting).toBe(false);
  });
});

describe('keys on an ARIA slider', () => {
  it('→ on a focused role="slider" (the unrolled view) scrubs it instead of stepping training', () => {
    const target = {
      tagName: 'svg',
      getAttribute: (name: string) => (name === 'role' ? 'slider' : null)
    };
    expect(shortcutOf({ key: 'ArrowRight', target })).toBeNull();
    expect(
      shortcutOf({ key: 'ArrowRight', target: { tagName: 'svg', getAttribute: () => null } })
    ).toBe('step');
  });
});
