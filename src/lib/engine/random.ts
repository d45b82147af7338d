import seedrandom from 'seedrandom';

/**
 * A seeded source of uniform and normal random numbers (Alea generator from `seedrandom`).
 * Weights are drawn here, in JavaScript, and uploaded: the same seed gives the same initial
 * weights on every backend.
 */
export class Random {
  private readonly next: () => number;
  private spare: number | null = null;

  constructor(seed: number | string) {
    this.next = seedrandom.alea(String(seed));
  }

  /** Uniform on [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform on [low, high). */
  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer uniform on [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal N(0, 1), by the Box–Muller transform. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** A derived, independent stream: `fork('weight_hh_l0')` does not depend on draw order elsewhere. */
  fork(label: string): Random {
    return new Random(`${this.next()}:${label}`);
  }
}
