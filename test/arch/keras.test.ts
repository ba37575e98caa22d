import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  analyze,
  detectFormat,
  importKeras,
  ImportError,
  parseSpec,
  toSentences,
  tokenizeFile,
} from '../../src/arch';

/** Mutable parsed JSON, for building broken documents. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'arch');

test('Keras 2 Sequential to_json: fused activations, UNK for unknown layers and off-grid params', () => {
  const { format, spec, sentences } = tokenizeFile(path.join(FIXTURES, 'keras2-sequential.json'));
  assert.equal(format, 'keras');
  assert.equal(spec.classes, 10);
  assert.deepEqual(spec.input, { height: 32, width: 32, channels: 3 });
  assert.deepEqual(sentences, [
    'Convolution2D_32_3_3_1_1_SAME ReLU BatchNormalization Pooling2D_2_2_2_2_MAX_VALID UNK ' +
      'Convolution2D_64_5_5_2_2_VALID UNK Tanh Flatten Dense_512_glorot_normal ReLU Dropout_0.5 Dense_10_glorot_normal',
  ]);
  parseSpec(JSON.parse(JSON.stringify(spec)));
  assert.equal(spec.layers.find((l) => l.id === 'leaky_re_lu')?.type, 'UNK');
  assert.deepEqual(analyze(spec).shapes.at(-1), [10]);
});

test('Keras 3 Functional to_json: residual Add gives one sentence per path', () => {
  const { spec, sentences } = tokenizeFile(path.join(FIXTURES, 'keras3-functional.json'));
  assert.equal(spec.classes, 43);
  assert.deepEqual(sentences, [
    'Convolution2D_64_3_3_1_1_SAME ReLU Convolution2D_64_3_3_1_1_SAME Eltwise_SUM Pooling2D_1_1_1_1_GLOBAL-AVERAGE_VALID Dense_43_glorot_normal',
    'Convolution2D_64_3_3_1_1_SAME ReLU Eltwise_SUM Pooling2D_1_1_1_1_GLOBAL-AVERAGE_VALID Dense_43_glorot_normal',
  ]);
  assert.deepEqual(analyze(spec).shapes.at(-1), [43]);
});

test('TensorFlow.js model.toJSON() (Sequential and Functional) and model.json artifacts import', () => {
  const seq = tf.sequential();
  seq.add(
    tf.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 32,
      kernelSize: 5,
      strides: 2,
      padding: 'valid',
      activation: 'relu',
    }),
  );
  seq.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }));
  seq.add(tf.layers.flatten());
  seq.add(tf.layers.dense({ units: 100, kernelInitializer: 'heUniform', activation: 'tanh' }));
  seq.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'glorotNormal' }));
  const seqJson = seq.toJSON(null, false);
  assert.deepEqual(toSentences(importKeras(seqJson)), [
    'Convolution2D_32_5_5_2_2_VALID ReLU Pooling2D_2_2_1_1_AVERAGE_SAME Flatten Dense_100_he_uniform Tanh Dense_10_glorot_normal',
  ]);
  assert.equal(analyze(importKeras(seqJson)).params, seq.countParams());
  // model.json as written by model.save(): the topology sits under modelTopology.
  assert.equal(detectFormat({ modelTopology: seqJson, weightsManifest: [] }), 'keras');
  assert.deepEqual(toSentences(importKeras({ modelTopology: seqJson })), toSentences(importKeras(seqJson)));

  const input = tf.input({ shape: [32, 32, 3] });
  const a = tf.layers
    .conv2d({ filters: 64, kernelSize: 1, padding: 'same' })
    .apply(input) as tf.SymbolicTensor;
  const b = tf.layers
    .conv2d({ filters: 128, kernelSize: 3, padding: 'same' })
    .apply(input) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(cat) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 10, activation: 'softmax' }).apply(gap) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const spec = importKeras(model.toJSON(null, false));
  // TF.js's Dense default initializer is glorotNormal, serialized as VarianceScaling(1, fan_avg, normal).
  assert.deepEqual(toSentences(spec), [
    'Convolution2D_64_1_1_1_1_SAME Concat Pooling2D_1_1_1_1_GLOBAL-AVERAGE_VALID Dense_10_glorot_normal',
    'Convolution2D_128_3_3_1_1_SAME Concat Pooling2D_1_1_1_1_GLOBAL-AVERAGE_VALID Dense_10_glorot_normal',
  ]);
  assert.equal(analyze(spec).params, model.countParams());
});

test('malformed Keras JSON errors name the JSON path', () => {
  const seq = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'keras2-sequential.json'), 'utf8'));
  const cases: Array<[(d: Doc) => void, RegExp]> = [
    [(d) => (d.config.layers = {}), /^\$\.config\.layers: must be an array of layers/],
    [(d) => (d.config.layers[2] = 'conv'), /^\$\.config\.layers\[2\]: must be an object with class_name/],
    [(d) => (d.class_name = 'Subclassed'), /^\$\.class_name: unsupported model class 'Subclassed'/],
    [(d) => delete d.config.layers[0].config.batch_input_shape, /no input shape/],
    [
      (d) =>
        d.config.layers.splice(-1, 1, { class_name: 'Dropout', config: { rate: 0.1 } }) &&
        d.config.layers.splice(9, 3),
      /cannot tell the number of classes/,
    ],
  ];
  for (const [mutate, pattern] of cases) {
    const doc = structuredClone(seq);
    mutate(doc);
    assert.throws(
      () => importKeras(doc),
      (e: Error) => e instanceof ImportError && pattern.test(e.message),
      pattern.source,
    );
  }
  const fn = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'keras3-functional.json'), 'utf8'));
  fn.config.layers[3].inbound_nodes[0].args[0][0].config.keras_history[0] = 'ghost';
  assert.throws(
    () => importKeras(fn),
    /\$\.config\.layers\[3\]: reads 'ghost', which is not a layer of this model/,
  );
});

test('unreadable files and unknown formats get one clear message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-arch-'));
  try {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"layers": [');
    assert.throws(() => tokenizeFile(bad), /bad\.json is not valid JSON/);
    fs.writeFileSync(bad, '{"hello": 1}');
    assert.throws(() => tokenizeFile(bad), /bad\.json: \$: unrecognised architecture format/);
    assert.throws(() => tokenizeFile(path.join(dir, 'none.json')), /cannot read .*none\.json: no such file/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
