/**
 * Pure maths of the unrolled network (`Unrolled.svg.svelte`): where each time step's cell and each
 * arrow goes, which window of steps is shown, the log scale that turns ||dL/dh_t|| into an arrow's
 * width and colour, and the forward/backward animation's progress per cell and arrow. No DOM.
 *
 * Rows: one per layer and direction, layer 0 at the bottom (inputs x_t below it), the top row's
 * outputs above. A forward row's recurrent arrows point left to right (h_t → step t+1); a reverse
 * row's point right to left (h_t → step t−1). Time steps t are 0-based; the arrow "of step t" is the
 * one that carries h_t to the next processed step, so the gradient it shows is ||dL/dh_t||.
 */
import { area, interpolateOrRd, interpolateRgb, scaleLinear, scaleLog } from 'd3';

/** Sizes of the unrolled view, px. Sized to be read on a projector at 1280×720. */
export const UNROLLED = {
  margin: { top: 44, right: 16, bottom: 56, left: 100 },
  /** Narrowest horizontal slot per time step (cell plus arrow gap) that stays readable. */
  minSlot: 56,
  /** Widest slot: short sequences are centred rather than stretched. */
  maxSlot: 112,
  /** Share of a slot the cell takes; the rest is the gap its recurrent arrow spans. */
  cellShare: 0.56,
  cellHeight: 48,
  /** Vertical gap between rows (room for the arrows from one layer to the next). */
  rowGap: 44,
  /** Length of the input arrows below the bottom row and the output arrows above the top row. */
  ioArrow: 26
} as const;

/** Gradient arrow widths, px. */
export const ARROW_WIDTH = { min: 1, max: 14, neutral: 2 } as const;
/** Colour of an arrow the backward walk has not reached yet. */
export const NEUTRAL_ARROW_COLOUR = '#9a9a9a';

/** One layer and direction of the network: a row of the unrolled view. */
export interface RowSpec {
  /** `l0`, `l0_reverse`, `encoder.l0`, … */
  suffix: string;
  layer: number;
  reverse: boolean;
  /** Time steps of this row (an encoder's and a decoder's differ). */
  steps: number;
}

/** Steps `start … end − 1` of a sequence are shown. */
export interface StepWindow {
  start: number;
  /** Exclusive. */
  end: number;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** Clamps a number to [0, 1]; NaN becomes 0. */
export function clamp01(value: number): number {
  return value > 0 ? (value < 1 ? value : 1) : 0;
}

/** How many steps fit side by side in `width` px at the narrowest readable slot (at least 1). */
export function maxVisibleSteps(width: number): number {
  const { margin, minSlot } = UNROLLED;
  return Math.max(1, Math.floor((width - margin.left - margin.right) / minSlot));
}

/**
 * The window of `count` steps starting at `start`, moved and shrunk to lie in `0 … length − 1`
 * (at least one step when length ≥ 1; empty when length is 0).
 */
export function clampWindow(length: number, start: number, count: number): StepWindow {
  if (length <= 0) return { start: 0, end: 0 };
  const size = clamp(Math.round(Number.isFinite(count) ? count : length), 1, length);
  const first = clamp(Math.round(Number.isFinite(start) ? start : 0), 0, length - size);
  return { start: first, end: first + size };
}

/**
 * The window after step `t` gets focus: unchanged when `t` is already in it, otherwise moved the
 * least that brings `t` into view (same size).
 */
export function windowShowing(length: number, current: StepWindow, t: number): StepWindow {
  const count = current.end - current.start;
  if (t >= current.start && t < current.end) return clampWindow(length, current.start, count);
  const start = t < current.start ? t : t - count + 1;
  return clampWindow(length, start, count);
}

/** The window of `count` steps centred on position `t` (the animation's head, while it plays). */
export function windowCentredOn(length: number, count: number, t: number): StepWindow {
  return clampWindow(length, Math.floor(t - count / 2), count);
}

/** A cell: the box of time step `t` in row `row`. */
export interface CellBox {
  row: number;
  t: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A straight arrow from (x1, y1) to (x2, y2). */
export interface ArrowLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A recurrent arrow carrying h_t (or c_t) of row `row` to the next processed step. */
export interface RecurrentArrow extends ArrowLine {
  row: number;
  /** The step whose state it carries. */
  t: number;
  /** It crosses the window's edge (one end is off screen; drawn up to the edge). */
  edge: boolean;
}

/** An input, output or between-row arrow at step `t`. */
export interface StepArrow extends ArrowLine {
  row: number;
  t: number;
}

/** A vertical link between the rows `row` and `row + 1` at step `t`. */
export interface RowLink extends StepArrow {
  /**
   * `feeds`: the layer below's h_t is the layer above's input (an arrow). `shares`: both
   * directions of a bidirectional layer read the same input (a plain line).
   */
  kind: 'feeds' | 'shares';
}

export interface RowGeometry extends RowSpec {
  /** Top of the row's cells. */
  y: number;
  /** Height of the h arrows (and of the c arrows, LSTM). */
  hY: number;
  cY: number | null;
}

export interface UnrolledLayout {
  width: number;
  height: number;
  window: StepWindow;
  /** Horizontal slot of one step, px. */
  slot: number;
  cellWidth: number;
  cellHeight: number;
  /** Left and right ends of the drawn steps (the window frame). */
  left: number;
  right: number;
  rows: RowGeometry[];
  cells: CellBox[];
  hArrows: RecurrentArrow[];
  /** LSTM only; empty otherwise. */
  cArrows: RecurrentArrow[];
  inputs: StepArrow[];
  outputs: StepArrow[];
  links: RowLink[];
  /** Centre x of step t's cell (any t; off-window steps lie outside `left … right`). */
  centre(t: number): number;
}

export interface LayoutInput {
  rows: readonly RowSpec[];
  window: StepWindow;
  width: number;
  /** LSTM: draw a c arrow above each h arrow. */
  hasCellState: boolean;
  /** Which steps feed the output: every step (`step`, `mean`) or the final ones (`last`). */
  readout: 'step' | 'last' | 'mean';
}

/**
 * Positions of every cell and arrow of the window. Rows are stacked bottom-up in the order given
 * (`rows[0]` at the bottom); each row draws only its own steps (`t < steps`).
 */
export function unrolledLayout(input: LayoutInput): UnrolledLayout {
  const { rows, window, hasCellState, readout } = input;
  const { margin, maxSlot, cellShare, cellHeight, rowGap, ioArrow } = UNROLLED;
  const count = Math.max(1, window.end - window.start);
  const inner = Math.max(0, input.width - margin.left - margin.right);
  // Narrower than minSlot only if the caller asks for more steps than maxVisibleSteps allows.
  const slot = Math.min(inner / count, maxSlot);
  const left = margin.left + Math.max(0, (inner - slot * count) / 2);
  const right = left + slot * count;
  const cellWidth = slot * cellShare;
  const height =
    margin.top + rows.length * cellHeight + Math.max(0, rows.length - 1) * rowGap + margin.bottom;
  const cellLeft = (t: number) => left + (t - window.start) * slot + (slot - cellWidth) / 2;
  const centre = (t: number) => left + (t - window.start + 0.5) * slot;
  const clip = (x: number) => clamp(x, left, right);

  const geometry: RowGeometry[] = rows.map((row, r) => {
    const y = margin.top + (rows.length - 1 - r) * (cellHeight + rowGap);
    return {
      ...row,
      y,
      hY: y + (hasCellState ? 0.7 : 0.5) * cellHeight,
      cY: hasCellState ? y + 0.3 * cellHeight : null
    };
  });

  const visible = (row: RowSpec) => {
    const steps: number[] = [];
    for (let t = window.start; t < Math.min(window.end, row.steps); t++) steps.push(t);
    return steps;
  };

  const cells: CellBox[] = geometry.flatMap((row, r) =>
    visible(row).map((t) => ({
      row: r,
      t,
      x: cellLeft(t),
      y: row.y,
      width: cellWidth,
      height: cellHeight
    }))
  );

  /** Recurrent arrows of one row at height y: sources t whose arrow touches the window. */
  const recurrent = (row: RowGeometry, r: number, y: number): RecurrentArrow[] => {
    const arrows: RecurrentArrow[] = [];
    if (row.steps < 2) return arrows;
    if (!row.reverse) {
      const first = Math.max(0, window.start - 1);
      const last = Math.min(row.steps - 2, window.end - 1);
      for (let t = first; t <= last; t++) {
        const x1 = cellLeft(t) + cellWidth;
        const x2 = cellLeft(t + 1);
        arrows.push({
          row: r,
          t,
          x1: clip(x1),
          y1: y,
          x2: clip(x2),
          y2: y,
          edge: x1 < left || x2 > right
        });
      }
    } else {
      const first = Math.max(1, window.start);
      const last = Math.min(row.steps - 1, window.end);
      for (let t = first; t <= last; t++) {
        const x1 = cellLeft(t);
        const x2 = cellLeft(t - 1) + cellWidth;
        arrows.push({
          row: r,
          t,
          x1: clip(x1),
          y1: y,
          x2: clip(x2),
          y2: y,
          edge: x1 > right || x2 < left
        });
      }
    }
    return arrows;
  };

  const hArrows = geometry.flatMap((row, r) => recurrent(row, r, row.hY));
  const cArrows = hasCellState
    ? geometry.flatMap((row, r) => recurrent(row, r, row.cY ?? row.hY))
    : [];

  const bottom = geometry[0];
  const inputs: StepArrow[] = bottom
    ? visible(bottom).map((t) => ({
        row: 0,
        t,
        x1: centre(t),
        y1: bottom.y + cellHeight + ioArrow,
        x2: centre(t),
        y2: bottom.y + cellHeight
      }))
    : [];

  const topIndex = geometry.length - 1;
  const top = geometry[topIndex];
  const topLayer = top?.layer;
  const finalSteps = new Set<number>();
  for (const row of geometry)
    if (row.layer === topLayer && row.steps > 0) finalSteps.add(row.reverse ? 0 : row.steps - 1);
  const outputs: StepArrow[] = top
    ? visible(top)
        .filter((t) => readout !== 'last' || finalSteps.has(t))
        .map((t) => ({
          row: topIndex,
          t,
          x1: centre(t),
          y1: top.y,
          x2: centre(t),
          y2: top.y - ioArrow
        }))
    : [];

  const links: RowLink[] = [];
  for (let r = 0; r + 1 < geometry.length; r++) {
    const below = geometry[r];
    const above = geometry[r + 1];
    const kind = below.layer === above.layer ? 'shares' : 'feeds';
    for (const t of visible(below)) {
      if (t >= above.steps) continue;
      links.push({
        row: r,
        t,
        kind,
        x1: centre(t),
        y1: below.y,
        x2: centre(t),
        y2: above.y + cellHeight
      });
    }
  }

  return {
    width: input.width,
    height,
    window,
    slot,
    cellWidth,
    cellHeight,
    left,
    right,
    rows: geometry,
    cells,
    hArrows,
    cArrows,
    inputs,
    outputs,
    links,
    centre
  };
}

/**
 * A filled arrow from (x1, y1) to (x2, y2) as one SVG path: a shaft `width` thick and a head
 * a little wider, never longer than the arrow itself. Horizontal or vertical arrows alike.
 */
export function arrowPath(line: ArrowLine, width: number): string {
  const dx = line.x2 - line.x1;
  const dy = line.y2 - line.y1;
  const length = Math.hypot(dx, dy);
  if (!(length > 0)) return '';
  const ux = dx / length;
  const uy = dy / length;
  // The normal, to the left of the direction of travel.
  const nx = -uy;
  const ny = ux;
  const shaft = Math.max(0.5, width) / 2;
  const headHalf = Math.max(shaft + 2.5, shaft * 1.6);
  const headLength = Math.min(length * 0.6, 5 + headHalf * 1.1);
  const bx = line.x2 - ux * headLength;
  const by = line.y2 - uy * headLength;
  const points: [number, number][] = [
    [line.x1 + nx * shaft, line.y1 + ny * shaft],
    [bx + nx * shaft, by + ny * shaft],
    [bx + nx * headHalf, by + ny * headHalf],
    [line.x2, line.y2],
    [bx - nx * headHalf, by - ny * headHalf],
    [bx - nx * shaft, by - ny * shaft],
    [line.x1 - nx * shaft, line.y1 - ny * shaft]
  ];
  return `M${points.map(([x, y]) => `${round(x)},${round(y)}`).join('L')}Z`;
}

/** Rounds to 2 decimals for SVG attributes. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Options of {@link gradientScale}. */
export interface GradientScaleOptions {
  /** A fixed domain [low, high] of norms (shared axes in comparison mode); else from the data. */
  domain?: readonly [number, number];
  /** The domain spans at least this many decades (near-equal norms draw mid-width). */
  minDecades?: number;
  /** …and at most this many, counted down from the largest norm; smaller norms draw thinnest. */
  maxDecades?: number;
  minWidth?: number;
  maxWidth?: number;
}

/** A log scale from a gradient norm to an arrow's width, colour and opacity. */
export interface GradientScale {
  /** The norms at the thin and the thick end. */
  domain: [number, number];
  /**
   * Where a norm lies on the log scale, 0 … 1: 0 for 0 and anything at or below the low end,
   * 1 for +∞, NaN and anything at or above the high end. Non-decreasing in the norm.
   */
  position(norm: number): number;
  width(norm: number): number;
  colour(norm: number): string;
  opacity(norm: number): number;
  /** Ticks at whole decades inside the domain, for a legend. */
  ticks(): number[];
}

/** The decades [lo, hi] (log10) spanned by the finite positive values of `series`, or null. */
export function logExtent(series: Iterable<ArrayLike<number>>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of series)
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v > 0 && Number.isFinite(v)) {
        const l = Math.log10(v);
        if (l < lo) lo = l;
        if (l > hi) hi = l;
      }
    }
  return lo <= hi ? [lo, hi] : null;
}

/**
 * The log scale of the gradient arrows over every norm in `series` (or a fixed domain): widths
 * from `minWidth` to `maxWidth`, colours along the colour-blind-safe OrRd ramp, fading (lower
 * opacity) toward the thin end, so a vanishing gradient fades and an exploding one swells.
 * Zeros, negatives and non-finite norms are safe (see {@link GradientScale.position}).
 */
export function gradientScale(
  series: Iterable<ArrayLike<number>>,
  options: GradientScaleOptions = {}
): GradientScale {
  const minDecades = options.minDecades ?? 1;
  const maxDecades = options.maxDecades ?? 12;
  const minWidth = options.minWidth ?? ARROW_WIDTH.min;
  const maxWidth = options.maxWidth ?? ARROW_WIDTH.max;
  let lo: number;
  let hi: number;
  const fixed = options.domain;
  if (fixed && fixed[0] > 0 && fixed[1] > fixed[0] && Number.isFinite(fixed[1])) {
    lo = Math.log10(fixed[0]);
    hi = Math.log10(fixed[1]);
  } else {
    const extent = logExtent(series) ?? [-1, 0];
    [lo, hi] = extent;
    if (hi - lo < minDecades) {
      const middle = (lo + hi) / 2;
      lo = middle - minDecades / 2;
      hi = middle + minDecades / 2;
    }
    if (hi - lo > maxDecades) lo = hi - maxDecades;
  }
  const log = scaleLog()
    .domain([10 ** lo, 10 ** hi])
    .range([0, 1])
    .clamp(true);
  const position = (norm: number): number => {
    if (Number.isNaN(norm) || norm === Infinity) return 1;
    if (!(norm > 0)) return 0;
    return clamp01(log(norm));
  };
  const widthOf = scaleLinear().domain([0, 1]).range([minWidth, maxWidth]);
  return {
    domain: [10 ** lo, 10 ** hi],
    position,
    width: (norm) => widthOf(position(norm)),
    colour: (norm) => interpolateOrRd(0.3 + 0.7 * position(norm)),
    opacity: (norm) => 0.35 + 0.65 * position(norm),
    ticks: () => {
      const ticks: number[] = [];
      for (let d = Math.ceil(lo - 1e-9); d <= Math.floor(hi + 1e-9); d++) ticks.push(10 ** d);
      return ticks;
    }
  };
}

/** An arrow's look partway through the backward walk: neutral before it, the norm's after. */
export interface ArrowLook {
  width: number;
  colour: string;
  opacity: number;
}

/** Blends the neutral arrow into the gradient's look by `reveal` ∈ [0, 1]. */
export function arrowLook(scale: GradientScale, norm: number, reveal: number): ArrowLook {
  const f = clamp01(reveal);
  const neutral = ARROW_WIDTH.neutral;
  return {
    width: neutral + f * (scale.width(norm) - neutral),
    colour:
      f === 0 ? NEUTRAL_ARROW_COLOUR : interpolateRgb(NEUTRAL_ARROW_COLOUR, scale.colour(norm))(f),
    opacity: 1 + f * (scale.opacity(norm) - 1)
  };
}

// ---------------------------------------------------------------------------------------------
// Animation
// ---------------------------------------------------------------------------------------------
//
// One timeline per sequence of `length` steps, in steps: the forward walk over [0, length] (cell
// after cell in processing order fills with its state), then the backward walk over
// [length, 2·length] (back through the steps, each arrow taking the width of its gradient).
// A reverse row processes t = length − 1 … 0, so its walks run mirrored.

/** The end of the timeline: both walks done. */
export function timelineEnd(length: number): number {
  return 2 * Math.max(0, length);
}

/** Processing index of step t (0 first processed). */
function processed(t: number, length: number, reverse: boolean): number {
  return reverse ? length - 1 - t : t;
}

/** How far the forward walk has filled step t's cell at `position`: 0 not reached … 1 filled. */
export function cellFill(position: number, t: number, length: number, reverse: boolean): number {
  return clamp01(position - processed(t, length, reverse));
}

/**
 * How far the backward walk has revealed the gradient on the arrow that carries h_t: dL/dh_t is
 * complete once the backward step of the next processed step is done, so the arrow fills while
 * the walk goes back through that step.
 */
export function arrowReveal(position: number, t: number, length: number, reverse: boolean): number {
  const backward = position - length;
  return clamp01(backward - (length - processed(t, length, reverse) - 2));
}

/** Where the walk is: its phase and the step it is on (null before it starts or after it ends). */
export function animationHead(
  position: number,
  length: number,
  reverse: boolean
): { phase: 'forward' | 'backward' | 'done'; t: number | null } {
  if (length <= 0 || position >= timelineEnd(length)) return { phase: 'done', t: null };
  if (position < length) {
    const k = Math.max(0, Math.floor(position));
    return { phase: 'forward', t: processed(k, length, reverse) };
  }
  const k = length - 1 - Math.floor(position - length);
  return { phase: 'backward', t: processed(k, length, reverse) };
}

// ---------------------------------------------------------------------------------------------
// States and the overview strip
// ---------------------------------------------------------------------------------------------

/** RMS over units of each step's state, √(Σ_u h_t[u]² / H), of a [T, H] array: [T]. */
export function stateRms(state: Float32Array, T: number, H: number): Float32Array {
  const out = new Float32Array(T);
  if (H <= 0) return out;
  for (let t = 0; t < T; t++) {
    let sum = 0;
    for (let u = 0; u < H; u++) sum += state[t * H + u] ** 2;
    out[t] = Math.sqrt(sum / H);
  }
  return out;
}

/**
 * The overview strip's area: log10 of each step's norm over `0 … length`, scaled to the strip
 * `[x0, x1] × [0, height]` (taller is larger; zeros and non-finite values sit at the bottom/top).
 */
export function overviewArea(
  norms: ArrayLike<number>,
  scale: GradientScale,
  x0: number,
  x1: number,
  height: number
): string {
  const x = scaleLinear()
    .domain([0, Math.max(1, norms.length)])
    .range([x0, x1]);
  const values = Array.from(norms);
  return (
    area<number>()
      .x((_, i) => round(x(i + 0.5)))
      .y0(height)
      .y1((v) => round(height - 2 - (height - 4) * scale.position(v)))(values) ?? ''
  );
}
