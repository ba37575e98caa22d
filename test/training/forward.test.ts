import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/backend';
import { channelStats } from '../../src/training/batches';
import { forwardOutputs, ForwardPassError } from '../../src/training/forward';
import { buildModel } from '../../src/training/model-builder';
import { lenet5, mnist } from './helpers';
import { saveModel } from '../../src/training/saved-model';
import { transferabilityScores } from '../../src/transferability';
import { runOnThread } from '../../activities/threads';
import type { TransferabilityJob } from '../../activities/thread-tasks';

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

test('scoreTransferability on a pooled thread equals the in-process scores (fresh and stored models)', async () => {
  await initBackend('auto');
  const data = mnist('test', 60);
  const stats = channelStats(
    data,
    Uint32Array.from({ length: data.count }, (_, i) => i),
  );
  const spec = lenet5(28, 28, 1, 10);
  const trained = buildModel(spec, { seed: 9 });
  const saved = await saveModel(trained.model, {
    classes: 10,
    input: { height: 28, width: 28, channels: 1 },
    ...stats,
  });
  const images = { ...data, images: data.images.slice() };
  const jobs: TransferabilityJob[] = [
    { pairId: 'fresh', norm: stats, spec, seed: 3 },
    { pairId: 'stored', norm: stats, modelJson: saved.modelJson, weightsBin: saved.weightsBin },
  ];
  const events: number[] = [];
  const threaded = await runOnThread('scoreTransferability', { images, jobs }, (e) => events.push(e.scored));
  assert.deepEqual(events, [1, 2]);
  const expected = async (model: tf.LayersModel) =>
    transferabilityScores(await forwardOutputs(model, data, stats), data.labels);
  const fresh = buildModel(spec, { seed: 3 }).model;
  const local = { fresh: await expected(fresh), stored: await expected(trained.model) };
  for (const id of ['fresh', 'stored'] as const)
    for (const s of ['logme', 'leep'] as const)
      assert.ok(
        Math.abs(threaded[id][s] - local[id][s]) < 1e-4,
        `${id} ${s}: ${threaded[id][s]} vs ${local[id][s]}`,
      );
  assert.notEqual(threaded.fresh.logme, threaded.stored.logme, 'two different models');
  fresh.dispose();
  trained.model.dispose();
});
