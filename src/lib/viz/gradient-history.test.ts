import { describe, expect, it } from 'vitest';
import type { Snapshot } from '$lib/session/snapshot';
import { GradientHistory } from './gradient-history.svelte';

/** A snapshot whose last step is `step` with ||dL/dh_t|| = `values` for `l0` (and 2× for `l0_reverse`). */
function snapshot(step: number, values: number[] | null): Snapshot {
  return {
    step,
    last: values && {
      step,
      loss: 1,
      gradNormBefore: 1,
      gradNormAfter: 1,
      clipped: false,
      perStep: [
        { suffix: 'l0', hNorm: new Float32Array(), gradNormPerStep: new Float32Array(values) },
        {
          suffix: 'l0_reverse',
          hNorm: new Float32Array(),
          gradNormPerStep: new Float32Array(values.map((v) => 2 * v))
        }
      ]
    }
  } as Snapshot;
}

const steps = (history: GradientHistory) => history.rows.map((r) => r.step);

describe('GradientHistory', () => {
  it('keeps one row per received training step, ignoring repeats and snapshots without one', () => {
    const history = new GradientHistory();
    history.push(null);
    history.push(snapshot(0, null));
    history.push(snapshot(1, [1, 2]));
    history.push(snapshot(1, [1, 2]));
    history.push(snapshot(4, [3, 4]));
    expect(steps(history)).toEqual([1, 4]);
    expect(Array.from(history.rows[1].values)).toEqual([3, 4]);
  });

  it('follows the direction it was asked for', () => {
    const history = new GradientHistory({ suffix: 'l0_reverse' });
    history.push(snapshot(1, [1, 2]));
    expect(Array.from(history.rows[0].values)).toEqual([2, 4]);
    const unknown = new GradientHistory({ suffix: 'l3' });
    unknown.push(snapshot(1, [1, 2]));
    expect(Array.from(unknown.rows[0].values)).toEqual([1, 2]);
  });

  it('starts afresh after a reset, a new config or a new sequence length', () => {
    const history = new GradientHistory();
    history.push(snapshot(5, [1]));
    history.push(snapshot(6, [1]));
    history.push(snapshot(0, null)); // reset: no last step
    expect(steps(history)).toEqual([]);
    history.push(snapshot(3, [1]));
    history.push(snapshot(2, [1])); // went back: a new session
    expect(steps(history)).toEqual([2]);
    history.push(snapshot(3, [1, 1])); // T changed
    expect(steps(history)).toEqual([3]);
    expect(history.rows[0].values.length).toBe(2);
  });

  it('never holds more than its capacity and keeps the whole run, evenly thinned', () => {
    const history = new GradientHistory({ capacity: 10 });
    for (let step = 1; step <= 100; step++) history.push(snapshot(step, [step]));
    const kept = steps(history);
    expect(kept.length).toBeLessThanOrEqual(10);
    expect(kept.length).toBeGreaterThanOrEqual(5);
    expect(kept[0]).toBeLessThanOrEqual(10); // early training is still there
    expect(kept.at(-1)).toBeGreaterThanOrEqual(90);
    const gaps = kept.slice(1).map((s, i) => s - kept[i]);
    expect(Math.max(...gaps) / Math.min(...gaps)).toBeLessThanOrEqual(2);
  });

  it('publishes a new array on every change (for $state.raw readers)', () => {
    const history = new GradientHistory();
    history.push(snapshot(1, [1]));
    const before = history.rows;
    history.push(snapshot(2, [1]));
    expect(history.rows).not.toBe(before);
    history.clear();
    expect(history.rows).toEqual([]);
  });
});
