import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/backend';
import { FastBatchNormalization } from '../../src/training/fused-batchnorm';
import { nativeOrSkip } from './helpers';

function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 48271) % 2147483647;
    return (s / 2147483647) * 4 - 1.5;
  });
}

function maxRel(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / scale;
}

/** Output, input gradient, γ/β gradients and updated moving statistics of one training call. */
function trainingCall(layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const [gamma, beta] = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
    const f = (xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx, { training: true }) as tf.Tensor, w));
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => f(x) as tf.Scalar, [gamma, beta]);
    const dx = tf.grad(f)(x);
    return [y, dx, grads[gamma.name], grads[beta.name], ...layer.getWeights().slice(2)].map(
      (t) => t.dataSync().slice() as Float32Array,
    );
  });
}

// On tfjs-node the fused path is TensorFlow's FusedBatchNormV3 for 4-D inputs; 2-D ones take TF.js' path.
const FUSED: Record<string, (rank: number) => string[]> = {
  wasm: () => ['DlrecBatchNormTrain', 'DlrecBatchNormTrainGrad'],
  cpu: () => ['DlrecBatchNormTrain', 'DlrecBatchNormTrainGrad'],
  tensorflow: (rank) => (rank === 4 ? ['DlrecBatchNormTrainNative', 'DlrecBatchNormTrainNativeGrad'] : []),
};

for (const backend of ['wasm', 'cpu', 'tensorflow'] as const) {
  test(`fused BatchNormalization equals TF.js's on ${backend} (outputs, gradients, moving statistics)`, async (t) => {
    if (backend === 'tensorflow' && !nativeOrSkip(t)) return;
    await initBackend(backend);
    for (const shape of [
      [4, 5, 6, 3],
      [7, 11],
      [2, 3, 3, 16],
    ]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const C = shape[shape.length - 1];
      const x = tf.tensor(values(n, 7 + n), shape);
      const w = tf.tensor(values(n, 11 + n), shape);
      const args = { axis: -1, momentum: 0.9, epsilon: 1e-5 };
      const ours = new FastBatchNormalization(args);
      const theirs = tf.layers.batchNormalization(args);
      // The fused kernels must really run (else this test would compare TF.js with itself).
      const probe = new FastBatchNormalization(args);
      const prof = await tf.profile(() =>
        tf.grad((xx: tf.Tensor) => tf.sum(probe.apply(xx, { training: true }) as tf.Tensor))(x),
      );
      const kernels = prof.kernels.map((k) => k.name);
      for (const k of FUSED[backend](shape.length))
        assert.ok(kernels.includes(k), `${k} in ${kernels.join()}`);
      for (const l of [ours, theirs]) {
        l.build(shape);
        l.setWeights([
          tf.tensor(values(C, 3), [C]),
          tf.tensor(values(C, 5), [C]),
          tf.zeros([C]),
          tf.ones([C]),
        ]);
      }
      const a = trainingCall(ours, x, w);
      const b = trainingCall(theirs, x, w);
      const names = ['y', 'dx', 'dgamma', 'dbeta', 'movingMean', 'movingVariance'];
      names.forEach((name, i) =>
        assert.ok(maxRel(a[i], b[i]) <= 1e-4, `${backend} ${shape} ${name}: ${maxRel(a[i], b[i])}`),
      );
      // Inference uses the moving statistics through TF.js' own path.
      const yi = (ours.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array;
      const yt = (theirs.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array;
      assert.ok(maxRel(yi, yt) <= 1e-4);
      assert.equal(ours.getClassName(), 'BatchNormalization');
    }
  });
}
