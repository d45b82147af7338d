/**
 * Comparison mode: two sessions side by side train on the same data from the same seed, so that
 * the only differences are the ones the user chose (e.g. RNN vs LSTM).
 */
import { decodeHash, validateConfig } from '$lib/config';
import type { Config, ConfigKey } from '$lib/config';

/** What two compared runs share: the task, its data, the seed. */
export const SHARED_KEYS = [
  'task',
  'seed',
  'seqLength',
  'batchSize',
  'windows'
] as const satisfies readonly ConfigKey[];

function read(config: Config | string): Config {
  return typeof config === 'string' ? decodeHash(config).config : validateConfig(config).config;
}

/**
 * The second config with the first one's task, data and seed ({@link SHARED_KEYS}), and a notice
 * for each value taken over.
 */
export function alignForComparison(
  first: Config | string,
  second: Config | string
): { first: Config; second: Config; notices: string[] } {
  const a = read(first);
  const b = { ...read(second) };
  const notices: string[] = [];
  for (const key of SHARED_KEYS) {
    if (a[key] === b[key]) continue;
    notices.push(
      `Compared runs share ${key}: the second run uses ${key}=${a[key]} (not ${b[key]}).`
    );
    (b as Record<ConfigKey, unknown>)[key] = a[key];
  }
  return { first: a, second: b, notices };
}
