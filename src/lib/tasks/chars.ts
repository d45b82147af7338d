/**
 * The autoregressive character model: read a text one character at a time and predict the next.
 *
 * Text → ids: the text's characters (Unicode code points, "\r\n" read as "\n") become token ids
 * through a {@link Vocabulary}: id 0 is the unknown symbol {@link UNKNOWN}, then the text's
 * characters in code-point order (at most {@link MAX_VOCABULARY} − 1, the most frequent kept; the
 * rest read as unknown). With V symbols, a window at offset o of length T gives
 *   x_t = onehot(c_{o+t}),   y*_t = onehot(c_{o+t+1}),   t = 0 … T−1,   both [T, B, V],
 * scored by softmax cross-entropy in nats per character.
 *
 * Held-out text: a text of at least {@link HELD_OUT_FROM} characters keeps its last
 * {@link HELD_OUT_SHARE} out of training; the baselines and {@link CharTask.evaluationBatch} are
 * measured on it, so the model and the n-gram baselines are scored on the same unseen characters.
 */
import { sample } from '$lib/engine/generate';
import type { Params } from '$lib/engine/network';
import { Random } from '$lib/engine/random';
import type { Batch } from '$lib/engine/trainer';
import type { Windows } from './task';
import type { NetworkSpec } from '$lib/engine/types';
import { generateCorpus, GRAMMAR_CORPUS } from './corpus';
import { accuracy, argmax } from './task';
import type { Baseline, Prediction, Task } from './task';

/** The largest text accepted: 200 KB of UTF-8 (204,800 bytes). */
export const MAX_TEXT_BYTES = 200 * 1024;
/** The most symbols a vocabulary holds, the unknown symbol included (the one-hot width V ≤ this). */
export const MAX_VOCABULARY = 128;
/** The unknown symbol, id 0: characters outside the vocabulary (e.g. in a prime) read as this. */
export const UNKNOWN = '\uFFFD';
/** Add-k smoothing constant of the unigram and bigram baselines. */
export const NGRAM_SMOOTHING = 0.1;
/** Share of a long text held out of training, from its end. */
export const HELD_OUT_SHARE = 0.1;
/** Texts shorter than this many characters are not split: everything is trained on. */
export const HELD_OUT_FROM = 2000;
/** A prime that fits the grammar corpus: the model should continue it with a plural verb. */
export const GRAMMAR_PRIME = 'the dogs that the cat sees ';

export type { Windows };

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

export interface Vocabulary {
  /** Symbol of each id; `symbols[0]` is {@link UNKNOWN}. */
  readonly symbols: readonly string[];
  /** Id of each known character. */
  readonly ids: ReadonlyMap<string, number>;
}

/** The text as it is read: code points, with "\r\n" and "\r" as "\n". */
export function characters(text: string): string[] {
  return Array.from(text.replace(/\r\n?/g, '\n'));
}

/**
 * Id 0 for {@link UNKNOWN}, then the text's distinct characters in code-point order; if there are
 * more than MAX_VOCABULARY − 1, only the most frequent are kept (ties: lower code point).
 */
export function vocabularyOf(text: string): Vocabulary {
  const counts = new Map<string, number>();
  for (const c of characters(text)) counts.set(c, (counts.get(c) ?? 0) + 1);
  counts.delete(UNKNOWN);
  const byCodePoint = (a: string, b: string) => a.codePointAt(0)! - b.codePointAt(0)!;
  let kept = [...counts.keys()];
  if (kept.length > MAX_VOCABULARY - 1)
    kept = kept
      .sort((a, b) => counts.get(b)! - counts.get(a)! || byCodePoint(a, b))
      .slice(0, MAX_VOCABULARY - 1);
  const symbols = [UNKNOWN, ...kept.sort(byCodePoint)];
  return { symbols, ids: new Map(symbols.map((s, i) => [s, i])) };
}

/** Token ids of a text; characters outside the vocabulary are 0 (unknown). */
export function encode(vocabulary: Vocabulary, text: string): Int32Array {
  return Int32Array.from(characters(text), (c) => vocabulary.ids.get(c) ?? 0);
}

/** The text of token ids. */
export function decode(vocabulary: Vocabulary, ids: ArrayLike<number>): string {
  let text = '';
  for (let i = 0; i < ids.length; i++) text += vocabulary.symbols[ids[i]] ?? UNKNOWN;
  return text;
}

// ---------------------------------------------------------------------------------------------
// n-gram baselines
// ---------------------------------------------------------------------------------------------

/** Transitions (previous → next) a model is scored on: `next[i]` follows `previous[i]`. */
export interface Transitions {
  previous: ArrayLike<number>;
  next: ArrayLike<number>;
}

/** A character n-gram model over V symbols with add-k smoothing. */
export interface NgramModel {
  readonly vocabulary: Vocabulary;
  readonly k: number;
  /** log P(next | previous) in nats (the unigram ignores `previous`). */
  logProbability(previous: number, next: number): number;
  /** Its guess of the next id: argmax_n P(n | previous), the lowest id on ties. */
  guess(previous: number): number;
}

/** Consecutive pairs (ids[i], ids[i+1]) for i in [from, to − 1). */
export function transitionsOf(ids: ArrayLike<number>, from = 0, to = ids.length): Transitions {
  const n = Math.max(0, to - from - 1);
  const previous = new Int32Array(n);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    previous[i] = ids[from + i];
    next[i] = ids[from + i + 1];
  }
  return { previous, next };
}

/** Mean −log P(next | previous) in nats per character, and the share guessed right. */
export function score(
  model: NgramModel,
  transitions: Transitions
): { crossEntropy: number; accuracy: number } {
  const n = transitions.next.length;
  let total = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    total -= model.logProbability(transitions.previous[i], transitions.next[i]);
    if (model.guess(transitions.previous[i]) === transitions.next[i]) right++;
  }
  return { crossEntropy: n ? total / n : NaN, accuracy: n ? right / n : NaN };
}

/**
 * Bigram model fitted on the transitions of `text` (or of `transitions`, given as ids of
 * `vocabulary`): P(b | a) = (N(a, b) + k) / (N(a) + k V), with N(a, b) the count of a followed by
 * b, N(a) = Σ_b N(a, b) and V the vocabulary size (unknown included). k = {@link NGRAM_SMOOTHING}.
 */
export function bigramModel(
  text: string,
  options: { k?: number; vocabulary?: Vocabulary; transitions?: Transitions } = {}
): NgramModel & { crossEntropy(text: string): number } {
  const vocabulary = options.vocabulary ?? vocabularyOf(text);
  const k = options.k ?? NGRAM_SMOOTHING;
  const V = vocabulary.symbols.length;
  const fit = options.transitions ?? transitionsOf(encode(vocabulary, text));
  const pairs = new Float64Array(V * V);
  const from = new Float64Array(V);
  for (let i = 0; i < fit.next.length; i++) {
    pairs[fit.previous[i] * V + fit.next[i]]++;
    from[fit.previous[i]]++;
  }
  const guesses = Array.from({ length: V }, (_, a) => argmax(pairs, a * V, V));
  const model: NgramModel = {
    vocabulary,
    k,
    logProbability: (a, b) => Math.log((pairs[a * V + b] + k) / (from[a] + k * V)),
    guess: (a) => guesses[a]
  };
  return {
    ...model,
    crossEntropy: (other) => score(model, transitionsOf(encode(vocabulary, other))).crossEntropy
  };
}

/**
 * Unigram model: P(b) = (N(b) + k) / (N + k V), N(b) counting each character that follows another
 * in the fitted transitions (so it scores the same targets as the bigram), N = Σ N(b). `entropy` is
 * −Σ_b P(b) log P(b), in nats.
 */
export function unigramModel(
  text: string,
  options: { k?: number; vocabulary?: Vocabulary; transitions?: Transitions } = {}
): NgramModel & { entropy: number } {
  const vocabulary = options.vocabulary ?? vocabularyOf(text);
  const k = options.k ?? NGRAM_SMOOTHING;
  const V = vocabulary.symbols.length;
  const fit = options.transitions ?? transitionsOf(encode(vocabulary, text));
  const counts = new Float64Array(V);
  for (let i = 0; i < fit.next.length; i++) counts[fit.next[i]]++;
  const total = fit.next.length + k * V;
  const logP = Array.from(counts, (c) => Math.log((c + k) / total));
  const best = argmax(counts, 0, V);
  return {
    vocabulary,
    k,
    logProbability: (_a, b) => logP[b],
    guess: () => best,
    entropy: -logP.reduce((sum, l) => sum + Math.exp(l) * l, 0)
  };
}

// ---------------------------------------------------------------------------------------------
// The task
// ---------------------------------------------------------------------------------------------

/** The character-model task on one text. */
export interface CharTask extends Task {
  readonly vocabulary: Vocabulary;
  /** The whole text as token ids. */
  readonly ids: Int32Array;
  /** Ids [0, trainingLength) are trained on; the rest are held out. */
  readonly trainingLength: number;
  /** Text to start a sample from. */
  readonly prime: string;
  /**
   * Batch `index` (see {@link Task.batch}). By default, and for `windows` = `stream` or
   * `shuffled`, window `index` of B streams: stream b starts at offset b·⌊L/B⌋ of the training
   * text (L = trainingLength) and reads it round and round (after its last character, its first);
   * window `index` is stream positions [index·T, (index + 1)·T), so it continues window index − 1
   * exactly, for every index, and a carried state is meaningful. (For `shuffled` the caller visits
   * the indices in a shuffled order and resets the state, as the session does.)
   * With `windows` = `sequences`: B windows at offsets drawn uniformly from [0, L − T − 1],
   * seeded by (seed, index).
   */
  batch(seed: number, index: number, T: number, B: number, windows?: Windows): Batch;
  /**
   * Every window of length T that tiles the held-out text (the whole text if none is held out),
   * at offsets s + w·T, as one batch with B = the number of windows (at most `maxWindows`); null if
   * no window fits. The baselines are scored on exactly these targets.
   */
  evaluationBatch(T: number, maxWindows?: number): Batch | null;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

/** A message for a text that cannot be used; nothing was changed. */
export interface TextError {
  error: string;
}

const bytesOf = (text: string) => new TextEncoder().encode(text).length;

function kilobytes(bytes: number): string {
  return `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} KB`;
}

/**
 * Checks a text for the character model: null if it can be used (with sequence length `T`, if
 * given), else a message saying what is wrong.
 */
export function checkText(text: string, T?: number): string | null {
  const bytes = bytesOf(text);
  if (bytes > MAX_TEXT_BYTES)
    return `The text is ${kilobytes(bytes)} (${bytes.toLocaleString('en-US')} bytes of UTF-8); the limit is ${kilobytes(MAX_TEXT_BYTES)} (${MAX_TEXT_BYTES.toLocaleString('en-US')} bytes). Shorten it and try again; nothing was changed.`;
  const n = characters(text).length;
  const minimum = Math.max(2, (T ?? 1) + 1);
  const training = n - heldOutLength(n);
  if (training < minimum)
    return `The text has ${n} character${n === 1 ? '' : 's'}${training < n ? ` (${training} for training after holding out the last ${n - training})` : ''}; ${T === undefined ? 'the model needs at least 2' : `sequence length T=${T} needs at least T + 1 = ${T + 1}`}. Paste a longer text${T === undefined ? '' : ' or lower T'}; nothing was changed.`;
  return null;
}

function heldOutLength(n: number): number {
  return n >= HELD_OUT_FROM ? Math.floor(n * HELD_OUT_SHARE) : 0;
}

/** First words of a text, up to about 24 characters, to start samples from. */
function openingWords(text: string): string {
  const chars = characters(text).slice(0, 24);
  const cut = chars.lastIndexOf(' ');
  return (cut > 0 ? chars.slice(0, cut + 1) : chars).join('');
}

/**
 * The character task on `text` (a user's pasted text, or the grammar corpus), or a message if the
 * text is over {@link MAX_TEXT_BYTES} of UTF-8 or shorter than T + 1 characters (for `seqLength`,
 * if given; at least 2 in any case).
 */
export function makeCharTask(
  text: string,
  options: { seqLength?: number; prime?: string; source?: string } = {}
): CharTask | TextError {
  const problem = checkText(text, options.seqLength);
  if (problem) return { error: problem };
  const vocabulary = vocabularyOf(text);
  const ids = encode(vocabulary, text);
  const V = vocabulary.symbols.length;
  const N = ids.length;
  const L = N - heldOutLength(N);
  const evaluationStart = L < N ? L : 0;
  const fitted = transitionsOf(ids, 0, L);
  const unigram = unigramModel('', { vocabulary, transitions: fitted });
  const bigram = bigramModel('', { vocabulary, transitions: fitted });
  const where = L < N ? 'held-out text' : 'the training text; too short to hold any out';
  const baselineCache = new Map<number, Baseline[]>();

  const windowCount = (T: number) => Math.floor((N - evaluationStart - 1) / T);

  /** One-hot x and y* for windows whose character t sits at `position(b, t)`. */
  const oneHot = (T: number, B: number, position: (b: number, t: number) => number): Batch => {
    const x = new Float32Array(T * B * V);
    const target = new Float32Array(T * B * V);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const p = position(b, t);
        const row = (t * B + b) * V;
        x[row + ids[p % L]] = 1;
        target[row + ids[(p + 1) % L]] = 1;
      }
    return { T, B, x, target };
  };

  const needs = (T: number, what: string) => {
    if (L < T + 1)
      throw new Error(
        `The training text has ${L} characters; ${what} of length T=${T} need at least ${T + 1}.`
      );
  };

  const task: CharTask = {
    name: 'chars',
    pattern: 'autoregressive',
    description: `Read ${options.source ?? 'the text'} one character at a time and predict the next character.`,
    teaches:
      'Autoregressive modelling: the target is the input shifted by one step. Beating the bigram needs memory of more than the last character; closing brackets and agreeing verbs need much more.',
    inputSize: V,
    outputSize: V,
    loss: 'xent',
    readouts: ['step'],
    vocabulary,
    ids,
    trainingLength: L,
    prime: options.prime ?? openingWords(text),
    encode: (t) => encode(vocabulary, t),
    decode: (i) => decode(vocabulary, i),

    batch(seed, index, T, B, windows = 'stream') {
      if (windows !== 'sequences') {
        const stride = Math.floor(L / B);
        return oneHot(T, B, (b, t) => b * stride + ((index * T + t) % L));
      }
      needs(T, 'sequences');
      const random = new Random(`chars:${seed}:${index}`);
      const offsets = Array.from({ length: B }, () => random.int(L - T));
      return oneHot(T, B, (b, t) => offsets[b] + t);
    },

    evaluationBatch(T, maxWindows = Infinity) {
      const B = Math.min(windowCount(T), maxWindows);
      if (B < 1) return null;
      const x = new Float32Array(T * B * V);
      const target = new Float32Array(T * B * V);
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const p = evaluationStart + b * T + t;
          x[(t * B + b) * V + ids[p]] = 1;
          target[(t * B + b) * V + ids[p + 1]] = 1;
        }
      return { T, B, x, target };
    },

    metrics(batch, output) {
      return characterMetrics(batch, output, V);
    },

    baselines(T) {
      let cached = baselineCache.get(T);
      if (!cached) {
        const W = windowCount(T);
        const scored = transitionsOf(ids, evaluationStart, evaluationStart + W * T + 1);
        const uni = score(unigram, scored);
        const bi = score(bigram, scored);
        cached =
          W < 1
            ? []
            : [
                {
                  label: `unigram: character frequencies, add-${NGRAM_SMOOTHING} (${where})`,
                  loss: uni.crossEntropy,
                  accuracy: uni.accuracy
                },
                {
                  label: `bigram: the last character only, add-${NGRAM_SMOOTHING} (${where})`,
                  loss: bi.crossEntropy,
                  accuracy: bi.accuracy
                }
              ];
        baselineCache.set(T, cached);
      }
      return cached;
    },

    prediction(batch, output, item) {
      // The window's text, and the model's guess of each next character under it (teacher-forced:
      // each guess sees the true text before it). A free-running sample needs the network: see
      // sampleText.
      const guesses: number[] = [];
      const seen: number[] = [];
      for (let t = 0; t < batch.T; t++) {
        const row = (t * batch.B + item) * V;
        seen.push(argmax(batch.x, row, V));
        guesses.push(argmax(output, row, V));
      }
      return { kind: 'text', seed: decode(vocabulary, seen), text: decode(vocabulary, guesses) };
    }
  };
  return task;
}

/**
 * Scores of logits y ([T, B, V]) against one-hot targets: cross-entropy in nats per character
 * (the xent loss: mean −log softmax(y)_{target}, weighted by the mask if any), the same in bits
 * (÷ ln 2), and the share of characters whose argmax is the target.
 */
export function characterMetrics(
  batch: Batch,
  output: Float32Array,
  V: number
): { natsPerChar: number; bitsPerChar: number; accuracy: number } {
  const rows = batch.target.length / V;
  let total = 0;
  let weight = 0;
  for (let r = 0; r < rows; r++) {
    const w = batch.mask ? batch.mask[r] : 1;
    if (w === 0) continue;
    const o = r * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) max = Math.max(max, output[o + i]);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(output[o + i] - max);
    const logZ = max + Math.log(sum);
    let targetLogit = 0;
    for (let i = 0; i < V; i++) targetLogit += batch.target[o + i] * output[o + i];
    total += w * (logZ - targetLogit);
    weight += w;
  }
  const nats = weight ? total / weight : NaN;
  return {
    natsPerChar: nats,
    bitsPerChar: nats / Math.LN2,
    accuracy: accuracy(output, batch.target, V, batch.mask)
  };
}

/**
 * A free-running sample for the prediction view: `prime` (default the task's) is encoded, run
 * through the network, and `length` characters are sampled after it at `temperature`
 * (see engine/generate.ts). Characters of the prime outside the vocabulary read as unknown.
 */
export async function sampleText(
  task: CharTask,
  spec: NetworkSpec,
  params: Params,
  options: { prime?: string; length: number; temperature: number; seed: number }
): Promise<Prediction> {
  const prime = options.prime || task.prime || task.vocabulary.symbols[1];
  const ids = await sample(spec, params, {
    prime: Array.from(task.encode(prime)),
    length: options.length,
    temperature: options.temperature,
    seed: options.seed,
    vocabSize: task.vocabulary.symbols.length
  });
  return { kind: 'text', seed: prime, text: task.decode(ids) };
}

// ---------------------------------------------------------------------------------------------
// The registry's default: the grammar corpus
// ---------------------------------------------------------------------------------------------

let grammarTask: CharTask | undefined;

/**
 * The character task on the grammar corpus, generated here with {@link GRAMMAR_CORPUS}: the very
 * text shipped as static/corpus/grammar.txt (a test checks they are the same), so it works the
 * same in Node, a worker and a page with nothing to fetch. Built on first use (a fraction of a
 * second), then kept.
 */
export function grammarCharTask(): CharTask {
  if (!grammarTask) {
    const made = makeCharTask(generateCorpus(GRAMMAR_CORPUS), {
      prime: GRAMMAR_PRIME,
      source: 'a text generated from a small grammar'
    });
    if ('error' in made) throw new Error(made.error);
    grammarTask = made;
  }
  return grammarTask;
}

/**
 * The registry entry: the grammar-corpus task, built lazily (importing the registry costs nothing;
 * the first use of a field that needs the text generates it).
 */
export const charsTask: CharTask = {
  name: 'chars',
  pattern: 'autoregressive',
  loss: 'xent',
  readouts: ['step'],
  get description() {
    return grammarCharTask().description;
  },
  get teaches() {
    return grammarCharTask().teaches;
  },
  get inputSize() {
    return grammarCharTask().inputSize;
  },
  get outputSize() {
    return grammarCharTask().outputSize;
  },
  get vocabulary() {
    return grammarCharTask().vocabulary;
  },
  get ids() {
    return grammarCharTask().ids;
  },
  get trainingLength() {
    return grammarCharTask().trainingLength;
  },
  get prime() {
    return grammarCharTask().prime;
  },
  batch: (seed, index, T, B, windows) => grammarCharTask().batch(seed, index, T, B, windows),
  evaluationBatch: (T, maxWindows) => grammarCharTask().evaluationBatch(T, maxWindows),
  encode: (text) => grammarCharTask().encode(text),
  decode: (ids) => grammarCharTask().decode(ids),
  metrics: (batch, output) => grammarCharTask().metrics(batch, output),
  baselines: (T) => grammarCharTask().baselines(T),
  prediction: (batch, output, item) => grammarCharTask().prediction(batch, output, item)
};
