/**
 * URL-hash codec: a readable `key=value&key=value` string, e.g.
 * `cell=lstm&hidden=32&rho=0.95&init=orthogonal&T=50&seed=1`. Works on strings only (no
 * `window.location`): the page passes `location.hash` in and sets it from `encodeHash`.
 *
 * `decodeHash(encodeHash(config)).config` equals `config` exactly for every valid config.
 */
import {
  DEFAULT_CONFIG,
  PARAMETERS,
  droppedMessage,
  shorten,
  validateConfig,
  type Config,
  type ConfigKey,
  type Notice,
  type Parameter,
  type ValidationResult
} from './schema';
import {
  PRESETS,
  STORIES,
  findPreset,
  findStory,
  presetConfig,
  type Preset,
  type Story
} from './presets';

export interface EncodeOptions {
  /** Write every parameter, not only those that differ from the default (or the preset). */
  full?: boolean;
  /**
   * Name this preset first (`preset=<id>`) and write only what differs from it, so the link keeps
   * the preset's text.
   */
  preset?: Preset | null;
  /**
   * Name this step of a guided story instead (`story=<id>/<step>`, step from 1); its preset is
   * then the base, and `preset` is not written.
   */
  story?: StoryPlace | null;
}

/** A step of a guided story: the story and the index of the step (from 0). */
export interface StoryPlace {
  story: Story;
  index: number;
}

/** What a hash says: the config, what was changed on the way, and the preset it names. */
export interface HashResult extends ValidationResult {
  /** The preset of `preset=<id>` (or of the story's step), or null when there is none. */
  preset: Preset | null;
  /** The story step of `story=<id>/<step>`, or null. */
  story: StoryPlace | null;
}

/** The URL key that names a preset. */
export const PRESET_KEY = 'preset';
/** The URL key that names a step of a guided story. */
export const STORY_KEY = 'story';

/**
 * Looks a parameter up by URL key or field name, ignoring case (`T`, `t`, `seqLength`). No two
 * parameters share a name in any case; the tests check it.
 */
const BY_NAME: ReadonlyMap<string, Parameter> = new Map(
  PARAMETERS.flatMap((p): [string, Parameter][] => [
    [p.key.toLowerCase(), p],
    [p.url.toLowerCase(), p]
  ])
);

/** Spellings of true and false accepted in the URL. */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['true', true],
  ['yes', true],
  ['on', true],
  ['0', false],
  ['false', false],
  ['no', false],
  ['off', false]
]);

/** A plain decimal number: no hex, no `Infinity`, no `NaN`, no empty string. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** A value as the URL writes it. */
function formatForUrl(p: Parameter, value: unknown): string {
  if (p.kind === 'bool') return value ? '1' : '0';
  if (value === null) return 'off';
  return String(value);
}

/**
 * Percent-encodes only what would break the `key=value&…` structure or be lost in a URL, so that
 * ordinary values stay readable. Never throws (unlike `encodeURIComponent` on a lone surrogate).
 */
function escapeValue(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0020%&=#+\u007f]/g, (c) => {
    return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
  });
}

/**
 * The URL hash of a config, without the leading `#`: `key=value` pairs in table order. Values equal
 * to the default are left out unless `full` is set, so the default config is the empty string.
 * Numbers are written in the shortest form that reads back exactly, booleans as `1`/`0`, an off
 * spectral radius as `rho=off`.
 */
export function encodeHash(config: Config, options: EncodeOptions = {}): string {
  const pairs: string[] = [];
  const story = options.story ?? null;
  const preset = story ? findPreset(story.story.steps[story.index].preset)! : options.preset;
  const base = preset ? presetConfig(preset) : DEFAULT_CONFIG;
  if (story) pairs.push(`${STORY_KEY}=${story.story.id}/${story.index + 1}`);
  else if (preset) pairs.push(`${PRESET_KEY}=${preset.id}`);
  for (const p of PARAMETERS) {
    const value = config[p.key];
    if (!options.full && value === base[p.key]) continue;
    pairs.push(`${p.url}=${escapeValue(formatForUrl(p, value))}`);
  }
  return pairs.join('&');
}

function usingDefault(p: Parameter, base: Readonly<Config> = DEFAULT_CONFIG): string {
  const value = formatForUrl(p, base[p.key as ConfigKey]);
  return base === DEFAULT_CONFIG ? `using the default ${value}.` : `using the preset's ${value}.`;
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

type Parsed = { value: unknown } | { message: string };

/** Reads the text of one value as its parameter's type; range checks come later. */
function parseValue(p: Parameter, text: string, shown: string, base: Readonly<Config>): Parsed {
  const lower = text.toLowerCase();
  switch (p.kind) {
    case 'enum': {
      const option = p.options.find((o) => o.toLowerCase() === lower);
      return option === undefined
        ? {
            message: droppedMessage(
              p,
              p.url,
              shown,
              base === DEFAULT_CONFIG ? undefined : { value: base[p.key as ConfigKey] }
            )
          }
        : { value: option };
    }
    case 'bool': {
      const flag = BOOLEAN_WORDS.get(lower);
      return flag === undefined
        ? {
            message: `${p.url}=${shown} is not true or false (write 1 or 0); ${usingDefault(p, base)}`
          }
        : { value: flag };
    }
    case 'int':
    case 'float': {
      if (p.kind === 'float' && p.nullable && lower === 'off') return { value: null };
      const fallback = usingDefault(p, base);
      if (!DECIMAL.test(text)) return { message: `${p.url}=${shown} is not a number; ${fallback}` };
      const number = Number(text);
      if (!Number.isFinite(number)) {
        return { message: `${p.url}=${shown} is not a finite number; ${fallback}` };
      }
      return { value: number };
    }
  }
}

interface Occurrence {
  /** The value text after percent-decoding, or undefined when its percent-encoding is broken. */
  text: string | undefined;
  /** The value as written, for messages. */
  raw: string;
  count: number;
}

/**
 * Reads a URL hash (with or without the leading `#`) into a valid config. Accepts URL keys and field
 * names in any case, `true/false/1/0/yes/no/on/off` for switches, `off` for an unset spectral radius,
 * and percent-encoding; ignores empty segments. Malformed segments, unknown keys and bad values
 * are dropped and out-of-range numbers clamped, each with a notice; of a repeated key the last
 * one wins. Never throws, whatever the string.
 */
export function decodeHash(hash: string): HashResult {
  const notices: Notice[] = [];
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);

  // A preset (or a story's step), wherever it is named, is the base the other keys change.
  let preset: Preset | null = null;
  let story: StoryPlace | null = null;
  const segments: string[] = [];
  for (const segment of text.split('&')) {
    if (segment.trim() === '') continue;
    const eq = segment.indexOf('=');
    const rawKey = eq < 0 ? segment : segment.slice(0, eq);
    const key = (percentDecode(rawKey) ?? rawKey).trim().toLowerCase();
    if (key !== PRESET_KEY && key !== STORY_KEY) {
      segments.push(segment);
      continue;
    }
    const raw = eq < 0 ? '' : segment.slice(eq + 1);
    const name = (percentDecode(raw) ?? raw).trim();
    if (key === STORY_KEY) {
      const place = readStory(name, notices);
      if (place) story = place;
      continue;
    }
    const found = findPreset(name);
    if (found) preset = found;
    else {
      const known = PRESETS.map((p) => p.id).join(', ');
      const message =
        name === ''
          ? `preset has no value (write preset=…, one of ${known}); ignored.`
          : `There is no preset "${shorten(name)}"; ignored. The presets are ${known}.`;
      notices.push({ key: PRESET_KEY, kind: 'dropped', message });
    }
  }
  // The story's step names its preset.
  if (story) preset = findPreset(story.story.steps[story.index].preset) ?? null;
  const base: Readonly<Config> = preset ? presetConfig(preset) : DEFAULT_CONFIG;

  const occurrences = new Map<Parameter, Occurrence>();
  for (const segment of segments) {
    const eq = segment.indexOf('=');
    const rawKey = eq < 0 ? segment : segment.slice(0, eq);
    const key = (percentDecode(rawKey) ?? rawKey).trim();
    const p = BY_NAME.get(key.toLowerCase());

    if (p === undefined) {
      const message = `Unknown parameter "${shorten(key)}"; ignored.`;
      notices.push({ key, kind: 'dropped', message });
      continue;
    }
    if (eq < 0) {
      const message = `"${shorten(segment)}" has no value (write ${p.url}=…); ignored.`;
      notices.push({ key: p.key, kind: 'dropped', message });
      continue;
    }
    const raw = segment.slice(eq + 1);
    const decoded = percentDecode(raw)?.trim();
    const count = (occurrences.get(p)?.count ?? 0) + 1;
    occurrences.set(p, { text: decoded, raw, count });
  }

  const partial: Record<string, unknown> = { ...base };
  for (const [p, { text: value, raw, count }] of occurrences) {
    const shown = shorten(value ?? raw);
    if (count > 1) {
      notices.push({
        key: p.key,
        kind: 'dropped',
        message: `${p.url} is given ${count} times; using the last one, ${p.url}=${shown}.`
      });
    }
    let parsed: Parsed;
    if (value === undefined) {
      parsed = { message: `${p.url}=${shown} has broken %-encoding; ${usingDefault(p, base)}` };
    } else if (value === '') {
      parsed = { message: `${p.url} has an empty value; ${usingDefault(p, base)}` };
    } else {
      parsed = parseValue(p, value, shown, base);
    }
    if ('value' in parsed) partial[p.key] = parsed.value;
    else notices.push({ key: p.key, kind: 'dropped', message: parsed.message });
  }

  const validated = validateConfig(partial, { naming: 'url' });
  return { config: validated.config, notices: [...notices, ...validated.notices], preset, story };
}

/** Reads `<id>/<step>` (step from 1; `<id>` alone is step 1), with a notice for what is wrong. */
function readStory(text: string, notices: Notice[]): StoryPlace | null {
  const slash = text.lastIndexOf('/');
  const id = slash < 0 ? text : text.slice(0, slash);
  const stepText = slash < 0 ? '1' : text.slice(slash + 1).trim();
  const story = findStory(id);
  if (!story) {
    const known = STORIES.map((s) => s.id).join(', ');
    const message =
      id.trim() === ''
        ? `story has no value (write story=…/1, the stories are ${known}); ignored.`
        : `There is no story "${shorten(id)}"; ignored. The stories are ${known}.`;
    notices.push({ key: STORY_KEY, kind: 'dropped', message });
    return null;
  }
  const steps = story.steps.length;
  const step = /^\d{1,6}$/.test(stepText) ? Number(stepText) : NaN;
  if (!Number.isFinite(step) || step < 1 || step > steps) {
    const clamped = Number.isFinite(step) ? Math.min(Math.max(step, 1), steps) : 1;
    notices.push({
      key: STORY_KEY,
      kind: 'clamped',
      message: `The story "${story.id}" has steps 1 to ${steps}, not "${shorten(stepText)}"; showing step ${clamped}.`
    });
    return { story, index: clamped - 1 };
  }
  return { story, index: step - 1 };
}
