import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { ArchitectureSpec, LayerSpec } from '../../src/arch/spec';
import { analyze } from '../../src/arch/shapes';
import { initBackend } from '../../src/training/backend';
import { buildModel } from '../../src/training/model-builder';
import { copyMatchingWeights, readWeights, variableOf, writeWeights } from '../../src/training/model-weights';
import { weightDecayLoss } from '../../src/training/training-loss';
import { zooModel } from '../../src/arch/zoo';
import { conv, convsReadOnlyByBatchNorm } from '../helpers/layers';

/** A DAG that uses every layer type of the spec. */
const EVERY_LAYER: ArchitectureSpec = {
  format: 'dlrec.architecture',
  version: 1,
  name: 'every layer',
  input: { height: 12, width: 12, channels: 3 },
  classes: 4,
  layers: [
    conv('c1', 6, 3, 1, 'SAME'),
    { id: 'bn', type: 'BatchNormalization' },
    { id: 'relu', type: 'ReLU' },
    { id: 'lrn', type: 'LRN', params: { size: 3 } },
    {
      id: 'mp',
      type: 'Pooling2D',
      params: { kernel: [3, 3], strides: [2, 2], func: 'MAX', padding: 'SAME' },
    },
    conv('a', 4, 3, 1, 'SAME', ['mp']),
    { id: 'tanh', type: 'Tanh' },
    conv('b', 4, 1, 1, 'VALID', ['mp']),
    { id: 'sig', type: 'Sigmoid' },
    conv('c', 4, 2, 1, 'SAME', ['mp']),
    { id: 'abs', type: 'AbsoluteValue' },
    { id: 'sum', type: 'Eltwise', params: { op: 'SUM' }, inputs: ['tanh', 'sig'] },
    { id: 'prod', type: 'Eltwise', params: { op: 'PROD' }, inputs: ['sig', 'abs'] },
    { id: 'max', type: 'Eltwise', params: { op: 'MAX' }, inputs: ['sum', 'prod', 'abs'] },
    { id: 'pow', type: 'Power', params: { power: 2, scale: 0.5, shift: 1 } },
    { id: 'unk', type: 'UNK', params: { originalType: 'Crop' } },
    { id: 'cat', type: 'Concat', inputs: ['unk', 'sum', 'mp'] },
    {
      id: 'ap',
      type: 'Pooling2D',
      params: { kernel: [2, 2], strides: [2, 2], func: 'AVERAGE', padding: 'VALID' },
    },
    conv('s2', 8, 3, 2, 'SAME'),
    { id: 'gap', type: 'GlobalAveragePooling2D' },
    { id: 'flat', type: 'Flatten', inputs: ['ap'] },
    { id: 'd1', type: 'Dense', params: { units: 10, init: 'he_uniform' } },
    { id: 'drop', type: 'Dropout', params: { rate: 0.3 } },
    { id: 'join', type: 'Concat', inputs: ['drop', 'gap'] },
    { id: 'head', type: 'Dense', params: { units: 4, init: 'glorot_uniform' } },
    { id: 'soft', type: 'Softmax' },
  ],
};

test('every layer type builds with the shapes and parameter count src/arch infers', () => {
  const { model, params, flops, outputsProbabilities, decayed } = buildModel(EVERY_LAYER, { seed: 3 });
  const expected = analyze(EVERY_LAYER);
  EVERY_LAYER.layers.forEach((l, i) => {
    const shape = model.getLayer(`l_${l.id}`).outputShape as (number | null)[];
    assert.deepEqual(shape.slice(1), expected.shapes[i], `layer ${l.id}`);
  });
  // c1 is read only by BatchNormalization: its 6 biases are left out of the built model (see the next test).
  assert.equal(model.countParams() + 6, params);
  assert.ok(flops > 0 && outputsProbabilities);
  // L2 weight decay on the 5 conv and 2 dense kernels.
  assert.equal(decayed.length, 7);
  assert.ok(decayed.every((w) => /\/kernel/.test(w.name)));
  model.dispose();
});

test('an invalid spec fails with the architecture error naming the layer', () => {
  const bad = {
    ...EVERY_LAYER,
    layers: [{ id: 'd', type: 'Dense', params: { units: 4, init: 'he_uniform' } }] as LayerSpec[],
  };
  assert.throws(() => buildModel(bad), /layer 0 \(d, Dense\).*Flatten/);
});

test('training gradients of every layer type agree between the wasm and cpu backends', async () => {
  const spec = { ...EVERY_LAYER, layers: EVERY_LAYER.layers.filter((l) => l.type !== 'Dropout') };
  spec.layers = spec.layers.map((l) => (l.id === 'join' ? { ...l, inputs: ['d1', 'gap'] } : l));
  const run = async (backend: 'wasm' | 'cpu') => {
    await initBackend(backend);
    const { model, decayed } = buildModel(spec, { seed: 7 });
    const out = tf.tidy(() => {
      const x = tf.randomUniform([5, 12, 12, 3], -1, 1, 'float32', 11);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 1], 'int32'), 4);
      const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const { value, grads } = tf.variableGrads(() => {
        const p = model.apply(x, { training: true }) as tf.Tensor;
        return tf.add(tf.losses.logLoss(y, p), weightDecayLoss(decayed.map(variableOf), 5e-4)) as tf.Scalar;
      }, vars);
      return { loss: value.dataSync()[0], grads: vars.map((v) => Array.from(grads[v.name].dataSync())) };
    });
    model.dispose();
    return out;
  };
  const c = await run('cpu');
  const w = await run('wasm');
  assert.ok(Number.isFinite(c.loss));
  assert.ok(Math.abs(w.loss - c.loss) <= 1e-4 * Math.abs(c.loss));
  c.grads.forEach((g, i) => {
    // A conv bias right before BatchNorm has a zero gradient in exact arithmetic: compare it absolutely.
    const scale = Math.max(1e-4, ...g.map(Math.abs));
    const err = Math.max(...g.map((v, k) => Math.abs(v - w.grads[i][k])));
    assert.ok(err / scale <= 1e-3, `gradient ${i}: relative error ${err / scale}`);
  });
});

test('a conv read only by BatchNormalization has no bias; other convs and dense layers keep theirs', () => {
  const spec = zooModel('resnet20', { height: 32, width: 32, channels: 3 }, 10);
  const { model } = buildModel(spec);
  const hasBias = (id: string) => model.getLayer(`l_${id}`).weights.some((w) => w.name.endsWith('bias'));
  const withoutBias = new Set(convsReadOnlyByBatchNorm(spec).map((l) => l.id));
  for (const l of spec.layers) {
    if (l.type === 'Dense') assert.ok(hasBias(l.id), l.id);
    if (l.type === 'Convolution2D') assert.equal(hasBias(l.id), !withoutBias.has(l.id), l.id);
  }
  // 19 convs in front of BN; the two 1×1 projections feed the residual sums and keep their biases.
  assert.equal(withoutBias.size, 19);
  model.dispose();
});

test('weights saved with a bias before BatchNorm load into the bias-free build with the same outputs', async () => {
  await initBackend('cpu');
  const spec: ArchitectureSpec = {
    format: 'dlrec.architecture',
    version: 1,
    name: 'conv-bn',
    input: { height: 8, width: 8, channels: 3 },
    classes: 3,
    layers: [
      conv('c1', 5, 3, 1, 'SAME'),
      { id: 'bn', type: 'BatchNormalization' },
      { id: 'relu', type: 'ReLU' },
      { id: 'gap', type: 'GlobalAveragePooling2D' },
      { id: 'head', type: 'Dense', params: { units: 3, init: 'glorot_uniform' } },
      { id: 'soft', type: 'Softmax' },
    ],
  };
  // The oracle: the same network as TF.js builds it by default, conv bias included, every weight random.
  const input = tf.input({ shape: [8, 8, 3] });
  let h = tf.layers
    .conv2d({ name: 'l_c1', filters: 5, kernelSize: 3, padding: 'same' })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ name: 'l_bn', epsilon: 1e-5 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.reLU({ name: 'l_relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({ name: 'l_gap' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ name: 'l_head', units: 3, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const oracle = tf.model({ inputs: input, outputs: h });
  oracle.weights.forEach((w, i) => {
    const lo = w.name.includes('moving_variance') ? 0.5 : -1;
    w.write(tf.randomUniform(w.shape as number[], lo, 1.5, 'float32', 100 + i));
  });
  const saved = readWeights(oracle);
  assert.ok(saved.some((w) => w.name === 'l_c1/bias'));
  const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 9);
  const expected = (oracle.predict(x) as tf.Tensor).dataSync();
  for (const load of [writeWeights, copyMatchingWeights]) {
    const { model } = buildModel(spec, { seed: 1 });
    load(model, saved);
    const got = (model.predict(x) as tf.Tensor).dataSync();
    got.forEach((v, k) =>
      assert.ok(Math.abs(v - expected[k]) < 1e-5, `${load.name} output ${k}: ${v} vs ${expected[k]}`),
    );
    model.dispose();
  }
  oracle.dispose();
});
