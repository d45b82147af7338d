import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Config } from '$lib/config';
import { HASH_THROTTLE_MS } from '$lib/explorer.svelte';
import type { Comparison } from '$lib/session/session.svelte';
import { ComparePage } from './compare.svelte';
import { sideNotices } from './notices';
import { decodeComparisonHash } from './url';

/** A stand-in for a Session: records the configs and commands it is given. */
function fakeSession(log: string[], name: string) {
  return {
    status: 'paused',
    setConfig: async (c: Config) =>
      void log.push(`${name} setConfig cell=${c.cell} T=${c.seqLength}`),
    setStepsPerFrame: async (n: number) => void log.push(`${name} spf ${n}`),
    preview: async (change: object) => void log.push(`${name} preview ${JSON.stringify(change)}`)
  };
}

function fakeComparison(log: string[]) {
  const sessions = [fakeSession(log, 'A'), fakeSession(log, 'B')];
  return {
    sessions,
    play: async () => void log.push('play both'),
    pause: async () => void log.push('pause both'),
    step: async (n: number) => void log.push(`step both ${n}`),
    reset: async () => void log.push('reset both'),
    setStepsPerFrame: async (n: number) => void log.push(`spf both ${n}`)
  };
}

function key(key: string, target: Partial<HTMLElement> = { tagName: 'BODY' }) {
  return { key, target, preventDefault: () => {} } as unknown as KeyboardEvent;
}

describe('ComparePage', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads both sides from the address, with its notices', () => {
    const page = new ComparePage('a=cell%3Dgru%26T%3D40&b=cell%3Dlstm%26hidden%3D999&x=1');
    expect(page.a.config).toMatchObject({ cell: 'gru', seqLength: 40 });
    expect(page.b.config).toMatchObject({ cell: 'lstm', hidden: 256, seqLength: 40 });
    expect(page.notices).toEqual([
      'Unknown part "x=1" of the address; ignored (write a=…&b=…, each an explorer hash).',
      'B: hidden=999 is above the maximum 256; using 256.',
      'Compared runs share seqLength: the second run uses seqLength=40 (not 20).'
    ]);
    expect([page.a.label, page.b.label]).toEqual(['A', 'B']);
  });

  it('a change to one side’s cell changes that side only, and the address', () => {
    const hashes: string[] = [];
    const log: string[] = [];
    const page = new ComparePage('', { writeHash: (h) => hashes.push(h) });
    page.attach(fakeComparison(log) as unknown as Comparison);
    log.length = 0;
    page.b.set('cell', 'gru');
    expect(page.a.config.cell).toBe('rnn');
    expect(page.b.config.cell).toBe('gru');
    expect(log).toEqual(['B setConfig cell=gru T=20']);
    vi.advanceTimersByTime(HASH_THROTTLE_MS);
    const written = decodeComparisonHash(hashes.at(-1)!);
    expect(written.first.cell).toBe('rnn');
    expect(written.second.cell).toBe('gru');
  });

  it('a shared setting (T, the task, the seed) changed on one side is made on both', () => {
    const log: string[] = [];
    const page = new ComparePage('a=&b=cell%3Dlstm');
    page.attach(fakeComparison(log) as unknown as Comparison);
    log.length = 0;
    expect(page.a.set('seqLength', 80)).toBe(80);
    expect(page.b.config.seqLength).toBe(80);
    expect(log).toEqual(['A setConfig cell=rnn T=80', 'B setConfig cell=lstm T=80']);
    expect(page.a.notices).toContain('Both runs share seqLength: B now uses seqLength=80 too.');
    page.b.set('task', 'adding');
    expect(page.a.config.task).toBe('adding');
    expect(page.b.config.task).toBe('adding');
    // A setting of one side's own stays its own.
    page.b.set('hidden', 12);
    expect(page.a.config.hidden).toBe(32);
  });

  it('ρ dragged on one side previews that side’s weights only', () => {
    const log: string[] = [];
    const page = new ComparePage('a=rho%3D0.9&b=rho%3D0.9');
    page.attach(fakeComparison(log) as unknown as Comparison);
    log.length = 0;
    page.a.set('spectralRadius', 1.2, { live: true });
    expect(log).toEqual(['A preview {"spectralRadius":1.2,"final":false}']);
    expect(page.b.config.spectralRadius).toBe(0.9);
  });

  it('one transport: the buttons and the keys act on both sessions', () => {
    const log: string[] = [];
    const page = new ComparePage('');
    page.attach(fakeComparison(log) as unknown as Comparison);
    expect(log).toContain('spf both 1');
    log.length = 0;
    page.onKeydown(key(' '));
    page.onKeydown(key('ArrowRight'));
    page.onKeydown(key('r'));
    // Typing in a box is not a shortcut.
    page.onKeydown(key('r', { tagName: 'INPUT', type: 'number' } as Partial<HTMLInputElement>));
    page.step();
    page.setStepsPerFrame(10);
    expect(log).toEqual(['play both', 'step both 1', 'reset both', 'step both 1', 'spf both 10']);
    expect(page.stepsPerFrame).toBe(10);
  });

  it('editing the address loads both sides again', () => {
    const log: string[] = [];
    const page = new ComparePage('');
    page.attach(fakeComparison(log) as unknown as Comparison);
    log.length = 0;
    page.load('a=cell%3Dlstm%26T%3D30&b=cell%3Dgru');
    expect(page.a.config.cell).toBe('lstm');
    expect(page.b.config).toMatchObject({ cell: 'gru', seqLength: 30 });
    expect(log).toEqual(['A setConfig cell=lstm T=30', 'B setConfig cell=gru T=30']);
  });
});

it('each notice once, with the sides that have it', () => {
  expect(
    sideNotices([
      ['The adding task needs readout=last.', 'Only A.', 'Only A.'],
      ['Only B.', 'The adding task needs readout=last.']
    ])
  ).toEqual(['A and B: The adding task needs readout=last.', 'A: Only A.', 'B: Only B.']);
});
