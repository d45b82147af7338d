import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawToken, GREEDY_TEMPERATURE, sample } from './generate';
import { initParameters } from './init';
import { forward } from './network';
import type { Params } from './network';
import { useNodeBackend } from './node-backend';
import { Random } from './random';
import { disposeParams, randomParams, TEST_INIT, uploadParams } from './testing';
import type { BackendName, CellType, NetworkSpec } from './types';

const BACKENDS = (process.env.ENGINE_BACKENDS ?? 'cpu,wasm').split(',') as BackendName[];
const V = 5;

function network(cell: CellType, extra: Partial<NetworkSpec> = {}): NetworkSpec {
  return {
    cell,
    activation: 'tanh',
    inputSize: V,
    hidden: 6,
    layers: 2,
    bidirectional: false,
    readout: 'step',
    outputSize: V,
    peepholes: false,
    ...extra
  };
}

/**
 * The reference: no state carried. At every step the whole sequence so far (prime and sampled
 * tokens) goes through a fresh forward pass, and the token is drawn from its last output with the
 * same draws of the same seeded generator. With `memory` = m, only the last m tokens are run.
 */
function referenceSample(
  spec: NetworkSpec,
  params: Params,
  prime: number[],
  length: number,
  temperature: number,
  seed: number,
  memory = Infinity
): number[] {
  const random = new Random(`sample:${seed}`);
  const sequence = [...prime];
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const logits = tf.tidy(() => {
      const seen = sequence.slice(-memory);
      const T = seen.length;
      const ids = tf.tensor1d(seen, 'int32');
      const x = tf.reshape(tf.cast(tf.oneHot(ids, V), 'float32'), [T, 1, V]);
      const y = forward(spec, params, x, { truncation: 0 }).output;
      return tf.slice(y, [T - 1, 0, 0], [1, 1, V]).dataSync();
    });
    const id = drawToken(logits, temperature, random);
    out.push(id);
    sequence.push(id);
  }
  return out;
}

describe.each(BACKENDS)('sampling on %s', (backend) => {
  beforeAll(async () => {
    await useNodeBackend(backend);
  });

  it.each(['rnn', 'lstm', 'gru'] as const)(
    '%s: carrying the state step by step equals re-running the whole text; no tensor leaks',
    async (cell) => {
      const spec = network(cell, { learnedInitialState: cell === 'lstm' });
      const params = randomParams(spec, 3, 1.5);
      const before = tf.memory().numTensors;
      const prime = [1, 4, 2];
      const sampled = await sample(spec, params, {
        prime,
        length: 12,
        temperature: 1,
        seed: 9,
        vocabSize: V
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(sampled).toEqual(referenceSample(spec, params, prime, 12, 1, 9));
      // The state matters: a sampler that forgets all but the last token samples otherwise.
      expect(sampled).not.toEqual(referenceSample(spec, params, prime, 12, 1, 9, 1));
      disposeParams(params);
    }
  );

  it('is deterministic for a seed; another seed gives another sample', async () => {
    const spec = network('lstm');
    const params = randomParams(spec, 4, 1.5);
    const options = { prime: [0], length: 40, temperature: 1.5, seed: 1, vocabSize: V };
    const a = await sample(spec, params, options);
    expect(await sample(spec, params, options)).toEqual(a);
    expect(await sample(spec, params, { ...options, seed: 2 })).not.toEqual(a);
    disposeParams(params);
  });

  it(`temperature ≤ ${GREEDY_TEMPERATURE} is the argmax chain, whatever the seed`, async () => {
    const spec = network('gru');
    const params = randomParams(spec, 5, 1.5);
    const prime = [2, 3];
    const greedy = await sample(spec, params, {
      prime,
      length: 15,
      temperature: GREEDY_TEMPERATURE,
      seed: 1,
      vocabSize: V
    });
    // The argmax chain, computed from full forward passes.
    expect(greedy).toEqual(referenceSample(spec, params, prime, 15, 0.01, 123));
    expect(
      await sample(spec, params, { prime, length: 15, temperature: 0.01, seed: 77, vocabSize: V })
    ).toEqual(greedy);
    // A high temperature is not greedy.
    const warm = await sample(spec, params, {
      prime,
      length: 15,
      temperature: 3,
      seed: 1,
      vocabSize: V
    });
    expect(warm).not.toEqual(greedy);
    disposeParams(params);
  });

  it('a network that always outputs log p samples with frequencies p, sharpened by 1/τ', async () => {
    // Readout weights zero and bias log p: the logits are log p at every step, whatever the state.
    const spec = network('rnn', { layers: 1 });
    const { params: arrays } = initParameters(spec, TEST_INIT);
    const p = [0.05, 0.1, 0.15, 0.3, 0.4];
    arrays['readout.weight'].values.fill(0);
    arrays['readout.bias'].values.set(p.map(Math.log));
    const params = uploadParams(arrays);
    const n = 3000;
    for (const temperature of [1, 0.5]) {
      const ids = await sample(spec, params, {
        prime: [0],
        length: n,
        temperature,
        seed: 11,
        vocabSize: V
      });
      // softmax(log p / τ) ∝ p^(1/τ)
      const weights = p.map((pi) => pi ** (1 / temperature));
      const expected = weights.map((w) => (n * w) / weights.reduce((a, b) => a + b));
      const counts = p.map((_, i) => ids.filter((id) => id === i).length);
      const chiSquared = counts.reduce((s, c, i) => s + (c - expected[i]) ** 2 / expected[i], 0);
      // 4 degrees of freedom: P(χ² > 18.47) = 0.001.
      expect(chiSquared).toBeLessThan(18.47);
    }
    disposeParams(params);
  });

  it('refuses what it cannot do, with a message', async () => {
    const spec = network('rnn');
    const params = randomParams(spec, 6);
    const options = { prime: [1], length: 3, temperature: 1, seed: 1, vocabSize: V };
    await expect(sample({ ...spec, bidirectional: true }, params, options)).rejects.toThrow(
      /bidirectional/
    );
    await expect(sample(spec, params, { ...options, prime: [] })).rejects.toThrow(/at least one/);
    await expect(sample(spec, params, { ...options, prime: [V] })).rejects.toThrow(/not in the/);
    await expect(sample(spec, params, { ...options, temperature: 0 })).rejects.toThrow(/positive/);
    await expect(sample(spec, params, { ...options, vocabSize: V + 1 })).rejects.toThrow(
      /vocabulary size/
    );
    disposeParams(params);
  });
});

describe('drawToken', () => {
  it('draws index i when u falls in its slice of the cumulative probabilities', () => {
    // logits log(1, 2, 1): probabilities 1/4, 1/2, 1/4; the first draws of Random('d') decide.
    const logits = [0, Math.log(2), 0];
    const draws = new Random('d');
    const expected = Array.from({ length: 20 }, () => {
      const u = draws.uniform();
      return u < 0.25 ? 0 : u < 0.75 ? 1 : 2;
    });
    const random = new Random('d');
    expect(Array.from({ length: 20 }, () => drawToken(logits, 1, random))).toEqual(expected);
    expect(drawToken([0, 3, 3], 0.05, new Random(1))).toBe(1);
  });
});
