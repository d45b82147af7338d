/**
 * Where the ρ slider's input-to-DOM time goes, from a Chromium trace (run on demand:
 * `E2E_TRACE=1 E2E_PORT=… node scripts/e2e.mjs e2e/latency-trace.spec.ts`). Same page and events
 * as e2e/latency.spec.ts; each event is marked in the trace (`performance.mark`) from the input to
 * the curve's mutation, and the self time of every trace event on the page's main thread and on the
 * session worker's thread inside those windows is summed by name and printed (and attached), with
 * the main thread's JavaScript by function from a CPU profile of the same events.
 */
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { findChromium, PLAYWRIGHT_CHROMIUM_ARGS } from '../scripts/chromium.mjs';

test.skip(!process.env.E2E_TRACE, 'a measurement: set E2E_TRACE=1 to run it');

const SOFTWARE = !!process.env.E2E_SOFTWARE_COMPOSITING;
if (SOFTWARE)
  test.use({
    launchOptions: {
      executablePath: findChromium(),
      args: [
        ...PLAYWRIGHT_CHROMIUM_ARGS.filter((a: string) => !/vulkan|webgpu|angle/i.test(a)),
        '--disable-gpu'
      ]
    }
  });

const HASH = 'cell=rnn&hidden=64&T=100&rho=1&backend=wasm';
/** `E2E_LATENCY_VIEWPORT=1280x3200` sets the window, as in e2e/latency.spec.ts. */
const VIEWPORT = /^(\d+)x(\d+)$/.exec(process.env.E2E_LATENCY_VIEWPORT ?? '');
if (VIEWPORT) test.use({ viewport: { width: Number(VIEWPORT[1]), height: Number(VIEWPORT[2]) } });
const EVENTS = Number(process.env.E2E_TRACE_EVENTS ?? 30);
/** Functions listed by inclusive time (`E2E_TRACE_FUNCTIONS`, default 50). */
const FUNCTIONS = Number(process.env.E2E_TRACE_FUNCTIONS ?? 50);

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown> };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** Self time (µs) by event name of the complete events of one thread inside the windows. */
function selfTimes(
  events: TraceEvent[],
  windows: [number, number][]
): { byName: Map<string, number>; tasks: number } {
  const complete = events
    .filter((e) => e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const byName = new Map<string, number>();
  let tasks = 0;
  const inside = (t: number) => windows.some(([a, b]) => t >= a && t < b);
  const stack: { e: TraceEvent; end: number; child: number }[] = [];
  const close = (until: number) => {
    while (stack.length && stack[stack.length - 1].end <= until) {
      const top = stack.pop()!;
      if (inside(top.e.ts))
        byName.set(top.e.name, (byName.get(top.e.name) ?? 0) + top.e.dur! - top.child);
      if (stack.length) stack[stack.length - 1].child += top.e.dur!;
    }
  };
  for (const e of complete) {
    close(e.ts);
    if (!stack.length && inside(e.ts)) tasks += e.dur!;
    stack.push({ e, end: e.ts + e.dur!, child: 0 });
  }
  close(Infinity);
  return { byName, tasks };
}

test('ρ slider: trace of the input-to-DOM time (H = 64, T = 100)', async ({
  page,
  browser
}, testInfo) => {
  test.setTimeout(300_000);
  await page.goto(`/#${HASH}`);
  await expect(page.getByTestId('status')).toHaveText('paused', { timeout: 60_000 });
  const curve = page.locator('#gradient-flow path[data-series="grad-h"]');
  await expect(curve).toHaveAttribute('data-values', /\d/, { timeout: 30_000 });
  const slider = page.getByLabel('Spectral radius ρ', { exact: true });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await browser.startTracing(page, {
    categories: [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'blink.user_timing',
      'v8',
      'v8.execute',
      'toplevel',
      'blink',
      'disabled-by-default-v8.cpu_profiler',
      '__metadata'
    ]
  });
  await cdp.send('Profiler.start');
  const latencies = await slider.evaluate(async (input: HTMLInputElement, events: number) => {
    const chart = document.querySelector('#gradient-flow')!;
    const values = () =>
      chart.querySelector('path[data-series="grad-h"]')?.getAttribute('data-values') ?? '';
    const out: number[] = [];
    for (let i = 0; i < events; i++) {
      const value = (0.8 + 0.01 * (i % 40)).toFixed(2);
      const before = values();
      const done = new Promise<number>((resolve) => {
        const observer = new MutationObserver(() => {
          if (values() === before) return;
          observer.disconnect();
          resolve(performance.now());
        });
        observer.observe(chart, { subtree: true, attributes: true, childList: true });
      });
      const event = new Event('input', { bubbles: true });
      performance.mark(`slider-in-${i}`);
      input.value = value;
      input.dispatchEvent(event);
      const at = await done;
      performance.mark(`slider-dom-${i}`);
      out.push(at - event.timeStamp);
      await new Promise((resolve) => setTimeout(resolve, 80));
    }
    return out;
  }, EVENTS);
  // The page's profile (sampled every 100 µs) is also written into the trace.
  await cdp.send('Profiler.stop');
  const buffer = await browser.stopTracing();
  if (process.env.E2E_TRACE_FILE) writeFileSync(process.env.E2E_TRACE_FILE, buffer);
  const trace = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(trace) ? trace : trace.traceEvents;

  const threadNames = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name')
      threadNames.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const marks = new Map<string, TraceEvent>();
  for (const e of events) if (e.name.startsWith('slider-')) marks.set(e.name, e);
  const first = marks.get('slider-in-0')!;
  expect(first, 'the user timing marks are in the trace').toBeTruthy();
  const windows: [number, number][] = [];
  for (let i = 1; i < EVENTS; i++) {
    const a = marks.get(`slider-in-${i}`);
    const b = marks.get(`slider-dom-${i}`);
    if (a && b) windows.push([a.ts, b.ts]);
  }
  const span = windows.reduce((s, [a, b]) => s + b - a, 0) / windows.length / 1000;
  const mainKey = `${first.pid}:${first.tid}`;
  const workerKeys = [...threadNames]
    .filter(([key, name]) => key.startsWith(`${first.pid}:`) && /^DedicatedWorker/.test(name))
    .map(([key]) => key);

  const lines: string[] = [];
  lines.push(
    `${windows.length} events, input → DOM mean (trace) ${span.toFixed(1)} ms; in-page median ${[
      ...latencies.slice(1)
    ]
      .sort((a, b) => a - b)
      [Math.floor(latencies.length / 2)].toFixed(1)} ms`
  );
  for (const [label, keys] of [
    ['main thread', [mainKey]],
    ['worker threads', workerKeys]
  ] as const) {
    const inThreads = events.filter((e) => keys.includes(`${e.pid}:${e.tid}`));
    const { byName, tasks } = selfTimes(inThreads, windows);
    lines.push(
      `${label} (${keys.map((k) => threadNames.get(k)).join(', ')}): top-level tasks ${(tasks / windows.length / 1000).toFixed(2)} ms per event; self time per event:`
    );
    for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 25))
      lines.push(`  ${(us / windows.length / 1000).toFixed(2).padStart(7)} ms  ${name}`);
  }

  // The timeline of the event at the median: each thread's top-level tasks (offset from the input,
  // duration, and the biggest events inside).
  const order = windows.map((w, i) => [w[1] - w[0], i] as const).sort((a, b) => a[0] - b[0]);
  const [wa, wb] = windows[order[Math.floor(order.length / 2)][1]];
  lines.push(`timeline of the median event (${((wb - wa) / 1000).toFixed(1)} ms):`);
  const tasksOf = (key: string) =>
    events
      .filter(
        (e) =>
          `${e.pid}:${e.tid}` === key &&
          e.ph === 'X' &&
          e.dur !== undefined &&
          e.name === 'ThreadControllerImpl::RunTask'
      )
      .sort((a, b) => a.ts - b.ts);
  const within = (key: string, task: TraceEvent) =>
    events.filter(
      (e) =>
        `${e.pid}:${e.tid}` === key &&
        e !== task &&
        e.ph === 'X' &&
        e.dur !== undefined &&
        e.ts >= task.ts &&
        e.ts + e.dur <= task.ts + task.dur!
    );
  for (const key of [mainKey, ...workerKeys]) {
    for (const task of tasksOf(key).filter((t) => t.ts >= wa - 2000 && t.ts < wb)) {
      if (task.dur! < 200) continue;
      const { byName } = selfTimes(within(key, task), [[task.ts, task.ts + task.dur!]]);
      const biggest = [...byName]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([n, us]) => `${n} ${(us / 1000).toFixed(1)}`)
        .join(', ');
      lines.push(
        `  ${threadNames.get(key)} +${((task.ts - wa) / 1000).toFixed(1)} ms, ${(task.dur! / 1000).toFixed(1)} ms: ${biggest}`
      );
    }
  }

  // The main thread's tasks inside the windows: the input's (an event dispatched) and the
  // snapshot's (a message received from the worker).
  const mainTasks = tasksOf(mainKey).filter((t) =>
    windows.some(([a, b]) => t.ts + t.dur! > a && t.ts < b)
  );
  const ranges = (test: (names: Set<string>) => boolean): [number, number][] =>
    mainTasks
      .filter((t) => test(new Set(within(mainKey, t).map((e) => e.name))))
      .map((t) => [t.ts, t.ts + t.dur!]);
  const inputTasks = ranges((n) => n.has('EventDispatch'));
  const snapshotTasks = ranges(
    (n) => n.has('SerializedScriptValueFactory::deserialize') && !n.has('EventDispatch')
  );
  const per = (r: [number, number][]) =>
    (r.reduce((sum, [a, b]) => sum + b - a, 0) / windows.length / 1000).toFixed(2);
  lines.push(
    `main thread per event: input tasks ${per(inputTasks)} ms, snapshot tasks ${per(snapshotTasks)} ms`
  );

  // JavaScript by function, from the trace's CPU profile of a thread: a `Profile` event on that
  // thread, then chunks (on the profiler's own thread) with its id; sample times count from the
  // profile's start. Self and inclusive time per event inside the ranges.
  const profileLines = (key: string, inside: [number, number][], label: string) => {
    const profiles = events.filter(
      (e) => e.name === 'Profile' && `${e.pid}:${e.tid}` === key
    ) as unknown as { pid: number; id: string; args: { data: { startTime: number } } }[];
    const nodes = new Map<number, { parent?: number; callFrame: ProfileNode['callFrame'] }>();
    const self = new Map<string, number>();
    const total = new Map<string, number>();
    const name = (f: ProfileNode['callFrame']) =>
      `${f.functionName || '(anonymous)'} ${(f.url ?? '').split('/').pop()}:${(f.lineNumber ?? -1) + 1}`;
    for (const profile of profiles) {
      let time = profile.args.data.startTime;
      const chunks = events.filter(
        (e) =>
          e.name === 'ProfileChunk' &&
          e.pid === profile.pid &&
          (e as unknown as { id: string }).id === profile.id
      ) as unknown as {
        args: {
          data: {
            cpuProfile?: {
              nodes?: { id: number; parent?: number; callFrame: ProfileNode['callFrame'] }[];
              samples?: number[];
            };
            timeDeltas?: number[];
          };
        };
      }[];
      for (const chunk of chunks) {
        const data = chunk.args.data;
        for (const n of data.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
        (data.cpuProfile?.samples ?? []).forEach((id, i) => {
          const delta = data.timeDeltas?.[i] ?? 0;
          time += delta;
          if (!inside.some(([a, b]) => time >= a && time < b)) return;
          const leaf = nodes.get(id);
          if (!leaf) return;
          self.set(name(leaf.callFrame), (self.get(name(leaf.callFrame)) ?? 0) + delta);
          const seen = new Set<string>();
          for (
            let n: typeof leaf | undefined = leaf;
            n;
            n = n.parent ? nodes.get(n.parent) : undefined
          ) {
            const k = name(n.callFrame);
            if (seen.has(k)) continue;
            seen.add(k);
            total.set(k, (total.get(k) ?? 0) + delta);
          }
        });
      }
      // One profile per thread is enough (the tracing one and the Profiler domain's overlap).
      if (self.size > 0) break;
    }
    const ms = (us: number) => (us / windows.length / 1000).toFixed(2).padStart(7);
    lines.push(`${label}: JavaScript by function, ms per event, self:`);
    for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
      lines.push(`  ${ms(us)}  ${k}`);
    lines.push('  inclusive:');
    for (const [k, us] of [...total].sort((a, b) => b[1] - a[1]).slice(0, FUNCTIONS))
      lines.push(`  ${ms(us)}  ${k}`);
  };
  for (const key of workerKeys) profileLines(key, windows, 'worker, input to DOM');
  profileLines(mainKey, snapshotTasks, 'main thread, snapshot tasks');
  profileLines(mainKey, inputTasks, 'main thread, input tasks');

  console.log(lines.join('\n'));
  await testInfo.attach('slider-trace.txt', { body: lines.join('\n'), contentType: 'text/plain' });
});
