import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/backend';
import { channelStats } from '../../src/training/batches';
import { forwardOutputs, ForwardPassError } from '../../src/training/forward';
import { buildModel } from '../../src/training/model-builder';
import { lenet5, mnist } from './helpers';

test('forwardOutputs: penultimate features and outputs agree with the last Dense layer, batch by batch', async () => {
  await initBackend('auto');
  const data = mnist('test', 70);
  const built = buildModel(lenet5(28, 28, 1, 10), { seed: 3 });
  const stats = channelStats(
    data,
    Uint32Array.from({ length: data.count }, (_, i) => i),
  );
  let yields = 0;
  const f = await forwardOutputs(built.model, data, stats, {
    batchSize: 32,
    between: async () => void yields++,
  });
  assert.equal(yields, 3, 'one call per batch (32 + 32 + 6)');
  const dense = [...built.model.layers].reverse().find((l) => l.getClassName() === 'Dense')!;
  const [W, b] = dense.getWeights();
  assert.equal(f.featureDim, W.shape[0]);
  assert.equal(f.outputDim, 10);
  assert.equal(f.count, 70);
  assert.equal(f.probabilities, built.outputsProbabilities);
  // The head applied to the returned features must give the returned outputs (softmax when the model ends in one).
  const logits = tf.add(tf.matMul(tf.tensor2d(f.features, [70, f.featureDim]), W), b);
  const expected = (f.probabilities ? tf.softmax(logits) : logits).dataSync();
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(expected[i] - f.outputs[i]) < 1e-4, `output ${i}`);
  // Whole-set prediction in one call gives the same rows: batching changes nothing.
  const whole = await forwardOutputs(built.model, data, stats, { batchSize: 1000 });
  for (let i = 0; i < f.features.length; i++) assert.ok(Math.abs(whole.features[i] - f.features[i]) < 1e-4);
  built.model.dispose();
});

test('forwardOutputs refuses images of another shape with the fix in the message', async () => {
  await initBackend('auto');
  const built = buildModel(lenet5(32, 32, 1, 10), { seed: 1 });
  await assert.rejects(
    forwardOutputs(built.model, mnist('test', 4), { mean: [0], std: [1] }),
    (e: Error) => e instanceof ForwardPassError && /28×28×1, the model takes 32×32×1: resize/.test(e.message),
  );
  built.model.dispose();
});
