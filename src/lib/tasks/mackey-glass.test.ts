import { describe, expect, it } from 'vitest';
import {
  MACKEY_GLASS,
  MackeyGlassIntegrator,
  MackeyGlassStream,
  mackeyGlassBaselineErrors,
  mackeyGlassBatch,
  mackeyGlassHistory,
  mackeyGlassSeries,
  mackeyGlassTask
} from './mackey-glass';

describe('Mackey–Glass integrator', () => {
  it('matches the closed form on [0, τ], where the delayed term is the constant history', () => {
    // For t ≤ τ, x(t − τ) = c, so dx/dt = a − γx with a = βc / (1 + c¹⁰), a linear ODE:
    //   x(t) = a/γ + (c − a/γ) e^(−γt).
    // RK4 applied to it multiplies the deviation from a/γ by R(z) = 1 + z + z²/2 + z³/6 + z⁴/24,
    // z = −γ dt, per step, exactly: so the integrator must match that to rounding, and the ODE's
    // solution to RK4's truncation error.
    for (const c of [1.2, 0.5]) {
      const { beta, gamma } = MACKEY_GLASS;
      const dt = 0.1;
      const a = (beta * c) / (1 + c ** 10);
      const z = -gamma * dt;
      const growth = 1 + z + z ** 2 / 2 + z ** 3 / 6 + z ** 4 / 24;
      const integrator = new MackeyGlassIntegrator(c, dt);
      let fromRk4 = 0;
      let fromOde = 0;
      for (let k = 1; k <= 170; k++) {
        integrator.advance();
        const rk4 = a / gamma + (c - a / gamma) * growth ** k;
        const ode = a / gamma + (c - a / gamma) * Math.exp(-gamma * k * dt);
        fromRk4 = Math.max(fromRk4, Math.abs(integrator.value - rk4));
        fromOde = Math.max(fromOde, Math.abs(integrator.value - ode));
      }
      expect(integrator.time).toBeCloseTo(17, 12);
      expect(fromRk4).toBeLessThan(1e-14);
      expect(fromOde).toBeLessThan(1e-10);
    }
    // By hand, c = 1.2: c¹⁰ = 6.1917364224, a = 0.24 / 7.1917364224 = 0.0333716346,
    // x(17) = 0.333716346 + 0.866283654 · e^(−1.7) = 0.4919720967.
    const integrator = new MackeyGlassIntegrator(1.2, 0.1);
    integrator.run(170);
    expect(integrator.value).toBeCloseTo(0.4919720967, 9);
  });

  it('converges at fourth order: the error falls ~16-fold each time dt halves', () => {
    const at = (dt: number, horizon: number) => {
      const integrator = new MackeyGlassIntegrator(1.2, dt);
      integrator.run(Math.round(horizon / dt));
      return integrator.value;
    };
    for (const horizon of [50, 200]) {
      const reference = at(0.0125, horizon);
      const errors = [0.2, 0.1, 0.05].map((dt) => Math.abs(at(dt, horizon) - reference));
      for (let i = 1; i < errors.length; i++) {
        const ratio = errors[i - 1] / errors[i];
        expect(ratio).toBeGreaterThan(12);
        expect(ratio).toBeLessThan(20);
      }
      expect(errors[1]).toBeLessThan(1e-7); // dt = 0.1, the step the tasks use
    }
  });

  it('stays on the known attractor, about [0.2, 1.4], and fills most of it', () => {
    for (const history of [1.2, mackeyGlassHistory(1, 0), mackeyGlassHistory(2, 3)]) {
      const x = mackeyGlassSeries(history, 5000);
      const min = Math.min(...x);
      const max = Math.max(...x);
      expect(min).toBeGreaterThan(0.2);
      expect(max).toBeLessThan(1.4);
      expect(min).toBeLessThan(0.5);
      expect(max).toBeGreaterThan(1.2);
    }
  });

  it('rejects a step that does not divide the delay', () => {
    expect(() => new MackeyGlassIntegrator(1.2, 0.3)).toThrow(/whole number/);
  });
});

describe('Mackey–Glass stream and task', () => {
  it('is the normalized series u = x − 1, read anywhere in any order', () => {
    const history = mackeyGlassHistory(5, 2);
    const x = mackeyGlassSeries(history, 3000);
    const stream = new MackeyGlassStream(history);
    // Far ahead first, then back (recomputed from a checkpoint), then across a chunk boundary.
    const far = stream.read(2500, 400);
    const early = stream.read(10, 100);
    const across = stream.read(1000, 100);
    for (let i = 0; i < 400; i++) expect(far[i]).toBe(x[2500 + i] - 1);
    for (let i = 0; i < 100; i++) expect(early[i]).toBe(x[10 + i] - 1);
    for (let i = 0; i < 100; i++) expect(across[i]).toBe(x[1000 + i] - 1);
  });

  it('targets are the next input; window index continues window index − 1 of the same stream', () => {
    const T = 25;
    const B = 3;
    const first = mackeyGlassBatch(9, 4, T, B);
    const next = mackeyGlassBatch(9, 5, T, B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T - 1; t++)
        expect(first.target[t * B + b]).toBe(first.x[(t + 1) * B + b]);
      expect(next.x[b]).toBe(first.target[(T - 1) * B + b]);
      // stream b is the seeded trajectory of mackeyGlassHistory(9, b)
      const x = mackeyGlassSeries(mackeyGlassHistory(9, b), 5 * T + 1);
      expect(next.x[b]).toBeCloseTo(x[5 * T] - 1, 6);
    }
    // Streams differ from one another.
    expect(first.x[0]).not.toBe(first.x[1]);
  });

  it('is seeded: same (seed, index, T, B) → same numbers; another seed → others', () => {
    const a = mackeyGlassTask.batch(3, 7, 20, 4);
    const b = mackeyGlassTask.batch(3, 7, 20, 4);
    const c = mackeyGlassTask.batch(4, 7, 20, 4);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.target)).toEqual(Array.from(b.target));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
  });

  it('baselines: repeating the last value and answering the mean, measured on the stream', () => {
    const { repeatLast, mean } = mackeyGlassBaselineErrors();
    expect(repeatLast).toBeCloseTo(0.00109, 4);
    expect(mean).toBeCloseTo(0.0511, 3);
    // Other trajectories agree: the repeat-last MSE on 8 × 500 steps of seed 2 is within 15%.
    const batch = mackeyGlassBatch(2, 0, 500, 8);
    const { mse, nrmse } = mackeyGlassTask.metrics(batch, batch.x);
    expect(mse / repeatLast).toBeGreaterThan(0.85);
    expect(mse / repeatLast).toBeLessThan(1.15);
    expect(nrmse).toBeGreaterThan(0.1);
    const labels = mackeyGlassTask.baselines(20).map((b) => b.label);
    expect(labels).toEqual(['repeat the last value', 'always answer the mean']);
  });

  it('metrics: NRMSE is 0 for the target and 1 for the batch mean', () => {
    const batch = mackeyGlassBatch(1, 0, 50, 2);
    expect(mackeyGlassTask.metrics(batch, batch.target)).toEqual({ mse: 0, nrmse: 0 });
    const mean = batch.target.reduce((s, v) => s + v, 0) / batch.target.length;
    const flat = new Float32Array(batch.target.length).fill(mean);
    expect(mackeyGlassTask.metrics(batch, flat).nrmse).toBeCloseTo(1, 5);
    const view = mackeyGlassTask.prediction(batch, batch.target, 1);
    expect(view.kind).toBe('series');
    if (view.kind === 'series') expect(view.input[3]).toBe(batch.x[3 * 2 + 1]);
  });
});
