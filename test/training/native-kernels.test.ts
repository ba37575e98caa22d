import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/backend';
import { registerNativeKernels } from '../../src/training/native-kernels';
import { nativeOrSkip } from './helpers';

const ACTIVATIONS = [
  { name: 'relu', f: tf.relu, kernel: 'DlrecReluGrad', dfdx: (x: number) => (x > 0 ? 1 : 0) },
  { name: 'tanh', f: tf.tanh, kernel: 'DlrecTanhGrad', dfdx: (x: number) => 1 - Math.tanh(x) ** 2 },
  {
    name: 'sigmoid',
    f: tf.sigmoid,
    kernel: 'DlrecSigmoidGrad',
    dfdx: (x: number) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2,
  },
];

/** d/dx Σ w·f(x) by the kernel in use, against w·f'(x) by the formula. */
function checkGradient(f: (x: tf.Tensor) => tf.Tensor, dfdx: (x: number) => number): void {
  const x = tf.randomNormal([4, 6, 6, 3], 0, 2, 'float32', 3);
  const w = tf.randomNormal([4, 6, 6, 3], 0, 1, 'float32', 4);
  const g = tf
    .grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), w)))(x)
    .dataSync();
  const xs = x.dataSync();
  const ws = w.dataSync();
  for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] - ws[i] * dfdx(xs[i])) <= 1e-5, `${i}: ${g[i]}`);
}

for (const { name, f, kernel, dfdx } of ACTIVATIONS) {
  test(`${name}'s gradient on tfjs-node is TensorFlow's one op and equals the formula`, async (t) => {
    if (!nativeOrSkip(t)) return;
    await initBackend('tensorflow');
    registerNativeKernels();
    const x = tf.randomNormal([2, 3, 3, 2]);
    const prof = await tf.profile(() => tf.grad((xx: tf.Tensor) => tf.sum(f(xx)))(x));
    const kernels = prof.kernels.map((k) => k.name);
    assert.ok(kernels.includes(kernel), kernels.join());
    assert.ok(!kernels.includes('Step') && !kernels.includes('Square'), kernels.join());
    checkGradient(f, dfdx);
  });

  test(`${name}'s gradient elsewhere stays TF.js' own`, async () => {
    await initBackend('cpu');
    registerNativeKernels();
    checkGradient(f, dfdx);
  });
}
