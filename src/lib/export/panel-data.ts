/**
 * The numbers behind each panel of the explorer, as a {@link DataTable}: what the CSV download and
 * the "Table" view (the charts' text alternative) show. Pure functions of the snapshot the page
 * already has (plain typed arrays; never a tensor).
 *
 * Layouts, with T the sequence length, H the hidden units, D the layers × directions:
 * - gradient flow, unrolled: one row per layer/direction and time step (D·T rows);
 * - gate traces: one row per layer/direction, quantity (h, c, each gate) and unit, one column per
 *   time step (unit × time per gate);
 * - spectrum: one row per layer/direction, gate block and eigenvalue (D·G·H rows);
 * - gradient history: one row per kept training step, one column per time step;
 * - loss, gradient norm: one row per history point (each the mean of `steps averaged` updates);
 * - prediction: per task kind (time steps, classes, tokens, or the text).
 */
import type { Config } from '$lib/config';
import type { PanelId } from '$lib/explorer.svelte';
import { historySteps } from '$lib/explorer.svelte';
import type { DirectionView, Snapshot, View } from '$lib/session/snapshot';
import type { Prediction } from '$lib/tasks';
import { flowSeries } from '$lib/viz/gradient-flow';
import type { HistoryRow } from '$lib/viz/history-layout';
import { GATE_NAMES } from '$lib/viz/spectrum';
import { float32Value, type Cell, type DataTable } from './table';

/** What the panels' tables are made from. */
export interface PanelSources {
  snapshot: Snapshot | null;
  config: Config;
  /** The gradient history's rows (kept on the page, not in the snapshot). */
  history?: readonly HistoryRow[];
}

/** A float32 array's value at `i` in its shortest round-trip form; null past its end. */
const at = (values: ArrayLike<number> | undefined, i: number): Cell =>
  values && i < values.length ? float32Value(values[i]) : null;

/** `t=0`, `t=1`, … column headers for T time steps. */
export const timeColumns = (T: number): string[] => Array.from({ length: T }, (_, t) => `t=${t}`);

/** Time steps of a direction (its own length: an encoder's T and a decoder's T_out differ). */
const stepsOf = (d: DirectionView) => d.gradNormPerStep.length;

/** The view's batch item, said once in every caption that shows it. */
const itemNote = (view: View) => `batch item ${view.batchItem} of ${view.B}`;

/**
 * ‖dL/dh_t‖ and ‖dL/dc_t‖ per layer/direction and time step, with the chart's overlays: the
 * linear-RNN theory ρ^(T−t)·‖dL/dh_T‖, the bound from the Jacobian norms, and ‖∂h_t/∂h_{t−1}‖₂.
 */
export function gradientFlowTable(view: View): DataTable {
  const series = flowSeries(view.directions);
  const lstm = series.some((s) => s.cellGrad);
  const rows: Cell[][] = [];
  for (const s of series) {
    for (let t = 0; t < s.grad.length; t++) {
      rows.push([
        s.suffix,
        t,
        at(s.grad, t),
        ...(lstm ? [at(s.cellGrad, t)] : []),
        s.theory[t],
        s.bound[t],
        at(s.jacobian, t)
      ]);
    }
  }
  return {
    caption:
      `Gradient flow back through time after ${view.step} training steps, on the display batch ` +
      `(${view.B} sequences): per layer/direction and time step, the norm of the loss gradient ` +
      `with respect to the hidden state (Frobenius, over the batch), the theory line ` +
      `ρ^(T−t)·‖dL/dh_T‖ (ρ: spectral radius of W_hh), the bound from the Jacobian norms, and ` +
      `the norm of the recurrent Jacobian ‖∂h_t/∂h_t−1‖₂ (${itemNote(view)}).`,
    columns: [
      'layer/direction',
      'time step t',
      '||dL/dh_t|| (Frobenius over batch)',
      ...(lstm ? ['||dL/dc_t|| (Frobenius over batch)'] : []),
      'theory rho^(T-t)*||dL/dh_T||',
      'bound ||dL/dh_T||*prod ||dh_s/dh_s-1||',
      '||dh_t/dh_t-1|| (spectral norm, batch item)'
    ],
    rowHeaders: 2,
    rows
  };
}

/** The unrolled network's numbers: state and gradient norms per layer/direction and time step. */
export function unrolledTable(view: View): DataTable {
  const lstm = view.directions.some((d) => d.cNorm);
  const rows: Cell[][] = [];
  for (const d of view.directions) {
    for (let t = 0; t < stepsOf(d); t++) {
      rows.push([
        d.suffix,
        t,
        at(d.hNorm, t),
        ...(lstm ? [at(d.cNorm, t)] : []),
        at(d.gradNormPerStep, t),
        ...(lstm ? [at(d.cellGradNormPerStep, t)] : [])
      ]);
    }
  }
  return {
    caption:
      `The unrolled network after ${view.step} training steps, on the display batch ` +
      `(${view.B} sequences): per layer/direction and time step, the norms of the states and of ` +
      `the loss gradient with respect to them (Frobenius, over the batch).`,
    columns: [
      'layer/direction',
      'time step t',
      '||h_t|| (Frobenius over batch)',
      ...(lstm ? ['||c_t|| (Frobenius over batch)'] : []),
      '||dL/dh_t|| (Frobenius over batch)',
      ...(lstm ? ['||dL/dc_t|| (Frobenius over batch)'] : [])
    ],
    rowHeaders: 2,
    rows
  };
}

/** Names of the gate-trace quantities, as the heatmaps label them. */
const TRACE_LABELS: Record<string, string> = {
  h: 'h (hidden state)',
  c: 'c (cell state)',
  a: 'a (pre-activation)',
  i: 'i (input gate)',
  f: 'f (forget gate)',
  g: 'g (candidate)',
  o: 'o (output gate)',
  r: 'r (reset gate)',
  z: 'z (update gate)',
  n: 'n (candidate)'
};

/**
 * The traces the gate heatmaps draw, unit × time per quantity: h, c (LSTM), the vanilla cell's
 * pre-activation a, and every gate's activation, for the shown batch item.
 */
export function gatesTable(view: View): DataTable {
  const T = Math.max(0, ...view.directions.map(stepsOf));
  const rows: Cell[][] = [];
  for (const d of view.directions) {
    const steps = stepsOf(d);
    const H = steps > 0 ? d.h.length / steps : view.H;
    const vanilla = Object.keys(d.gates).length === 0 && 'a' in d.pre;
    const traces: [string, Float32Array][] = [['h', d.h]];
    if (d.c) traces.push(['c', d.c]);
    if (vanilla) traces.push(['a', d.pre.a]);
    traces.push(...Object.entries(d.gates));
    for (const [name, values] of traces) {
      for (let j = 0; j < H; j++) {
        const row: Cell[] = [d.suffix, TRACE_LABELS[name] ?? name, j];
        for (let t = 0; t < T; t++) row.push(t < steps ? float32Value(values[t * H + j]) : null);
        rows.push(row);
      }
    }
  }
  return {
    caption:
      `Gates and states, unit × time, after ${view.step} training steps (${itemNote(view)} of ` +
      `the display batch): one row per layer/direction, quantity and hidden unit j, one column ` +
      `per time step t.`,
    columns: ['layer/direction', 'quantity', 'unit j', ...timeColumns(T)],
    rowHeaders: 3,
    rows
  };
}

/** Every eigenvalue of every gate block of every W_hh, with its modulus and the block's ρ. */
export function spectrumTable(view: View): DataTable {
  const rows: Cell[][] = [];
  for (const d of view.directions) {
    for (const block of d.eigenvalues) {
      for (let k = 0; k < block.re.length; k++) {
        rows.push([
          d.suffix,
          block.gate === 'a' ? 'W_hh' : `${block.gate} (${GATE_NAMES[block.gate] ?? block.gate})`,
          k,
          block.re[k],
          block.im[k],
          Math.hypot(block.re[k], block.im[k]),
          block.spectralRadius
        ]);
      }
    }
  }
  return {
    caption:
      `Eigenvalues λ of each gate block of the recurrent weights W_hh after ${view.step} ` +
      `training steps, per layer/direction: real and imaginary parts, modulus |λ|, and the ` +
      `block's spectral radius ρ = max |λ|.`,
    columns: [
      'layer/direction',
      'gate block',
      'eigenvalue k',
      'Re(lambda)',
      'Im(lambda)',
      '|lambda|',
      'spectral radius of block'
    ],
    rowHeaders: 3,
    rows
  };
}

/** The gradient history picture's numbers: ‖dL/dh_t‖ per kept training step and time step. */
export function gradientHistoryTable(rows: readonly HistoryRow[], label?: string): DataTable {
  const T = Math.max(0, ...rows.map((r) => r.values.length));
  return {
    caption:
      `Gradient history${label ? ` (${label})` : ''}: the norm ‖dL/dh_t‖ of the loss gradient ` +
      `with respect to the hidden state (Frobenius over the training batch), one row per kept ` +
      `training step (${rows.length} rows; older rows are thinned), one column per time step t.`,
    columns: ['training step', ...timeColumns(T)],
    rowHeaders: 1,
    rows: rows.map((r) => [r.step, ...Array.from({ length: T }, (_, t) => at(r.values, t))])
  };
}

/** Rows of a decimated training history: step, steps averaged, mean value. */
function historyRows(values: Float32Array, stride: number, step: number): Cell[][] {
  const steps = historySteps(values.length, stride, step);
  return steps.map((s, i) => [s, Math.min(stride, s - i * stride), float32Value(values[i])]);
}

/** The training loss history (with the task's reference losses in the caption). */
export function lossTable(snapshot: Snapshot): DataTable {
  const references = snapshot.baselines
    .filter((b) => b.loss !== undefined)
    .map((b) => `${b.label}: ${b.loss}`);
  return {
    caption:
      `Training loss over ${snapshot.step} training steps; each row is the mean over the steps ` +
      `averaged, ending at the training step shown.` +
      (references.length ? ` Reference losses: ${references.join('; ')}.` : ''),
    columns: ['training step', 'steps averaged', 'loss (mean)'],
    rowHeaders: 1,
    rows: historyRows(snapshot.lossHistory, snapshot.historyStride, snapshot.step)
  };
}

/** The global gradient norm history, before clipping (the clip threshold in the caption). */
export function gradNormTable(snapshot: Snapshot, config: Config): DataTable {
  const clip =
    config.clipping === 'norm'
      ? ` Clipped to norm ${config.clipThreshold}.`
      : config.clipping === 'value'
        ? ` Clipped by value at ±${config.clipThreshold}.`
        : ' No clipping.';
  return {
    caption:
      `Global gradient norm √(Σ ‖dL/dθ‖²) before clipping over ${snapshot.step} training ` +
      `steps; each row is the mean over the steps averaged, ending at the training step shown.` +
      clip,
    columns: ['training step', 'steps averaged', 'gradient norm before clipping (mean)'],
    rowHeaders: 1,
    rows: historyRows(snapshot.gradNormHistory, snapshot.historyStride, snapshot.step)
  };
}

/** The task's view of the shown batch item: per kind, its time steps, classes, tokens or text. */
export function predictionTable(
  prediction: Prediction,
  context: { step: number; metrics?: Record<string, number>; what?: string }
): DataTable {
  const metrics = Object.entries(context.metrics ?? {}).map(([k, v]) => `${k} ${v}`);
  const about =
    `${context.what ?? 'Prediction'} after ${context.step} training steps` +
    (metrics.length ? ` (on the display batch: ${metrics.join(', ')})` : '');
  switch (prediction.kind) {
    case 'series': {
      const n = Math.max(
        prediction.input.length,
        prediction.target.length,
        prediction.output.length
      );
      const value = (values: number[], i: number): Cell => (i < values.length ? values[i] : null);
      return {
        caption: `${about}: input, target and output per time step.`,
        columns: ['time step t', 'input', 'target', 'output'],
        rowHeaders: 1,
        rows: Array.from({ length: n }, (_, t) => [
          t,
          value(prediction.input, t),
          value(prediction.target, t),
          value(prediction.output, t)
        ])
      };
    }
    case 'label':
      if (prediction.classes.length === 0)
        return {
          caption: `${about}: the input sequence, the target and the network's answer.`,
          columns: ['sequence', 'target', 'output'],
          rowHeaders: 1,
          rows: [[prediction.sequence, prediction.target, prediction.output]]
        };
      return {
        caption:
          `${about}: sequence ${prediction.sequence}, target ${prediction.target}, answer ` +
          `${prediction.output}; the probability of each class.`,
        columns: ['class', 'probability'],
        rowHeaders: 1,
        rows: prediction.classes.map((c, i) => [c, prediction.probabilities[i] ?? null])
      };
    case 'tokens': {
      const n = Math.max(
        prediction.input.length,
        prediction.target.length,
        prediction.output.length
      );
      const token = (tokens: string[], i: number): Cell => (i < tokens.length ? tokens[i] : null);
      return {
        caption: `${about}: input, target and output token per position, and whether it is right.`,
        columns: ['position', 'input', 'target', 'output', 'right'],
        rowHeaders: 1,
        rows: Array.from({ length: n }, (_, i) => [
          i,
          token(prediction.input, i),
          token(prediction.target, i),
          token(prediction.output, i),
          i < prediction.output.length && i < prediction.target.length
            ? prediction.output[i] === prediction.target[i]
              ? 'yes'
              : 'no'
            : null
        ])
      };
    }
    case 'text':
      return {
        caption: `${about}: the text written from the prime.`,
        columns: ['prime', 'text'],
        rowHeaders: 1,
        rows: [[prediction.seed, prediction.text]]
      };
  }
}

/** The table of a panel, or null when it has nothing to show yet. */
export function panelTable(panel: PanelId, sources: PanelSources): DataTable | null {
  const { snapshot, config } = sources;
  const view = snapshot?.view ?? null;
  switch (panel) {
    case 'unrolled':
      return view ? unrolledTable(view) : null;
    case 'gradient-flow':
      return view ? gradientFlowTable(view) : null;
    case 'gradient-history':
      return gradientHistoryTable(sources.history ?? [], snapshot?.last?.perStep[0]?.suffix);
    case 'spectrum':
      return view ? spectrumTable(view) : null;
    case 'gates':
      return view ? gatesTable(view) : null;
    case 'loss':
      return snapshot ? lossTable(snapshot) : null;
    case 'grad-norm':
      return snapshot ? gradNormTable(snapshot, config) : null;
    case 'prediction': {
      if (snapshot?.reservoir)
        return predictionTable(snapshot.reservoir.prediction, {
          step: 0,
          metrics: { nrmse: snapshot.reservoir.nrmse },
          what: 'The echo state network’s one-step prediction on the test stretch'
        });
      const sample = config.task === 'chars' && snapshot?.sample ? snapshot.sample : null;
      const prediction = sample ?? view?.prediction;
      if (!prediction || !snapshot) return null;
      return predictionTable(prediction, { step: snapshot.step, metrics: view?.metrics });
    }
  }
}

/**
 * A short, file-name-safe description of a config: cell (and the vanilla cell's activation),
 * hidden units, layers, direction, T, task and seed, e.g. `lstm-h32-l1-T20-sine-seed1`.
 */
export function configStem(config: Config): string {
  const parts = [
    config.cell === 'rnn' ? `rnn-${config.activation}` : config.cell,
    `h${config.hidden}`,
    `l${config.layers}`,
    ...(config.bidirectional ? ['bi'] : []),
    `T${config.seqLength}`,
    config.task,
    `seed${config.seed}`
  ];
  return parts.join('-').replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** A download's file name: `rnn-explorer_<panel>_<config>_step<N>.<ext>`. */
export function exportFileName(
  panel: string,
  config: Config,
  step: number,
  extension: string
): string {
  const safe = panel.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `rnn-explorer_${safe}_${configStem(config)}_step${step}.${extension}`;
}
