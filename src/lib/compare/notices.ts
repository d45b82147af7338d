/** The comparison page's notices: each side's, merged into one list. */
import { SIDE_LABELS } from './url';

/**
 * The two sides' notices for one list: each once, prefixed by the side that has it (`A: …`), or by
 * `A and B: …` when both have it (a task's adjustments are the same on both sides).
 */
export function sideNotices(perSide: readonly (readonly string[])[]): string[] {
  const labels = [SIDE_LABELS.a, SIDE_LABELS.b];
  const sidesOf = new Map<string, string[]>();
  perSide.forEach((notices, i) => {
    for (const notice of notices) {
      const sides = sidesOf.get(notice) ?? [];
      if (!sides.includes(labels[i])) sides.push(labels[i]);
      sidesOf.set(notice, sides);
    }
  });
  return [...sidesOf].map(([notice, sides]) => `${sides.join(' and ')}: ${notice}`);
}
