// `npm run bench [-- flags]`: ms per training step of the engine and of tf.layers, for the vanilla,
// LSTM and GRU cells at two sizes, on every tfjs backend headless Chromium offers here. Builds
// scripts/bench/ into .bench/ with Vite, serves it on localhost, drives it with Playwright and
// prints a markdown table; `--write` also puts the table into docs/performance.md.
//
// Flags:
//   --quick                  1 warm-up round, at most 5 timed rounds, 2 s per table cell
//   --backends=webgpu,wasm   backends to try (default webgpu,webgl,wasm,cpu)
//   --sizes=small,large      small: hidden 32, T 20, batch 16; large: hidden 128, T 100, batch 32
//   --cells=rnn,lstm,gru     cells to time
//   --budget=10              seconds per table cell, warm-up included (at least one timed step);
//                            a row's three cells are timed interleaved within 3 × this
//   --write                  replace the section "Training step: RNN Explorer vs tf.layers" in
//                            docs/performance.md with this run's table
//   --profile                instead of timing, profile one step of each (tf.profile): kernel
//                            launches, tensors uploaded from JS, kernel time where the backend has it
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { build } from 'vite';
import { findChromium, PLAYWRIGHT_CHROMIUM_ARGS } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, '.bench');
const DOC = join(ROOT, 'docs', 'performance.md');
const SECTION = 'Training step: RNN Explorer vs tf.layers';

const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'];
const SIZES = {
  small: { hidden: 32, steps: 20, batch: 16 },
  large: { hidden: 128, steps: 100, batch: 32 }
};
const CELLS = ['rnn', 'lstm', 'gru'];
const CELL_NAMES = { rnn: 'vanilla', lstm: 'LSTM', gru: 'GRU' };
/** What each column times (see scripts/bench/entry.ts, `BenchKind`). */
const KINDS = ['train', 'measure', 'layers'];

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    backends: { type: 'string', default: ALL_BACKENDS.join(',') },
    sizes: { type: 'string', default: Object.keys(SIZES).join(',') },
    cells: { type: 'string', default: CELLS.join(',') },
    budget: { type: 'string' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false }
  }
});
if (flags.help) {
  // The comment at the top of this file, without its slashes.
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  const header = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('//'))
  );
  console.log(header.map((line) => line.replace(/^\/\/ ?/, '')).join('\n'));
  process.exit(0);
}

/** Splits a comma list and checks every item against `allowed`. */
function list(value, allowed, flag) {
  const items = value.split(',').filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (unknown.length || !items.length) {
    console.error(`--${flag}: expected some of ${allowed.join(', ')}; got ${value}`);
    process.exit(2);
  }
  return items;
}

const backends = list(flags.backends, ALL_BACKENDS, 'backends');
const sizes = list(flags.sizes, Object.keys(SIZES), 'sizes');
const cells = list(flags.cells, CELLS, 'cells');
const budgetSeconds = Number(flags.budget ?? (flags.quick ? 2 : 10));
if (!(budgetSeconds > 0)) {
  console.error(`--budget: expected seconds > 0; got ${flags.budget}`);
  process.exit(2);
}
/** @type {import('./bench/entry').TimingBudget} */
const budget = flags.quick
  ? { warmupSteps: 1, maxSteps: 5, budgetMs: budgetSeconds * 1000 }
  : { warmupSteps: 3, maxSteps: 20, budgetMs: budgetSeconds * 1000 };
/** A row times its kinds interleaved, round by round, within their budgets together. */
const rowBudget = { ...budget, budgetMs: budget.budgetMs * KINDS.length };

const log = (/** @type {string} */ message) => process.stderr.write(`${message}\n`);
/** The first line of an error's message. */
const firstLine = (/** @type {unknown} */ error) =>
  String(error instanceof Error ? error.message : error).split('\n')[0];
const started = performance.now();
const loadAtStart = loadavg();

// 1. The page: scripts/bench/ built into .bench/.
log('bench: building scripts/bench/ into .bench/ …');
// The TypeScript configs extend .svelte-kit/tsconfig.json, which `svelte-kit sync` writes.
if (!existsSync(join(ROOT, '.svelte-kit', 'tsconfig.json'))) {
  const kit = createRequire(import.meta.url).resolve('@sveltejs/kit/package.json');
  execFileSync(process.execPath, [join(dirname(kit), 'svelte-kit.js'), 'sync'], {
    cwd: ROOT,
    stdio: 'inherit'
  });
}
await build({ configFile: join(ROOT, 'scripts', 'bench', 'vite.config.ts') });

// 2. A static server for it. WebGPU needs a secure context: the page is opened as http://localhost.
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json'
};
const server = createServer((request, response) => {
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
  const path = normalize(join(BUNDLE, pathname.endsWith('/') ? `${pathname}index.html` : pathname));
  if (!path.startsWith(BUNDLE + sep) || !existsSync(path)) {
    response.writeHead(404).end('not found');
    return;
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
    'cache-control': 'no-store'
  });
  response.end(readFileSync(path));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const url = `http://localhost:${typeof address === 'object' && address ? address.port : 0}/`;

// 3. Chromium with real WebGPU and WebGL2 on SwiftShader.
const browser = await chromium.launch({
  executablePath: findChromium(),
  headless: true,
  args: PLAYWRIGHT_CHROMIUM_ARGS
});
const chromiumVersion = browser.version();
log(`bench: Chromium ${chromiumVersion}, page ${url}, ${budgetSeconds} s per cell`);

/**
 * @typedef {import('./bench/entry').BackendInfo} BackendInfo
 * @typedef {import('./bench/entry').Timing} Timing
 * @typedef {import('./bench/entry').RowTiming} RowTiming
 * @typedef {import('./bench/entry').StepProfile} StepProfile
 * @typedef {{ backend: string, size: string, cell: string,
 *   timings: Partial<Record<string, Timing | { error: string }>>,
 *   profiles: Partial<Record<string, StepProfile | { error: string }>> }} Row
 */
/** @type {BackendInfo[]} */
const infos = [];
/** @type {Row[]} */
const rows = [];

try {
  for (const backend of backends) {
    const backendStarted = performance.now();
    const page = await browser.newPage();
    page.on('pageerror', (error) => log(`  [page error] ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') log(`  [console] ${message.text()}`);
    });
    await page.goto(url);
    await page.waitForFunction(() => 'bench' in window);
    /** @type {BackendInfo} */
    const info = await page.evaluate((name) => window.bench.init(name), backend);
    infos.push(info);
    if (!info.available) {
      log(`bench: ${backend} unavailable: ${info.reason}`);
      await page.close();
      continue;
    }
    log(`bench: ${backend}${info.details ? ` (${info.details})` : ''}`);
    for (const size of sizes) {
      for (const cell of cells) {
        /** @type {Row} */
        const row = { backend, size, cell, timings: {}, profiles: {} };
        rows.push(row);
        const shape = { cell, ...SIZES[size] };
        const rowStarted = performance.now();
        const seconds = () => ((performance.now() - rowStarted) / 1000).toFixed(1);
        const label = `  ${backend} ${size} ${cell}`;
        if (flags.profile) {
          for (const kind of KINDS) {
            try {
              /** @type {StepProfile} */
              const profile = await page.evaluate(
                ([k, s]) => window.bench.profile(k, s),
                /** @type {const} */ ([kind, shape])
              );
              row.profiles[kind] = profile;
              log(
                `${label} ${kind}: ${profile.kernels} kernels, ${profile.uploads} uploads ` +
                  `(${profile.scalarUploads} scalars) [${seconds()} s]`
              );
            } catch (error) {
              row.profiles[kind] = { error: firstLine(error) };
              log(`${label} ${kind}: failed: ${firstLine(error)}`);
            }
          }
          continue;
        }
        try {
          /** @type {RowTiming} */
          const result = await page.evaluate(
            ([s, b, k]) => window.bench.timeRow(s, b, k),
            /** @type {const} */ ([shape, rowBudget, KINDS])
          );
          row.timings = result.timings;
          const parts = KINDS.map((kind) => {
            const t = result.timings[kind];
            return t
              ? `${kind} ${t.medianMs.toFixed(1)} (min ${t.minMs.toFixed(1)}, first ${t.firstStepMs.toFixed(0)})`
              : `${kind} —`;
          });
          const first = result.timings[KINDS[0]];
          log(
            `${label}: ${parts.join(', ')} ms; ${first?.steps} rounds after ${first?.warmupSteps} ` +
              `warm-up` +
              (result.leakedTensorsPerRound
                ? `; ${result.leakedTensorsPerRound} tensors leaked per round`
                : '') +
              ` [${seconds()} s]`
          );
        } catch (error) {
          for (const kind of KINDS) row.timings[kind] = { error: firstLine(error) };
          log(`${label}: failed: ${firstLine(error)}`);
        }
      }
    }
    await page.close();
    log(`bench: ${backend} done in ${((performance.now() - backendStarted) / 1000).toFixed(0)} s`);
  }
} finally {
  await browser.close();
  server.close();
}

// 4. The table.
/**
 * Kernels that move no data on any backend (a reshape or identity only relabels a buffer) and op
 * wrappers that tf.profile records beside the kernels they run (`fusedMatMul__op`).
 */
const NOT_COMPUTE = /^(Reshape|Identity)$|__op$/;
if (flags.profile) {
  const out = [
    '| backend | hidden, T, batch | cell | what | kernels | of which compute | uploads (scalars) | kernel ms | wall ms | most launched compute kernels (count, ms) |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |'
  ];
  for (const row of rows) {
    const { hidden, steps, batch } = SIZES[row.size];
    for (const kind of KINDS) {
      const p = row.profiles[kind];
      const what = { train: 'ours: train', measure: 'ours: fwd+bwd', layers: 'tf.layers' }[kind];
      const lead = `| ${row.backend} | ${hidden}, ${steps}, ${batch} | ${CELL_NAMES[row.cell]} | ${what}`;
      if (!p || 'error' in p) {
        out.push(`${lead} | failed | | | | | ${p && 'error' in p ? p.error : ''} |`);
        continue;
      }
      const compute = p.byKernel.filter((k) => !NOT_COMPUTE.test(k.name));
      const top = [...compute]
        .sort((a, b) => b.count - a.count)
        .slice(0, 8)
        .map((k) => `${k.name} ${k.count}${k.ms === undefined ? '' : ` (${k.ms.toFixed(1)})`}`)
        .join(', ');
      out.push(
        `${lead} | ${p.kernels} | ${compute.reduce((n, k) => n + k.count, 0)} | ${p.uploads} (${p.scalarUploads}) | ${p.kernelMs === undefined ? '—' : p.kernelMs.toFixed(1)} | ` +
          `${p.wallMs.toFixed(1)} | ${top} |`
      );
    }
  }
  out.push(
    '',
    'Where the kernel time goes (kernel and input shapes: launches, ms), where the backend times kernels:',
    '',
    '| backend | hidden, T, batch | cell | what | longest kernels |',
    '| --- | --- | --- | --- | --- |'
  );
  for (const row of rows) {
    const { hidden, steps, batch } = SIZES[row.size];
    for (const kind of KINDS) {
      const p = row.profiles[kind];
      if (!p || 'error' in p || p.kernelMs === undefined) continue;
      const what = { train: 'ours: train', measure: 'ours: fwd+bwd', layers: 'tf.layers' }[kind];
      const slowest = p.slowest
        .slice(0, 6)
        .map((k) => `${k.name}: ${k.count}, ${k.ms?.toFixed(1)}`)
        .join('; ');
      out.push(
        `| ${row.backend} | ${hidden}, ${steps}, ${batch} | ${CELL_NAMES[row.cell]} | ${what} | ${slowest} |`
      );
    }
  }
  console.log(out.join('\n'));
  console.log(`Total run time: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  process.exit(0);
}

/** @param {Timing | { error: string } | undefined} timing */
function msCell(timing) {
  if (!timing) return '—';
  if ('error' in timing) return 'failed';
  const digits = timing.medianMs < 10 ? 2 : timing.medianMs < 100 ? 1 : 0;
  return `${timing.medianMs.toFixed(digits)} (${timing.steps})`;
}

/** @param {Row} row */
function ratio(row) {
  const ours = row.timings.train;
  const theirs = row.timings.layers;
  if (!ours || !theirs || 'error' in ours || 'error' in theirs) return undefined;
  return ours.medianMs / theirs.medianMs;
}

const header = [
  '| backend | hidden, T, batch | cell | ours: train step, ms | ours: forward + backward, ms | tf.layers trainOnBatch, ms | ours / tf.layers |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: |'
];
const lines = [...header];
for (const info of infos) {
  if (!info.available) {
    lines.push(`| ${info.requested} | — | — | unavailable: ${info.reason} | | | |`);
    continue;
  }
  for (const row of rows.filter((r) => r.backend === info.requested)) {
    const { hidden, steps, batch } = SIZES[row.size];
    const r = ratio(row);
    lines.push(
      `| ${row.backend} | ${hidden}, ${steps}, ${batch} | ${CELL_NAMES[row.cell]} | ` +
        `${msCell(row.timings.train)} | ${msCell(row.timings.measure)} | ` +
        `${msCell(row.timings.layers)} | ${r === undefined ? '—' : r.toFixed(2)} |`
    );
  }
}
const table = lines.join('\n');

const compared = rows.filter((row) => ratio(row) !== undefined);
const slower = compared.filter((row) => (ratio(row) ?? 0) > 1);
const notCompared = rows.length - compared.length;
const verdict =
  `Target "no slower than tf.layers on any backend": ` +
  (slower.length
    ? `NOT met in ${slower.length} of ${compared.length} rows compared (${slower
        .map(
          (row) => `${row.backend} ${row.size} ${CELL_NAMES[row.cell]} ×${ratio(row)?.toFixed(2)}`
        )
        .join('; ')})`
    : compared.length
      ? `met in every row compared (${compared.length})`
      : 'nothing compared') +
  (notCompared ? `; ${notCompared} rows not compared (a measurement failed).` : '.');
const totalSeconds = (performance.now() - started) / 1000;

console.log(table);
console.log('');
console.log(verdict);
console.log(`Total run time: ${totalSeconds.toFixed(0)} s.`);

// 5. docs/performance.md.
if (flags.write) {
  const nproc = (() => {
    try {
      return execFileSync('nproc', { encoding: 'utf8' }).trim();
    } catch {
      return String(availableParallelism());
    }
  })();
  const date = new Date().toISOString().slice(0, 10);
  const git = (/** @type {string[]} */ args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const commit = git(['rev-parse', '--short', 'HEAD']) || 'unknown';
  const engineDirty = git(['status', '--porcelain', '--', 'src/lib/engine']) !== '';
  const load = (/** @type {number[]} */ l) => l.map((x) => x.toFixed(1)).join(', ');
  const section = [
    `## ${SECTION}`,
    '',
    `Measured by \`npm run bench -- ${process.argv.slice(2).join(' ')}\` on ${date}, engine at ${commit}` +
      `${engineDirty ? ' with uncommitted changes in src/lib/engine' : ''} (run time ${Math.round(totalSeconds)} s).`,
    '',
    `- Chromium ${chromiumVersion}, headless, WebGPU and WebGL2 on SwiftShader (flags in \`scripts/chromium.mjs\`).`,
    `- Machine: \`nproc\` = ${nproc}, ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; load` +
      ` average (1, 5, 15 min) ${load(loadAtStart)} at the start, ${load(loadavg())} at the end.`,
    ...infos.map(
      (info) =>
        `- ${info.requested}: ${info.available ? (info.details ?? 'available') : `unavailable (${info.reason})`}.`
    ),
    '- **SwiftShader is a CPU emulation of a GPU: the webgpu and webgl numbers here are not GPU speeds.**',
    '  They count kernel dispatches, uploads and readbacks more than FLOPs; what carries over to a real',
    '  GPU is the ratio between two implementations, and even that only roughly.',
    '',
    'Ours: `Trainer.train` (forward, explicit BPTT, per-step norms, clipping by global norm, Adam) and',
    '`Trainer.measure` (forward, BPTT and norms, no clipping or update). tf.layers: `simpleRNN` / `lstm` /',
    '`gru` (sigmoid gates, return sequences, recurrent kernel glorot-uniform) + `timeDistributed(dense)`,',
    'Adam, MSE, `trainOnBatch`. Input and output size 1, one layer, tanh, lr 0.01. The three of a row are',
    'timed interleaved, one step of each per round; each timed step awaits its own readback and then a',
    'one-number readback that waits for all queued GPU work (so the update is counted in the step that',
    `queued it). Entries: median ms of the timed steps (their number in parentheses), after up to`,
    `${budget.warmupSteps} warm-up round${budget.warmupSteps === 1 ? '' : 's'}; at most ${budget.maxSteps} rounds or ${budgetSeconds} s per entry.`,
    'Ratio = ours train / tf.layers; < 1: ours is faster. `npm run bench -- --profile` counts the',
    'kernels and uploads of one step of each.',
    '',
    table,
    '',
    verdict,
    ''
  ].join('\n');
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Performance\n';
  const start = doc.indexOf(`## ${SECTION}`);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 1);
    doc = doc.slice(0, start) + section + (next >= 0 ? `\n${doc.slice(next + 1)}` : '');
  } else {
    doc = `${doc.trimEnd()}\n\n${section}`;
  }
  writeFileSync(DOC, doc);
  log(`bench: wrote the table into ${DOC}`);
}
