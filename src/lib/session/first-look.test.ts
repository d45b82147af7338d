/**
 * The first picture while a slow backend warms up: the session looks at the display batch on a
 * quick backend first and publishes it (status `loading`), then starts the backend asked for and
 * replaces the look with its own. In Node there is no GPU: a "webgpu" that takes its time to start
 * and then computes on cpu stands in for it.
 */
import { describe, expect, it } from 'vitest';
import type { BackendReport } from '$lib/engine/backend';
import { useNodeBackend } from '$lib/engine/node-backend';
import { Trainer } from '$lib/engine/trainer';
import type { TrainingSpec } from '$lib/engine/trainer';
import type { ParamArrays } from '$lib/engine/init';
import type { BackendName } from '$lib/engine/types';
import { SessionCore } from './core';
import type { SessionEnvironment } from './core';
import type { RunnerFactory } from './runner';
import type { Snapshot } from './snapshot';

const HASH = 'cell=lstm&hidden=8&T=10&batch=4&seed=5';
const WARM_UP_MS = 300;

/** What happened, in order: backends selected and snapshots published. */
type Event =
  | { kind: 'select'; name: BackendName | 'auto'; done: boolean }
  | { kind: 'snapshot'; snapshot: Snapshot };

function session(options: {
  quickBackends?: BackendName[];
  /** Backends whose start fails. */
  broken?: BackendName[];
  /** What `auto` picks. */
  auto?: BackendName;
}) {
  const events: Event[] = [];
  let created = 0;
  const runners: RunnerFactory = {
    create: (spec: TrainingSpec) => (created++, Trainer.create(spec)),
    fromParameters: (spec: TrainingSpec, params: ParamArrays) =>
      Trainer.fromParameters(spec, params)
  };
  const env: SessionEnvironment = {
    async selectBackend(name): Promise<BackendReport> {
      events.push({ kind: 'select', name, done: false });
      if (options.broken?.includes(name as BackendName))
        throw new Error(`the ${name} backend failed to start`);
      const target = name === 'auto' ? (options.auto ?? 'cpu') : name;
      let report: BackendReport;
      if (target === 'webgpu') {
        await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
        report = { ...(await useNodeBackend('cpu')), active: 'webgpu', adapter: 'stand-in' };
      } else {
        report = await useNodeBackend(target);
      }
      events.push({ kind: 'select', name, done: true });
      return { ...report, requested: name };
    },
    runners,
    quickBackends: options.quickBackends
  };
  const core = new SessionCore(env);
  core.onSnapshot((snapshot) => events.push({ kind: 'snapshot', snapshot }));
  return { core, events, created: () => created };
}

/** The snapshots published, in order. */
const snapshots = (events: Event[]) =>
  events.flatMap((e) => (e.kind === 'snapshot' ? [e.snapshot] : []));

describe('the first look on a quick backend', () => {
  it('is published (loading) before the slow backend has started, then replaced by its own', async () => {
    const { core, events } = session({ quickBackends: ['wasm', 'cpu'] });
    const final = await core.init(`${HASH}&backend=webgpu`);

    const firstPicture = events.findIndex((e) => e.kind === 'snapshot' && e.snapshot.view);
    const slowReady = events.findIndex((e) => e.kind === 'select' && e.name === 'webgpu' && e.done);
    expect(firstPicture).toBeGreaterThanOrEqual(0);
    expect(firstPicture).toBeLessThan(slowReady);
    const first = (events[firstPicture] as { snapshot: Snapshot }).snapshot;
    expect(first.status).toBe('loading');
    const started = events.flatMap((e) => (e.kind === 'select' && !e.done ? [e.name] : []));
    expect(started).toEqual(['wasm', 'webgpu']);

    expect(final.status).toBe('paused');
    expect(final.backend?.active).toBe('webgpu');
    // The same parameters (drawn from the seed in JavaScript) and batch: wasm's look and the
    // stand-in's (cpu) agree to float rounding.
    expect(final.view!.loss).toBeCloseTo(first.view!.loss, 5);
    expect(final.view!.loss).not.toBe(0);
    // Nothing after the first picture took it away: every later snapshot has a view.
    const later = snapshots(events).filter((s) => s.serial > first.serial);
    expect(later.every((s) => s.view !== null)).toBe(true);
    // Play waits for the slow backend: the session only trains after init.
    expect((await core.step(2)).step).toBe(2);
    await core.dispose();
  });

  it('is the look when the backend that runs is the quick one (auto picked wasm): one model', async () => {
    const { core, events, created } = session({ quickBackends: ['wasm', 'cpu'], auto: 'wasm' });
    const final = await core.init(`${HASH}&backend=auto`);
    expect(final.backend?.active).toBe('wasm');
    expect(final.status).toBe('paused');
    expect(created()).toBe(1);
    expect(snapshots(events)[0].status).toBe('loading');
    expect(snapshots(events)[0].view).not.toBeNull();
    await core.dispose();
  });

  it('moves on to the next quick backend when one fails to start', async () => {
    const { core, events } = session({ quickBackends: ['wasm', 'cpu'], broken: ['wasm'] });
    const final = await core.init(`${HASH}&backend=webgpu`);
    const first = snapshots(events).find((s) => s.view)!;
    expect(first.status).toBe('loading');
    expect(final.backend?.active).toBe('webgpu');
    expect(final.status).toBe('paused');
    expect(final.error).toBeNull();
    await core.dispose();
  });

  it('is not made for a backend that is quick itself, nor without quick backends', async () => {
    for (const [hash, quick] of [
      [`${HASH}&backend=wasm`, ['wasm', 'cpu']],
      [`${HASH}&backend=webgpu`, undefined]
    ] as const) {
      const { core, events, created } = session({ quickBackends: quick && [...quick] });
      await core.init(hash);
      const withView = snapshots(events).filter((s) => s.view);
      expect(withView[0].status).toBe('paused');
      expect(created()).toBe(1);
      await core.dispose();
    }
  });

  it('is made again when a new config asks for a slow backend', async () => {
    const { core, events } = session({ quickBackends: ['wasm', 'cpu'] });
    await core.init(`${HASH}&backend=cpu`);
    const before = events.length;
    const final = await core.setConfig(`${HASH}&backend=webgpu`);
    const after = events.slice(before);
    const first = snapshots(after).find((s) => s.view)!;
    expect(first.status).toBe('loading');
    expect(final.backend?.active).toBe('webgpu');
    await core.dispose();
  });
});
