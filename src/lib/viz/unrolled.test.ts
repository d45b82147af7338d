import { describe, expect, it } from 'vitest';
import {
  animationHead,
  arrowLook,
  arrowPath,
  arrowReveal,
  ARROW_WIDTH,
  cellFill,
  clampWindow,
  gradientScale,
  logExtent,
  maxVisibleSteps,
  NEUTRAL_ARROW_COLOUR,
  overviewArea,
  stateRms,
  timelineEnd,
  UNROLLED,
  unrolledLayout,
  windowCentredOn,
  windowShowing,
  type RowSpec
} from './unrolled';

const row = (steps: number, reverse = false, layer = 0): RowSpec => ({
  suffix: `l${layer}${reverse ? '_reverse' : ''}`,
  layer,
  reverse,
  steps
});

describe('window of steps', () => {
  it.each([
    // length, start, count → start, end
    [20, 0, 20, 0, 20],
    [20, 5, 10, 5, 15],
    [20, 15, 10, 10, 20],
    [20, -3, 10, 0, 10],
    [20, 0, 50, 0, 20],
    [20, 3.6, 4.4, 4, 8],
    [20, NaN, NaN, 0, 20],
    [5, 2, 0, 2, 3],
    [0, 3, 4, 0, 0]
  ])('length %i, start %d, count %d → [%i, %i)', (length, start, count, first, end) => {
    expect(clampWindow(length, start, count)).toEqual({ start: first, end });
  });

  it.each([
    // current [s, e), focus t → new [s, e)
    [10, 20, 12, 10, 20],
    [10, 20, 20, 11, 21],
    [10, 20, 9, 9, 19],
    [10, 20, 0, 0, 10],
    [10, 20, 99, 90, 100]
  ])('window [%i, %i) showing step %i → [%i, %i)', (s, e, t, start, end) => {
    expect(windowShowing(100, { start: s, end: e }, t)).toEqual({ start, end });
  });

  it('centres on the animation head, clamped at the ends', () => {
    expect(windowCentredOn(100, 10, 50)).toEqual({ start: 45, end: 55 });
    expect(windowCentredOn(100, 10, 1)).toEqual({ start: 0, end: 10 });
    expect(windowCentredOn(100, 10, 99.5)).toEqual({ start: 90, end: 100 });
  });

  it.each([
    [1280, 20],
    [1024, 16],
    [400, 5],
    [10, 1]
  ])('%i px wide fits %i readable steps', (width, steps) => {
    expect(maxVisibleSteps(width)).toBe(steps);
  });
});

describe('layout', () => {
  it.each([
    // cell, rows, T → cells, h arrows, c arrows
    ['rnn', [row(20)], 20, 20, 19, 0],
    ['lstm', [row(20)], 20, 20, 19, 19],
    ['gru', [row(5), row(5, true)], 5, 10, 8, 0],
    ['lstm', [row(7), row(7, true), row(7, false, 1), row(7, true, 1)], 7, 28, 24, 24],
    ['rnn', [row(1)], 1, 1, 0, 0]
  ])(
    '%s %j over the whole sequence: %i cells, h and c arrows',
    (cell, rows, T, cells, hArrows, cArrows) => {
      const layout = unrolledLayout({
        rows,
        window: { start: 0, end: T },
        width: 1280,
        hasCellState: cell === 'lstm',
        readout: 'step'
      });
      expect(layout.cells.length).toBe(cells);
      expect(layout.hArrows.length).toBe(hArrows);
      expect(layout.cArrows.length).toBe(cArrows);
      expect(layout.hArrows.every((a) => !a.edge)).toBe(true);
    }
  );

  it('forward arrows point right from step t to t+1, reverse ones left from t to t−1', () => {
    const layout = unrolledLayout({
      rows: [row(4), row(4, true)],
      window: { start: 0, end: 4 },
      width: 1000,
      hasCellState: false,
      readout: 'step'
    });
    const cellOf = (r: number, t: number) => layout.cells.find((c) => c.row === r && c.t === t)!;
    for (const arrow of layout.hArrows) {
      const from = cellOf(arrow.row, arrow.t);
      if (arrow.row === 0) {
        const to = cellOf(0, arrow.t + 1);
        expect(arrow.x1).toBeCloseTo(from.x + from.width);
        expect(arrow.x2).toBeCloseTo(to.x);
      } else {
        const to = cellOf(1, arrow.t - 1);
        expect(arrow.x1).toBeCloseTo(from.x);
        expect(arrow.x2).toBeCloseTo(to.x + to.width);
      }
      expect(arrow.y1).toBe(arrow.y2);
    }
    expect(layout.hArrows.filter((a) => a.row === 0).map((a) => a.t)).toEqual([0, 1, 2]);
    expect(layout.hArrows.filter((a) => a.row === 1).map((a) => a.t)).toEqual([1, 2, 3]);
    // Layer 0 sits below the reverse row; inputs below the bottom row, outputs above the top one.
    expect(cellOf(0, 0).y).toBeGreaterThan(cellOf(1, 0).y);
    expect(layout.inputs.every((a) => a.y1 > a.y2 && a.y2 === cellOf(0, 0).y + 48)).toBe(true);
    expect(layout.outputs.every((a) => a.y2 < a.y1 && a.y1 === cellOf(1, 0).y)).toBe(true);
    expect(layout.links.every((l) => l.kind === 'shares')).toBe(true);
  });

  it('cells lie inside the width, one slot apart, at least the readable slot wide', () => {
    const layout = unrolledLayout({
      rows: [row(100)],
      window: { start: 40, end: 60 },
      width: 1280,
      hasCellState: false,
      readout: 'step'
    });
    expect(layout.cells.map((c) => c.t)).toEqual(Array.from({ length: 20 }, (_, i) => 40 + i));
    expect(layout.slot).toBeGreaterThanOrEqual(UNROLLED.minSlot);
    for (const c of layout.cells) {
      expect(c.x).toBeGreaterThanOrEqual(UNROLLED.margin.left);
      expect(c.x + c.width).toBeLessThanOrEqual(1280 - UNROLLED.margin.right);
    }
    // 20 steps: 19 arrows inside and one at each edge, drawn up to the window frame.
    expect(layout.hArrows.length).toBe(21);
    const edges = layout.hArrows.filter((a) => a.edge);
    expect(edges.map((a) => a.t)).toEqual([39, 59]);
    expect(edges[0].x1).toBe(layout.left);
    expect(edges[1].x2).toBe(layout.right);
  });

  it('short sequences are centred, not stretched', () => {
    const layout = unrolledLayout({
      rows: [row(3)],
      window: { start: 0, end: 3 },
      width: 1280,
      hasCellState: false,
      readout: 'step'
    });
    expect(layout.slot).toBe(UNROLLED.maxSlot);
    expect(layout.left + layout.right).toBeCloseTo(
      UNROLLED.margin.left + 1280 - UNROLLED.margin.right
    );
  });

  it.each([
    ['step', [false], [0, 1, 2, 3, 4]],
    ['mean', [false], [0, 1, 2, 3, 4]],
    ['last', [false], [4]],
    ['last', [false, true], [0, 4]]
  ] as const)('readout %s, top-layer directions %j: outputs at %j', (readout, dirs, steps) => {
    const layout = unrolledLayout({
      rows: dirs.map((reverse) => row(5, reverse)),
      window: { start: 0, end: 5 },
      width: 1280,
      hasCellState: false,
      readout
    });
    expect(layout.outputs.map((o) => o.t)).toEqual(steps);
  });

  it('rows of different lengths (encoder, decoder) draw only their own steps', () => {
    const layout = unrolledLayout({
      rows: [row(6), { suffix: 'decoder.l0', layer: 1, reverse: false, steps: 3 }],
      window: { start: 0, end: 6 },
      width: 1280,
      hasCellState: false,
      readout: 'step'
    });
    expect(layout.cells.filter((c) => c.row === 1).map((c) => c.t)).toEqual([0, 1, 2]);
    expect(layout.hArrows.filter((a) => a.row === 1).length).toBe(2);
    expect(layout.links.map((l) => l.t)).toEqual([0, 1, 2]);
  });

  it('LSTM c arrows run above the h arrows', () => {
    const layout = unrolledLayout({
      rows: [row(3)],
      window: { start: 0, end: 3 },
      width: 800,
      hasCellState: true,
      readout: 'step'
    });
    expect(layout.cArrows[0].y1).toBeLessThan(layout.hArrows[0].y1);
  });
});

describe('arrow path', () => {
  it('a horizontal arrow: shaft of the given width, tip at the end', () => {
    const d = arrowPath({ x1: 0, y1: 10, x2: 40, y2: 10 }, 4);
    expect(d.startsWith('M0,12L')).toBe(true);
    expect(d).toContain('L40,10L');
    expect(d.endsWith('L0,8Z')).toBe(true);
  });

  it('points the way it goes (right to left) and is empty for zero length', () => {
    const d = arrowPath({ x1: 40, y1: 0, x2: 0, y2: 0 }, 2);
    expect(d).toContain('L0,0L');
    expect(arrowPath({ x1: 1, y1: 1, x2: 1, y2: 1 }, 2)).toBe('');
  });
});

describe('gradient log scale', () => {
  it.each([
    // norms → log10 extent
    [[[1, 10, 100]], [0, 2]],
    [[[0, -1, NaN, Infinity, 1e-3]], [-3, -3]],
    [[[0, 0]], null],
    [
      [[2], [2e-4, 0]],
      [Math.log10(2e-4), Math.log10(2)]
    ]
  ])('extent of %j is %j', (series, extent) => {
    const result = logExtent(series.map((s) => Float32Array.from(s)));
    if (extent === null) expect(result).toBeNull();
    else {
      expect(result![0]).toBeCloseTo(extent[0], 5);
      expect(result![1]).toBeCloseTo(extent[1], 5);
    }
  });

  const vanishing = Float32Array.from({ length: 20 }, (_, t) => 0.7 ** (19 - t));

  it('widths grow with log norm, from the thinnest at the smallest to the thickest at the largest', () => {
    const scale = gradientScale([vanishing]);
    const widths = Array.from(vanishing, (v) => scale.width(v));
    for (let t = 1; t < 20; t++) expect(widths[t]).toBeGreaterThan(widths[t - 1]);
    expect(widths[0]).toBeCloseTo(ARROW_WIDTH.min);
    expect(widths[19]).toBeCloseTo(ARROW_WIDTH.max);
    // Equal steps in log norm are equal steps in width.
    expect(widths[2] - widths[1]).toBeCloseTo(widths[12] - widths[11]);
  });

  it.each([
    // norm → position on the scale of [1e-4, 1]
    [0, 0],
    [-5, 0],
    [1e-9, 0],
    [1e-4, 0],
    [1e-2, 0.5],
    [1, 1],
    [1e6, 1],
    [Infinity, 1],
    [NaN, 1]
  ])('norm %d sits at %d (zeros, negatives and non-finite are safe)', (norm, position) => {
    const scale = gradientScale([], { domain: [1e-4, 1] });
    expect(scale.position(norm)).toBeCloseTo(position);
    expect(Number.isFinite(scale.width(norm))).toBe(true);
    expect(scale.colour(norm)).toMatch(/^rgb\(/);
  });

  it('near-equal norms draw mid-width; a huge range keeps the top 12 decades', () => {
    const flat = gradientScale([Float32Array.of(0.5, 0.5, 0.5)]);
    expect(flat.position(0.5)).toBeCloseTo(0.5);
    const wide = gradientScale([Float64Array.of(1e-30, 1e-10, 1)]);
    expect(wide.domain[0]).toBeCloseTo(1e-12, 20);
    expect(wide.position(1e-30)).toBe(0);
    expect(wide.position(1e-6)).toBeCloseTo(0.5);
  });

  it('no positive norm at all: a default domain, every width finite', () => {
    const scale = gradientScale([Float32Array.of(0, 0, NaN)]);
    expect(scale.domain).toEqual([0.1, 1]);
    expect(scale.width(0)).toBe(ARROW_WIDTH.min);
  });

  it('colour darkens and opacity rises with the norm', () => {
    const scale = gradientScale([], { domain: [1e-3, 1] });
    const lightness = (c: string) =>
      c
        .match(/\d+/g)!
        .map(Number)
        .reduce((a, b) => a + b);
    expect(lightness(scale.colour(1))).toBeLessThan(lightness(scale.colour(1e-3)));
    expect(scale.opacity(1)).toBeGreaterThan(scale.opacity(1e-3));
  });

  it('ticks at whole decades inside the domain', () => {
    expect(gradientScale([], { domain: [3e-4, 20] }).ticks()).toEqual([1e-3, 1e-2, 1e-1, 1, 10]);
  });

  it('an arrow not reached by the backward walk is neutral; a reached one takes its width', () => {
    const scale = gradientScale([], { domain: [1e-3, 1] });
    expect(arrowLook(scale, 1, 0)).toEqual({
      width: ARROW_WIDTH.neutral,
      colour: NEUTRAL_ARROW_COLOUR,
      opacity: 1
    });
    expect(arrowLook(scale, 1, 1).width).toBeCloseTo(ARROW_WIDTH.max);
    expect(arrowLook(scale, 1e-3, 1).width).toBeCloseTo(ARROW_WIDTH.min);
    expect(arrowLook(scale, 1, 0.5).width).toBeCloseTo((ARROW_WIDTH.neutral + ARROW_WIDTH.max) / 2);
  });
});

describe('animation', () => {
  const T = 5;

  it.each([
    // position, t → fill (forward row)
    [0, 0, 0],
    [0.5, 0, 0.5],
    [1, 0, 1],
    [2.25, 2, 0.25],
    [2.25, 3, 0],
    [10, 4, 1]
  ])('forward walk at %d fills cell %i by %d', (position, t, fill) => {
    expect(cellFill(position, t, T, false)).toBeCloseTo(fill);
    // A reverse row fills the mirrored cell.
    expect(cellFill(position, T - 1 - t, T, true)).toBeCloseTo(fill);
  });

  it.each([
    // position, t (arrow of h_t) → reveal (forward row)
    [5, 3, 0],
    [5.5, 3, 0.5],
    [6, 3, 1],
    [6, 2, 0],
    [8, 0, 0],
    [8.5, 0, 0.5],
    [9, 0, 1],
    [4, 3, 0]
  ])('backward walk at %d reveals the arrow of h_%i by %d', (position, t, reveal) => {
    expect(arrowReveal(position, t, T, false)).toBeCloseTo(reveal);
    expect(arrowReveal(position, T - 1 - t, T, true)).toBeCloseTo(reveal);
  });

  it('at the end of the timeline every cell is filled and every arrow revealed', () => {
    const end = timelineEnd(T);
    for (let t = 0; t < T; t++) {
      expect(cellFill(end, t, T, false)).toBe(1);
      expect(arrowReveal(end, t, T, false)).toBe(1);
      expect(arrowReveal(end, t, T, true)).toBe(1);
    }
  });

  it.each([
    [0, false, 'forward', 0],
    [4.9, false, 'forward', 4],
    [4.9, true, 'forward', 0],
    [5, false, 'backward', 4],
    [9.5, false, 'backward', 0],
    [9.5, true, 'backward', 4],
    [10, false, 'done', null]
  ])('head at %d (reverse %s): %s on step %s', (position, reverse, phase, t) => {
    expect(animationHead(position, T, reverse)).toEqual({ phase, t });
  });
});

describe('states and overview', () => {
  it('state RMS per step over the units', () => {
    const rms = stateRms(Float32Array.of(3, 4, 0, 0, -1, 1), 3, 2);
    expect(Array.from(rms)).toEqual([Math.sqrt(12.5), 0, 1].map((v) => Math.fround(v)));
  });

  it('overview area: a point per step, taller for larger norms', () => {
    const scale = gradientScale([], { domain: [1e-2, 1] });
    const d = overviewArea(Float32Array.of(1e-2, 1), scale, 0, 100, 20);
    expect(d).toMatch(/^M25,18L75,2L75,20L25,20Z$/);
  });
});
