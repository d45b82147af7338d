import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, type Config } from '$lib/config';
import { Explorer } from '$lib/explorer.svelte';
import type { Session } from '$lib/session/session.svelte';
import { explorerTarget } from './explorer-target';

/** The part of a Session the target uses, recording the configs it was given. */
function fakeSession() {
  const configs: Config[] = [];
  const session = {
    snapshot: null,
    ready: Promise.resolve(),
    play: vi.fn(async () => {}),
    pause: vi.fn(async () => {}),
    step: vi.fn(async () => {}),
    reset: vi.fn(async () => {}),
    setStepsPerFrame: vi.fn(async () => {}),
    setConfig: vi.fn(async (config: Config | string) => void configs.push(config as Config))
  };
  return { session, configs };
}

describe('explorerTarget', () => {
  it('applies a config change to a locked explorer, shows its notices and writes the hash', async () => {
    const explorer = new Explorer('cell=lstm&T=30');
    explorer.locked = true;
    const { session, configs } = fakeSession();
    explorer.attach(session as unknown as Session);
    const hashes: string[] = [];
    const target = explorerTarget(explorer, (hash) => hashes.push(hash));

    const notices = await target.setConfig({ T: 50, hidden: 1000 });
    expect(notices).toEqual(['hidden=1000 is above the maximum 256; using 256.']);
    expect(explorer.config).toEqual({
      ...DEFAULT_CONFIG,
      cell: 'lstm',
      seqLength: 50,
      hidden: 256
    });
    expect(explorer.notices).toEqual(notices);
    expect(hashes).toEqual(['cell=lstm&hidden=256&T=50']);
    expect(configs.at(-1)).toEqual(explorer.config);
    expect(target.metrics()).toMatchObject({ step: 0, status: 'loading', config: hashes[0] });
  });

  it('keeps the preset for a change, and takes the one a hash names (or none)', async () => {
    const explorer = new Explorer('preset=irnn');
    const { session } = fakeSession();
    explorer.attach(session as unknown as Session);
    const hashes: string[] = [];
    const target = explorerTarget(explorer, (hash) => hashes.push(hash));
    await target.setConfig({ T: 50 });
    expect(explorer.preset?.id).toBe('irnn');
    expect(hashes.at(-1)).toBe('preset=irnn&T=50');
    await target.setConfig('preset=gru&hidden=8');
    expect(explorer.preset?.id).toBe('gru');
    expect(explorer.config.cell).toBe('gru');
    expect(hashes.at(-1)).toBe('preset=gru&hidden=8');
    await target.setConfig('cell=lstm');
    expect(explorer.preset).toBeNull();
    expect(hashes.at(-1)).toBe('cell=lstm');
    expect(target.metrics().config).toBe('cell=lstm');
  });

  it('passes training commands to the session', async () => {
    const explorer = new Explorer('');
    const { session } = fakeSession();
    explorer.attach(session as unknown as Session);
    const target = explorerTarget(explorer, () => {});
    await target.step(7);
    await target.play();
    await target.reset();
    expect(session.step).toHaveBeenCalledWith(7);
    expect(session.play).toHaveBeenCalledOnce();
    expect(session.reset).toHaveBeenCalledOnce();
  });
});
