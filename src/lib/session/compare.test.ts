import { expect, it } from 'vitest';
import { alignForComparison } from './compare';

it('the second run of a comparison takes the first one’s task, data and seed, and says so', () => {
  const { first, second, notices } = alignForComparison(
    'cell=rnn&T=30&seed=4&windows=stream',
    'cell=lstm&T=50&seed=5&hidden=8'
  );
  expect(first).toMatchObject({ cell: 'rnn', seqLength: 30, seed: 4 });
  expect(second).toMatchObject({
    cell: 'lstm',
    hidden: 8,
    seqLength: 30,
    seed: 4,
    windows: 'stream'
  });
  expect(notices).toEqual([
    'Compared runs share seed: the second run uses seed=4 (not 5).',
    'Compared runs share seqLength: the second run uses seqLength=30 (not 50).',
    'Compared runs share windows: the second run uses windows=stream (not sequences).'
  ]);
  expect(alignForComparison('cell=rnn', 'cell=gru').notices).toEqual([]);
});
