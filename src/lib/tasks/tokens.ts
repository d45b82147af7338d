/**
 * Token sequences for the encoder–decoder tasks: one-hot encoding, padding, and decoding of the
 * decoder's outputs back into text.
 *
 * The decoder's input at step t is [start flag, one-hot of the previous target token], width
 * 1 + V: step 0 is the start symbol (flag 1, no token), step t > 0 the previous target token (the
 * teacher) or the decoder's own previous prediction (free running). Its output at step t is a
 * distribution over V tokens, the last of which is EOS. Positions after EOS are padding: mask 0.
 */
import type { Batch } from '$lib/engine/trainer';
import type { Prediction } from './task';
import { argmax } from './task';

export interface TokenPair {
  /** Source tokens, as indices into the source vocabulary (no padding). */
  source: number[];
  /** Target tokens, as indices into the target vocabulary (EOS is appended here, not by the caller). */
  target: number[];
}

/**
 * A batch from B (source, target) pairs. The source is left-padded with the PAD token to T
 * steps, so that the encoder's last state comes right after the real tokens; the target gets EOS,
 * then padding (mask 0) up to tOut steps.
 */
export function tokenBatch(
  pairs: TokenPair[],
  T: number,
  tOut: number,
  sourceVocabulary: number,
  targetVocabulary: number
): Batch {
  const B = pairs.length;
  const S = sourceVocabulary;
  const V = targetVocabulary;
  const eos = V - 1;
  const pad = S - 1;
  const I = 1 + V;
  const x = new Float32Array(T * B * S);
  const target = new Float32Array(tOut * B * V);
  const decoderInput = new Float32Array(tOut * B * I);
  const mask = new Float32Array(tOut * B);
  pairs.forEach(({ source, target: tokens }, b) => {
    if (source.length > T) throw new Error(`source of length ${source.length} does not fit T=${T}`);
    if (tokens.length + 1 > tOut)
      throw new Error(`target of length ${tokens.length} does not fit ${tOut} steps`);
    const offset = T - source.length;
    for (let t = 0; t < T; t++) x[(t * B + b) * S + (t < offset ? pad : source[t - offset])] = 1;
    const withEos = [...tokens, eos];
    for (let t = 0; t < tOut; t++) {
      const row = t * B + b;
      if (t < withEos.length) {
        target[row * V + withEos[t]] = 1;
        mask[row] = 1;
      }
      if (t === 0) decoderInput[row * I] = 1;
      else if (t - 1 < withEos.length) decoderInput[row * I + 1 + withEos[t - 1]] = 1;
    }
  });
  return { T, B, x, target, mask, tOut, decoderInput };
}

/** The decoder's predicted tokens for item b, up to (not including) its first EOS. */
export function decodeOutput(
  output: Float32Array,
  B: number,
  V: number,
  tOut: number,
  b: number
): number[] {
  const out: number[] = [];
  for (let t = 0; t < tOut; t++) {
    const k = argmax(output, (t * B + b) * V, V);
    if (k === V - 1) break;
    out.push(k);
  }
  return out;
}

/** Item b's source tokens (without padding) and target tokens (without EOS and padding). */
export function decodeBatch(batch: Batch, S: number, V: number, b: number): TokenPair {
  const source: number[] = [];
  for (let t = 0; t < batch.T; t++) {
    const k = argmax(batch.x, (t * batch.B + b) * S, S);
    if (k !== S - 1) source.push(k);
  }
  const target: number[] = [];
  for (let t = 0; t < batch.tOut!; t++) {
    if (!batch.mask![t * batch.B + b]) break;
    const k = argmax(batch.target, (t * batch.B + b) * V, V);
    if (k === V - 1) break;
    target.push(k);
  }
  return { source, target };
}

/**
 * Token accuracy over the unmasked target positions (EOS included) and sequence accuracy (every
 * position right), from outputs y [T_out, B, V].
 */
export function tokenMetrics(
  batch: Batch,
  output: Float32Array,
  V: number
): { tokenAccuracy: number; sequenceAccuracy: number } {
  const B = batch.B;
  let right = 0;
  let counted = 0;
  let sequences = 0;
  for (let b = 0; b < B; b++) {
    let all = true;
    for (let t = 0; t < batch.tOut!; t++) {
      const row = t * B + b;
      if (!batch.mask![row]) continue;
      counted++;
      const ok = argmax(output, row * V, V) === argmax(batch.target, row * V, V);
      if (ok) right++;
      else all = false;
    }
    if (all) sequences++;
  }
  return { tokenAccuracy: counted ? right / counted : 0, sequenceAccuracy: sequences / B };
}

/** The tokens view: the source, the target and the decoded output of item b. */
export function tokenPrediction(
  batch: Batch,
  output: Float32Array,
  item: number,
  S: number,
  V: number,
  sourceSymbol: (k: number) => string,
  targetSymbol: (k: number) => string
): Prediction {
  const { source, target } = decodeBatch(batch, S, V, item);
  return {
    kind: 'tokens',
    input: source.map(sourceSymbol),
    target: [...target.map(targetSymbol), '⟨eos⟩'],
    output: [...decodeOutput(output, batch.B, V, batch.tOut!, item).map(targetSymbol), '⟨eos⟩']
  };
}
