import * as tf from '@tensorflow/tfjs-core';
import { backward } from './bptt';
import type { DirectionGradients } from './bptt';
import { initParameters } from './init';
import type { ParamArrays } from './init';
import { lossGradient } from './loss';
import type { Model, PassOptions } from './model';
import { forward, stopGradient } from './network';
import type { DirectionPass, ForwardPass, Params, State } from './network';
import { Random } from './random';
import type { Batch, TrainingSpec } from './trainer';
import type { NetworkSpec } from './types';

export type Schedule = 'off' | 'linear' | 'exponential' | 'inverse-sigmoid';

/**
 * An encoder–decoder (sequence to sequence), or a decoder alone (one-to-many), trained with
 * teacher forcing and scheduled sampling. `TrainingSpec.network` describes the decoder: its input
 * is [base features, fed-back previous output] (the last `outputSize` channels are the fed part).
 */
export interface SequenceSpec {
  /** Width of the encoder's input (one-hot tokens); 0 = no encoder (the decoder starts from h0). */
  sourceSize: number;
  /** The decoder's previous output becomes its next input as a one-hot of its argmax, or as is. */
  feedback: 'token' | 'value';
  /** Share of decoder steps fed the true previous output, before any schedule. */
  teacherForcing: number;
  schedule: Schedule;
  /** Time scale of the schedule, in training steps. */
  scheduleSteps: number;
}

/**
 * The teacher-forcing ratio ε_i at training step i (Bengio et al. 2015, scheduled sampling),
 * starting from ε₀ = `teacherForcing`, with k = `scheduleSteps`:
 * - linear:          ε_i = ε₀ · max(0, 1 − i/k)                      (0 from step k on)
 * - exponential:     ε_i = ε₀ · 0.01^(i/k)                          (1% of ε₀ at step k)
 * - inverse-sigmoid: ε_i = ε₀ · c / (c + exp(i/c)), c = max(1, k/10) (½ε₀ near i = c·ln c)
 */
export function teacherForcingRatio(sequence: SequenceSpec, step: number): number {
  const { teacherForcing: start, schedule, scheduleSteps: k } = sequence;
  switch (schedule) {
    case 'off':
      return start;
    case 'linear':
      return start * Math.max(0, 1 - step / k);
    case 'exponential':
      return start * Math.pow(0.01, step / k);
    case 'inverse-sigmoid': {
      const c = Math.max(1, k / 10);
      return (start * c) / (c + Math.exp(step / c));
    }
  }
}

/** The encoder's network: the decoder's cell, size and depth, reading the source tokens. */
export function encoderSpec(decoder: NetworkSpec, sourceSize: number): NetworkSpec {
  return {
    ...decoder,
    inputSize: sourceSize,
    bidirectional: false,
    readout: 'last',
    learnedInitialState: false
  };
}

function prefixed(prefix: string, params: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [`${prefix}.${k}`, v]));
}

function strip(prefix: string, params: Params): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params))
    if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
  return out;
}

function addInto(total: Params, grads: Params, prefix: string) {
  for (const [k, g] of Object.entries(grads)) {
    const name = `${prefix}.${k}`;
    total[name] = total[name] ? tf.add(total[name], g) : g;
  }
}

/** The decoder's per-step passes (each T = 1) joined into one pass per layer over T_out steps. */
function joinSteps(steps: ForwardPass[], layer: number): DirectionPass {
  const parts = steps.map((s) => s.layers[layer][0]);
  return {
    dir: { ...parts[0].dir, module: 'decoder' },
    input: tf.concat(
      parts.map((p) => p.input),
      0
    ),
    records: parts.flatMap((p) => p.records),
    hPrev: parts.flatMap((p) => p.hPrev),
    cPrev: parts.flatMap((p) => p.cPrev),
    states: tf.concat(
      parts.map((p) => p.states),
      0
    ),
    learnedStart: parts[0].learnedStart
  };
}

/**
 * Which decoder steps get the true previous output: a seeded coin per (step t ≥ 1, batch item),
 * heads with probability ε. Rows [T_out][B]: 1 = teacher, 0 = the model's own previous output.
 */
export function teacherCoins(
  seed: number,
  step: number,
  tOut: number,
  B: number,
  ratio: number
): Float32Array {
  const random = new Random(`teacher:${seed}:${step}`);
  const coins = new Float32Array(tOut * B);
  for (let i = 0; i < coins.length; i++) coins[i] = i < B || random.uniform() < ratio ? 1 : 0;
  return coins;
}

export function sequenceModel(spec: TrainingSpec): Model & {
  /** The forward pass alone, differentiable (the autodiff reference in the tests). */
  run(
    params: Params,
    batch: Batch,
    options: PassOptions
  ): { output: tf.Tensor; target: tf.Tensor; mask?: tf.Tensor };
} {
  const sequence = spec.sequence!;
  const hasEncoder = sequence.sourceSize > 0;
  // With an encoder the decoder starts from its context; without, from zeros or a learned h0.
  const decoder: NetworkSpec = {
    ...spec.network,
    bidirectional: false,
    readout: 'step',
    learnedInitialState: hasEncoder ? false : spec.network.learnedInitialState
  };
  const encoder = hasEncoder ? encoderSpec(decoder, sequence.sourceSize) : null;
  const O = decoder.outputSize;
  const I = decoder.inputSize;
  function run(params: Params, batch: Batch, options: PassOptions) {
    const B = batch.B;
    const tOut = batch.tOut ?? batch.T;
    const encoderParams = strip('encoder', params);
    const decoderParams = strip('decoder', params);
    let context: Record<string, State> | undefined;
    let encoderPass: ForwardPass | undefined;
    if (encoder) {
      const source = tf.tensor3d(batch.x, [batch.T, B, encoder.inputSize]);
      encoderPass = forward(encoder, encoderParams, source, { truncation: 0 });
      context = encoderPass.finalState;
    }
    const teacher = tf.unstack(tf.tensor3d(batch.decoderInput!, [tOut, B, I]));
    const target = tf.tensor3d(batch.target, [tOut, B, O]);
    const mask = batch.mask ? tf.tensor2d(batch.mask, [tOut, B]) : undefined;
    const ratio = options.teacherForcing ?? teacherForcingRatio(sequence, options.step);
    const coins = tf.unstack(
      tf.cast(
        tf.tensor3d(teacherCoins(spec.init.seed, options.step, tOut, B, ratio), [tOut, B, 1]),
        'bool'
      )
    );

    // Decode step by step: each step's input depends on the last step's output.
    const steps: ForwardPass[] = [];
    const outputs: tf.Tensor[] = [];
    let state = context;
    for (let t = 0; t < tOut; t++) {
      let input = teacher[t];
      if (t > 0 && ratio < 1) {
        const previous = outputs[t - 1];
        // The fed-back output is an input like any other: no gradient flows through the feedback.
        const fed =
          sequence.feedback === 'token'
            ? tf.cast(tf.oneHot(tf.argMax(previous, 1), O), 'float32')
            : stopGradient(previous);
        const own = I > O ? tf.concat([tf.slice(teacher[t], [0, 0], [-1, I - O]), fed], 1) : fed;
        input = ratio <= 0 ? own : tf.where(tf.broadcastTo(coins[t], [B, I]), teacher[t], own);
      }
      const step = forward(decoder, decoderParams, tf.reshape(input, [1, B, I]), {
        truncation: 0,
        initialState: state
      });
      steps.push(step);
      outputs.push(tf.reshape(step.output, [B, O]));
      state = step.finalState;
    }
    const output = tf.stack(outputs);
    return {
      encoderPass,
      steps,
      output,
      target,
      mask,
      encoderParams,
      decoderParams,
      B,
      tOut,
      state
    };
  }

  return {
    run,
    init() {
      const params: ParamArrays = {};
      const notes = [];
      if (encoder) {
        const e = initParameters(encoder, spec.init);
        delete e.params['readout.weight'];
        delete e.params['readout.bias'];
        Object.assign(params, prefixed('encoder', e.params));
        notes.push(...e.notes.map((n) => ({ ...n, param: `encoder.${n.param}` })));
      }
      const d = initParameters(decoder, { ...spec.init, seed: spec.init.seed + 7919 });
      Object.assign(params, prefixed('decoder', d.params));
      notes.push(...d.notes.map((n) => ({ ...n, param: `decoder.${n.param}` })));
      return { params, notes };
    },
    pass(params, batch, options) {
      const {
        encoderPass,
        steps,
        output,
        target,
        mask,
        encoderParams,
        decoderParams,
        B,
        tOut,
        state
      } = run(params, batch, options);
      const { loss, dY } = lossGradient(spec.loss, output, target, mask);

      // Backward through the decoder's steps, last first, the state gradient carried between them;
      // what is left at the start flows into the encoder through the context.
      const grads: Params = {};
      const dYs = tf.unstack(dY);
      const perStep: DirectionGradients[][] = new Array(tOut);
      let carry: Record<string, { h?: tf.Tensor; c?: tf.Tensor }> = {};
      for (let t = tOut - 1; t >= 0; t--) {
        const bp = backward(decoder, decoderParams, steps[t], tf.reshape(dYs[t], [1, B, O]), {
          truncation: 0,
          dFinalState: carry
        });
        addInto(grads, bp.grads, 'decoder');
        perStep[t] = bp.directions;
        carry = Object.fromEntries(
          bp.directions.map((d) => [d.dir.suffix, { h: d.dInitialH, c: d.dInitialC }])
        );
      }
      const passes: DirectionPass[] = [];
      const gradients: DirectionGradients[] = [];
      if (encoder && encoderPass) {
        const bp = backward(encoder, encoderParams, encoderPass, null, {
          truncation: 0,
          dFinalState: carry
        });
        addInto(grads, bp.grads, 'encoder');
        encoderPass.layers.flat().forEach((p, i) => {
          passes.push({ ...p, dir: { ...p.dir, module: 'encoder' } });
          gradients.push({
            ...bp.directions[i],
            dir: { ...bp.directions[i].dir, module: 'encoder' }
          });
        });
      }
      for (let layer = 0; layer < decoder.layers; layer++) {
        const joined = joinSteps(steps, layer);
        passes.push(joined);
        const cell = perStep.map((s) => s[layer]);
        gradients.push({
          dir: joined.dir,
          dh: tf.concat(
            cell.map((g) => g.dh),
            0
          ),
          dc: cell[0].dc
            ? tf.concat(
                cell.map((g) => g.dc!),
                0
              )
            : undefined
        });
      }
      return { loss, output, grads, passes, gradients, finalState: state ?? {} };
    }
  };
}
