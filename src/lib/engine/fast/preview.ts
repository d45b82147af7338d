/**
 * The live slider's copy of the model: the parameters as arrays, read once when a drag begins,
 * with the display batch. Each slider event rescales the copy's W_hh exactly as the Trainer
 * rescales its tensor (the same float32 products), and measures with the fast pass, so no tensor
 * is read or run while dragging.
 */
import type { ParamArrays } from '../init';
import type { Batch, RecurrentScaling, TrainingSpec } from '../trainer';
import { checkWeights, fastMeasure, fastSupport, FastWorkspace } from './pass';
import type { FastMeasurement, FastWeights } from './pass';

export class SliderPreview {
  /** The pass's buffers, made at the first event of a drag and reused by the next ones. */
  private readonly workspace = new FastWorkspace();

  private constructor(
    private readonly spec: TrainingSpec,
    /** The copy of the parameters, by name (W_hh as rescaled so far). */
    readonly weights: FastWeights,
    readonly batch: Batch
  ) {}

  /**
   * A copy of `params` to measure `batch` with; null when the fast pass does not cover the spec
   * or the parameters do not fit it (the caller then measures with tfjs).
   */
  static create(spec: TrainingSpec, params: ParamArrays, batch: Batch): SliderPreview | null {
    if (fastSupport(spec)) return null;
    const weights: FastWeights = {};
    for (const [name, p] of Object.entries(params)) weights[name] = Float32Array.from(p.values);
    try {
      checkWeights(spec.network, weights);
    } catch {
      return null;
    }
    return new SliderPreview(spec, weights, batch);
  }

  /**
   * Multiply each gate block of the named W_hh by its factor, as `Trainer.setSpectralRadius` did
   * to its tensor. False (and nothing changed) when a name is not one of this copy's.
   */
  scale(scaling: RecurrentScaling): boolean {
    const H = this.spec.network.hidden;
    if (!Object.keys(scaling).every((name) => this.weights[name])) return false;
    for (const [name, factors] of Object.entries(scaling)) {
      const values = this.weights[name];
      for (let i = 0; i < values.length; i++) {
        const factor = factors.length === 1 ? factors[0] : factors[Math.floor(i / (H * H))];
        // A float32 product of two float32 numbers, as tf.mul makes it.
        values[i] = values[i] * Math.fround(factor);
      }
    }
    return true;
  }

  /** Multiply every W_hh by `factor` (`Trainer.scaleRecurrent`). */
  scaleRecurrent(factor: number): void {
    const scaling: RecurrentScaling = {};
    for (const name of Object.keys(this.weights))
      if (/(^|\.)weight_hh_/.test(name)) scaling[name] = [factor];
    this.scale(scaling);
  }

  /**
   * Loss, gradient norm and per-step norms of the batch with the current copy. Its `grads` hold
   * until the next call (they live in this copy's buffers); the rest is the caller's.
   */
  measure(): FastMeasurement {
    return fastMeasure(this.spec, this.weights, this.batch, this.workspace);
  }
}
