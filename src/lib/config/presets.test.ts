/**
 * The presets and stories as data, and `preset=<id>` in the URL hash. What each preset shows is
 * checked with the engine in `src/lib/session/presets.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  PRESETS,
  STORIES,
  decodeHash,
  encodeHash,
  findPreset,
  findStory,
  presetConfig,
  validateConfig
} from '$lib/config';
import { PANELS } from '$lib/explorer.svelte';

describe('presets', () => {
  it('have unique, URL-safe ids and a title and text each', () => {
    const ids = PRESETS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PRESETS) {
      expect(p.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(p.title.length).toBeGreaterThan(5);
      expect(p.text.length).toBeGreaterThan(80);
      expect(PANELS.map((panel) => panel.id)).toContain(p.panel);
    }
  });

  it('cover the storyline of the issue', () => {
    const ids = PRESETS.map((p) => p.id);
    for (const id of [
      'vanishing-tanh',
      'exploding-relu',
      'decaying-relu',
      'clipping',
      'irnn',
      'orthogonal',
      'lstm-cell-state',
      'gru',
      'echo-state',
      'truncated-bptt',
      'teacher-forcing',
      'free-running',
      'scheduled-sampling',
      'bidirectional-tagging',
      'char-generation'
    ])
      expect(ids).toContain(id);
  });

  it.each(PRESETS.map((p) => [p.id, p] as const))(
    '%s is a valid config as written: nothing clamped, dropped or adjusted',
    (_, preset) => {
      const { config, notices } = validateConfig({ ...preset.settings });
      expect(notices).toEqual([]);
      expect(config).toMatchObject(preset.settings);
      expect(presetConfig(preset)).toEqual(config);
    }
  );

  it('are found by id in any case, and unknown ids are not', () => {
    expect(findPreset('Vanishing-TANH')?.id).toBe('vanishing-tanh');
    expect(findPreset(' irnn ')?.id).toBe('irnn');
    expect(findPreset('nope')).toBeUndefined();
    expect(findPreset('')).toBeUndefined();
    expect(findPreset('__proto__')).toBeUndefined();
  });
});

describe('stories', () => {
  it('step through presets that exist, with text at each step', () => {
    expect(STORIES.length).toBeGreaterThanOrEqual(3);
    for (const story of STORIES) {
      expect(findStory(story.id)).toBe(story);
      expect(story.steps.length).toBeGreaterThanOrEqual(3);
      for (const step of story.steps) {
        expect(findPreset(step.preset), `${story.id}: ${step.preset}`).toBeDefined();
        expect(step.text.length).toBeGreaterThan(20);
      }
    }
    expect(findStory('missing')).toBeUndefined();
  });
});

describe('preset= in the URL hash', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('preset=%s gives its config', (id, preset) => {
    const { config, notices, preset: found } = decodeHash(`preset=${id}`);
    expect(notices).toEqual([]);
    expect(found).toBe(preset);
    expect(config).toEqual(presetConfig(preset));
    // Written back: the preset alone.
    expect(encodeHash(config, { preset })).toBe(`preset=${id}`);
  });

  it('changes only what the other keys say, wherever preset= stands', () => {
    const preset = findPreset('vanishing-tanh')!;
    const { config, notices } = decodeHash('T=60&preset=vanishing-tanh&hidden=16');
    expect(notices).toEqual([]);
    expect(config).toEqual({ ...presetConfig(preset), seqLength: 60, hidden: 16 });
  });

  it('round-trips a changed preset, also back to a default value', () => {
    const preset = findPreset('exploding-relu')!;
    // clip=norm is the default but not the preset's: it must be written.
    const changed = { ...presetConfig(preset), clipping: 'norm' as const, gainSquared: 2 };
    const hash = encodeHash(changed, { preset });
    expect(hash).toBe('preset=exploding-relu&g2=2&clip=norm');
    const back = decodeHash(hash);
    expect(back.config).toEqual(changed);
    expect(back.preset).toBe(preset);
  });

  it('falls back to the preset, not the default, for a bad value', () => {
    const { config, notices } = decodeHash('preset=vanishing-tanh&T=abc&act=swish');
    expect(config.seqLength).toBe(100);
    expect(config.activation).toBe('tanh');
    expect(notices.map((n) => n.message)).toEqual([
      "T=abc is not a number; using the preset's 100.",
      "act=swish is not one of tanh, relu, sigmoid, linear; using the preset's tanh."
    ]);
  });

  it('says so for an unknown or empty preset, and keeps the rest', () => {
    const unknown = decodeHash('preset=vanish&cell=gru');
    expect(unknown.preset).toBeNull();
    expect(unknown.config).toEqual({ ...DEFAULT_CONFIG, cell: 'gru' });
    expect(unknown.notices).toHaveLength(1);
    expect(unknown.notices[0].message).toMatch(/^There is no preset "vanish"; ignored\./);
    expect(unknown.notices[0].message).toContain('vanishing-tanh');
    const empty = decodeHash('preset=');
    expect(empty.preset).toBeNull();
    expect(empty.notices[0].message).toMatch(/^preset has no value/);
  });

  it('never throws on malformed preset values', () => {
    for (const hash of [
      'preset',
      'preset=%E0%A4%A',
      'PRESET=IRNN',
      'preset=irnn&preset=gru',
      '='
    ]) {
      expect(() => decodeHash(hash)).not.toThrow();
    }
    expect(decodeHash('PRESET=IRNN').preset?.id).toBe('irnn');
    // The last one named wins.
    expect(decodeHash('preset=irnn&preset=gru').preset?.id).toBe('gru');
  });
});

describe('story=<id>/<step> in the URL hash', () => {
  const story = findStory('vanishing-exploding')!;

  it('names a step of a story; its preset is the base', () => {
    const { config, notices, preset, story: place } = decodeHash('story=vanishing-exploding/2');
    expect(notices).toEqual([]);
    expect(place).toEqual({ story, index: 1 });
    expect(preset?.id).toBe(story.steps[1].preset);
    expect(config).toEqual(presetConfig(preset!));
    expect(encodeHash(config, { story: place })).toBe('story=vanishing-exploding/2');
  });

  it('round-trips a changed step, and the id alone is step 1', () => {
    const place = { story, index: 3 };
    const preset = findPreset(story.steps[3].preset)!;
    const changed = { ...presetConfig(preset), hidden: 20 };
    const hash = encodeHash(changed, { story: place });
    expect(hash).toBe('story=vanishing-exploding/4&hidden=20');
    expect(decodeHash(hash)).toEqual({ config: changed, notices: [], preset, story: place });
    expect(decodeHash('STORY=Vanishing-Exploding').story).toEqual({ story, index: 0 });
  });

  it('clamps a step out of range and refuses an unknown story, with notices', () => {
    const far = decodeHash('story=vanishing-exploding/99');
    expect(far.story?.index).toBe(story.steps.length - 1);
    expect(far.notices.map((n) => n.message)).toEqual([
      `The story "vanishing-exploding" has steps 1 to ${story.steps.length}, not "99"; showing step ${story.steps.length}.`
    ]);
    const junk = decodeHash('story=vanishing-exploding/x');
    expect(junk.story?.index).toBe(0);
    expect(junk.notices).toHaveLength(1);
    const unknown = decodeHash('story=nope/2&cell=gru');
    expect(unknown.story).toBeNull();
    expect(unknown.preset).toBeNull();
    expect(unknown.config).toEqual({ ...DEFAULT_CONFIG, cell: 'gru' });
    expect(unknown.notices[0].message).toMatch(/^There is no story "nope"; ignored\./);
    for (const hash of ['story', 'story=', 'story=/', 'story=%E0%A4%A/1', 'story=a/b/c'])
      expect(() => decodeHash(hash)).not.toThrow();
  });
});
