/**
 * `<rnn-explorer>`: the explorer as a custom element, for a course page that includes one script
 * (built to `rnn-explorer.js` next to the app; docs/embed.md):
 *
 *     <script src="https://explorer.example/rnn-explorer.js" defer></script>
 *     <rnn-explorer config="cell=lstm&amp;T=50" panels="gradient-flow,loss" controls="rho" lock>
 *     </rnn-explorer>
 *
 * Attributes: `config` (a URL hash), `preset`, `panels`, `controls`, `lock` (as `/embed`'s query)
 * and `height` (a CSS length, or `auto`, the default: the frame follows its content). Changing
 * one updates the embed; `config` alone is applied in place once the embed is ready.
 *
 * Methods, each a promise of the embed's answer: `play()`, `pause()`, `step(n)`, `reset()`,
 * `getMetrics()` (each gives the metrics after it), `setConfig(config)` (`{ metrics, notices }`),
 * `getSnapshot()`. The event `ready` (detail: the metrics) fires when the session takes requests.
 *
 * Why an iframe of `/embed`, on the origin this script came from, rather than the explorer drawn
 * into the page: a page on another origin cannot start our Web Worker (a worker's script must be
 * same-origin with the page that starts it) nor fetch our wasm binaries as its own, and a course
 * platform's style sheets would restyle the explorer (and ours the platform) if they shared a
 * document. The frame sits in a shadow root, so no page rule reaches it either, and the script
 * defines nothing global but the element (it is built as one IIFE).
 */
import {
  MAX_STEPS,
  MESSAGE_PREFIX,
  messageType,
  type EmbedSnapshot,
  type Metrics,
  type Reply,
  type RequestName
} from '../lib/embed/messages';

const TAG = 'rnn-explorer';
/** The frame's height until the embed first says how tall it is (auto height). */
const INITIAL_HEIGHT_PX = 480;
/** A reported height beyond this is not believed (a runaway layout). */
const MAX_HEIGHT_PX = 20_000;
/** How long a request may wait for its reply (a step request of many steps takes a while). */
const REPLY_TIMEOUT_MS = 300_000;
const FALSE_WORDS = ['false', '0', 'no', 'off'];
/** A length the `height` attribute may give: a number (pixels) or a number with a CSS unit. */
const LENGTH = /^\d+(?:\.\d+)?(?:px|em|rem|vh|svh|lvh|dvh|%)?$/;

/**
 * This script's own URL, read while it first runs (`document.currentScript` is null afterwards).
 * The embed is served next to it.
 */
const SCRIPT_URL: string =
  (document.currentScript as HTMLScriptElement | null)?.src ||
  Array.from(document.querySelectorAll<HTMLScriptElement>('script[src]')).find((script) =>
    /rnn-explorer[\w.-]*\.js(?:[?#]|$)/.test(script.src)
  )?.src ||
  document.baseURI;

const STYLE = `
:host { display: block; }
:host([hidden]) { display: none; }
iframe { display: block; box-sizing: border-box; width: 100%; border: 0; margin: 0; }
`;

interface Pending {
  resolve(reply: Reply): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** A promise with its resolve and reject. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, settled: false };
}

class RnnExplorerElement extends HTMLElement {
  static readonly observedAttributes = ['config', 'preset', 'panels', 'controls', 'lock', 'height'];

  readonly #root: ShadowRoot;
  #frame: HTMLIFrameElement | null = null;
  #ready = deferred<Metrics>();
  #pending = new Map<number, Pending>();
  #nextId = 1;
  /** The content height the embed last reported, CSS pixels. */
  #reportedHeight: number | null = null;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#root.append(style);
    // A rejection nobody waits for is not an error of the page.
    this.#ready.promise.catch(() => {});
  }

  /** The embed's origin (where the messages go to and must come from). */
  get #origin(): string {
    return new URL(SCRIPT_URL).origin;
  }

  /** postMessage's target origin: the embed's, or `*` for an opaque one (a `file://` script). */
  get #targetOrigin(): string {
    return this.#origin === 'null' ? '*' : this.#origin;
  }

  connectedCallback(): void {
    window.addEventListener('message', this.#onMessage);
    this.#load();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.#onMessage);
    this.#frame?.remove();
    this.#frame = null;
    const reason = 'the <rnn-explorer> element was removed from the page';
    this.#failAll(reason);
    if (!this.#ready.settled) {
      this.#ready.settled = true;
      this.#ready.reject(new Error(`<${TAG}>: ${reason}`));
    }
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (!this.#frame || old === value) return;
    if (name === 'height') this.#applyHeight();
    // A new config is applied in place once the embed runs (no reload, same frame).
    else if (name === 'config' && this.#ready.settled) {
      this.setConfig(value ?? '').catch((error) => console.warn(`<${TAG}>:`, error));
    } else this.#load();
  }

  /** Start training. */
  play(): Promise<Metrics> {
    return this.#request('play', {}).then((reply) => reply.metrics);
  }

  pause(): Promise<Metrics> {
    return this.#request('pause', {}).then((reply) => reply.metrics);
  }

  /** Pause, then make `n` training steps (1 to 10 000). */
  step(n = 1): Promise<Metrics> {
    if (!Number.isInteger(n) || n < 1 || n > MAX_STEPS) {
      return Promise.reject(
        new RangeError(`step(n): n must be a whole number from 1 to ${MAX_STEPS}`)
      );
    }
    return this.#request('step', { n }).then((reply) => reply.metrics);
  }

  /** Fresh weights from the seed, step 0. */
  reset(): Promise<Metrics> {
    return this.#request('reset', {}).then((reply) => reply.metrics);
  }

  /**
   * Change the configuration: an object of parameters (`{ seqLength: 50 }` or `{ T: 50 }`) is
   * merged into the current one; a URL hash (`'cell=lstm&T=50'`) replaces it. Out-of-range values
   * are clamped; `notices` says what was changed.
   */
  setConfig(
    config: string | Record<string, unknown>
  ): Promise<{ metrics: Metrics; notices: string[] }> {
    const plain =
      typeof config === 'string' ||
      (typeof config === 'object' &&
        config !== null &&
        Object.getPrototypeOf(config) === Object.prototype);
    if (!plain) {
      return Promise.reject(
        new TypeError('setConfig(config): give an object or a URL hash string')
      );
    }
    const change = typeof config === 'string' ? config.replace(/^#/, '') : config;
    return this.#request('set-config', { config: change }).then((reply) => ({
      metrics: reply.metrics,
      notices: reply.notices ?? []
    }));
  }

  getMetrics(): Promise<Metrics> {
    return this.#request('get-metrics', {}).then((reply) => reply.metrics);
  }

  /** Step, loss, per-step gradient norms, histories and status, as plain JSON. */
  getSnapshot(): Promise<EmbedSnapshot> {
    return this.#request('get-snapshot', {}).then((reply) => reply.snapshot!);
  }

  /** The URL of `/embed` for the attributes. */
  #src(): string {
    const url = new URL('embed', SCRIPT_URL);
    const query: string[] = [];
    for (const key of ['preset', 'panels', 'controls']) {
      const value = this.getAttribute(key)?.trim();
      // Commas separate names: keep them readable.
      if (value) query.push(`${key}=${encodeURIComponent(value).replace(/%2C/gi, ',')}`);
    }
    const lock = this.getAttribute('lock');
    if (lock !== null && !FALSE_WORDS.includes(lock.trim().toLowerCase())) query.push('lock=1');
    url.search = query.join('&');
    url.hash = (this.getAttribute('config') ?? '').trim().replace(/^#/, '');
    return url.href;
  }

  /** (Re)creates the frame for the current attributes; requests made meanwhile wait for it. */
  #load(): void {
    this.#failAll('the embed was reloaded for new attributes');
    if (this.#ready.settled) {
      this.#ready = deferred<Metrics>();
      this.#ready.promise.catch(() => {});
    }
    const frame = document.createElement('iframe');
    frame.title = 'RNN Explorer';
    frame.src = this.#src();
    this.#frame?.remove();
    this.#frame = frame;
    this.#reportedHeight = null;
    this.#applyHeight();
    this.#root.append(frame);
  }

  /** A fixed height from the attribute, else the last one the embed reported. */
  #applyHeight(): void {
    if (!this.#frame) return;
    const attribute = this.getAttribute('height')?.trim() ?? 'auto';
    if (attribute !== 'auto' && attribute !== '') {
      if (LENGTH.test(attribute)) {
        this.#frame.style.height = /\d$/.test(attribute) ? `${attribute}px` : attribute;
        return;
      }
      console.warn(`<${TAG}>: height="${attribute}" is not a length; following the content.`);
    }
    this.#frame.style.height = `${this.#reportedHeight ?? INITIAL_HEIGHT_PX}px`;
  }

  #onMessage = (event: MessageEvent): void => {
    // Only our frame, at the origin it was loaded from.
    if (!this.#frame || event.source !== this.#frame.contentWindow) return;
    if (this.#targetOrigin !== '*' && event.origin !== this.#origin) return;
    const data = event.data as { type?: unknown } | null;
    if (typeof data?.type !== 'string' || !data.type.startsWith(MESSAGE_PREFIX)) return;
    if (data.type === messageType('resize')) {
      const height = (data as { height?: unknown }).height;
      if (typeof height === 'number' && height > 0 && height <= MAX_HEIGHT_PX) {
        this.#reportedHeight = Math.ceil(height);
        this.#applyHeight();
      }
    } else if (data.type === messageType('ready')) {
      const metrics = (data as { metrics: Metrics }).metrics;
      this.#ready.settled = true;
      this.#ready.resolve(metrics);
      this.dispatchEvent(new CustomEvent('ready', { detail: metrics }));
    } else if (data.type === messageType('reply')) {
      const reply = data as Reply;
      const pending = typeof reply.id === 'number' ? this.#pending.get(reply.id) : undefined;
      if (!pending) return;
      clearTimeout(pending.timer);
      this.#pending.delete(reply.id as number);
      pending.resolve(reply);
    }
  };

  /** Sends a request once the embed is ready; settles with its reply. */
  async #request(name: RequestName, fields: Record<string, unknown>): Promise<Reply> {
    if (!this.isConnected) throw new Error(`<${TAG}> is not on the page`);
    await this.#ready.promise;
    const frame = this.#frame?.contentWindow;
    if (!frame) throw new Error(`<${TAG}> has no embed`);
    const id = this.#nextId++;
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`<${TAG}>: no answer to ${name} within ${REPLY_TIMEOUT_MS / 1000} s`));
      }, REPLY_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        frame.postMessage({ type: messageType(name), id, ...fields }, this.#targetOrigin);
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /** Rejects every request waiting for a reply. */
  #failAll(reason: string): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`<${TAG}>: ${reason}`));
    }
    this.#pending.clear();
  }
}

if (!customElements.get(TAG)) customElements.define(TAG, RnnExplorerElement);

declare global {
  interface HTMLElementTagNameMap {
    'rnn-explorer': RnnExplorerElement;
  }
}
