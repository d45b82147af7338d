/**
 * The options of `/embed`, read from its URL query (the hash stays the config):
 *
 *     /embed?panels=gradient-flow,loss&controls=spectralRadius,gainSquared&lock=1#cell=rnn&T=50
 *
 * - `panels`: the panels to show, by id (`PANELS`), comma-separated; `none` for none; all by
 *   default
 * - `controls`: the settings to show, by field name or URL key (`spectralRadius` or `rho`), in
 *   any case; `none` hides the settings panel; all by default
 * - `lock`: `1` (or a bare `lock`) disables the controls and ignores edits of the address
 * - `preset`: a named preset (`$lib/config` presets; an unknown one is dropped by `appProps`)
 *
 * Reading never throws: an unknown name is dropped and said in a notice, the rest still applies.
 * `embedQuery` writes the options back; reading what it wrote gives the same options.
 */
import { PARAMETERS, findPreset, type ConfigKey } from '$lib/config';
import { PANELS, type PanelId } from '$lib/explorer.svelte';

export interface EmbedOptions {
  /** The panels shown, in page order; null: every panel. */
  panels: PanelId[] | null;
  /** The controls shown, in table order; null: every control; empty: no settings panel. */
  controls: ConfigKey[] | null;
  /** The configuration cannot be changed from the embed's own controls. */
  locked: boolean;
  /** A preset's name as given (not checked here), or null. */
  preset: string | null;
}

export const DEFAULT_EMBED_OPTIONS: Readonly<EmbedOptions> = Object.freeze({
  panels: null,
  controls: null,
  locked: false,
  preset: null
});

/** What `ExplorerApp` takes (`hide`, `controls`, `locked`) for these options. */
export interface AppProps {
  hide: (PanelId | 'controls')[];
  controls: ConfigKey[] | null;
  locked: boolean;
  /** A preset that exists (see `findPreset`), by id, or null. */
  preset: string | null;
}

/** The query keys `/embed` reads. */
export const EMBED_KEYS = ['panels', 'controls', 'lock', 'preset'] as const;

/** The word for "none of them" in a list. */
const NONE = 'none';
/** The word for "all of them" in a list (the same as leaving the key out). */
const ALL = 'all';
/** Longest name quoted back in a notice. */
const MAX_SHOWN = 40;
/** Longest preset name taken. */
const MAX_PRESET = 64;

const TRUE_WORDS = ['', '1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

function shown(text: string): string {
  return JSON.stringify(text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`);
}

/** A parameter by field name or URL key, in any case (`spectralRadius`, `rho`, `RHO`). */
const CONTROL_BY_NAME: ReadonlyMap<string, ConfigKey> = new Map(
  PARAMETERS.flatMap((p): [string, ConfigKey][] => [
    [p.key.toLowerCase(), p.key],
    [p.url.toLowerCase(), p.key]
  ])
);

/** Splits a list on commas and white space, dropping empty items. */
function items(text: string): string[] {
  return text.split(/[\s,]+/).filter((item) => item !== '');
}

/**
 * Reads one list: the known names in canonical order (the table's or the page's), each once,
 * and a notice for each unknown one. `null` for "all" (or when nothing known is left).
 */
function readList<T extends string>(
  key: 'panel' | 'control',
  text: string,
  lookup: (name: string) => T | undefined,
  order: readonly T[],
  known: string,
  notices: string[]
): T[] | null {
  const names = items(text);
  if (names.length === 1 && names[0].toLowerCase() === NONE) return [];
  if (names.length === 1 && names[0].toLowerCase() === ALL) return null;
  const found = new Set<T>();
  for (const name of names) {
    const value = lookup(name);
    if (value === undefined)
      notices.push(`Unknown ${key} name ${shown(name)}; ignored (${known}).`);
    else found.add(value);
  }
  if (found.size === 0) {
    notices.push(`No known ${key} in ${key}s=${shown(text)}; showing all of them.`);
    return null;
  }
  return order.filter((value) => found.has(value));
}

const PANEL_IDS: readonly PanelId[] = PANELS.map((p) => p.id);
const CONTROL_KEYS: readonly ConfigKey[] = PARAMETERS.map((p) => p.key);

/**
 * The embed options of a URL query (`location.search`, with or without `?`), and a notice for
 * everything unknown or unusable. Of a repeated key the last one wins.
 */
export function parseEmbedOptions(search: string): { options: EmbedOptions; notices: string[] } {
  const options: EmbedOptions = { ...DEFAULT_EMBED_OPTIONS };
  const notices: string[] = [];
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(typeof search === 'string' ? search : '');
  } catch {
    return { options, notices: ['The embed options could not be read; using the defaults.'] };
  }
  const seen = new Map<string, string>();
  for (const [rawKey, value] of params) {
    const key = rawKey.trim().toLowerCase();
    if ((EMBED_KEYS as readonly string[]).includes(key)) seen.set(key, value.trim());
    else if (key !== '') notices.push(`Unknown embed option ${shown(rawKey)}; ignored.`);
  }

  const panels = seen.get('panels');
  if (panels !== undefined) {
    options.panels = readList(
      'panel',
      panels,
      (name) => PANEL_IDS.find((id) => id === name.toLowerCase()),
      PANEL_IDS,
      `panels: ${PANEL_IDS.join(', ')}`,
      notices
    );
  }
  const controls = seen.get('controls');
  if (controls !== undefined) {
    options.controls = readList(
      'control',
      controls,
      (name) => CONTROL_BY_NAME.get(name.toLowerCase()),
      CONTROL_KEYS,
      'controls are named as in the URL hash or the config, e.g. rho or spectralRadius',
      notices
    );
  }
  const lock = seen.get('lock');
  if (lock !== undefined) {
    const word = lock.toLowerCase();
    if (TRUE_WORDS.includes(word)) options.locked = true;
    else if (!FALSE_WORDS.includes(word)) {
      notices.push(`lock=${shown(lock)} is not 1 or 0; the embed is not locked.`);
    }
  }
  const preset = seen.get('preset');
  if (preset !== undefined && preset !== '') {
    if (preset.length > MAX_PRESET || !/^[\w.-]+$/.test(preset)) {
      notices.push(`preset=${shown(preset)} is not a preset name; ignored.`);
    } else options.preset = preset;
  }
  return { options, notices };
}

/**
 * The query of `/embed` for these options, without `?`: only what differs from the defaults,
 * names unescaped (they are all URL-safe), e.g. `panels=loss,grad-norm&controls=rho&lock=1`.
 */
export function embedQuery(options: Partial<EmbedOptions>): string {
  const pairs: string[] = [];
  if (options.preset) pairs.push(`preset=${encodeURIComponent(options.preset)}`);
  if (options.panels) pairs.push(`panels=${options.panels.join(',') || NONE}`);
  if (options.controls) pairs.push(`controls=${options.controls.join(',') || NONE}`);
  if (options.locked) pairs.push('lock=1');
  return pairs.join('&');
}

/** `ExplorerApp`'s props for these options. */
export function appProps(options: EmbedOptions): AppProps {
  const hide: (PanelId | 'controls')[] = options.panels
    ? PANEL_IDS.filter((id) => !options.panels!.includes(id))
    : [];
  if (options.controls?.length === 0) hide.push('controls');
  return {
    hide,
    controls: options.controls && options.controls.length > 0 ? options.controls : null,
    locked: options.locked,
    preset: options.preset ? (findPreset(options.preset)?.id ?? null) : null
  };
}
