import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { zooModel } from '../../src/arch/zoo';
import { initBackend } from '../../src/training/backend';
import { buildModel } from '../../src/training/model-builder';
import { variableOf } from '../../src/training/model-weights';
import { addWeightDecay, crossEntropyFromLogits, weightDecayLoss } from '../../src/training/training-loss';
import { nativeOrSkip, opsOf } from './helpers';

test("cross-entropy from logits on tfjs-node is TensorFlow's one op, with TF.js' value and gradient", async (t) => {
  if (!nativeOrSkip(t)) return;
  await initBackend('tensorflow');
  const logits = tf.randomNormal([16, 10], 0, 3, 'float32', 1);
  const labels = tf.oneHot(
    tf.tensor1d(
      [...Array(16).keys()].map((i) => (i * 7) % 10),
      'int32',
    ),
    10,
  );
  const ops = opsOf(() => tf.grad((z: tf.Tensor) => crossEntropyFromLogits(labels, z))(logits));
  assert.ok(ops.includes('SoftmaxCrossEntropyWithLogits'), ops.join());
  assert.ok(!ops.includes('Exp') && !ops.includes('Log'), ops.join());
  const ours = tf.valueAndGrad((z: tf.Tensor) => crossEntropyFromLogits(labels, z))(logits);
  const tfjs = tf.valueAndGrad((z: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, z) as tf.Scalar)(
    logits,
  );
  assert.ok(Math.abs(ours.value.dataSync()[0] - tfjs.value.dataSync()[0]) <= 1e-6);
  const a = ours.grad.dataSync();
  const b = tfjs.grad.dataSync();
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-7, `${i}: ${a[i]} vs ${b[i]}`);
});

for (const backend of ['wasm', 'tensorflow'] as const) {
  test(`weight decay on the gradients equals a Keras L2 regulariser on the loss (${backend})`, async (t) => {
    if (backend === 'tensorflow' && !nativeOrSkip(t)) return;
    await initBackend(backend);
    const lambda = 5e-4;
    const spec = zooModel('lenet5', { height: 32, width: 32, channels: 3 }, 10);
    const built = buildModel(spec, { seed: 4 });
    assert.equal(built.decayed.length, 5, 'two conv and three dense kernels');
    const kernels = built.decayed.map(variableOf);
    const vars = built.model.trainableWeights.map(variableOf);
    const x = tf.randomNormal([8, 32, 32, 3], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const cross = () => crossEntropyFromLogits(y, built.logits!.apply(x, { training: true }) as tf.Tensor);
    // Oracle: the regulariser tf.js' layers would add, λ/2·Σ sum(w²), differentiated by the tape.
    const oracle = tf.variableGrads(() => {
      const reg = kernels.map((w) => tf.mul(lambda / 2, tf.sum(tf.square(w))));
      return tf.add(cross(), tf.addN(reg)) as tf.Scalar;
    }, vars);
    const data = tf.variableGrads(cross, vars);
    const ours = addWeightDecay(data.grads, kernels, lambda);
    for (const v of vars) {
      const a = ours[v.name].dataSync();
      const b = oracle.grads[v.name].dataSync();
      // The same arithmetic: (λ/2)·2w is λw exactly in binary floating point.
      assert.deepEqual(Array.from(a), Array.from(b), v.name);
    }
    let squares = 0;
    for (const w of kernels) for (const v of w.dataSync()) squares += v * v;
    const term = weightDecayLoss(kernels, lambda).dataSync()[0];
    assert.ok(Math.abs(term - (lambda / 2) * squares) <= 1e-5 * term, `${term} vs ${(lambda / 2) * squares}`);
    const total = data.value.dataSync()[0] + term;
    assert.ok(Math.abs(total - oracle.value.dataSync()[0]) <= 1e-5 * total);
    built.model.dispose();
  });
}

test('the logits model shares the weights of the model and is its output before the Softmax', async () => {
  await initBackend('wasm');
  const built = buildModel(zooModel('lenet5', { height: 32, width: 32, channels: 1 }, 10), { seed: 2 });
  assert.ok(built.outputsProbabilities && built.logits && built.logits !== built.model);
  const x = tf.randomNormal([3, 32, 32, 1], 0, 1, 'float32', 6);
  const p = (built.model.predict(x) as tf.Tensor).dataSync();
  const fromLogits = tf.softmax(built.logits!.predict(x) as tf.Tensor).dataSync();
  for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - fromLogits[i]) <= 1e-6);
  assert.equal(built.logits!.trainableWeights.length, built.model.trainableWeights.length);
  built.model.dispose();
});
