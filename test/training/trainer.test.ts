import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recipeFor } from '../../src/training/recipe';
import { decodeState, encodeState, type TrainingState } from '../../src/training/state';
import { Trainer } from '../../src/training/trainer';
import { initBackend } from '../../src/training/backend';
import { loadModel, savedWeights } from '../../src/training/saved-model';
import * as tf from '@tensorflow/tfjs';
import { countParams } from '../../src/arch/shapes';
import { zooModel } from '../../src/arch/zoo';
import { lenet5, mnist } from './helpers';

test('the zoo LeNet-5 on 2,000 real MNIST images reaches ≥ 80% test accuracy after one epoch', async () => {
  const train = mnist('train', 2000);
  const testSet = mnist('test', 1000);
  // One epoch of 2,000 images is short: small batches (250 SGD steps) and no crop augmentation.
  const recipe = recipeFor('smoke', {
    family: 'digits',
    overrides: { batchSize: 8, learningRate: 0.005, trainLimit: 2000, testLimit: 1000 },
  });
  assert.equal(recipe.augment.horizontalFlip, false);
  const losses: number[] = [];
  const spec = zooModel('lenet5', { height: 28, width: 28, channels: 1 }, 10);
  const trainer = await Trainer.create(spec, recipe, {
    hooks: { onBatch: (_e, _b, loss) => void losses.push(loss) },
  });
  const r = await trainer.train(train, testSet);
  trainer.dispose();
  assert.equal(r.epochs, 1);
  assert.equal(losses.length, 250);
  assert.ok(r.accuracy >= 0.8, `test accuracy ${r.accuracy}`);
  assert.ok(
    losses.slice(-25).reduce((a, b) => a + b) < losses.slice(0, 25).reduce((a, b) => a + b),
    'loss falls',
  );
  assert.equal(r.testImages, 1000);
  // The default backend: native TensorFlow where `npm run setup` built it, else wasm.
  assert.equal(r.backend, (await initBackend('auto')).name);
  assert.ok(r.imagesPerSecond > 0 && r.flops > 0);
  assert.equal(r.params, countParams(spec));
});

test('checkpoint → resume continues exactly where an uninterrupted run goes', async () => {
  const train = mnist('train', 240);
  const testSet = mnist('test', 100);
  const recipe = recipeFor('paper', {
    family: 'digits',
    overrides: {
      maxEpochs: 3,
      batchSize: 32,
      learningRate: 0.01,
      validationSplit: 0.2,
      patience: 5,
      warmupBatches: 5,
    },
  });
  const spec = lenet5(28, 28, 1, 10);
  const checkpoints: Uint8Array[] = [];
  const full = await Trainer.create(spec, recipe, {
    hooks: { onEpochEnd: (s) => void checkpoints.push(encodeState(s)) },
  });
  const a = await full.train(train, testSet);
  const finalA = await full.snapshot();
  full.dispose();
  assert.equal(checkpoints.length, 3);

  // "Kill" after epoch 1: a fresh trainer resumes from the bytes of the first checkpoint.
  const resumed = await Trainer.create(spec, recipe);
  await resumed.resumeFrom(checkpoints[0]);
  const b = await resumed.train(train, testSet);
  const finalB = await resumed.snapshot();
  resumed.dispose();

  assert.deepEqual(b.lossCurve, a.lossCurve);
  assert.deepEqual(b.valLossCurve, a.valLossCurve);
  assert.equal(b.accuracy, a.accuracy);
  assert.equal(finalB.rngState, finalA.rngState);
  assert.equal(finalB.step, finalA.step);
  const same = (x: TrainingState['weights'], y: TrainingState['weights']) =>
    x.length === y.length &&
    x.every((w, i) => w.name === y[i].name && w.data.every((v, k) => v === y[i].data[k]));
  assert.ok(same(finalB.weights, finalA.weights), 'weights identical');
  assert.ok(same(finalB.optimizer, finalA.optimizer), 'momentum slots identical');
  assert.ok(finalA.optimizer.some((o) => o.name.endsWith('/momentum')));

  // The byte format round-trips.
  const again = decodeState(encodeState(finalA));
  assert.ok(same(again.weights, finalA.weights) && same(again.optimizer, finalA.optimizer));
  assert.deepEqual(
    { ...again, weights: 0, optimizer: 0, bestWeights: 0 },
    { ...finalA, weights: 0, optimizer: 0, bestWeights: 0 },
  );
});

test('saved model (TF.js format) reloads with the same predictions; transfer keeps all but the head', async () => {
  const train = mnist('train', 300);
  const spec = lenet5(28, 28, 1, 10);
  const recipe = recipeFor('smoke', { overrides: { trainLimit: 300, testLimit: 50 } });
  const source = await Trainer.create(spec, recipe);
  await source.train(train, mnist('test', 50));
  const saved = await source.save();
  assert.deepEqual(saved.modelJson.weightsManifest, [
    {
      paths: ['weights.bin'],
      weights: (saved.modelJson.weightsManifest as { weights: unknown[] }[])[0].weights,
    },
  ]);
  const meta = saved.modelJson.userDefinedMetadata as { dlrec: { mean: number[]; classes: number } };
  assert.equal(meta.dlrec.classes, 10);
  assert.equal(meta.dlrec.mean.length, 1);
  const loaded = await loadModel(saved);
  const x = tf.randomNormal([4, 28, 28, 1]);
  const p1 = (source.model.predict(x) as tf.Tensor).dataSync();
  const p2 = (loaded.predict(x) as tf.Tensor).dataSync();
  // Same maths; the reloaded model runs TF.js' fused first conv, so allow rounding differences.
  p1.forEach((v, i) => assert.ok(Math.abs(v - p2[i]) <= 1e-5, `prediction ${i}: ${v} vs ${p2[i]}`));

  // Fine-tune on a 5-class target: every layer but the head is copied.
  const target = {
    ...spec,
    classes: 5,
    layers: spec.layers.map((l) =>
      l.id === 'out' ? { ...l, params: { units: 5, init: 'glorot_uniform' } } : l,
    ),
  };
  const fine = await Trainer.create(target as typeof spec, recipe);
  const { transferred, fresh } = fine.loadPretrained(savedWeights(saved), ['out']);
  assert.deepEqual(fresh.sort(), ['l_out/bias', 'l_out/kernel']);
  assert.equal(transferred.length, 8);
  const five = { ...train, labels: Uint8Array.from(train.labels, (l) => l % 5) };
  const r = await fine.train(five, { ...five, count: 50 });
  assert.ok(r.accuracy > 0.2);
  source.dispose();
  fine.dispose();
  loaded.dispose();
});

test('micro-batches accumulate to the same SGD update as whole batches (and tick between slices)', async () => {
  const train = mnist('train', 96);
  const spec = lenet5(28, 28, 1, 10);
  const base = { maxEpochs: 1, batchSize: 48, validationSplit: 0, warmupBatches: 0, learningRate: 0.05 };
  const train1 = async (microBatch: number, learningRate = base.learningRate) => {
    let ticks = 0;
    const recipe = recipeFor('smoke', { overrides: { ...base, microBatch, learningRate } });
    const t = await Trainer.create(spec, recipe, { hooks: { onMicroBatch: () => void ticks++ } });
    const r = await t.train(train, train);
    const w = (await t.snapshot()).weights;
    t.dispose();
    return { r, w, ticks };
  };
  const w0 = (await train1(0, 1e-30)).w; // the seeded initial weights (steps far below float resolution)
  // The two SGD steps' update: what accumulation must get right (the mean of the slices, not their sum).
  const run = async (microBatch: number) => {
    const { r, w, ticks } = await train1(microBatch);
    const update = w.map((x, i) => ({ name: x.name, data: x.data.map((v, k) => v - w0[i].data[k]) }));
    return { r, ticks, update };
  };
  const whole = await run(0);
  const sliced = await run(16);
  assert.equal(whole.ticks, 0);
  assert.equal(sliced.ticks, 6); // 2 batches × 3 slices
  assert.ok(Math.abs(whole.r.lossCurve[0] - sliced.r.lossCurve[0]) < 1e-4);
  // Equal up to float rounding, which native TensorFlow (oneDNN: other summation orders per batch size) lets
  // grow over the two steps to ~1% of the update; a sum of the slices instead of their mean is 200% off.
  whole.update.forEach((u, i) => {
    const scale = Math.max(...u.data.map(Math.abs));
    const err = Math.max(...u.data.map((v, k) => Math.abs(v - sliced.update[i].data[k])));
    assert.ok(
      scale > 0 && err <= 0.05 * scale,
      `${u.name}: update differs by ${err} (update scale ${scale})`,
    );
  });
});
