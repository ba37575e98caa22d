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

/** NLDS layers as the paper's files write them: the input, and a square stride-1 convolution. */
const imageData = (size: number, channels: number) => ({
  layer_type: 'ImageData',
  layer_id: 'in',
  layer_params: { rows: size, cols: size, channels, classes: 10 },
});
const nldsConv = (id: string, filters: number, k: number, padding: 'SAME' | 'VALID') => ({
  layer_type: 'Convolution2D',
  layer_id: id,
  layer_params: {
    nb_filter: filters,
    kernel_row: k,
    kernel_col: k,
    stride_row: 1,
    stride_col: 1,
    border_mode: padding,
  },
});

test('NLDS without layer_links is read in file order; unknown layers become UNK', () => {
  const doc = {
    nldsJson: {
      layers: [
        imageData(28, 1),
        nldsConv('c', 32, 3, 'VALID'),
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
        imageData(32, 3),
        nldsConv('a', 64, 1, 'SAME'),
        nldsConv('b', 64, 3, 'SAME'),
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
