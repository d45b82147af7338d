/**
 * Writes the shipped character-model corpus, static/corpus/grammar.txt, from the grammar in
 * src/lib/tasks/corpus.ts:
 *
 *   npx tsx scripts/make-corpus.ts
 *
 * Seed and options (they must equal GRAMMAR_CORPUS, which the app uses to build the same text
 * without fetching it; the script refuses to write if they differ):
 *   seed 1 · 1400 sentences · bracket and quote spans 4–60 characters · nesting depth ≤ 3 ·
 *   agreement gap ≤ 8 words · bracket rate 0.3 · quote rate 0.2
 */
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { generateCorpus, GRAMMAR_CORPUS } from '../src/lib/tasks/corpus';
import type { CorpusOptions } from '../src/lib/tasks/corpus';

const OPTIONS: CorpusOptions = {
  seed: 1,
  sentences: 1400,
  maxSpan: 60,
  minSpan: 4,
  maxAgreementGap: 8,
  maxDepth: 3,
  bracketRate: 0.3,
  quoteRate: 0.2
};

const PATH = 'static/corpus/grammar.txt';

if (!isDeepStrictEqual(OPTIONS, { ...GRAMMAR_CORPUS })) {
  console.error(
    `make-corpus: these options differ from GRAMMAR_CORPUS in src/lib/tasks/corpus.ts; change both.\n` +
      `  here:          ${JSON.stringify(OPTIONS)}\n  GRAMMAR_CORPUS: ${JSON.stringify(GRAMMAR_CORPUS)}`
  );
  process.exit(1);
}
const text = generateCorpus(OPTIONS);
writeFileSync(PATH, text);
const bytes = Buffer.byteLength(text, 'utf8');
console.log(
  `wrote ${PATH}: ${bytes.toLocaleString('en-US')} bytes, ${text.split('\n').length - 1} lines, ${new Set(text).size} distinct characters`
);
