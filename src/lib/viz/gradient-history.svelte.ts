/**
 * The gradient history: ||dL/dh_t|| of each training step the page received, kept on the main
 * thread so that the curve's evolution during training is one picture (training step × time
 * step). Feed it every snapshot; it keeps at most `capacity` rows over the whole run by thinning:
 * when full it drops every other row and from then on takes a row only once per the new spacing,
 * so early training never scrolls away.
 */
import type { Snapshot } from '$lib/session/snapshot';
import type { HistoryRow } from './history-layout';

export class GradientHistory {
  /** Rows in increasing training step; replaced, never mutated. */
  rows = $state.raw<readonly HistoryRow[]>([]);
  /** The layer/direction whose gradients are kept (`l0`, …); the first one when null. */
  readonly suffix: string | null;
  readonly capacity: number;

  /** The rows as pushed, not read reactively (push runs inside effects). */
  #rows: HistoryRow[] = [];
  /** Fewest training steps between kept rows; grows as the history thins. */
  #spacing = 1;

  constructor({
    capacity = 300,
    suffix = null
  }: { capacity?: number; suffix?: string | null } = {}) {
    this.capacity = Math.max(2, capacity);
    this.suffix = suffix;
  }

  /**
   * Take the snapshot's last training step. A step at or before the newest row's that is not a
   * repeat (a reset or a new config), or a new sequence length, starts the history afresh.
   */
  push(snapshot: Snapshot | null | undefined): void {
    if (!snapshot) return;
    const last = snapshot.last;
    const newest = this.#rows.at(-1);
    if (!last) {
      if (newest) this.clear();
      return;
    }
    const perStep =
      (this.suffix === null ? undefined : last.perStep.find((p) => p.suffix === this.suffix)) ??
      last.perStep[0];
    if (!perStep) return;
    const values = perStep.gradNormPerStep;
    if (newest) {
      if (last.step === newest.step && values.length === newest.values.length) return;
      if (last.step < newest.step || values.length !== newest.values.length) {
        this.#rows = [];
        this.#spacing = 1;
      } else if (last.step - newest.step < this.#spacing) return;
    }
    this.#rows.push({ step: last.step, values });
    if (this.#rows.length > this.capacity) this.#thin();
    this.rows = [...this.#rows];
  }

  clear(): void {
    this.#rows = [];
    this.#spacing = 1;
    this.rows = [];
  }

  /** Keep every other row (the newest always), and space new rows like the kept ones. */
  #thin(): void {
    const n = this.#rows.length;
    this.#rows = this.#rows.filter((_, i) => (n - 1 - i) % 2 === 0);
    const kept = this.#rows;
    if (kept.length > 1) {
      this.#spacing = Math.max(
        this.#spacing,
        Math.ceil((kept[kept.length - 1].step - kept[0].step) / (kept.length - 1))
      );
    }
  }
}
