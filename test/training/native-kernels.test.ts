import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/backend';
import { registerNativeKernels } from '../../src/training/native-kernels';
import { nativeOrSkip, opsOf } from './helpers';
import { PlainDense } from '../../src/training/dense';

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

test("a one-batch matrix product on tfjs-node is TensorFlow's MatMul, transposes and gradients included", async (t) => {
  if (!nativeOrSkip(t)) return;
  const run = async (backend: 'tensorflow' | 'cpu') => {
    await initBackend(backend);
    registerNativeKernels();
    const a = tf.randomNormal([7, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const bt = tf.randomNormal([3, 5], 0, 1, 'float32', 3);
    const batched = tf.randomNormal([2, 7, 5], 0, 1, 'float32', 4);
    const ops =
      backend === 'tensorflow' ? [opsOf(() => tf.matMul(a, b)), opsOf(() => tf.matMul(batched, b))] : [];
    const outs = [
      tf.matMul(a, b),
      tf.matMul(a, bt, false, true),
      tf.matMul(b, a, true, true),
      tf.matMul(batched, b), // two batches: tfjs-node's BatchMatMulV2
      ...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.matMul(x, y)))([a, b]),
    ].map((o) => Array.from(o.dataSync()));
    return { outs, ops };
  };
  const native = await run('tensorflow');
  const cpu = await run('cpu');
  assert.ok(
    native.ops[0].includes('MatMul') && !native.ops[0].includes('BatchMatMulV2'),
    native.ops[0].join(),
  );
  assert.ok(native.ops[1].includes('BatchMatMulV2'), native.ops[1].join());
  native.outs.forEach((o, i) =>
    o.forEach((v, k) =>
      assert.ok(Math.abs(v - cpu.outs[i][k]) <= 1e-5, `output ${i}[${k}]: ${v} vs ${cpu.outs[i][k]}`),
    ),
  );
});

test("a Dense layer on tfjs-node is one MatMul per product, without reshapes; values as TF.js' fused layer", async (t) => {
  if (!nativeOrSkip(t)) return;
  await initBackend('tensorflow');
  registerNativeKernels();
  const args = { units: 7, kernelInitializer: 'glorotUniform' as const };
  const plain = new PlainDense({ ...args, inputShape: [5] });
  const fused = tf.layers.dense({ ...args, inputShape: [5] });
  const x = tf.randomNormal([4, 5], 0, 1, 'float32', 8);
  fused.apply(x);
  plain.apply(x);
  plain.setWeights(fused.getWeights().map((w) => tf.add(w, tf.randomNormal(w.shape, 0, 0.1, 'float32', 9))));
  fused.setWeights(plain.getWeights());
  const opsOfStep = (layer: tf.layers.Layer) =>
    opsOf(() => tf.grads((a: tf.Tensor) => tf.sum(layer.apply(a) as tf.Tensor))([x]));
  const ops = opsOfStep(plain);
  const fusedOps = opsOfStep(fused);
  assert.ok(ops.filter((o) => o === 'MatMul').length === 2, ops.join());
  assert.ok(!ops.includes('ExpandDims') && !ops.includes('BatchMatMulV2'), ops.join());
  // The fused layer's forward product and input gradient each reshape to 3-D and back.
  assert.ok(ops.length <= fusedOps.length - 6, `${ops.join()} vs fused ${fusedOps.join()}`);
  const run = (layer: tf.layers.Layer) => {
    const vars = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)), vars);
    return [value, ...vars.map((v) => grads[v.name])].map((g) => Array.from(g.dataSync()));
  };
  const a = run(plain);
  const b = run(fused);
  a.forEach((o, i) =>
    o.forEach((v, k) => assert.ok(Math.abs(v - b[i][k]) <= 1e-5, `${i}[${k}]: ${v} vs ${b[i][k]}`)),
  );
  assert.equal(plain.getClassName(), 'Dense');
});
