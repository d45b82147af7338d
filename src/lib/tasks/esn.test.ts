import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '$lib/config';
import type { Config } from '$lib/config';
import { ESN_DEFAULT_SPECTRAL_RADIUS, esnTask, runEchoStateNetwork } from './esn';
import { mackeyGlassBatch, mackeyGlassTask } from './mackey-glass';

describe('echo state network on Mackey–Glass', () => {
  it('reaches NRMSE < 0.1 on one-step prediction (hidden 100, ρ 0.9, a 1, σ 1, λ 1e-6)', () => {
    // washout 100, fit on 2,000 steps, score on the next 500; seed 1.
    const run = runEchoStateNetwork({
      hidden: 100,
      spectralRadius: 0.9,
      leakRate: 1,
      inputScaling: 1,
      ridge: 1e-6,
      seed: 1
    });
    expect(run.settings).toMatchObject({ washout: 100, trainLength: 2000, testLength: 500 });
    expect(run.nrmse).toBeLessThan(0.1);
    expect(run.nrmse).toBeLessThan(0.002); // measured 9.7e-4
    const repeatLast = run.baselines.find((b) => b.label === 'repeat the last value');
    expect(repeatLast!.nrmse).toBeGreaterThan(50 * run.nrmse); // measured 0.145
    expect(run.spectralRadius).toBeCloseTo(0.9, 10);
    expect(run.eigenvalues.re.length).toBe(100);
    expect(run.stateNorms.length).toBe(2600);
    expect(run.prediction.output.length).toBe(500);
    expect(run.readout.length).toBe(1 + 1 + 100);
  });

  it('works from the default config too (hidden 32, ρ off → 0.9 with a notice)', () => {
    const config: Config = { ...DEFAULT_CONFIG, task: 'esn' };
    const run = runEchoStateNetwork(config);
    expect(run.settings.spectralRadius).toBe(ESN_DEFAULT_SPECTRAL_RADIUS);
    expect(run.notices.map((n) => n.key)).toEqual(['spectralRadius']);
    expect(run.nrmse).toBeLessThan(0.01); // measured 2.8e-3
    expect(runEchoStateNetwork({ ...DEFAULT_CONFIG }).nrmse).toBe(run.nrmse); // deterministic
  });

  it('the spectral-radius knob breaks the echo state property above 1 (weak input, σ = 0.1)', () => {
    const short = { washout: 50, trainLength: 200, testLength: 100, espSteps: 500 };
    const base = { hidden: 100, leakRate: 1, inputScaling: 0.1, ridge: 1e-6, seed: 1 };
    const stable = runEchoStateNetwork({ ...base, spectralRadius: 0.9 }, short).echoStateDistance;
    const broken = runEchoStateNetwork({ ...base, spectralRadius: 1.5 }, short).echoStateDistance;
    expect(stable[199]).toBeLessThan(1e-10); // measured 1.4e-12
    expect(Math.min(...broken.subarray(100))).toBeGreaterThan(0.2); // measured min 0.68 over t ≥ 100
  });

  it('the task gives the Mackey–Glass data, and the run reads stream 0 of it', () => {
    const a = esnTask.batch(3, 2, 40, 2);
    const b = mackeyGlassTask.batch(3, 2, 40, 2);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    const run = runEchoStateNetwork(
      { hidden: 10, spectralRadius: 0.9, leakRate: 1, inputScaling: 1, ridge: 1e-6, seed: 3 },
      { washout: 10, trainLength: 50, testLength: 20, espSteps: 10 }
    );
    const window = mackeyGlassBatch(3, 0, 80, 1);
    for (let t = 0; t < 20; t++) {
      expect(run.prediction.input[t]).toBeCloseTo(window.x[60 + t], 6);
      expect(run.prediction.target[t]).toBeCloseTo(window.target[60 + t], 6);
    }
    expect(esnTask.pattern).toBe('reservoir');
  });
});
