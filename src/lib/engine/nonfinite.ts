/**
 * Where a pass first stopped being finite, from plain numbers: shared by the Trainer (tfjs) and
 * the slider's plain-JavaScript pass (fast/), so that both name the same place. No tensors here.
 */
import type { DirectionNorms, NonFinite } from './trainer';

/** √(Σ values), in float64. */
export function rootOfSum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  return Math.sqrt(total);
}

function firstNonFinite(values: ArrayLike<number>, order: number[]): number {
  for (const t of order) if (!Number.isFinite(values[t])) return t;
  return -1;
}

/**
 * The first non-finite quantity in causal order, or null: states h, c (earliest step in each
 * direction's processing order, bottom layer first), then the loss, then dL/dh, dL/dc (earliest
 * in backward order, top layer first), then a parameter's gradient (`squared[i]` is
 * ||dL/dθ_i||² of parameter `names[i]`).
 */
export function locateNonFinite(
  directions: DirectionNorms[],
  loss: number,
  squared: ArrayLike<number>,
  names: string[]
): NonFinite | null {
  // Each direction has its own length (an encoder's T and a decoder's T_out differ).
  const order = (values: ArrayLike<number>, reverse: boolean) =>
    Array.from({ length: values.length }, (_, p) => (reverse ? values.length - 1 - p : p));
  // Forward quantities: the earliest time at which any direction or layer breaks, bottom layer first.
  for (const [quantity, pick] of [
    ['h', (d: DirectionNorms) => d.hNorm],
    ['c', (d: DirectionNorms) => d.cNorm]
  ] as const) {
    for (const d of directions) {
      const values = pick(d);
      if (!values) continue;
      const t = firstNonFinite(values, order(values, d.dir.reverse));
      if (t >= 0)
        return {
          quantity,
          where: d.dir.suffix,
          step: t,
          message: `${quantity}_t became non-finite at step t=${t} (layer ${d.dir.layer}${d.dir.reverse ? ', backward direction' : ''}): the forward pass overflowed.`
        };
    }
  }
  if (!Number.isFinite(loss)) return { quantity: 'loss', message: `The loss is ${loss}.` };
  for (const [quantity, pick] of [
    ['dL/dh', (d: DirectionNorms) => d.gradNormPerStep],
    ['dL/dc', (d: DirectionNorms) => d.cellGradNormPerStep]
  ] as const) {
    for (const d of [...directions].reverse()) {
      const values = pick(d);
      if (!values) continue;
      const t = firstNonFinite(values, order(values, !d.dir.reverse));
      if (t >= 0)
        return {
          quantity,
          where: d.dir.suffix,
          step: t,
          message: `||${quantity}_t|| became non-finite at step t=${t} (layer ${d.dir.layer}${d.dir.reverse ? ', backward direction' : ''}): the gradient exploded going back through time.`
        };
    }
  }
  for (let i = 0; i < names.length; i++)
    if (!Number.isFinite(squared[i]))
      return {
        quantity: 'gradient',
        where: names[i],
        message: `The gradient of ${names[i]} is not finite (its norm overflowed).`
      };
  return null;
}
