import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, decodeHash } from '$lib/config';
import { comparisonOf, decodeComparisonHash, encodeComparisonHash } from './url';

const config = (hash: string) => decodeHash(hash).config;

describe('the comparison address', () => {
  it('holds both explorer hashes, each percent-encoded, and reads back exactly', () => {
    const a = config('cell=rnn&T=100&task=first-symbol&rho=0.9');
    const b = config('cell=lstm&T=100&task=first-symbol&fbias=3&hidden=48');
    const hash = encodeComparisonHash(a, b);
    expect(hash).toBe(
      'a=task%3Dfirst-symbol%26T%3D100%26rho%3D0.9' +
        '&b=cell%3Dlstm%26hidden%3D48%26task%3Dfirst-symbol%26T%3D100%26fbias%3D3'
    );
    // The task's adjustments (xent, readout=last) are part of each config and survive the trip.
    const back = decodeComparisonHash(`#${hash}`);
    expect(back.first).toEqual(a);
    expect(back.second).toEqual(b);
    expect(back.notices).toEqual([]);
  });

  it('a bare address compares the default RNN with an LSTM', () => {
    const { first, second, notices } = decodeComparisonHash('');
    expect(first).toEqual(DEFAULT_CONFIG);
    expect(second).toEqual({ ...DEFAULT_CONFIG, cell: 'lstm' });
    expect(notices).toEqual([]);
  });

  it('the explorer’s Compare link puts its config on both sides', () => {
    const hash = comparisonOf('#cell=gru&T=30');
    expect(hash).toBe('a=cell%3Dgru%26T%3D30&b=cell%3Dgru%26T%3D30');
    const { first, second } = decodeComparisonHash(hash);
    expect(first).toMatchObject({ cell: 'gru', seqLength: 30 });
    expect(second).toEqual(first);
    expect(comparisonOf('')).toBe('a=&b=');
    expect(decodeComparisonHash('a=&b=').first).toEqual(DEFAULT_CONFIG);
  });

  it('drops what it cannot read with a notice, and reads each side like the explorer', () => {
    const { first, second, notices } = decodeComparisonHash(
      'a=cell%3Dlstm%26hidden%3D999&zoom=2&b=cell%3Dbogus&b&a=%E0%A4%A'
    );
    expect(first).toMatchObject({ cell: 'lstm', hidden: 256 });
    expect(second.cell).toBe('rnn');
    expect(notices).toEqual([
      'Unknown part "zoom=2" of the address; ignored (write a=…&b=…, each an explorer hash).',
      '"b" has no value (write b=…); ignored.',
      "A's configuration has broken %-encoding; ignored.",
      'A: hidden=999 is above the maximum 256; using 256.',
      expect.stringMatching(/^B: cell=bogus is not one of rnn, lstm, gru/)
    ]);
  });

  it('a missing side copies the other; B takes A’s task, data and seed', () => {
    const onlyA = decodeComparisonHash('a=cell%3Dgru%26T%3D40');
    expect(onlyA.second).toEqual(onlyA.first);
    expect(onlyA.notices).toEqual([
      'The address has no configuration for B; B starts as a copy of A.'
    ]);
    const onlyB = decodeComparisonHash('b=cell%3Dgru');
    expect(onlyB.first.cell).toBe('gru');

    const { second, notices } = decodeComparisonHash('a=T%3D40%26seed%3D3&b=cell%3Dlstm%26T%3D90');
    expect(second).toMatchObject({ cell: 'lstm', seqLength: 40, seed: 3 });
    expect(notices).toEqual([
      'Compared runs share seed: the second run uses seed=3 (not 1).',
      'Compared runs share seqLength: the second run uses seqLength=40 (not 90).'
    ]);
  });

  it('a repeated side: the last one wins, with a notice', () => {
    const { first, notices } = decodeComparisonHash('a=cell%3Dgru&a=cell%3Dlstm&b=');
    expect(first.cell).toBe('lstm');
    expect(notices[0]).toBe('a= is given more than once; using the last one.');
  });
});
