/**
 * The panels' tables and their CSV: every table of a real session's snapshot (LSTM and vanilla,
 * bidirectional, on the cpu backend in Node) parses back from its CSV to the same numbers, with
 * the number of rows T and H call for; the unit × time layout put where it says; the headers name
 * the units and the steps; file names carry the panel, the config and the step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, decodeHash } from '$lib/config';
import { useNodeBackend } from '$lib/engine/node-backend';
import { PANELS } from '$lib/explorer.svelte';
import { SessionCore } from '$lib/session/core';
import type { DirectionView, Snapshot, View } from '$lib/session/snapshot';
import {
  configStem,
  exportFileName,
  gatesTable,
  gradientFlowTable,
  gradientHistoryTable,
  lossTable,
  panelTable,
  predictionTable,
  spectrumTable,
  unrolledTable
} from './panel-data';
import { csvField, displayCell, parseCsv, toCsv, type DataTable } from './table';

/** A session's snapshot after `steps` updates. */
async function snapshotOf(hash: string, steps: number): Promise<Snapshot> {
  const core = new SessionCore({ selectBackend: (name) => useNodeBackend(name) });
  await core.init(hash);
  const snapshot = await core.step(steps);
  await core.dispose();
  return snapshot;
}

/** The CSV of a table, read back: header and rows of numbers (or text, or null for empty). */
function roundTrip(table: DataTable): { header: string[]; rows: (number | string | null)[][] } {
  const [header, ...lines] = parseCsv(toCsv(table));
  return {
    header,
    rows: lines.map((line, r) =>
      line.map((field, c) => {
        if (field === '') return null;
        return typeof table.rows[r][c] === 'number' ? Number(field) : field;
      })
    )
  };
}

/** Every number of the CSV equals the table's, and reads back as the snapshot's float32. */
function expectExactCsv(table: DataTable) {
  const { header, rows } = roundTrip(table);
  expect(header).toEqual(table.columns);
  expect(rows).toEqual(table.rows);
}

const LSTM = 'cell=lstm&hidden=5&T=7&batch=3&bidir=1&seed=4&backend=cpu';
const RNN = 'cell=rnn&hidden=4&layers=2&T=6&batch=2&seed=8&task=adding&backend=cpu';

let lstm: Snapshot;
let rnn: Snapshot;

beforeAll(async () => {
  await useNodeBackend('cpu');
  lstm = await snapshotOf(LSTM, 3);
  rnn = await snapshotOf(RNN, 4);
});

describe('CSV', () => {
  it('quotes what needs quoting and reads it back', () => {
    const table = {
      columns: ['a, b', 'say "hi"', 'plain'],
      rows: [
        ['x\ny', 1.5, null],
        [-0, NaN, Infinity],
        ['', -Infinity, 1e-30]
      ]
    };
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    const text = toCsv(table);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(text);
    expect(parsed).toEqual([
      ['a, b', 'say "hi"', 'plain'],
      ['x\ny', '1.5', ''],
      ['0', 'NaN', 'Infinity'],
      ['', '-Infinity', '1e-30']
    ]);
    expect(parsed[2].map(Number).slice(1)).toEqual([NaN, Infinity]);
    // LF line ends read the same.
    expect(parseCsv('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2']
    ]);
  });

  it('shows numbers to a person with 4 significant digits and a real minus', () => {
    expect(displayCell(0.123456)).toBe('0.1235');
    expect(displayCell(-2.5e-7)).toBe('−2.500e−7');
    expect(displayCell(12)).toBe('12');
    expect(displayCell(null)).toBe('—');
    expect(displayCell(Infinity)).toBe('∞');
  });
});

describe('panel tables', () => {
  it('gradient flow: D·T rows, the snapshot’s norms to the last bit, the theory line', () => {
    const view = lstm.view!;
    const table = gradientFlowTable(view);
    expect(view.directions.map((d) => d.suffix)).toEqual(['l0', 'l0_reverse']);
    expect(table.rows).toHaveLength(2 * 7);
    expect(table.columns.slice(0, 4)).toEqual([
      'layer/direction',
      'time step t',
      '||dL/dh_t|| (Frobenius over batch)',
      '||dL/dc_t|| (Frobenius over batch)'
    ]);
    expectExactCsv(table);
    const { rows } = roundTrip(table);
    for (const [i, d] of view.directions.entries())
      for (let t = 0; t < 7; t++) {
        const row = rows[i * 7 + t];
        expect(row.slice(0, 2)).toEqual([d.suffix, t]);
        // Read as float32, each number is exactly the snapshot's.
        expect(Math.fround(row[2] as number)).toBe(d.gradNormPerStep[t]);
        expect(Math.fround(row[3] as number)).toBe(d.cellGradNormPerStep![t]);
        expect(Math.fround(row[6] as number)).toBe(d.jacobianNorm[t]);
      }
    // The theory line of the forward direction: ρ^(T−1−t)·‖dL/dh_{T−1}‖.
    const forward = view.directions[0];
    const rho = Math.max(...forward.eigenvalues.map((e) => e.spectralRadius));
    expect(rows[0][4] as number).toBeCloseTo(forward.gradNormPerStep[6] * rho ** 6, 4);
  });

  it('gates: unit × time per quantity, the value of unit j at step t in row j, column t', () => {
    const view = lstm.view!;
    const table = gatesTable(view);
    // h, c, i, f, g, o per direction, 5 units each; 7 time steps.
    expect(table.rows).toHaveLength(2 * 6 * 5);
    expect(table.columns).toEqual([
      'layer/direction',
      'quantity',
      'unit j',
      ...Array.from({ length: 7 }, (_, t) => `t=${t}`)
    ]);
    expectExactCsv(table);
    const { rows } = roundTrip(table);
    const reverse = view.directions[1];
    const forgetRows = rows.filter((r) => r[0] === 'l0_reverse' && r[1] === 'f (forget gate)');
    expect(forgetRows.map((r) => r[2])).toEqual([0, 1, 2, 3, 4]);
    for (let j = 0; j < 5; j++)
      for (let t = 0; t < 7; t++)
        expect(Math.fround(forgetRows[j][3 + t] as number)).toBe(reverse.gates.f[t * 5 + j]);
    // The vanilla cell: h and its pre-activation a, per layer.
    const vanilla = gatesTable(rnn.view!);
    expect(vanilla.rows).toHaveLength(2 * 2 * 4);
    expect(new Set(vanilla.rows.map((r) => r[1]))).toEqual(
      new Set(['h (hidden state)', 'a (pre-activation)'])
    );
  });

  it('gates: a hand-made trace lands where the layout says', () => {
    const T = 3;
    const H = 2;
    const h = Float32Array.from({ length: T * H }, (_, k) => 100 * Math.floor(k / H) + (k % H));
    const direction = {
      suffix: 'l0',
      layer: 0,
      reverse: false,
      h,
      gates: {},
      pre: { a: h },
      hNorm: new Float32Array(T),
      gradNormPerStep: new Float32Array(T),
      jacobianNorm: new Float32Array(T),
      eigenvalues: []
    } satisfies DirectionView;
    const view = { ...rnn.view!, H, directions: [direction] } as View;
    const table = gatesTable(view);
    expect(table.rows[0]).toEqual(['l0', 'h (hidden state)', 0, 0, 100, 200]);
    expect(table.rows[1]).toEqual(['l0', 'h (hidden state)', 1, 1, 101, 201]);
  });

  it('spectrum: every eigenvalue of every block, D·G·H rows, moduli and ρ agree', () => {
    const table = spectrumTable(lstm.view!);
    expect(table.rows).toHaveLength(2 * 4 * 5);
    expectExactCsv(table);
    for (const row of table.rows) {
      const [re, im, modulus, rho] = row.slice(3) as number[];
      expect(modulus).toBeCloseTo(Math.hypot(re, im), 12);
      expect(modulus).toBeLessThanOrEqual(rho + 1e-12);
    }
    const blocks = new Set(table.rows.map((r) => `${r[0]} ${r[1]}`));
    expect(blocks.size).toBe(8);
    expect(blocks).toContain('l0 f (forget gate)');
  });

  it('unrolled: state and gradient norms per layer/direction and step', () => {
    const table = unrolledTable(rnn.view!);
    expect(table.rows).toHaveLength(2 * 6);
    expect(table.columns).toEqual([
      'layer/direction',
      'time step t',
      '||h_t|| (Frobenius over batch)',
      '||dL/dh_t|| (Frobenius over batch)'
    ]);
    expectExactCsv(table);
    expect(table.rows.map((r) => r[0])).toEqual([...Array(6).fill('l0'), ...Array(6).fill('l1')]);
  });

  it('loss and gradient norm: one row per update, the training steps named', () => {
    const table = lossTable(rnn);
    expect(table.columns).toEqual(['training step', 'steps averaged', 'loss (mean)']);
    expect(table.rows.map((r) => r[0])).toEqual([1, 2, 3, 4]);
    expect(table.rows.every((r) => r[1] === 1)).toBe(true);
    const { rows } = roundTrip(table);
    expect(rows.map((r) => Math.fround(r[2] as number))).toEqual(Array.from(rnn.lossHistory));
    expect(table.caption).toMatch(/Reference losses: .*0\.1/);
    const config = decodeHash(RNN).config;
    const norms = panelTable('grad-norm', { snapshot: rnn, config })!;
    expect(norms.rows.map((r) => Math.fround(r[2] as number))).toEqual(
      Array.from(rnn.gradNormHistory)
    );
    expect(norms.caption).toMatch(/Clipped to norm 1\./);
  });

  it('loss: a decimated history says how many steps each row averages', () => {
    const snapshot = {
      ...rnn,
      step: 7,
      historyStride: 2,
      lossHistory: Float32Array.of(4, 3, 2, 1)
    };
    expect(lossTable(snapshot).rows).toEqual([
      [2, 2, 4],
      [4, 2, 3],
      [6, 2, 2],
      [7, 1, 1]
    ]);
  });

  it('gradient history: one row per kept training step, one column per time step', () => {
    const rows = [
      { step: 1, values: Float32Array.of(0.1, 0.2, 0.3) },
      { step: 5, values: Float32Array.of(1, 2, 3) }
    ];
    const table = gradientHistoryTable(rows, 'l0');
    expect(table.columns).toEqual(['training step', 't=0', 't=1', 't=2']);
    expect(table.rows).toEqual([
      [1, 0.1, 0.2, 0.3],
      [5, 1, 2, 3]
    ]);
    expect(table.caption).toMatch(/\(l0\)/);
    expectExactCsv(table);
  });

  it('prediction: the series per step, the classes, the tokens, the text', () => {
    const series = panelTable('prediction', { snapshot: lstm, config: decodeHash(LSTM).config })!;
    const prediction = lstm.view!.prediction;
    expect(prediction.kind).toBe('series');
    if (prediction.kind !== 'series') return;
    expect(series.columns).toEqual(['time step t', 'input', 'target', 'output']);
    expect(series.rows).toHaveLength(
      Math.max(prediction.input.length, prediction.target.length, prediction.output.length)
    );
    expectExactCsv(series);
    // The adding problem answers once: its label view.
    const answer = panelTable('prediction', { snapshot: rnn, config: decodeHash(RNN).config })!;
    expect(rnn.view!.prediction.kind).toBe('label');
    expect(answer.columns).toEqual(['sequence', 'target', 'output']);
    expect(answer.rows).toHaveLength(1);

    const label = predictionTable(
      {
        kind: 'label',
        sequence: '0110',
        target: '0',
        output: '1',
        classes: ['0', '1'],
        probabilities: [0.25, 0.75]
      },
      { step: 3 }
    );
    expect(label.rows).toEqual([
      ['0', 0.25],
      ['1', 0.75]
    ]);
    const tokens = predictionTable(
      { kind: 'tokens', input: ['a', 'b'], target: ['b', 'a'], output: ['b', 'b'] },
      { step: 3 }
    );
    expect(tokens.rows.map((r) => r[4])).toEqual(['yes', 'no']);
    const text = predictionTable({ kind: 'text', seed: 'The', text: ' cat, "sat"' }, { step: 9 });
    expect(parseCsv(toCsv(text))[1]).toEqual(['The', ' cat, "sat"']);
  });

  it('every panel has a table with a caption, headers and rows of the headers’ width', () => {
    const config = decodeHash(LSTM).config;
    const history = [{ step: 3, values: lstm.last!.perStep[0].gradNormPerStep }];
    for (const panel of PANELS) {
      const table = panelTable(panel.id, { snapshot: lstm, config, history });
      expect(table, panel.id).not.toBeNull();
      expect(table!.caption.length, panel.id).toBeGreaterThan(20);
      expect(table!.rows.length, panel.id).toBeGreaterThan(0);
      for (const row of table!.rows) expect(row, panel.id).toHaveLength(table!.columns.length);
    }
    // Before the session has shown anything, there is nothing to tabulate.
    expect(panelTable('gates', { snapshot: null, config })).toBeNull();
  });
});

describe('file names', () => {
  it('carry the panel, the config and the step', () => {
    expect(configStem(DEFAULT_CONFIG)).toBe('rnn-tanh-h32-l1-T20-sine-seed1');
    const config = decodeHash(LSTM).config;
    expect(exportFileName('gradient-flow', config, 12, 'csv')).toBe(
      'rnn-explorer_gradient-flow_lstm-h5-l1-bi-T7-sine-seed4_step12.csv'
    );
  });
});
