/**
 * The live slider's per-event cost in Node, without tfjs: the work one ρ (or g²) input event does
 * in the worker once a drag has begun, i.e. rescale the copy of W_hh (`SliderPreview.scale`) and
 * measure the display batch with the fast pass (forward, loss, BPTT, norms) in the copy's reused
 * buffers, as `SliderPreview.measure` does.
 *
 *   npx tsx scripts/slider-bench.ts ['<url hash>'] [--events N] [--warmup N] [--no-simd]
 *
 * Default hash: the size, `cell=rnn&hidden=64&T=100&rho=1` (batch 16, the config's
 * default). Prints the least, median, p95 and largest wall time per event, and the median of the
 * process's CPU time per event (the steadier figure on a shared machine, though not immune to it).
 * `--no-simd`: the pass's products in plain JavaScript, as where WebAssembly SIMD is missing.
 */
import { parseArgs } from 'node:util';
import { decodeHash } from '../src/lib/config';
import { fastMeasure, FastWorkspace, SliderPreview } from '../src/lib/engine/fast';
import { initParameters } from '../src/lib/engine/init';
import { VIEW_BATCH_INDEX } from '../src/lib/session/core';
import { trainingSpec } from '../src/lib/tasks';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '30' },
    'no-simd': { type: 'boolean', default: false }
  }
});
const hash = positionals[0] ?? 'cell=rnn&hidden=64&T=100&rho=1';
const events = Math.max(1, Number(values.events));
const warmup = Math.max(0, Number(values.warmup));

const { config } = decodeHash(hash);
const { spec, task } = trainingSpec(config);
const { params } = initParameters(spec.network, spec.init);
const batch = task.batch(
  config.seed,
  VIEW_BATCH_INDEX,
  config.seqLength,
  config.batchSize,
  config.windows
);
const preview = SliderPreview.create(spec, params, batch);
if (!preview) throw new Error(`the fast pass does not cover ${hash}`);

// What `preview.measure()` does, with a workspace that may leave SIMD out.
const workspace = new FastWorkspace({ simd: !values['no-simd'] });
const simd = workspace.simd ? 'SIMD' : 'no SIMD';

// A drag sweeping the scale of W_hh between 0.8 and 1.2 times its initial value and back: each
// event multiplies by the ratio of the new scale to the previous one, as the session does.
let scale = 1;
function event(i: number): number {
  const next = 1 + 0.2 * Math.sin(i / 10);
  preview!.scaleRecurrent(next / scale);
  scale = next;
  return fastMeasure(spec, preview!.weights, batch, workspace).gradNorm;
}

let sink = 0;
for (let i = 0; i < warmup; i++) sink += event(i);
const wall: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < events; i++) {
  const used = process.cpuUsage();
  const started = performance.now();
  sink += event(warmup + i);
  wall.push(performance.now() - started);
  const { user, system } = process.cpuUsage(used);
  cpu.push((user + system) / 1000);
}
const at = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const { cell, hidden } = spec.network;
console.log(
  `slider event (scale W_hh + fast pass, ${simd}), ${cell} H=${hidden} T=${batch.T} B=${batch.B}, ` +
    `${events} events after ${warmup} warm-up: wall min ${at(wall, 0).toFixed(2)} ms, ` +
    `median ${at(wall, 0.5).toFixed(2)} ms, ` +
    `p95 ${at(wall, 0.95).toFixed(2)} ms, max ${Math.max(...wall).toFixed(2)} ms; ` +
    `CPU median ${at(cpu, 0.5).toFixed(2)} ms` +
    (Number.isFinite(sink) ? '' : ' (the gradient norm was not finite)')
);
