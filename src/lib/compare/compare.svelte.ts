/**
 * The comparison page's state: two sides, each an {@link Explorer} of its own (config, notices,
 * live ρ/g² previews, its session), and one transport that plays, pauses, steps and resets both.
 * The address holds both configs (`./url`); the task, its data and the seed are shared, so a
 * change to one of {@link SHARED_KEYS} on either side is made on both.
 *
 * Browser-only in its effects, like `Explorer`: the page creates it during prerendering with the
 * default comparison and reads the real address in `onMount`.
 */
import type { Config, ConfigKey } from '$lib/config';
import { Explorer, shortcutOf, type KeyTarget } from '$lib/explorer.svelte';
import { SHARED_KEYS } from '$lib/session/compare';
import type { Comparison } from '$lib/session/session.svelte';
import { decodeComparisonHash, encodeComparisonHash, SIDE_LABELS, type Side } from './url';

/**
 * The controls each side shows at once; every other parameter is one click away. The model's
 * shape, how W_hh starts, clipping, and the sequence length.
 */
export const COMPACT_KEYS = [
  'cell',
  'activation',
  'hidden',
  'initRecurrent',
  'spectralRadius',
  'gainSquared',
  'forgetBias',
  'clipping',
  'seqLength'
] as const satisfies readonly ConfigKey[];

function isShared(key: ConfigKey): boolean {
  return (SHARED_KEYS as readonly ConfigKey[]).includes(key);
}

/** One side of the comparison: an explorer whose shared settings follow onto the other side. */
export class CompareSide extends Explorer {
  readonly side: Side;
  readonly label: string;
  /** The other side, for the shared settings. */
  other: CompareSide | null = null;

  constructor(side: Side, writeHash: () => void) {
    super('', { writeHash });
    this.side = side;
    this.label = SIDE_LABELS[side];
    this.showHelp = false;
  }

  /** Take a config as it is (already read and aligned): the session rebuilds for it. */
  loadConfig(config: Config, notices: string[] = []): void {
    this.config = config;
    this.notices = notices;
    if (this.session) void this.session.setConfig(config);
  }

  override set<K extends ConfigKey>(
    key: K,
    value: Config[K],
    options: { live?: boolean } = {}
  ): Config[K] {
    const taken = super.set(key, value, options);
    const other = this.other;
    if (other && isShared(key) && other.config[key] !== taken) {
      other.set(key, taken, options);
      if (other.config[key] === taken)
        this.notices = [
          ...this.notices,
          `Both runs share ${key}: ${other.label} now uses ${key}=${String(taken)} too.`
        ];
    }
    return taken;
  }
}

export interface ComparisonOptions {
  /** Write the address hash (without `#`). */
  writeHash?: (hash: string) => void;
}

/** The two sides, the address, the transport and the keyboard. */
export class ComparePage {
  readonly #writeHash: (hash: string) => void;
  #comparison: Comparison | null = null;
  readonly a = new CompareSide('a', () => this.#writeHash(this.hash));
  readonly b = new CompareSide('b', () => this.#writeHash(this.hash));
  /** What reading the address changed (dropped parts, clamped values, aligned settings). */
  notices = $state.raw<string[]>([]);
  stepsPerFrame = $state(1);
  /** Either side is training. */
  readonly playing = $derived(this.a.playing || this.b.playing);
  /** Both sessions have built their models. */
  readonly ready = $derived(
    [this.a, this.b].every(
      (s) => s.session !== null && !['loading', 'error'].includes(s.session.status)
    )
  );

  constructor(hash = '', options: ComparisonOptions = {}) {
    this.#writeHash = options.writeHash ?? (() => {});
    this.a.other = this.b;
    this.b.other = this.a;
    this.load(hash);
  }

  get sides(): readonly [CompareSide, CompareSide] {
    return [this.a, this.b];
  }

  /** The address hash of both configs. */
  get hash(): string {
    return encodeComparisonHash(this.a.config, this.b.config);
  }

  /** Take the configs of an address (on opening the page, or when the user edits it). */
  load(hash: string): void {
    const { first, second, notices } = decodeComparisonHash(hash);
    this.notices = notices;
    this.a.loadConfig(first);
    this.b.loadConfig(second);
  }

  /**
   * Run the two sessions of a {@link Comparison} (the page creates it in `onMount` from the sides'
   * configs), A's on the left, B's on the right.
   */
  attach(comparison: Comparison): void {
    this.#comparison = comparison;
    this.a.attach(comparison.sessions[0]);
    this.b.attach(comparison.sessions[1]);
    void comparison.setStepsPerFrame(this.stepsPerFrame);
  }

  setStepsPerFrame(n: number): void {
    this.stepsPerFrame = n;
    void this.#comparison?.setStepsPerFrame(n);
  }

  /** Play both, or pause both when either is training. */
  toggle = (): void => {
    void (this.playing ? this.#comparison?.pause() : this.#comparison?.play());
  };
  /** One training step on each side. */
  step = (): void => void this.#comparison?.step(1);
  /** Both start again from the seed. */
  reset = (): void => void this.#comparison?.reset();

  dismissNotices = (): void => {
    this.notices = [];
    for (const side of this.sides) side.dismissNotices();
  };

  /** Space plays or pauses both, → steps both, r resets both (never while typing in a box). */
  onKeydown = (event: KeyboardEvent): void => {
    const shortcut = shortcutOf({
      key: event.key,
      target: event.target as KeyTarget | null,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      repeat: event.repeat
    });
    if (shortcut === null || shortcut === 'help') return;
    event.preventDefault();
    if (shortcut === 'toggle') this.toggle();
    else if (shortcut === 'step') this.step();
    else this.reset();
  };

  /** Stop pending timers (the page is going away); the page disposes the sessions. */
  dispose(): void {
    for (const side of this.sides) side.dispose();
  }
}
