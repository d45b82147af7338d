/**
 * Train in Node with the explorer's own config codec and engine, then write a run file.
 *
 *   npm run experiment -- '<url hash>' --steps N --out run.json [--backend cpu|wasm] [--every K]
 *
 * N = 0 writes the untrained network. The run file's batch is batch number N of the task's seeded
 * stream (the one the next step would train on); docs/run-format.md describes the file.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeHash, describeConfig } from '../src/lib/config';
import { useNodeBackend } from '../src/lib/engine/node-backend';
import { Trainer } from '../src/lib/engine/trainer';
import type { StepReport } from '../src/lib/engine/trainer';
import { windowPlan } from '../src/lib/session/core';
import { buildRunFile } from '../src/lib/session/runfile';
import { trainingSpec } from '../src/lib/tasks';
import { runEchoStateNetwork } from '../src/lib/tasks/esn';

const USAGE = `usage: npm run experiment -- '<url hash>' [--steps N] [--out run.json] [--backend cpu|wasm] [--every K]
  e.g. npm run experiment -- 'cell=lstm&hidden=32&T=50&seed=1' --steps 200 --out run.json`;

function fail(message: string): never {
  console.error(`experiment: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        steps: { type: 'string', default: '100' },
        out: { type: 'string' },
        backend: { type: 'string' },
        every: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 1) fail('give the config as one quoted URL hash.');
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps < 0)
    fail(`--steps must be a whole number ≥ 0, not "${values.steps}".`);
  const every =
    values.every === undefined ? Math.max(1, Math.ceil(steps / 20)) : Number(values.every);
  if (!Number.isInteger(every) || every < 1)
    fail(`--every must be a whole number ≥ 1, not "${values.every}".`);

  const { config, notices } = decodeHash(positionals[0] ?? '');
  for (const n of notices) console.warn(`notice: ${n.message}`);
  if (config.task === 'esn') return echoStateNetwork(config, positionals[0] ?? '', values.out);
  const { task, spec, notices: taskNotices } = trainingSpec(config);
  for (const n of taskNotices) console.warn(`notice: ${n.message}`);
  const requested = (values.backend ??
    (config.backend === 'auto' ? 'cpu' : config.backend)) as typeof config.backend;
  if (!['cpu', 'wasm'].includes(requested))
    fail(`in Node the backend is cpu or wasm, not "${requested}".`);
  const backend = await useNodeBackend(requested);
  console.log(`${describeConfig(config)} · task ${task.name} · backend ${backend.active}`);

  const trainer = Trainer.create(spec);
  for (const note of trainer.notes) console.warn(`notice: ${note.message}`);
  const history: StepReport[] = [];
  const started = performance.now();
  for (let i = 0; i < steps; i++) {
    // The same windows as the explorer's session: a stream carries the state, shuffled does not.
    const plan = windowPlan(config.windows, config.seed, i);
    const report = await trainer.train(
      task.batch(config.seed, plan.index, config.seqLength, config.batchSize, config.windows),
      { stateful: plan.stateful }
    );
    history.push(report);
    if (report.nonFinite) {
      console.error(`step ${i + 1}: stopped, ${report.nonFinite.message} No update was made.`);
      break;
    }
    if ((i + 1) % every === 0 || i === steps - 1)
      console.log(
        `step ${String(report.step).padStart(5)}  loss ${report.loss.toExponential(4)}  |g| ${report.gradNormBefore.toExponential(3)}${report.clipped ? ' (clipped)' : ''}`
      );
  }
  const seconds = (performance.now() - started) / 1000;
  if (steps > 0)
    console.log(
      `${history.length} steps in ${seconds.toFixed(1)} s (${((1000 * seconds) / Math.max(1, history.length)).toFixed(1)} ms/step)`
    );

  const batchIndex = trainer.updates;
  const batch = task.batch(
    config.seed,
    batchIndex,
    config.seqLength,
    config.batchSize,
    config.windows
  );
  const run = await buildRunFile({
    config,
    spec,
    task: task.name,
    trainer,
    batch,
    batchIndex,
    history
  });
  console.log(
    `loss on batch ${batchIndex}: ${run.forward.loss.toExponential(4)}  |dL/dθ| ${run.gradNorm.toExponential(3)}`
  );
  if (values.out) {
    writeFileSync(values.out, JSON.stringify(run));
    console.log(`wrote ${values.out}`);
  }
  trainer.dispose();
  if (history.some((r) => r.nonFinite)) process.exitCode = 1;
}

/**
 * The echo state network is not trained by gradients: its fixed reservoir runs over the
 * Mackey–Glass series and its readout is solved in closed form (ridge regression).
 */
function echoStateNetwork(
  config: Parameters<typeof runEchoStateNetwork>[0],
  out: string | undefined
) {
  const started = performance.now();
  const run = runEchoStateNetwork(config);
  for (const n of run.notices) console.warn(`notice: ${n.message}`);
  const s = run.settings;
  console.log(
    `echo state network · ${s.hidden} units · ρ=${s.spectralRadius} · leak ${s.leakRate} · input scaling ${s.inputScaling} · ridge ${s.ridge}`
  );
  console.log(
    `test NRMSE ${run.nrmse.toExponential(3)} (train ${run.trainNrmse.toExponential(3)})`
  );
  for (const b of run.baselines) console.log(`  ${b.label}: NRMSE ${b.nrmse.toExponential(3)}`);
  const distance = run.echoStateDistance;
  console.log(
    `echo state property: two initial states end ${distance[distance.length - 1].toExponential(2)} apart after ${distance.length} steps`
  );
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (out) {
    const plain = JSON.parse(
      JSON.stringify(run, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))
    );
    writeFileSync(
      out,
      JSON.stringify({ format: 'rnn-explorer/esn-run', version: 1, hash, ...plain })
    );
    console.log(`wrote ${out}`);
  }
}

main().catch((error) => {
  console.error(`experiment: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
