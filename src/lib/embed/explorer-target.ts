/**
 * The page's explorer as the target of embed requests: training commands go to its session, a
 * config change is validated (clamped values become the explorer's visible notices and the
 * reply's), applied and written to the URL hash, and the metrics come from the latest snapshot.
 */
import { decodeHash } from '$lib/config';
import type { Explorer } from '$lib/explorer.svelte';
import { applyConfigChange, metricsOf, snapshotJson, type EmbedTarget } from './protocol';

/**
 * An {@link EmbedTarget} over `explorer`, whose session must exist. `writeHash` gets the new
 * config's hash (without `#`) after a `set-config`.
 *
 * A locked embed still takes `set-config`: the lock keeps the reader's controls from changing
 * the configuration; the page that embeds it is its author.
 */
export function explorerTarget(explorer: Explorer, writeHash: (hash: string) => void): EmbedTarget {
  const session = () => {
    if (!explorer.session) throw new Error('The explorer has no session yet.');
    return explorer.session;
  };
  return {
    play: () => session().play(),
    pause: () => session().pause(),
    step: (n) => session().step(n),
    reset: () => session().reset(),
    async setConfig(change) {
      const { config, notices } = applyConfigChange(explorer.config, change);
      const messages = notices.map((notice) => notice.message);
      // A hash replaces the config, with the preset it names (or none); an object changes the
      // config the preset gave.
      if (typeof change === 'string') {
        explorer.preset = decodeHash(change).preset;
        explorer.story = null;
      }
      explorer.config = config;
      explorer.notices = messages;
      writeHash(explorer.hash);
      await session().setConfig(config);
      return messages;
    },
    metrics: () => metricsOf(explorer.session?.snapshot ?? null, explorer.hash),
    snapshot: () => snapshotJson(explorer.session?.snapshot ?? null, explorer.hash)
  };
}
