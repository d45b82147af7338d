/**
 * The explorer page's state: the config (the URL hash is its mirror), the training session that
 * runs it, the keyboard, the theme. Pure helpers (control layout, slider scales, shortcuts, history
 * x positions, the palette) are exported for the components and tested in Node.
 *
 * The class is browser-only in its effects (it writes the hash, talks to a Session), but it can be
 * constructed anywhere; the page creates it during prerendering with the default config and reads
 * the real hash in `onMount`.
 */
import { schemeDark2, schemeSet2 } from 'd3';
import {
  DEFAULT_CONFIG,
  PARAMETER_GROUPS,
  decodeHash,
  describeConfig,
  encodeHash,
  findPreset,
  findStory,
  presetConfig,
  validateConfig,
  type Config,
  type Preset,
  type Story,
  type StoryPlace,
  type ConfigKey,
  type FloatParameter,
  type IntParameter,
  type Parameter,
  type ParameterGroup
} from '$lib/config';
import type { Session } from '$lib/session/session.svelte';

// ---------------------------------------------------------------------------------------------
// Controls, generated from the parameter table
// ---------------------------------------------------------------------------------------------

/** Heading of each group of controls. */
export const GROUP_LABELS: Readonly<Record<ParameterGroup, string>> = {
  model: 'Model',
  initialization: 'Initialization',
  training: 'Training',
  task: 'Task',
  system: 'System'
};

export interface ControlGroup<P extends Parameter = Parameter> {
  group: ParameterGroup;
  label: string;
  /** The group's parameters, in table order. */
  parameters: P[];
}

/**
 * The controls panel's layout: every parameter of `parameters`, once, under its group, groups in
 * the order of `PARAMETER_GROUPS`, parameters in table order. Empty groups are left out.
 */
export function controlGroups<P extends Parameter>(parameters: readonly P[]): ControlGroup<P>[] {
  return PARAMETER_GROUPS.map((group) => ({
    group,
    label: GROUP_LABELS[group],
    parameters: parameters.filter((p) => p.group === group)
  })).filter((g) => g.parameters.length > 0);
}

/** Whole-number ranges wider than this get a number box alone: a slider would skip values. */
export const MAX_SLIDER_SPAN = 1000;

/**
 * The input a parameter gets: a menu for a choice, a checkbox for a switch, a slider (with a number
 * box beside it) for a number, or a number box alone for a whole number of very wide range (the
 * seed).
 */
export type Widget = 'select' | 'checkbox' | 'slider' | 'number';

export function widgetOf(p: Parameter): Widget {
  switch (p.kind) {
    case 'enum':
      return 'select';
    case 'bool':
      return 'checkbox';
    case 'float':
      return 'slider';
    case 'int':
      return p.max - p.min <= MAX_SLIDER_SPAN ? 'slider' : 'number';
  }
}

/** A slider's own units: the value itself, or log10 of the value for `scale: 'log'`. */
export interface SliderScale {
  min: number;
  max: number;
  step: number;
  /** Slider position of a value. */
  position(value: number): number;
  /** The value at a slider position: in range, rounded to what the slider can mean. */
  value(position: number): number;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Decimal places of a step such as 0.05 (2) or 1 (0). */
function decimals(step: number): number {
  const text = String(step);
  const exponent = /e-(\d+)$/.exec(text);
  if (exponent) return Number(exponent[1]);
  return text.includes('.') ? text.split('.')[1].length : 0;
}

/**
 * The slider of a number parameter. Linear sliders move in the table's `step` and round to it
 * (0.30000000000000004 becomes 0.3); log sliders move in decades and keep three significant
 * digits, so that the URL stays readable (lr = 0.00794, not 0.007943282347242814).
 */
export function sliderScale(p: IntParameter | FloatParameter): SliderScale {
  if (p.kind === 'int') {
    return {
      min: p.min,
      max: p.max,
      step: 1,
      position: (value) => value,
      value: (position) => clamp(Math.round(position), p.min, p.max)
    };
  }
  if (p.scale === 'log') {
    return {
      min: Math.log10(p.min),
      max: Math.log10(p.max),
      step: p.step,
      position: (value) => Math.log10(clamp(value, p.min, p.max)),
      value: (position) => clamp(Number((10 ** position).toPrecision(3)), p.min, p.max)
    };
  }
  const places = decimals(p.step);
  return {
    min: p.min,
    max: p.max,
    step: p.step,
    position: (value) => value,
    value: (position) => clamp(Number(position.toFixed(places)), p.min, p.max)
  };
}

/** The tasks trained as an encoder–decoder or a decoder alone (their `Task.sequence` is set). */
export const SEQUENCE_TASKS: readonly Config['task'][] = ['reverse', 'addition', 'waveform'];

/**
 * Why a parameter does nothing in this config (e.g. `LSTM only`), or null when it is used. The
 * control stays usable (the value is kept for later); it is only dimmed with this note.
 */
export function unusedBecause(key: ConfigKey, config: Config): string | null {
  const sequence = SEQUENCE_TASKS.includes(config.task);
  switch (key) {
    case 'activation':
      return config.cell === 'rnn' ? null : 'vanilla RNN only';
    case 'forgetBias':
    case 'peepholes':
      return config.cell === 'lstm' ? null : 'LSTM only';
    case 'leakRate':
    case 'inputScaling':
    case 'ridge':
      return config.task === 'esn' ? null : 'echo state network only';
    case 'temperature':
      return config.task === 'chars' ? null : 'character model only';
    case 'teacherForcing':
    case 'schedule':
      return sequence ? null : 'encoder–decoder and generation tasks only';
    case 'scheduleSteps':
      if (!sequence) return 'encoder–decoder and generation tasks only';
      return config.schedule === 'off' ? 'scheduled sampling is off' : null;
    case 'gainSquared': {
      const scaled = (init: Config['initRecurrent']) => init === 'normal' || init === 'uniform';
      return scaled(config.initRecurrent) || scaled(config.initInput)
        ? null
        : 'normal and uniform inits only';
    }
    case 'clipThreshold':
      return config.clipping === 'off' ? 'clipping is off' : null;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Panels
// ---------------------------------------------------------------------------------------------

/** The explorer's panels, in page order, with the name a person knows them by. */
export const PANELS = [
  { id: 'unrolled', label: 'Unrolled network' },
  { id: 'gradient-flow', label: 'Gradient flow' },
  { id: 'gradient-history', label: 'Gradient history' },
  { id: 'spectrum', label: 'Spectrum of W_hh' },
  { id: 'gates', label: 'Gates and states' },
  { id: 'loss', label: 'Loss' },
  { id: 'grad-norm', label: 'Gradient norm' },
  { id: 'prediction', label: 'Prediction' }
] as const;

export type PanelId = (typeof PANELS)[number]['id'];

export function isPanelId(value: string): value is PanelId {
  return PANELS.some((p) => p.id === value);
}

// ---------------------------------------------------------------------------------------------
// Keyboard
// ---------------------------------------------------------------------------------------------

export type Shortcut =
  'toggle' | 'step' | 'reset' | 'help' | 'present' | 'story-next' | 'story-previous';

/** The shortcuts, for the help dialog. */
export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'Space', action: 'Play or pause training' },
  { keys: '→', action: 'One training step' },
  { keys: 'R', action: 'Reset: fresh weights from the seed, step 0' },
  { keys: 'P', action: 'Presentation mode on or off (full screen, large type, high contrast)' },
  {
    keys: 'Page Down / Page Up',
    action: 'In a guided story: next or previous step (a presentation clicker sends these)'
  },
  { keys: '?', action: 'Show or hide this help' }
];

/** What a key event's target is, as far as shortcuts care. */
export interface KeyTarget {
  tagName?: string;
  isContentEditable?: boolean;
  type?: string;
  getAttribute?(name: string): string | null;
}

/** Elements that use typed keys themselves: text and number boxes, sliders, menus. */
export function isEditable(target: KeyTarget | null | undefined): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  // A widget that says it is a slider (the unrolled view) uses the arrow keys itself.
  if (target.getAttribute?.('role') === 'slider') return true;
  const tag = (target.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  // A checkbox or a button-like input only uses space, which `shortcutOf` leaves alone anyway.
  const type = (target.type ?? 'text').toLowerCase();
  return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
}

/** Elements that space activates (clicks): a shortcut on space would act twice. */
function isActivatedBySpace(target: KeyTarget | null | undefined): boolean {
  const tag = (target?.tagName ?? '').toUpperCase();
  return tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A' || tag === 'INPUT';
}

export interface KeyEventLike {
  key: string;
  target: KeyTarget | null;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  repeat?: boolean;
}

/**
 * The shortcut a key press means, or null: space = play/pause, → = one step, r = reset, ? = help,
 * p = presentation mode.
 * Keys typed into a text box, number box, slider or menu are theirs, never a shortcut; so are
 * presses with Ctrl, ⌘ or Alt, and space on a button or checkbox (it clicks them).
 */
export function shortcutOf(event: KeyEventLike): Shortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isEditable(event.target)) return null;
  switch (event.key) {
    case ' ':
    case 'Spacebar':
      return isActivatedBySpace(event.target) || event.repeat ? null : 'toggle';
    case 'ArrowRight':
      return 'step';
    case 'r':
    case 'R':
      return event.repeat ? null : 'reset';
    case 'p':
    case 'P':
      return event.repeat ? null : 'present';
    case '?':
      return 'help';
    case 'PageDown':
      return 'story-next';
    case 'PageUp':
      return 'story-previous';
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Training history
// ---------------------------------------------------------------------------------------------

/**
 * The training step each history point stands for: point i averages updates i·s + 1 … (i + 1)·s
 * (s = `stride`), drawn at its last update, so the last point sits at `step`.
 */
export function historySteps(length: number, stride: number, step: number): number[] {
  return Array.from({ length }, (_, i) => Math.min((i + 1) * stride, Math.max(step, 1)));
}

/**
 * The y domain of a log axis for `values` and the `extras` that must also show (baselines, a
 * threshold): the positive finite ones, padded by a fifth of a decade each side; a decade around
 * a single value; [0.001, 1] when there is none.
 */
export function logDomain(
  values: ArrayLike<number>,
  extras: readonly number[] = []
): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  const take = (v: number) => {
    if (v > 0 && Number.isFinite(v)) {
      low = Math.min(low, v);
      high = Math.max(high, v);
    }
  };
  for (let i = 0; i < values.length; i++) take(values[i]);
  for (const v of extras) take(v);
  if (low === Infinity) return [1e-3, 1];
  const pad = high / low < 10 ? Math.sqrt(10 / (high / low)) : 10 ** 0.2;
  return [low / pad, high * pad];
}

/**
 * A number for a person: 4 significant digits, exponent form for the very large and very small,
 * a dash for nothing.
 */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1e5 || size < 1e-3) return value.toExponential(digits - 2).replaceAll('-', '−');
  return String(Number(value.toPrecision(digits))).replaceAll('-', '−');
}

/** Metric names that are abbreviations, or that read better spelled out. */
const METRIC_LABELS: Readonly<Record<string, string>> = {
  mse: 'MSE',
  nrmse: 'NRMSE',
  natsPerChar: 'Loss (nats/char)',
  bitsPerChar: 'Bits per char'
};

/** A task metric's name for a person: `tokenAccuracy` → `Token accuracy`, `mse` → `MSE`. */
export function metricLabel(name: string): string {
  if (name in METRIC_LABELS) return METRIC_LABELS[name];
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

/**
 * Colour roles of the charts, each as [light theme, dark theme]: ColorBrewer's Dark2 on a light
 * background and Set2 (the same hues, lighter) on a dark one, both colour-blind safe for three
 * classes; series are also told apart by dashes and widths.
 */
export const PALETTE = {
  /** The network's output; clipped gradient steps. */
  output: [schemeDark2[1], schemeSet2[1]],
  /** The target, and the training loss. */
  target: [schemeDark2[2], schemeSet2[2]],
  /** The gradient norm. */
  gradient: [schemeDark2[0], schemeSet2[0]]
} as const satisfies Record<string, readonly [string, string]>;

/** CSS custom properties `--color-<role>: light-dark(…, …)` for every palette role. */
export function paletteStyle(): string {
  return Object.entries(PALETTE)
    .map(([role, [light, dark]]) => `--color-${role}: light-dark(${light}, ${dark})`)
    .join('; ');
}

export type Theme = 'auto' | 'light' | 'dark';

// ---------------------------------------------------------------------------------------------
// Timing helpers
// ---------------------------------------------------------------------------------------------

/**
 * Calls `fn` at most once per `ms`, always with the latest arguments, and always once more after
 * the last call (so the final value is never lost). `flush()` runs a pending call now.
 */
export function throttle<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number
): ((...args: A) => void) & { flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  let pending: A | null = null;
  const run = () => {
    timer = null;
    if (!pending) return;
    const args = pending;
    pending = null;
    last = Date.now();
    fn(...args);
  };
  const throttled = (...args: A) => {
    pending = args;
    if (timer !== null) return;
    const wait = Math.max(0, last + ms - Date.now());
    if (wait === 0) run();
    else timer = setTimeout(run, wait);
  };
  throttled.flush = () => {
    if (timer !== null) clearTimeout(timer);
    run();
  };
  throttled.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}

/** Calls `fn` once `ms` after the last call, with its arguments. `flush()` runs it now. */
export function debounce<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number
): ((...args: A) => void) & { flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: A | null = null;
  const run = () => {
    timer = null;
    if (!pending) return;
    const args = pending;
    pending = null;
    fn(...args);
  };
  const debounced = (...args: A) => {
    pending = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  debounced.flush = () => {
    if (timer !== null) clearTimeout(timer);
    run();
  };
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return debounced;
}

// ---------------------------------------------------------------------------------------------
// The page's state
// ---------------------------------------------------------------------------------------------

/** How often the URL hash is rewritten while a control moves, ms. */
export const HASH_THROTTLE_MS = 200;
/** How long a slider must rest before the session rebuilds for it, ms. */
export const SLIDER_DEBOUNCE_MS = 250;
/** The steps-per-frame menu. */
export const STEPS_PER_FRAME = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

export interface ExplorerOptions {
  /** Write the URL hash (without `#`; empty for the default config). */
  writeHash?: (hash: string) => void;
}

/** The explorer page: config, notices, session, and what the keyboard does. */
export class Explorer {
  /** The config shown by the controls and run by the session; replaced, never mutated. */
  config = $state.raw<Config>({ ...DEFAULT_CONFIG });
  /** What reading the URL hash or a typed value changed (clamped, dropped, adjusted). */
  notices = $state.raw<string[]>([]);
  /**
   * The preset the config started from (its text is shown), or null. Changing a control keeps
   * it: the URL then says `preset=<id>` and what differs from it.
   */
  preset = $state.raw<Preset | null>(null);
  /** The guided story being followed and the index of its step, or null. */
  story = $state.raw<StoryPlace | null>(null);
  /** The training session, once the page has started its worker. */
  session = $state.raw<Session | null>(null);
  stepsPerFrame = $state(1);
  helpOpen = $state(false);
  /** Show each control's help text under it (it is always its accessible description). */
  showHelp = $state(true);
  theme = $state<Theme>('auto');
  /**
   * Presentation mode: large type, thick strokes, a high-contrast palette, full screen where the
   * browser allows it (see `PresentationToggle`), the settings panel folded away.
   */
  presenting = $state(false);
  /** In presentation mode, the settings panel is shown anyway (the lecturer unfolded it). */
  presentSettings = $state(false);
  /**
   * The configuration is fixed (an embed's `lock`): `set` changes nothing. Training,
   * reset and the keyboard still work.
   */
  locked = false;

  /** A one-line summary of the config, e.g. `LSTM · 32 hidden · 1 layer · T=20 · …`. */
  readonly summary = $derived(describeConfig(this.config));
  /** The URL hash of the config, without `#`: only what differs from the defaults. */
  readonly hash = $derived(encodeHash(this.config, { preset: this.preset, story: this.story }));
  /** Whether the config is still the preset's own (the backend aside). */
  readonly presetIntact = $derived(
    this.preset !== null &&
      encodeHash(this.config, { preset: this.preset }) ===
        encodeHash(
          { ...presetConfig(this.preset), backend: this.config.backend },
          { preset: this.preset }
        )
  );
  readonly playing = $derived(this.session?.status === 'running');

  readonly #writeHash: ReturnType<typeof throttle<[string]>>;
  readonly #applyConfig = debounce(() => this.#apply(), SLIDER_DEBOUNCE_MS);

  constructor(hash = '', options: ExplorerOptions = {}) {
    const write = options.writeHash ?? (() => {});
    this.#writeHash = throttle((text: string) => write(text), HASH_THROTTLE_MS);
    this.load(hash);
  }

  /**
   * Take the config of a URL hash (on opening the page, or when the user edits the address): its
   * notices are shown, and a running session rebuilds for it.
   */
  load(hash: string): void {
    const { config, notices, preset, story } = decodeHash(hash);
    this.config = config;
    this.preset = preset;
    this.story = story;
    this.notices = notices.map((n) => n.message);
    this.#applyConfig.cancel();
    this.#apply();
  }

  /**
   * Load a preset by id: its config (a fresh run from its seed; the backend stays) and its text.
   * An unknown id changes nothing but a notice. Returns whether it was loaded.
   */
  loadPreset(id: string): boolean {
    if (this.locked) return false;
    const preset = findPreset(id);
    if (!preset) {
      this.notices = [`There is no preset "${id}".`];
      return false;
    }
    this.preset = preset;
    this.story = null;
    // Where the maths runs is the viewer's choice, not the preset's.
    this.config = { ...presetConfig(preset), backend: this.config.backend };
    this.notices = [];
    this.#writeHash(this.hash);
    this.#applyConfig.cancel();
    this.#apply();
    return true;
  }

  /** Forget the preset (its text goes; the config stays, written out in full in the URL). */
  leavePreset = (): void => {
    this.story = null;
    this.preset = null;
    this.#writeHash(this.hash);
  };

  /** Start a guided story at its first step (or `index`). Returns whether it was found. */
  startStory(id: string, index = 0): boolean {
    if (this.locked) return false;
    const story = findStory(id);
    if (!story) {
      this.notices = [`There is no story "${id}".`];
      return false;
    }
    return this.goToStoryStep(story, index);
  }

  /** Go to step `index` of a story: load its preset. */
  goToStoryStep(story: Story, index: number): boolean {
    if (index < 0 || index >= story.steps.length) return false;
    if (!this.loadPreset(story.steps[index].preset)) return false;
    this.story = { story, index };
    this.#writeHash(this.hash);
    return true;
  }

  nextStoryStep = (): void => {
    if (this.story) this.goToStoryStep(this.story.story, this.story.index + 1);
  };
  previousStoryStep = (): void => {
    if (this.story) this.goToStoryStep(this.story.story, this.story.index - 1);
  };
  /** Leave the story where it is: the preset of the current step stays loaded. */
  leaveStory = (): void => {
    this.story = null;
    this.#writeHash(this.hash);
  };

  /**
   * Change one parameter. The value is validated like a URL value (clamped or dropped with a
   * notice, cross-field rules applied); the hash follows within {@link HASH_THROTTLE_MS} (for ρ
   * and g² being dragged, when the drag ends); the
   * session rebuilds at once, or, for `live` changes (a slider being dragged), once the value has
   * rested for {@link SLIDER_DEBOUNCE_MS}; ρ and g² instead rescale the current W_hh in the
   * session and recompute the gradient norms at every input event. Returns the value the config
   * took.
   */
  set<K extends ConfigKey>(key: K, value: Config[K], options: { live?: boolean } = {}): Config[K] {
    if (this.locked) return this.config[key];
    const { config, notices } = validateConfig({ ...this.config, [key]: value }, { naming: 'url' });
    this.config = config;
    // A typed value's notices replace older ones; the user sees what happened to the last edit.
    if (notices.length > 0 || !options.live) this.notices = notices.map((n) => n.message);
    // ρ and g² are live sliders: the session rescales the weights it has and looks again at every
    // input event (no rebuild, no lost training); releasing the slider asks for a full look.
    const live =
      (key === 'spectralRadius' && config.spectralRadius !== null) || key === 'gainSquared';
    if (live && this.session) {
      this.#applyConfig.cancel();
      void this.session.preview({
        [key]: config[key] as number,
        final: !options.live
      });
      // While ρ or g² is dragged the address waits for the drag's end (the slider's change
      // event): rewriting it takes a few ms of the page's main thread (every HASH_THROTTLE_MS at
      // most), which would run while the worker looks, or hold up its answer.
      if (options.live) return config[key];
    } else if (options.live) this.#applyConfig();
    else {
      this.#applyConfig.cancel();
      this.#apply();
    }
    // After the session has been asked: rewriting the address (a few ms in a browser, every
    // HASH_THROTTLE_MS at most) then runs while the worker looks, not before it starts.
    this.#writeHash(this.hash);
    return config[key];
  }

  /**
   * Take a config the session already runs (an imported run file's): the controls, the summary
   * and the URL hash follow, and nothing is rebuilt (the session holds the run's weights). A
   * pending rebuild for an older value is dropped.
   */
  adopt(config: Config, notices: readonly string[] = []): void {
    this.#applyConfig.cancel();
    this.config = config;
    this.preset = null;
    this.story = null;
    this.notices = [...notices];
    this.#writeHash(this.hash);
  }

  /** Run a session (the page creates it from {@link config} in `onMount`). */
  attach(session: Session): void {
    this.session = session;
    void session.setStepsPerFrame(this.stepsPerFrame);
  }

  setStepsPerFrame(n: number): void {
    this.stepsPerFrame = n;
    void this.session?.setStepsPerFrame(n);
  }

  toggle = (): void => {
    if (!this.session) return;
    void (this.playing ? this.session.pause() : this.session.play());
  };
  step = (): void => void this.session?.step(1);
  reset = (): void => void this.session?.reset();

  /** Presentation mode on or off; it always starts with the settings panel folded away. */
  togglePresenting = (): void => {
    this.presenting = !this.presenting;
    this.presentSettings = false;
  };

  dismissNotices = (): void => {
    this.notices = [];
  };

  /** A window keydown: run its shortcut, if it is one, and keep the browser from also acting. */
  onKeydown = (event: KeyboardEvent): void => {
    const shortcut = shortcutOf({
      key: event.key,
      target: event.target as KeyTarget | null,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      repeat: event.repeat
    });
    if (shortcut === null) return;
    // Outside a story, Page Down and Page Up scroll as usual.
    if ((shortcut === 'story-next' || shortcut === 'story-previous') && !this.story) return;
    // With the help dialog open, only `?` (close) acts; Escape closes it natively.
    if (this.helpOpen && shortcut !== 'help') return;
    event.preventDefault();
    if (shortcut === 'help') this.helpOpen = !this.helpOpen;
    else if (shortcut === 'toggle') this.toggle();
    else if (shortcut === 'step') this.step();
    else if (shortcut === 'present') this.togglePresenting();
    else if (shortcut === 'story-next') this.nextStoryStep();
    else if (shortcut === 'story-previous') this.previousStoryStep();
    else this.reset();
  };

  /** Stop pending timers (the page is going away). */
  dispose(): void {
    this.#writeHash.flush();
    this.#applyConfig.cancel();
  }

  #apply(): void {
    void this.session?.setConfig(this.config);
  }
}
