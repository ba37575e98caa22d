import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ZOO, zooModel } from '../../src/arch/zoo';
import { initBackend } from '../../src/training/backend';
import { buildModel } from '../../src/training/model-builder';
import { variableOf } from '../../src/training/model-weights';
import { crossEntropyFromLogits, weightDecayLoss } from '../../src/training/training-loss';
import { convsReadOnlyByBatchNorm } from '../helpers/layers';

test('every canonical zoo model builds and takes a finite SGD step on the wasm backend', async () => {
  const backend = await initBackend('wasm');
  assert.equal(backend.name, 'wasm');
  for (const name of ZOO) {
    const spec = zooModel(name, { height: 32, width: 32, channels: 3 }, 10);
    const { model, params, logits, decayed } = buildModel(spec, { seed: 1 });
    // The spec counts every bias; the build leaves out those of convs read only by BatchNormalization.
    const dropped = convsReadOnlyByBatchNorm(spec).reduce(
      (n, l) => n + (l.type === 'Convolution2D' ? l.params.filters : 0),
      0,
    );
    assert.equal(model.countParams() + dropped, params, name);
    const opt = tf.train.momentum(0.01, 0.9);
    const before = model.trainableWeights[0].read().dataSync().slice();
    const loss = tf.tidy(() => {
      const x = tf.randomNormal([2, 32, 32, 3], 0, 1, 'float32', 5);
      const y = tf.oneHot(tf.tensor1d([3, 7], 'int32'), 10);
      const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const cost = opt.minimize(
        () => {
          const l = crossEntropyFromLogits(y, logits!.apply(x, { training: true }) as tf.Tensor);
          return tf.add(l, weightDecayLoss(decayed.map(variableOf), 5e-4)) as tf.Scalar;
        },
        true,
        vars,
      );
      return cost!.dataSync()[0];
    });
    assert.ok(Number.isFinite(loss), `${name}: loss ${loss}`);
    const after = model.trainableWeights[0].read().dataSync();
    assert.ok(
      after.some((v, i) => v !== before[i]),
      `${name}: first layer did not move`,
    );
    model.dispose();
    opt.dispose();
  }
});
