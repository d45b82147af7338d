/**
 * The names and shapes of the messages between an embedded explorer (`/embed` in an iframe) and
 * the page around it (docs/embed.md). Types, constants and one tiny helper: the custom element's
 * script imports this file and must stay small. The validation is in protocol.ts.
 *
 * Every message is a plain object whose `type` starts with `rnn-explorer:`, so that a page can
 * tell ours from the other messages windows send each other (reveal.js, video players, LMS
 * frames).
 */

/** What every message type starts with. */
export const MESSAGE_PREFIX = 'rnn-explorer:';

/**
 * Requests, page → embed, as `{ type: 'rnn-explorer:<name>', id?, … }`. Each may carry an `id` (a
 * string or a number) that its reply repeats.
 * - `play`, `pause`, `reset`, `get-metrics`, `get-snapshot`: nothing else
 * - `step`: `n`, how many training steps (a whole number from 1 to {@link MAX_STEPS}; default 1)
 * - `set-config`: `config`, an object of parameters (field names or URL keys, e.g.
 *   `{ seqLength: 50 }` or `{ T: 50 }`) merged into the current config, or a URL hash string
 *   (`cell=lstm&T=50`) that replaces it (every parameter it leaves out takes its default)
 */
export const REQUESTS = [
  'play',
  'pause',
  'step',
  'reset',
  'set-config',
  'get-metrics',
  'get-snapshot'
] as const;

export type RequestName = (typeof REQUESTS)[number];

/**
 * Messages the embed sends, embed → page, as `{ type: 'rnn-explorer:<name>', … }`:
 * - `reply`: the answer to a request (see {@link Reply})
 * - `ready`: the session has built its model and takes requests: `{ metrics }`
 * - `resize`: the embed's content height changed: `{ height }` in CSS pixels
 */
export const EVENTS = ['reply', 'ready', 'resize'] as const;

export type EventName = (typeof EVENTS)[number];

/** The `type` of a message: `rnn-explorer:step`, `rnn-explorer:reply`, … */
export type MessageType<N extends string> = `rnn-explorer:${N}`;

/** The `type` of the message `name`. */
export function messageType<N extends RequestName | EventName>(name: N): MessageType<N> {
  return `${MESSAGE_PREFIX}${name}` as MessageType<N>;
}

/** Most training steps one `step` request may ask for. */
export const MAX_STEPS = 10_000;

/** The id a page gave its request, repeated in the reply (null when it gave none). */
export type RequestId = string | number | null;

/** The session's state in a few numbers: what every reply carries. */
export interface Metrics {
  /** Training updates applied so far. */
  step: number;
  /** `loading`, `paused`, `running`, `diverged` or `error`. */
  status: string;
  /** The last training step's loss, else the loss on the display batch; null before either. */
  loss: number | null;
  /** Global gradient norm of the last training step, before clipping; null before the first. */
  gradNorm: number | null;
  /** Whether the last training step's gradient was clipped; null before the first. */
  clipped: boolean | null;
  /** Training updates per second over the last second (0 when paused). */
  stepsPerSecond: number;
  /** The backend that runs (`webgpu`, `webgl`, `wasm`, `cpu`); null while it is chosen. */
  backend: string | null;
  /** The task's scores on the display batch, e.g. `{ mse: 0.012 }` or `{ accuracy: 0.9 }`. */
  taskMetrics: Record<string, number | null>;
  /** The config as a URL hash (only what differs from the defaults). */
  config: string;
}

/** Per layer and direction, per time step t = 0 … T−1. */
export interface StepNorms {
  /** `l0`, `l1_reverse`, … (PyTorch's parameter-name suffix). */
  suffix: string;
  /** ||dL/dh_t||, [T]. */
  gradNormPerStep: (number | null)[];
  /** ||dL/dc_t|| (LSTM), [T]. */
  cellGradNormPerStep?: (number | null)[];
}

/**
 * The session in plain JSON (arrays, numbers, strings; a non-finite number is null), for
 * `get-snapshot`. Smaller than the worker's Snapshot: no hidden states or gate traces.
 */
export interface EmbedSnapshot extends Metrics {
  /** Mean training loss of each `historyStride` updates, oldest first. */
  lossHistory: (number | null)[];
  /** Global gradient norm before clipping, averaged like the loss. */
  gradNormHistory: (number | null)[];
  historyStride: number;
  /** The last training step's per-step gradient norms (over its batch); null before the first. */
  lastStep: StepNorms[] | null;
  /** The latest look at the fixed display batch (exists from step 0 on); null while loading. */
  view: {
    /** Updates applied to the parameters looked at. */
    step: number;
    loss: number | null;
    gradNorm: number | null;
    directions: (StepNorms & {
      /** ||∂h_t/∂h_{t−1}|| of the batch item, [T]. */
      jacobianNorm: (number | null)[];
      /** Largest |eigenvalue| of each gate block of W_hh, by gate name. */
      spectralRadius: Record<string, number | null>;
    })[];
  } | null;
  /** Why training stopped (a non-finite loss or gradient), or null. */
  divergence: string | null;
  error: string | null;
  /** What was clamped, dropped or switched (config and backend notices). */
  notices: string[];
}

/** The reply to a request. */
export interface Reply {
  type: MessageType<'reply'>;
  id: RequestId;
  /** The request it answers, e.g. `step`. */
  request: RequestName;
  /** The state after the request was carried out. */
  metrics: Metrics;
  /** `set-config` only: what validation clamped, dropped or adjusted (empty when nothing). */
  notices?: string[];
  /** `get-snapshot` only. */
  snapshot?: EmbedSnapshot;
}

/** Sent once the session takes requests. */
export interface ReadyEvent {
  type: MessageType<'ready'>;
  metrics: Metrics;
}

/** Sent whenever the embed's content height changes. */
export interface ResizeEvent {
  type: MessageType<'resize'>;
  /** CSS pixels, rounded up. */
  height: number;
}
