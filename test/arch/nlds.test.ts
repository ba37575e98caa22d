import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { analyze, importNlds, ImportError, parseSpec, toSentences, tokenizeFile } from '../../src/arch';
import { referenceFile } from '../helpers/reference';

/** Mutable parsed JSON, for building broken documents. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

const EXAMPLE = referenceFile('nlds-example.json');

/** The golden sentence, as printed (indented) in the reference README. */
function goldenSentence(): string {
  const readme = fs.readFileSync(referenceFile('README.md'), 'utf8');
  const line = readme.split('\n').find((l) => /^\s+Convolution2D_/.test(l));
  assert.ok(line, 'README holds the sentence');
  return line.trim();
}

test('the NLDS example tokenizes to exactly the published sentence', () => {
  const { format, sentences, spec } = tokenizeFile(EXAMPLE);
  assert.equal(format, 'nlds');
  assert.deepEqual(sentences, [goldenSentence()]);
  assert.equal(sentences[0].split(' ').length, 49);
  assert.deepEqual(spec.input, { height: 32, width: 32, channels: 3 });
  assert.equal(spec.classes, 10);
});

test('the imported NLDS example is a schema-valid, buildable spec', () => {
  const spec = importNlds(JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')));
  parseSpec(JSON.parse(JSON.stringify(spec)));
  const a = analyze(spec);
  assert.deepEqual(a.shapes[a.shapes.length - 1], [10]);
  assert.ok(a.params > 1e6);
});

test('NLDS without layer_links is read in file order; unknown layers become UNK', () => {
  const doc = {
    nldsJson: {
      layers: [
        {
          layer_type: 'ImageData',
          layer_id: 'in',
          layer_params: { rows: 28, cols: 28, channels: 1, classes: 10 },
        },
        {
          layer_type: 'Convolution2D',
          layer_id: 'c',
          layer_params: {
            nb_filter: 32,
            kernel_row: 3,
            kernel_col: 3,
            stride_row: 1,
            stride_col: 1,
            border_mode: 'VALID',
          },
        },
        { layer_type: 'Deconvolution2D', layer_id: 'x', layer_params: {} },
        { layer_type: 'Convolution2D', layer_id: 'bad', layer_params: { nb_filter: 'many' } },
        { layer_type: 'Flatten', layer_id: 'f', layer_params: {} },
        { layer_type: 'Dense', layer_id: 'd', layer_params: { output_dim: 10, init: 'glorot_normal' } },
        { layer_type: 'Softmax', layer_id: 's', layer_params: {} },
      ],
    },
  };
  assert.deepEqual(toSentences(importNlds(doc)), [
    'Convolution2D_32_3_3_1_1_VALID UNK UNK Flatten Dense_10_glorot_normal',
  ]);
});

test('NLDS DAG links give one sentence per path', () => {
  const doc = {
    nldsJson: {
      layers: [
        {
          layer_type: 'ImageData',
          layer_id: 'in',
          layer_params: { rows: 32, cols: 32, channels: 3, classes: 10 },
        },
        {
          layer_type: 'Convolution2D',
          layer_id: 'a',
          layer_params: {
            nb_filter: 64,
            kernel_row: 1,
            kernel_col: 1,
            stride_row: 1,
            stride_col: 1,
            border_mode: 'SAME',
          },
        },
        {
          layer_type: 'Convolution2D',
          layer_id: 'b',
          layer_params: {
            nb_filter: 64,
            kernel_row: 3,
            kernel_col: 3,
            stride_row: 1,
            stride_col: 1,
            border_mode: 'SAME',
          },
        },
        { layer_type: 'Concat', layer_id: 'cat', layer_params: {} },
        { layer_type: 'Flatten', layer_id: 'f', layer_params: {} },
        { layer_type: 'Dense', layer_id: 'd', layer_params: { output_dim: 10, init: 'glorot_normal' } },
      ],
      neural_flow: {
        layer_links: [
          { from: 'in', to: 'a' },
          { from: 'in', to: 'b' },
          { from: 'b', to: 'cat' },
          { from: 'a', to: 'cat' },
          { from: 'cat', to: 'f' },
          { from: 'f', to: 'd' },
        ],
      },
    },
  };
  const spec = importNlds(doc);
  assert.deepEqual(toSentences(spec), [
    'Convolution2D_64_1_1_1_1_SAME Concat Flatten Dense_10_glorot_normal',
    'Convolution2D_64_3_3_1_1_SAME Concat Flatten Dense_10_glorot_normal',
  ]);
  assert.deepEqual(analyze(spec).shapes[2], [32, 32, 128]);
});

test('malformed NLDS errors name the JSON path and the reason', () => {
  const base = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  const cases: Array<[(d: Doc) => void, RegExp]> = [
    [(d) => (d.nldsJson.layers = 5), /^\$\.nldsJson\.layers: must be an array/],
    [
      (d) => (d.nldsJson.layers[0].layer_params.rows = -1),
      /^\$\.nldsJson\.layers\[0\]\.layer_params: ImageData needs/,
    ],
    [
      (d) => (d.nldsJson.layers[3].layer_type = 7),
      /^\$\.nldsJson\.layers\[3\]\.layer_type: must be a non-empty string/,
    ],
    [
      (d) => (d.nldsJson.neural_flow.layer_links[2].to = 'nowhere'),
      /^\$\.nldsJson\.neural_flow\.layer_links\[2\]\.to: no layer 'nowhere'/,
    ],
    [
      (d) => d.nldsJson.neural_flow.layer_links.push({ from: 'ReLU_4', to: 'Convolution2D_2' }),
      /layer_links: the layer links form a cycle/,
    ],
    [(d) => d.nldsJson.layers.shift(), /no ImageData layer/],
  ];
  for (const [mutate, pattern] of cases) {
    const doc = structuredClone(base);
    mutate(doc);
    assert.throws(
      () => importNlds(doc),
      (err: Error) => err instanceof ImportError && pattern.test(err.message),
    );
  }
});
