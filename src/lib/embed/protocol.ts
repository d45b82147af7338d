/**
 * The embed's side of the postMessage API (docs/embed.md): every message is checked against a
 * valibot schema before anything runs; a message that fails is ignored with a console warning
 * (never executed, never answered). A valid request runs on an {@link EmbedTarget} (the page's
 * explorer, or a fake in tests) and is answered with its id and the metrics after it.
 *
 * Origins: an embed cannot know in advance which page will hold it (any course site may), so it
 * takes requests from its parent window whatever the parent's origin, and answers to the window
 * that asked (`event.source`) with that request's origin as the target origin (`event.origin`),
 * so only that window, while it still shows that origin, reads the answer. Nothing an embed does
 * or says is private: it trains a small network on generated data. A parent opened from disk
 * (`file://`) has the opaque origin `null`, which postMessage cannot target; it is answered with
 * `*`. Pages should in turn check that a message comes from their iframe (`event.source`) and
 * the origin they embedded.
 */
import * as v from 'valibot';
import {
  PARAMETERS,
  decodeHash,
  validateConfig,
  type Config,
  type ConfigKey,
  type Notice,
  type Parameter,
  type ValidationResult
} from '$lib/config';
import type { Snapshot } from '$lib/session/snapshot';
import {
  MAX_STEPS,
  MESSAGE_PREFIX,
  messageType,
  type EmbedSnapshot,
  type Metrics,
  type RequestId,
  type RequestName,
  type Reply,
  type StepNorms
} from './messages';

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

/** Longest string id, config hash and most config keys a request may carry. */
const MAX_ID_LENGTH = 200;
const MAX_HASH_LENGTH = 4000;
const MAX_CONFIG_KEYS = 100;

const IdSchema = v.optional(
  v.union([v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH)), v.pipe(v.number(), v.finite())])
);

function request<N extends RequestName, E extends v.ObjectEntries>(name: N, entries: E) {
  return v.strictObject({ type: v.literal(messageType(name)), id: IdSchema, ...entries });
}

const ConfigChangeSchema = v.union(
  [
    v.pipe(v.string(), v.maxLength(MAX_HASH_LENGTH)),
    v.pipe(
      // v.record alone would take an array as an object of indices.
      v.custom<Record<string, unknown>>(
        (input) => typeof input === 'object' && input !== null && !Array.isArray(input)
      ),
      v.record(v.string(), v.unknown()),
      v.check((record) => Object.keys(record).length <= MAX_CONFIG_KEYS, 'too many keys')
    )
  ],
  'expected an object of parameters or a URL hash string'
);

/** Every request the embed carries out; anything else is ignored. */
export const RequestSchema = v.variant('type', [
  request('play', {}),
  request('pause', {}),
  request('step', {
    n: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_STEPS)))
  }),
  request('reset', {}),
  request('set-config', { config: ConfigChangeSchema }),
  request('get-metrics', {}),
  request('get-snapshot', {})
]);

export type Request = v.InferOutput<typeof RequestSchema>;

/** The request's name: `rnn-explorer:set-config` → `set-config`. */
export function requestName(request: Request): RequestName {
  return request.type.slice(MESSAGE_PREFIX.length) as RequestName;
}

/** Messages reveal.js sends to an iframe on a slide as the slide is shown and left. */
export const REVEAL_SLIDE_START = 'slide:start';
export const REVEAL_SLIDE_STOP = 'slide:stop';

export type Parsed =
  | { kind: 'request'; request: Request }
  /** reveal.js: the slide holding the embed was left (`slide:stop`) or shown (`slide:start`). */
  | { kind: 'slide'; shown: boolean }
  | { kind: 'invalid'; reason: string };

function describe(data: unknown): string {
  if (data === null) return 'null';
  if (Array.isArray(data)) return 'an array';
  if (typeof data === 'string') {
    return `the string ${JSON.stringify(data.length > 40 ? `${data.slice(0, 39)}…` : data)}`;
  }
  return typeof data === 'object' ? 'an object' : `a ${typeof data}`;
}

/** Checks a message's data; says why it is not a request when it is not one. */
export function parseMessage(data: unknown): Parsed {
  if (data === REVEAL_SLIDE_STOP) return { kind: 'slide', shown: false };
  if (data === REVEAL_SLIDE_START) return { kind: 'slide', shown: true };
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : null;
  if (typeof type !== 'string' || !type.startsWith(MESSAGE_PREFIX)) {
    return {
      kind: 'invalid',
      reason: `${describe(data)} with no "type" of the form "${MESSAGE_PREFIX}<request>"`
    };
  }
  const result = v.safeParse(RequestSchema, data);
  if (result.success) return { kind: 'request', request: result.output };
  const issue = result.issues[0];
  const path = v.getDotPath(issue);
  // valibot says "Expected never" of a key a strict object does not have.
  const message = issue.expected === 'never' ? 'not a field of this request' : issue.message;
  return { kind: 'invalid', reason: `${type}: ${path ? `${path}: ` : ''}${message}` };
}

// ---------------------------------------------------------------------------------------------
// Config changes
// ---------------------------------------------------------------------------------------------

/** A parameter by field name or URL key (exact first, then in any case). */
const BY_NAME: ReadonlyMap<string, Parameter> = new Map(
  PARAMETERS.flatMap((p): [string, Parameter][] => [
    [p.url.toLowerCase(), p],
    [p.key.toLowerCase(), p]
  ])
);

/** A config value as the URL writes it, for a notice. */
function shownValue(value: unknown): string {
  if (value === null) return 'off';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/**
 * The config a `set-config` asks for, validated as a URL hash or a typed value would be (clamped
 * or dropped, each with a notice): a hash string replaces the config, an object is merged into
 * `current` (its keys may be field names or URL keys). Of an object, a value that cannot be used
 * at all (a wrong type, an unknown option) leaves that parameter as it was, and an unknown key is
 * ignored, each with a notice.
 */
export function applyConfigChange(
  current: Config,
  change: string | Record<string, unknown>
): ValidationResult {
  if (typeof change === 'string') return decodeHash(change);
  const renamed: Record<string, unknown> = {};
  const unknown: Record<string, unknown> = {};
  const kept: Notice[] = [];
  for (const [key, value] of Object.entries(change)) {
    const p = BY_NAME.get(key.toLowerCase());
    if (!p) {
      unknown[key] = value;
      continue;
    }
    // Checked alone first: a value validation would drop must not reset the field to its default.
    const dropped = validateConfig({ [p.key]: value }).notices.find(
      (notice) => notice.kind === 'dropped' && notice.key === p.key
    );
    if (dropped) {
      const keeping = `; keeping ${p.key}=${shownValue(current[p.key as ConfigKey])}.`;
      kept.push({
        ...dropped,
        message: dropped.message.replace(/; using the default .*$/, keeping)
      });
    } else renamed[p.key] = value;
  }
  // Unknown keys go through validation too, for its notice.
  const result = validateConfig({ ...current, ...renamed, ...unknown });
  return { config: result.config, notices: [...kept, ...result.notices] };
}

// ---------------------------------------------------------------------------------------------
// Metrics and snapshots as plain JSON
// ---------------------------------------------------------------------------------------------

/** A number JSON can hold: non-finite becomes null. */
function finite(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function list(values: ArrayLike<number> | undefined): (number | null)[] {
  return Array.from(values ?? [], (value) => finite(value));
}

/** The metrics of a session's snapshot (null while the session loads) and its config hash. */
export function metricsOf(snapshot: Snapshot | null, hash: string): Metrics {
  const last = snapshot?.last ?? null;
  const taskMetrics: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(snapshot?.view?.metrics ?? {})) {
    taskMetrics[name] = finite(value);
  }
  return {
    step: snapshot?.step ?? 0,
    status: snapshot?.status ?? 'loading',
    loss: finite(last?.loss ?? snapshot?.view?.loss),
    gradNorm: last ? finite(last.gradNormBefore) : null,
    clipped: last ? last.clipped : null,
    stepsPerSecond: finite(snapshot?.timing.stepsPerSecond) ?? 0,
    backend: snapshot?.backend?.active ?? null,
    taskMetrics,
    config: hash
  };
}

/** The snapshot in plain JSON, for `get-snapshot` (see {@link EmbedSnapshot}). */
export function snapshotJson(snapshot: Snapshot | null, hash: string): EmbedSnapshot {
  const norms = (entry: {
    suffix: string;
    gradNormPerStep: Float32Array;
    cellGradNormPerStep?: Float32Array;
  }): StepNorms => ({
    suffix: entry.suffix,
    gradNormPerStep: list(entry.gradNormPerStep),
    ...(entry.cellGradNormPerStep ? { cellGradNormPerStep: list(entry.cellGradNormPerStep) } : {})
  });
  const view = snapshot?.view ?? null;
  return {
    ...metricsOf(snapshot, hash),
    lossHistory: list(snapshot?.lossHistory),
    gradNormHistory: list(snapshot?.gradNormHistory),
    historyStride: snapshot?.historyStride ?? 1,
    lastStep: snapshot?.last ? snapshot.last.perStep.map(norms) : null,
    view: view
      ? {
          step: view.step,
          loss: finite(view.loss),
          gradNorm: finite(view.gradNorm),
          directions: view.directions.map((direction) => ({
            ...norms(direction),
            jacobianNorm: list(direction.jacobianNorm),
            spectralRadius: Object.fromEntries(
              direction.eigenvalues.map((e) => [e.gate, finite(e.spectralRadius)])
            )
          }))
        }
      : null,
    divergence: snapshot?.divergence?.message ?? null,
    error: snapshot?.error ?? null,
    notices: [...(snapshot?.notices ?? []), ...(snapshot?.notice ? [snapshot.notice] : [])]
  };
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** What a request acts on: the page's explorer and its session. */
export interface EmbedTarget {
  play(): Promise<void>;
  pause(): Promise<void>;
  step(n: number): Promise<void>;
  reset(): Promise<void>;
  /** Validate and apply a config change; returns the validation notices. */
  setConfig(change: string | Record<string, unknown>): Promise<string[]>;
  metrics(): Metrics;
  snapshot(): EmbedSnapshot;
}

/** The window a message came from, as far as answering it goes. */
export interface MessageSourceLike {
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface MessageEventLike {
  data: unknown;
  origin: string;
  source: unknown;
}

export interface EmbedServerOptions {
  /** The explorer, once its session has built the model (requests wait for it). */
  target: Promise<EmbedTarget>;
  /** Whether to take messages from this window (the embed's parent); others are ignored. */
  accepts(source: unknown): boolean;
  /** Where ignored messages are reported (console.warn in the page). */
  warn(message: string, data: unknown): void;
}

/** The target origin to answer a message from `origin` with (`*` for the opaque `null`). */
export function replyOrigin(origin: string): string {
  return origin === 'null' || origin === '' ? '*' : origin;
}

function isWindowLike(source: unknown): source is MessageSourceLike {
  return (
    typeof source === 'object' &&
    source !== null &&
    typeof (source as MessageSourceLike).postMessage === 'function'
  );
}

/** Carries out one valid request and makes its reply. */
export async function handleRequest(target: EmbedTarget, request: Request): Promise<Reply> {
  let notices: string[] | undefined;
  switch (request.type) {
    case 'rnn-explorer:play':
      await target.play();
      break;
    case 'rnn-explorer:pause':
      await target.pause();
      break;
    case 'rnn-explorer:step':
      await target.step(request.n ?? 1);
      break;
    case 'rnn-explorer:reset':
      await target.reset();
      break;
    case 'rnn-explorer:set-config':
      notices = await target.setConfig(request.config);
      break;
    case 'rnn-explorer:get-metrics':
    case 'rnn-explorer:get-snapshot':
      break;
  }
  const id: RequestId = request.id ?? null;
  const reply: Reply = {
    type: messageType('reply'),
    id,
    request: requestName(request),
    metrics: target.metrics()
  };
  if (notices) reply.notices = notices;
  if (request.type === 'rnn-explorer:get-snapshot') reply.snapshot = target.snapshot();
  return reply;
}

/**
 * The message handler of an embed: `receive(event)` for every `message` event of its window.
 * Returns a promise that settles once the request (if any) has been answered, for tests.
 */
export function createEmbedServer(options: EmbedServerOptions) {
  return {
    async receive(event: MessageEventLike): Promise<void> {
      if (!options.accepts(event.source)) {
        options.warn(
          'RNN Explorer embed: ignored a message that did not come from the parent page.',
          event.data
        );
        return;
      }
      const parsed = parseMessage(event.data);
      if (parsed.kind === 'invalid') {
        options.warn(`RNN Explorer embed: ignored a message: ${parsed.reason}.`, event.data);
        return;
      }
      const target = await options.target;
      if (parsed.kind === 'slide') {
        // A slide that is not shown should not keep the lecturer's laptop busy.
        if (!parsed.shown && target.metrics().status === 'running') await target.pause();
        return;
      }
      const reply = await handleRequest(target, parsed.request);
      if (isWindowLike(event.source)) event.source.postMessage(reply, replyOrigin(event.origin));
    }
  };
}
