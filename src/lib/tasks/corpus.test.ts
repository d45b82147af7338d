import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AGENTS,
  COPULA,
  DETERMINERS,
  generateCorpus,
  generateSentences,
  GRAMMAR_CORPUS,
  INTRANSITIVE,
  SPEECH,
  THINGS,
  TRANSITIVE
} from './corpus';
import type { CorpusOptions, GrammaticalNumber, Sentence } from './corpus';

const OPTIONS: CorpusOptions = {
  seed: 7,
  sentences: 600,
  maxSpan: 40,
  minSpan: 6,
  maxAgreementGap: 5,
  maxDepth: 3,
  bracketRate: 0.5,
  quoteRate: 0.3
};

/** Number of each word form, read from the vocabulary tables (not from the annotations). */
function lexicon(pairs: readonly (readonly [string, string])[]): Map<string, GrammaticalNumber> {
  const out = new Map<string, GrammaticalNumber>();
  for (const [singular, plural] of pairs) {
    out.set(singular, 'singular');
    out.set(plural, 'plural');
  }
  return out;
}
const VERBS = lexicon([...INTRANSITIVE, ...TRANSITIVE, ...SPEECH, COPULA]);
const NOUNS = lexicon([...AGENTS, ...THINGS]);
const DETERMINER_WORDS = new Set([...DETERMINERS.singular, ...DETERMINERS.plural, 'an']);

/** Words of a text with their offsets. */
function wordsOf(text: string): { word: string; start: number }[] {
  return [...text.matchAll(/[a-z]+/g)].map((m) => ({ word: m[0], start: m.index! }));
}

/**
 * Brackets and quotes found by scanning the text with a stack: a '"' closes an open quote on top
 * of the stack, else opens one. Throws on anything unbalanced or crossed.
 */
function scan(text: string): { mark: string; open: number; close: number; depth: number }[] {
  const stack: { mark: string; open: number }[] = [];
  const found: { mark: string; open: number; close: number; depth: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[' };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || (c === '"' && stack.at(-1)?.mark !== '"')) {
      if (c === '"' && stack.some((s) => s.mark === '"'))
        throw new Error(`a quote inside a quote at ${i}: ${text}`);
      stack.push({ mark: c, open: i });
    } else if (c === ')' || c === ']' || c === '"') {
      const top = stack.pop();
      if (!top || top.mark !== (c === '"' ? '"' : pairs[c]))
        throw new Error(`unbalanced ${c} at ${i}: ${text}`);
      found.push({ mark: top.mark, open: top.open, close: i, depth: stack.length + 1 });
    }
  }
  if (stack.length) throw new Error(`unclosed ${stack.at(-1)!.mark}: ${text}`);
  return found;
}

function checkSentences(sentences: Sentence[], options: CorpusOptions) {
  const maxGap = options.maxAgreementGap ?? 6;
  for (const s of sentences) {
    expect(s.text.endsWith('.'), s.text).toBe(true);
    expect(s.text.slice(0, -1)).not.toContain('.');
    // Agreement: the annotated words are in the text, and the vocabulary says they agree.
    const verbsInText = wordsOf(s.text).filter((w) => VERBS.has(w.word));
    expect(s.agreements.map((a) => a.verb.start).sort((a, b) => a - b)).toEqual(
      verbsInText.map((w) => w.start)
    );
    for (const a of s.agreements) {
      expect(s.text.slice(a.subject.start, a.subject.end)).toBe(a.subject.word);
      expect(s.text.slice(a.verb.start, a.verb.end)).toBe(a.verb.word);
      expect(NOUNS.get(a.subject.word), s.text).toBe(VERBS.get(a.verb.word));
      expect(AGENTS.flat()).toContain(a.subject.word);
      const between = wordsOf(s.text.slice(a.subject.end, a.verb.start)).length;
      expect(a.gap).toBe(between);
      expect(between).toBeLessThanOrEqual(maxGap);
    }
    // Determiners agree with their nouns: "a" never before a plural, "two" never before a singular.
    const words = wordsOf(s.text).map((w) => w.word);
    words.forEach((w, i) => {
      const number = NOUNS.get(w);
      if (!number) return;
      const determiner = DETERMINER_WORDS.has(words[i - 1]) ? words[i - 1] : words[i - 2];
      const allowed = [...DETERMINERS[number], ...(number === 'singular' ? ['an'] : [])];
      expect(allowed, s.text).toContain(determiner);
    });
    expect(s.text).not.toMatch(/\ba [aeiou]/);
    // Brackets and quotes: balanced, nested within the depth, spans within bounds.
    const found = scan(s.text);
    expect(found.map((b) => [b.mark, b.open, b.close, b.depth]).sort()).toEqual(
      s.brackets.map((b) => [b.mark, b.open, b.close, b.depth]).sort()
    );
    for (const b of found) {
      const span = b.close - b.open - 1;
      expect(span).toBeGreaterThanOrEqual(options.minSpan ?? 1);
      expect(span).toBeLessThanOrEqual(options.maxSpan);
      expect(b.depth).toBeLessThanOrEqual(options.maxDepth ?? 2);
    }
  }
}

describe('grammar corpus', () => {
  it('every verb agrees with its subject, across gaps up to maxAgreementGap', () => {
    const sentences = generateSentences(OPTIONS);
    checkSentences(sentences, OPTIONS);
    const gaps = sentences.flatMap((s) => s.agreements.map((a) => a.gap));
    // The gap is controllable: every value 0 … maxAgreementGap occurs.
    expect(new Set(gaps)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    // Attractors occur: a noun of the other number between a subject and its verb.
    const attracted = sentences.flatMap((s) =>
      s.agreements.filter((a) =>
        wordsOf(s.text.slice(a.subject.end, a.verb.start)).some(
          (w) => NOUNS.has(w.word) && NOUNS.get(w.word) !== a.number
        )
      )
    );
    expect(attracted.length).toBeGreaterThan(100);
  });

  it('brackets and quotes are balanced in every sentence, nested, with spans within bounds', () => {
    const sentences = generateSentences(OPTIONS);
    const brackets = sentences.flatMap((s) => s.brackets);
    expect(brackets.length).toBeGreaterThan(300);
    const depths = new Set(brackets.map((b) => b.depth));
    expect(depths.has(2)).toBe(true);
    expect(new Set(brackets.map((b) => b.mark))).toEqual(new Set(['(', '[', '"']));
    const spans = brackets.map((b) => b.span);
    // Spans fill the requested range, not just one end of it.
    expect(Math.min(...spans)).toBeLessThan(12);
    expect(Math.max(...spans)).toBeGreaterThan(34);
  });

  it.each([
    { maxSpan: 20, minSpan: 12, maxAgreementGap: 0, maxDepth: 1 },
    { maxSpan: 80, minSpan: 50, maxAgreementGap: 10, maxDepth: 2 },
    { maxSpan: 30, maxAgreementGap: 2, maxDepth: 0 }
  ])('the bounds hold for other settings: %o', (bounds) => {
    const options = { ...OPTIONS, sentences: 300, ...bounds };
    const sentences = generateSentences(options);
    checkSentences(sentences, options);
    const gaps = sentences.flatMap((s) => s.agreements.map((a) => a.gap));
    expect(Math.max(...gaps)).toBe(bounds.maxAgreementGap);
    if (bounds.maxDepth === 0) expect(sentences.some((s) => /[()[\]"]/.test(s.text))).toBe(false);
    else expect(sentences.filter((s) => s.brackets.length).length).toBeGreaterThan(50);
  });

  it('is seeded: the same options give the same text, another seed another', () => {
    const a = generateCorpus(OPTIONS);
    expect(generateCorpus({ ...OPTIONS })).toBe(a);
    expect(generateCorpus({ ...OPTIONS, seed: 8 })).not.toBe(a);
    // The corpus is the annotated sentences, in order, in paragraphs of 2–5.
    const lines = a.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.join(' ')).toBe(
      generateSentences(OPTIONS)
        .map((s) => s.text)
        .join(' ')
    );
    for (const line of lines) {
      const count = line.match(/\.( |$)/g)!.length;
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(5);
    }
  });

  it('refuses bounds it cannot meet, with a message', () => {
    expect(() => generateCorpus({ ...OPTIONS, minSpan: 10, maxSpan: 15 })).toThrow(
      /maxSpan \(15\) must be at least minSpan \+ 8/
    );
    expect(() => generateCorpus({ ...OPTIONS, quoteRate: 2 })).toThrow(/probability/);
  });

  it('static/corpus/grammar.txt is the text of GRAMMAR_CORPUS, 50–100 KB', () => {
    const shipped = readFileSync('static/corpus/grammar.txt', 'utf8');
    expect(shipped).toBe(generateCorpus(GRAMMAR_CORPUS));
    const bytes = Buffer.byteLength(shipped, 'utf8');
    expect(bytes).toBeGreaterThan(50 * 1024);
    expect(bytes).toBeLessThan(100 * 1024);
    checkSentences(generateSentences(GRAMMAR_CORPUS), GRAMMAR_CORPUS);
  });
});
