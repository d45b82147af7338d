/**
 * A seeded generator of English-like text for the character model, from a small grammar written
 * for this project (no text is copied from anywhere). It exists to put long-range structure into
 * the text at distances that can be dialled: a character model that closes a bracket 50 characters
 * after opening it, or picks "runs" over "run" six words after the subject, must have carried that
 * fact in its state. An LSTM learns to; a vanilla RNN forgets.
 *
 * ## The grammar
 * Lower case only; n is a grammatical number, singular or plural.
 * ```
 * Text        → Paragraph*                  each paragraph 2–5 sentences on one line, then "\n"
 * Sentence    → Clause Aside? "."
 * Clause[n]   → Subject[n] Gap[n] Predicate[n]
 * Subject[n]  → Det[n] Adj? Agent[n]
 * Gap[n]      → Relative[n]? Place*          ≤ maxAgreementGap words in all
 * Relative[n] → "that" Intransitive[n]                       ("the dogs that sleep")
 *             | "that" Transitive[n] Object                   ("the dogs that chase a fox")
 *             | "that" Det[m] Agent[m] Transitive[m]          ("the dogs that the fox sees")
 * Place       → Preposition Det[m] Adj? (Thing[m] | Agent[m]) ("near the old bridges")
 * Predicate[n]→ Intransitive[n] | "is"/"are" Adj | Transitive[n] Object
 *             | Speech[n] Quote                              ("the queen says "…"")
 * Object      → Det[m] Adj? (Agent[m] | Thing[m])
 * Quote       → '"' Clause ("," Clause)* '"'                 no quote inside a quote
 * Aside       → "(" Unit (", " Unit)* ")" | "[" Unit (", " Unit)* "]"
 * Unit        → Clause Aside? | Object ("and" Object)? | Place
 * ```
 * m is drawn afresh for each noun phrase; Det[singular] ∈ {the, a (an before a vowel), this, every},
 * Det[plural] ∈ {the, some, these, two, many}.
 *
 * ## What the options control
 * - Agreement: every verb agrees in number with its subject. The number of words between a
 *   subject's head noun and its verb (its agreement gap) is drawn uniformly from
 *   0 … `maxAgreementGap` for each main clause and filled with a relative clause and
 *   prepositional phrases whose nouns have their own, independent number (attractors:
 *   "the dog near the tables runs").
 * - Brackets and quotes: every "(", "[" and '"' is closed in the same sentence, properly nested,
 *   at most `maxDepth` deep. Each one's span, the number of characters strictly between its
 *   opening and closing mark, lies in [`minSpan`, `maxSpan`].
 * Every choice comes from one seeded generator: the same options give the same text.
 */
import { Random } from '$lib/engine/random';

export type GrammaticalNumber = 'singular' | 'plural';

export interface CorpusOptions {
  /** Seed of every choice. */
  seed: number | string;
  /** Number of sentences. */
  sentences: number;
  /** Longest span of a bracket or quote: characters strictly between its opening and closing mark. */
  maxSpan: number;
  /** Shortest span of a bracket or quote (default 1). `maxSpan − minSpan` must be at least 8. */
  minSpan?: number;
  /** Most words between a subject's head noun and its verb (default 6). */
  maxAgreementGap?: number;
  /** Deepest nesting of brackets and quotes; 0 gives none (default 2). */
  maxDepth?: number;
  /** Chance that a sentence, or a clause inside a bracket, ends with a bracketed aside (default 0.3). */
  bracketRate?: number;
  /** Chance that a main clause's predicate is speech with a quote (default 0.2). */
  quoteRate?: number;
}

/** The options of the shipped corpus, `static/corpus/grammar.txt` (written by scripts/make-corpus.ts). */
export const GRAMMAR_CORPUS = {
  seed: 1,
  sentences: 1400,
  maxSpan: 60,
  minSpan: 4,
  maxAgreementGap: 8,
  maxDepth: 3,
  bracketRate: 0.3,
  quoteRate: 0.2
} as const satisfies CorpusOptions;

// ---------------------------------------------------------------------------------------------
// The vocabulary: [singular, plural] pairs
// ---------------------------------------------------------------------------------------------

/** Nouns that can be subjects. */
export const AGENTS: readonly (readonly [string, string])[] = [
  ['dog', 'dogs'],
  ['cat', 'cats'],
  ['bird', 'birds'],
  ['child', 'children'],
  ['teacher', 'teachers'],
  ['robot', 'robots'],
  ['farmer', 'farmers'],
  ['fox', 'foxes'],
  ['baker', 'bakers'],
  ['queen', 'queens']
];
/** Nouns of places and things (objects of prepositions and verbs, never subjects). */
export const THINGS: readonly (readonly [string, string])[] = [
  ['table', 'tables'],
  ['river', 'rivers'],
  ['hill', 'hills'],
  ['garden', 'gardens'],
  ['box', 'boxes'],
  ['tower', 'towers'],
  ['bridge', 'bridges']
];
export const INTRANSITIVE: readonly (readonly [string, string])[] = [
  ['sleeps', 'sleep'],
  ['runs', 'run'],
  ['sings', 'sing'],
  ['waits', 'wait'],
  ['laughs', 'laugh'],
  ['hides', 'hide']
];
export const TRANSITIVE: readonly (readonly [string, string])[] = [
  ['sees', 'see'],
  ['chases', 'chase'],
  ['likes', 'like'],
  ['finds', 'find'],
  ['follows', 'follow'],
  ['helps', 'help'],
  ['watches', 'watch']
];
export const SPEECH: readonly (readonly [string, string])[] = [
  ['says', 'say'],
  ['thinks', 'think'],
  ['writes', 'write']
];
export const COPULA: readonly [string, string] = ['is', 'are'];
export const ADJECTIVES: readonly string[] = [
  'old',
  'small',
  'red',
  'quiet',
  'clever',
  'green',
  'tired',
  'happy',
  'brave'
];
export const PREPOSITIONS: readonly string[] = [
  'near',
  'behind',
  'under',
  'beside',
  'above',
  'with'
];
export const DETERMINERS: Readonly<Record<GrammaticalNumber, readonly string[]>> = {
  singular: ['the', 'a', 'this', 'every'],
  plural: ['the', 'some', 'these', 'two', 'many']
};

// ---------------------------------------------------------------------------------------------
// Annotated output
// ---------------------------------------------------------------------------------------------

/** A word's place in a sentence's text: [start, end) character offsets. */
export interface WordPosition {
  word: string;
  start: number;
  end: number;
}

/** A verb and the head noun of its subject, which share a number. */
export interface Agreement {
  subject: WordPosition;
  verb: WordPosition;
  number: GrammaticalNumber;
  /** Words strictly between the subject's head noun and the verb. */
  gap: number;
}

/** A bracket or quote: offsets of its opening and closing marks. */
export interface Bracketing {
  mark: '(' | '[' | '"';
  open: number;
  close: number;
  /** Characters strictly between the marks: close − open − 1. */
  span: number;
  /** 1 for an outermost bracket or quote, 2 inside one, … */
  depth: number;
}

/** One generated sentence, with what the grammar put into it (offsets into `text`). */
export interface Sentence {
  text: string;
  agreements: Agreement[];
  brackets: Bracketing[];
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/** A token before rendering; `glue` says on which side no space is written. */
interface Token {
  text: string;
  glue: 'none' | 'left' | 'right';
  isWord: boolean;
}

/** A piece of a sentence: its tokens, and the agreements and brackets among them (token indices). */
interface Piece {
  tokens: Token[];
  agreements: { subject: number; verb: number; number: GrammaticalNumber }[];
  brackets: { mark: Bracketing['mark']; open: number; close: number; depth: number }[];
}

const word = (text: string): Token => ({ text, glue: 'none', isWord: true });
const mark = (text: string, glue: Token['glue']): Token => ({ text, glue, isWord: false });

function emptyPiece(): Piece {
  return { tokens: [], agreements: [], brackets: [] };
}

/** Appends `other` to `piece`, shifting its token indices. */
function append(piece: Piece, other: Piece): void {
  const shift = piece.tokens.length;
  piece.tokens.push(...other.tokens);
  for (const a of other.agreements)
    piece.agreements.push({ ...a, subject: a.subject + shift, verb: a.verb + shift });
  for (const b of other.brackets)
    piece.brackets.push({ ...b, open: b.open + shift, close: b.close + shift });
}

function words(...texts: string[]): Piece {
  return { tokens: texts.map(word), agreements: [], brackets: [] };
}

/** Renders tokens with single spaces, except where a mark glues to its neighbour; a → an before a vowel. */
function render(tokens: Token[]): { text: string; starts: number[] } {
  let text = '';
  const starts: number[] = [];
  tokens.forEach((token, i) => {
    if (i > 0 && token.glue !== 'left' && tokens[i - 1].glue !== 'right') text += ' ';
    starts.push(text.length);
    // "a" before a vowel is "an" ("an old dog").
    const next = tokens[i + 1];
    text += token.text === 'a' && next && /^[aeiou]/.test(next.text) ? 'an' : token.text;
  });
  return { text, starts };
}

/** Length in characters of a piece as rendered. */
function lengthOf(piece: Piece): number {
  return render(piece.tokens).text.length;
}

/** Tries before a part that does not fit is given up (then something shorter is said). */
const ATTEMPTS = 200;
/** Characters of the shortest unit that can stand in a bracket ("a fox"). */
const SHORTEST_UNIT = 5;
/** Characters of the shortest clause or place ("a fox runs", "near a box"). */
const SHORTEST_CLAUSE = 10;

/** Where a part is being generated: its nesting level, and whether inside a quote. */
interface Context {
  depth: number;
  quoted: boolean;
}

class Grammar {
  private readonly random: Random;
  /** Paragraph lengths: a stream of its own, so sentences do not depend on the layout. */
  private readonly layout: Random;
  private readonly minSpan: number;
  private readonly maxSpan: number;
  private readonly maxGap: number;
  private readonly maxDepth: number;
  private readonly bracketRate: number;
  private readonly quoteRate: number;

  constructor(options: CorpusOptions) {
    this.random = new Random(`corpus:${options.seed}`);
    this.layout = new Random(`corpus-layout:${options.seed}`);
    this.minSpan = options.minSpan ?? 1;
    this.maxSpan = options.maxSpan;
    this.maxGap = options.maxAgreementGap ?? 6;
    this.maxDepth = options.maxDepth ?? 2;
    this.bracketRate = options.bracketRate ?? 0.3;
    this.quoteRate = options.quoteRate ?? 0.2;
  }

  private pick<T>(list: readonly T[]): T {
    return list[this.random.int(list.length)];
  }

  private chance(p: number): boolean {
    return this.random.uniform() < p;
  }

  private number(): GrammaticalNumber {
    return this.chance(0.5) ? 'singular' : 'plural';
  }

  private form(pair: readonly [string, string], n: GrammaticalNumber): string {
    return n === 'singular' ? pair[0] : pair[1];
  }

  /** Det[n] Adj? Noun[n]; the head noun is the last token. */
  private nounPhrase(nouns: readonly (readonly [string, string])[], n: GrammaticalNumber): Piece {
    const piece = words(this.pick(DETERMINERS[n]));
    if (this.chance(0.35)) append(piece, words(this.pick(ADJECTIVES)));
    append(piece, words(this.form(this.pick(nouns), n)));
    return piece;
  }

  private object(): Piece {
    return this.nounPhrase(this.chance(0.5) ? AGENTS : THINGS, this.number());
  }

  private place(): Piece {
    const piece = words(this.pick(PREPOSITIONS));
    append(piece, this.object());
    return piece;
  }

  /** A verb of number n agreeing with the token `subject` of the piece it is appended to. */
  private verb(
    piece: Piece,
    subject: number,
    pair: readonly [string, string],
    n: GrammaticalNumber
  ): void {
    piece.agreements.push({ subject, verb: piece.tokens.length, number: n });
    piece.tokens.push(word(this.form(pair, n)));
  }

  /**
   * Words between the head noun (token `head` of `piece`) and its verb: at most `budget` words,
   * a relative clause first, then prepositional phrases.
   */
  private gap(piece: Piece, head: number, n: GrammaticalNumber, budget: number): void {
    let left = budget;
    if (left >= 2 && this.chance(0.5)) {
      const kind = left < 4 ? 0 : this.random.int(3);
      const relative = words('that');
      if (kind === 0) {
        // that Intransitive[n]: agrees with the head noun, one word away.
        append(piece, relative);
        this.verb(piece, head, this.pick(INTRANSITIVE), n);
      } else if (kind === 1) {
        // that Transitive[n] Object
        append(piece, relative);
        this.verb(piece, head, this.pick(TRANSITIVE), n);
        append(piece, this.fit(this.object(), 1, left - 2));
      } else {
        // that Det[m] Adj? Agent[m] Transitive[m]: a subject of its own, an attractor.
        const m = this.number();
        append(relative, this.fit(this.nounPhrase(AGENTS, m), 1, left - 2));
        this.verb(relative, relative.tokens.length - 1, this.pick(TRANSITIVE), m);
        append(piece, relative);
      }
      left = budget - (piece.tokens.length - head - 1);
    }
    while (left >= 3) {
      const place = this.fit(this.place(), 2, left);
      if (place.tokens.length > left) break;
      append(piece, place);
      left -= place.tokens.length;
      if (this.chance(0.4)) break;
    }
  }

  /** Drops the optional adjective (token `at`) of a phrase that is longer than `words`. */
  private fit(phrase: Piece, at: number, words: number): Piece {
    const adjective = phrase.tokens[at];
    if (phrase.tokens.length > words && adjective && ADJECTIVES.includes(adjective.text))
      phrase.tokens.splice(at, 1);
    return phrase;
  }

  /**
   * Subject Gap Predicate, at nesting level `context.depth`, at most `room` characters long where
   * possible (Infinity: no bound); `context.quoted` forbids a quote (we are inside one).
   */
  private clause(context: Context, room: number): Piece {
    const n = this.number();
    const piece = this.nounPhrase(AGENTS, n);
    const head = piece.tokens.length - 1;
    this.gap(piece, head, n, this.random.int(this.maxGap + 1));
    const canQuote = !context.quoted && context.depth < this.maxDepth;
    const kind = canQuote && this.chance(this.quoteRate) ? 3 : this.random.int(3);
    if (kind === 3) {
      const before = piece.tokens.length;
      this.verb(piece, head, this.pick(SPEECH), n);
      const limit = room - lengthOf(piece) - 3;
      const quote = this.enclosed('"', { depth: context.depth + 1, quoted: true }, limit);
      if (quote) {
        append(piece, quote);
        return piece;
      }
      // No quote fits: say something plainer.
      piece.tokens.splice(before);
      piece.agreements.pop();
    }
    if (kind === 0 || kind === 3) this.verb(piece, head, this.pick(INTRANSITIVE), n);
    else if (kind === 1) {
      this.verb(piece, head, COPULA, n);
      append(piece, words(this.pick(ADJECTIVES)));
    } else {
      this.verb(piece, head, this.pick(TRANSITIVE), n);
      append(piece, this.object());
    }
    return piece;
  }

  /**
   * A unit inside a bracket or quote, at most `room` characters long, or null if none fits: a
   * clause (the only kind a quote holds), or in a bracket also noun phrases or a place.
   */
  private unit(context: Context, room: number, clauseOnly: boolean): Piece | null {
    if (room < (clauseOnly ? SHORTEST_CLAUSE : SHORTEST_UNIT)) return null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // Clauses and places take at least SHORTEST_CLAUSE characters; below that, noun phrases.
      const kind = clauseOnly ? 0 : room < SHORTEST_CLAUSE ? 1 : this.random.int(3);
      let piece: Piece;
      if (kind === 0) {
        piece = this.clause(context, room);
        this.maybeAside(piece, context, room);
      } else if (kind === 1) {
        piece = this.object();
        if (this.chance(0.4)) {
          append(piece, words('and'));
          append(piece, this.object());
        }
      } else piece = this.place();
      if (lengthOf(piece) <= room) return piece;
    }
    return null;
  }

  /** Appends a bracketed aside to `piece` with the bracket rate, if one fits in `room`. */
  private maybeAside(piece: Piece, context: Context, room: number): void {
    if (context.depth >= this.maxDepth || !this.chance(this.bracketRate)) return;
    const limit = room - lengthOf(piece) - 3;
    const inner = { depth: context.depth + 1, quoted: context.quoted };
    const aside = this.enclosed(this.chance(0.5) ? '(' : '[', inner, limit);
    if (aside) append(piece, aside);
  }

  /**
   * A bracket or quote whose contents sit at `context`, with a span in
   * [minSpan, min(maxSpan, limit)], or null if none can be made. Units joined by commas are added
   * until a span drawn uniformly from that range is reached.
   */
  private enclosed(kind: Bracketing['mark'], context: Context, limit: number): Piece | null {
    const upper = Math.min(this.maxSpan, limit);
    const shortest = kind === '"' ? SHORTEST_CLAUSE : SHORTEST_UNIT;
    if (upper < Math.max(this.minSpan, shortest)) return null;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const target = this.minSpan + this.random.int(upper - this.minSpan + 1);
      const inner = emptyPiece();
      let length = 0;
      for (let tries = 0; length < target && tries < 20; tries++) {
        const room = target - length - (length === 0 ? 0 : 2);
        const unit = this.unit(context, room, kind === '"');
        if (!unit) break;
        if (length > 0) inner.tokens.push(mark(',', 'left'));
        append(inner, unit);
        length = lengthOf(inner);
      }
      if (length < this.minSpan || length > upper) continue;
      const closing = kind === '(' ? ')' : kind === '[' ? ']' : '"';
      const piece: Piece = { tokens: [mark(kind, 'right')], agreements: [], brackets: [] };
      append(piece, inner);
      piece.tokens.push(mark(closing, 'left'));
      piece.brackets.push({
        mark: kind,
        open: 0,
        close: piece.tokens.length - 1,
        depth: context.depth
      });
      return piece;
    }
    return null;
  }

  sentence(): Sentence {
    const top: Context = { depth: 0, quoted: false };
    const piece = this.clause(top, Infinity);
    this.maybeAside(piece, top, Infinity);
    piece.tokens.push(mark('.', 'left'));
    const { text, starts } = render(piece.tokens);
    const position = (i: number): WordPosition => ({
      word: piece.tokens[i].text,
      start: starts[i],
      end: starts[i] + piece.tokens[i].text.length
    });
    return {
      text,
      agreements: piece.agreements.map((a) => ({
        subject: position(a.subject),
        verb: position(a.verb),
        number: a.number,
        gap: piece.tokens.slice(a.subject + 1, a.verb).filter((t) => t.isWord).length
      })),
      brackets: piece.brackets.map((b) => ({
        mark: b.mark,
        open: starts[b.open],
        close: starts[b.close],
        span: starts[b.close] - starts[b.open] - 1,
        depth: b.depth
      }))
    };
  }

  /** Sentences per paragraph: 2 … 5. */
  paragraphLength(): number {
    return 2 + this.layout.int(4);
  }
}

function checkOptions(options: CorpusOptions): void {
  const minSpan = options.minSpan ?? 1;
  const wholeNumbers: [string, number | undefined][] = [
    ['sentences', options.sentences],
    ['maxSpan', options.maxSpan],
    ['minSpan', options.minSpan],
    ['maxAgreementGap', options.maxAgreementGap],
    ['maxDepth', options.maxDepth]
  ];
  for (const [name, value] of wholeNumbers)
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw new RangeError(`${name} must be a whole number ≥ 0, not ${value}.`);
  if (minSpan < 1) throw new RangeError(`minSpan must be at least 1, not ${minSpan}.`);
  if (options.maxSpan - minSpan < 8)
    throw new RangeError(
      `maxSpan (${options.maxSpan}) must be at least minSpan + 8 (${minSpan + 8}): a bracket needs room for a few words.`
    );
  for (const [name, value] of [
    ['bracketRate', options.bracketRate],
    ['quoteRate', options.quoteRate]
  ] as const)
    if (value !== undefined && !(value >= 0 && value <= 1))
      throw new RangeError(`${name} must be a probability in [0, 1], not ${value}.`);
}

/** The sentences of a corpus, each with its agreements and brackets annotated. */
export function generateSentences(options: CorpusOptions): Sentence[] {
  checkOptions(options);
  const grammar = new Grammar(options);
  return Array.from({ length: options.sentences }, () => grammar.sentence());
}

/**
 * A corpus of `options.sentences` sentences from the grammar above (those of
 * {@link generateSentences}, in order): paragraphs of 2–5 sentences separated by single spaces,
 * each paragraph one line ending in "\n".
 */
export function generateCorpus(options: CorpusOptions): string {
  checkOptions(options);
  const grammar = new Grammar(options);
  let text = '';
  let inParagraph = 0;
  let length = grammar.paragraphLength();
  for (let i = 0; i < options.sentences; i++) {
    text += (inParagraph > 0 ? ' ' : '') + grammar.sentence().text;
    if (++inParagraph === length || i === options.sentences - 1) {
      text += '\n';
      inParagraph = 0;
      length = grammar.paragraphLength();
    }
  }
  return text;
}
