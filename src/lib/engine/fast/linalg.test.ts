/**
 * The pass's tanh against Math.tanh: within 3e-14 relative everywhere (a sweep of [−25, 25], tiny
 * values down to the subnormals, random float32 inputs as the cells give it), the same float32
 * after rounding, and the special values kept.
 */
import { describe, expect, it } from 'vitest';
import { Random } from '../random';
import { tanh } from './linalg';

/** The inputs: a fine sweep, powers of ten of both signs, random float32 values. */
function inputs(): number[] {
  const xs: number[] = [];
  for (let i = -500_000; i <= 500_000; i++) xs.push(i * 5e-5);
  for (let e = -323; e < 2; e += 0.01) xs.push(10 ** e, -(10 ** e));
  const random = new Random(17);
  for (let i = 0; i < 500_000; i++) xs.push(Math.fround(4 * random.normal()));
  // Around where the range reduction changes k, and where tanh reaches 1.
  for (const edge of [0.17328679513998632, 0.5198603854199589, 19.06, 22])
    for (let i = -1000; i <= 1000; i++) xs.push(edge * (1 + i * 1e-9), -edge * (1 + i * 1e-9));
  return xs;
}

describe('tanh', () => {
  it('is Math.tanh to 3e-14, and to the bit once rounded to float32', () => {
    let worst = 0;
    let at = 0;
    let float32Differences = 0;
    for (const x of inputs()) {
      const fast = tanh(x);
      const exact = Math.tanh(x);
      const error = exact === 0 ? Math.abs(fast) : Math.abs(fast - exact) / Math.abs(exact);
      if (!(error <= worst)) [worst, at] = [error, x];
      if (Math.fround(fast) !== Math.fround(exact)) float32Differences++;
    }
    expect(worst, `at x = ${at}`).toBeLessThan(3e-14);
    expect(float32Differences).toBe(0);
  });

  it('keeps ±0, NaN and the limits', () => {
    for (const x of [0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 21.99, 22, -22, 1e300])
      expect(Object.is(tanh(x), Math.tanh(x)), `tanh(${x})`).toBe(true);
  });
});
