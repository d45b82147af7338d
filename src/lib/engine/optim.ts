import * as tf from '@tensorflow/tfjs-core';
import type { Params } from './network';
import type { ParamArray } from './init';
import type { ClipKind, OptimizerKind } from './types';

/** Fixed hyper-parameters, PyTorch's defaults where PyTorch has one. */
export const OPTIMIZER_CONSTANTS = {
  momentum: 0.9,
  rmspropAlpha: 0.99,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  epsilon: 1e-8
} as const;

/**
 * The running buffers each optimizer keeps per parameter, by the names PyTorch's optimizers give
 * them in `state_dict()['state']`, in the order `Optimizer` keeps them.
 */
export const SLOT_NAMES: Readonly<Record<OptimizerKind, readonly string[]>> = {
  sgd: [],
  momentum: ['momentum_buffer'],
  rmsprop: ['square_avg'],
  adam: ['exp_avg', 'exp_avg_sq']
};

/**
 * Everything an optimizer carries from one update to the next, as plain arrays: the number of
 * updates t (Adam's bias correction uses it) and, per parameter name, its buffers by
 * {@link SLOT_NAMES}, each shaped as the parameter. A parameter with no buffers yet (before the
 * first update) is absent.
 */
export interface OptimizerState {
  step: number;
  slots: Record<string, Record<string, ParamArray>>;
}

/**
 * The update rules, as PyTorch writes them (so a run file replays in torch.optim):
 * - sgd:      θ ← θ − η g
 * - momentum: b ← μ b + g;  θ ← θ − η b                              (torch SGD, momentum=0.9)
 * - rmsprop:  v ← α v + (1 − α) g²;  θ ← θ − η g / (√v + ε)         (torch RMSprop, α=0.99)
 * - adam:     m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *             θ ← θ − η (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)          (torch Adam)
 */
export class Optimizer {
  private readonly slots = new Map<string, tf.Tensor[]>();
  private t = 0;

  constructor(
    readonly kind: OptimizerKind,
    readonly learningRate: number
  ) {}

  /** Number of updates applied so far. */
  get updates(): number {
    return this.t;
  }

  /** Returns the updated parameters; the old parameter tensors are disposed. */
  apply(params: Params, grads: Params): Params {
    this.t += 1;
    const {
      momentum,
      rmspropAlpha: alpha,
      adamBeta1: b1,
      adamBeta2: b2,
      epsilon
    } = OPTIMIZER_CONSTANTS;
    const lr = this.learningRate;
    const next: Params = {};
    for (const [name, theta] of Object.entries(params)) {
      const g = grads[name];
      const old = this.slots.get(name);
      let slots: tf.Tensor[] = [];
      const updated = tf.tidy(() => {
        switch (this.kind) {
          case 'sgd':
            return tf.sub(theta, tf.mul(g, lr));
          case 'momentum': {
            const b = old ? tf.add(tf.mul(old[0], momentum), g) : g.clone();
            slots = [tf.keep(b)];
            return tf.sub(theta, tf.mul(b, lr));
          }
          case 'rmsprop': {
            const v0 = old ? old[0] : tf.zerosLike(g);
            const v = tf.add(tf.mul(v0, alpha), tf.mul(tf.square(g), 1 - alpha));
            slots = [tf.keep(v)];
            return tf.sub(theta, tf.div(tf.mul(g, lr), tf.add(tf.sqrt(v), epsilon)));
          }
          case 'adam': {
            const m0 = old ? old[0] : tf.zerosLike(g);
            const v0 = old ? old[1] : tf.zerosLike(g);
            const m = tf.add(tf.mul(m0, b1), tf.mul(g, 1 - b1));
            const v = tf.add(tf.mul(v0, b2), tf.mul(tf.square(g), 1 - b2));
            slots = [tf.keep(m), tf.keep(v)];
            const mHat = tf.div(m, 1 - Math.pow(b1, this.t));
            const vHat = tf.div(v, 1 - Math.pow(b2, this.t));
            return tf.sub(theta, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), epsilon)));
          }
        }
      });
      if (old) for (const s of old) s.dispose();
      if (slots.length) this.slots.set(name, slots);
      theta.dispose();
      next[name] = updated;
    }
    return next;
  }

  /** The running state, read back into plain arrays (see {@link OptimizerState}). */
  async state(): Promise<OptimizerState> {
    const names = SLOT_NAMES[this.kind];
    const slots: OptimizerState['slots'] = {};
    await Promise.all(
      [...this.slots].map(async ([param, tensors]) => {
        const values = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
        slots[param] = Object.fromEntries(
          names.map((name, i) => [name, { shape: tensors[i].shape.slice(), values: values[i] }])
        );
      })
    );
    return { step: this.t, slots };
  }

  /**
   * Take a saved running state (from {@link state}, or a run file): the update count and every
   * buffer, replacing what this optimizer had. The caller checks the shapes.
   */
  restore(state: OptimizerState): void {
    this.dispose();
    this.t = state.step;
    const names = SLOT_NAMES[this.kind];
    if (names.length === 0) return;
    for (const [param, buffers] of Object.entries(state.slots))
      this.slots.set(
        param,
        names.map((name) => tf.tensor(buffers[name].values, buffers[name].shape))
      );
  }

  dispose(): void {
    for (const slots of this.slots.values()) for (const s of slots) s.dispose();
    this.slots.clear();
  }
}

/** Σ_p ||g_p||² for each parameter, as one [P] tensor in the order of `names`. */
export function squaredNorms(grads: Params, names: string[]): tf.Tensor1D {
  return tf.tidy(() => tf.stack(names.map((n) => tf.sum(tf.square(grads[n])))) as tf.Tensor1D);
}

/**
 * Clip the gradients. By global norm (torch.nn.utils.clip_grad_norm_): with N = √(Σ_p ||g_p||²),
 * every g is scaled by min(1, c / (N + 1e-6)). By value (clip_grad_value_): each entry clamped
 * to [−c, c]. Returns new tensors (the inputs are left alone).
 */
export function clipGradients(
  grads: Params,
  kind: ClipKind,
  threshold: number,
  globalNorm: tf.Scalar
): Params {
  const out: Params = {};
  if (kind === 'off') {
    for (const [n, g] of Object.entries(grads)) out[n] = g.clone();
    return out;
  }
  if (kind === 'value') {
    for (const [n, g] of Object.entries(grads)) out[n] = tf.clipByValue(g, -threshold, threshold);
    return out;
  }
  const scale = tf.tidy(() => tf.minimum(1, tf.div(threshold, tf.add(globalNorm, 1e-6))));
  for (const [n, g] of Object.entries(grads)) out[n] = tf.mul(g, scale);
  scale.dispose();
  return out;
}
