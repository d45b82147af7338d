/**
 * The comparison page's address: `/compare#a=<A>&b=<B>`, where A and B are the two runs' explorer
 * hashes (`cell=lstm&T=50`, see `$lib/config/hash`), each percent-encoded as one value:
 *
 *   /compare#a=cell%3Drnn%26T%3D100&b=cell%3Dlstm%26T%3D100
 *
 * Reading never throws: an unknown part, a part without a value or with broken %-encoding is
 * dropped with a notice; each side's own hash is read like the explorer's (bad values clamped or
 * dropped, each notice prefixed with its side); then B takes A's task, data and seed
 * (`alignForComparison`), with a notice for each value taken over.
 */
import { decodeHash, encodeHash, type Config } from '$lib/config';
import { shorten } from '$lib/config/schema';
import { alignForComparison } from '$lib/session/compare';

export const SIDES = ['a', 'b'] as const;
export type Side = (typeof SIDES)[number];

/** What each side is called on the page and in notices. */
export const SIDE_LABELS: Readonly<Record<Side, string>> = { a: 'A', b: 'B' };

/**
 * The comparison a bare `/compare` opens: the default vanilla RNN against an LSTM, on the same task
 * and data.
 */
export const DEFAULT_COMPARISON: Readonly<Record<Side, string>> = { a: '', b: 'cell=lstm' };

/** The address hash (without `#`) of two configs: only what differs from the defaults. */
export function encodeComparisonHash(first: Config, second: Config): string {
  return `a=${encodeURIComponent(encodeHash(first))}&b=${encodeURIComponent(encodeHash(second))}`;
}

/** The comparison hash with the same explorer hash on both sides (the explorer's Compare link). */
export function comparisonOf(hash: string): string {
  const part = encodeURIComponent(hash.replace(/^#/, ''));
  return `a=${part}&b=${part}`;
}

export interface DecodedComparison {
  first: Config;
  second: Config;
  /** For a person, in order: the address's own notices, A's, B's, then the alignment's. */
  notices: string[];
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads `a=…&b=…` (with or without the leading `#`) into two valid, aligned configs. A side that
 * is missing copies the other (with a notice); with neither, {@link DEFAULT_COMPARISON}.
 */
export function decodeComparisonHash(hash: string): DecodedComparison {
  let text = typeof hash === 'string' ? hash : '';
  if (text.startsWith('#')) text = text.slice(1);
  const notices: string[] = [];
  const parts: Partial<Record<Side, string>> = {};

  for (const segment of text.split('&')) {
    if (segment.trim() === '') continue;
    const eq = segment.indexOf('=');
    const key = (eq < 0 ? segment : segment.slice(0, eq)).trim().toLowerCase();
    if (key !== 'a' && key !== 'b') {
      notices.push(
        `Unknown part "${shorten(segment)}" of the address; ignored (write a=…&b=…, each an explorer hash).`
      );
      continue;
    }
    const label = SIDE_LABELS[key];
    if (eq < 0) {
      notices.push(`"${shorten(segment)}" has no value (write ${key}=…); ignored.`);
      continue;
    }
    const value = percentDecode(segment.slice(eq + 1));
    if (value === undefined) {
      notices.push(`${label}'s configuration has broken %-encoding; ignored.`);
      continue;
    }
    if (parts[key] !== undefined)
      notices.push(`${key}= is given more than once; using the last one.`);
    parts[key] = value;
  }

  let a = parts.a;
  let b = parts.b;
  if (a === undefined && b === undefined) {
    a = DEFAULT_COMPARISON.a;
    b = DEFAULT_COMPARISON.b;
  } else if (b === undefined) {
    notices.push('The address has no configuration for B; B starts as a copy of A.');
    b = a;
  } else if (a === undefined) {
    notices.push('The address has no configuration for A; A starts as a copy of B.');
    a = b;
  }

  const read = (side: Side, part: string) => {
    const { config, notices: own } = decodeHash(part);
    for (const n of own) notices.push(`${SIDE_LABELS[side]}: ${n.message}`);
    return config;
  };
  const aligned = alignForComparison(read('a', a!), read('b', b!));
  return {
    first: aligned.first,
    second: aligned.second,
    notices: [...notices, ...aligned.notices]
  };
}
