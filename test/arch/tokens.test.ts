import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tokenFor, vocabulary, UNK, type LayerSpec } from '../../src/arch';
import { referenceFile } from '../helpers/reference';

const REFERENCE_VOCAB = referenceFile('vocab.txt');
const conv = (
  filters: number,
  k: [number, number],
  s: [number, number],
  padding: 'SAME' | 'VALID',
): LayerSpec => ({
  id: 'c',
  type: 'Convolution2D',
  params: { filters, kernel: k, strides: s, padding },
});

test('tokens follow the published scheme', () => {
  assert.equal(tokenFor(conv(384, [3, 2], [1, 3], 'SAME'), 10), 'Convolution2D_384_3_2_1_3_SAME');
  const pool: LayerSpec = {
    id: 'p',
    type: 'Pooling2D',
    params: { func: 'AVERAGE', kernel: [5, 4], strides: [2, 3], padding: 'VALID' },
  };
  assert.equal(tokenFor(pool, 10), 'Pooling2D_5_4_2_3_AVERAGE_VALID');
  assert.equal(
    tokenFor({ id: 'd', type: 'Dense', params: { units: 1024, init: 'he_uniform' } }, 10),
    'Dense_1024_he_uniform',
  );
  assert.equal(
    tokenFor({ id: 'd', type: 'Dense', params: { units: 256, init: 'glorot_normal' } }, 10),
    'Dense_256_glorot_normal',
  );
  assert.equal(
    tokenFor({ id: 'd', type: 'Dense', params: { units: 43, init: 'glorot_normal' } }, 43),
    'Dense_43_glorot_normal',
  );
  assert.equal(tokenFor({ id: 'o', type: 'Dropout', params: { rate: 0.3 } }, 10), 'Dropout_0.3');
  assert.equal(tokenFor({ id: 'o', type: 'Dropout', params: { rate: 0.7000000001 } }, 10), 'Dropout_0.7');
  assert.equal(tokenFor({ id: 'l', type: 'LRN', params: { size: 5 } }, 10), 'LRN_5');
  for (const t of 'AbsoluteValue BatchNormalization Flatten Power ReLU Sigmoid Tanh'.split(' ')) {
    assert.equal(tokenFor({ id: 'x', type: t } as LayerSpec, 10), t);
  }
  assert.equal(tokenFor({ id: 's', type: 'Softmax' }, 10), null);
  assert.equal(
    tokenFor({ id: 'e', type: 'Eltwise', inputs: ['a', 'b'], params: { op: 'SUM' } }, 10),
    'Eltwise_SUM',
  );
  assert.equal(
    tokenFor({ id: 'g', type: 'GlobalAveragePooling2D' }, 10),
    'Pooling2D_1_1_1_1_GLOBAL-AVERAGE_VALID',
  );
});

test('off-grid parameters and unknown layers become UNK', () => {
  assert.equal(tokenFor(conv(16, [3, 3], [1, 1], 'SAME'), 10), UNK);
  assert.equal(tokenFor(conv(32, [7, 7], [1, 1], 'SAME'), 10), UNK);
  assert.equal(tokenFor(conv(32, [3, 3], [4, 4], 'SAME'), 10), UNK);
  assert.equal(tokenFor({ id: 'd', type: 'Dense', params: { units: 120, init: 'glorot_uniform' } }, 10), UNK);
  assert.equal(tokenFor({ id: 'd', type: 'Dense', params: { units: 512, init: 'he_normal' } }, 10), UNK);
  assert.equal(tokenFor({ id: 'd', type: 'Dense', params: { units: 37, init: 'glorot_normal' } }, 10), UNK);
  assert.equal(tokenFor({ id: 'o', type: 'Dropout', params: { rate: 0.25 } }, 10), UNK);
  assert.equal(tokenFor({ id: 'o', type: 'Dropout', params: { rate: 0 } }, 10), UNK);
  assert.equal(tokenFor({ id: 'l', type: 'LRN', params: { size: 4 } }, 10), UNK);
  assert.equal(tokenFor({ id: 'u', type: 'UNK', params: { originalType: 'LeakyReLU' } }, 10), UNK);
});

test('the vocabulary holds every published token (pooling order remapped), the head tokens and UNK', () => {
  const vocab = vocabulary();
  const set = new Set(vocab);
  assert.equal(set.size, vocab.length, 'no duplicates');
  const reference = fs.readFileSync(REFERENCE_VOCAB, 'utf8').split('\n').filter(Boolean);
  assert.equal(reference.length, 4552);
  for (const raw of reference) {
    // Published vocabulary: Pooling2D_{FUNC}_{kr}_{kc}_{sr}_{sc}_{PAD}; sentences use Pooling2D_{kr}_{kc}_{sr}_{sc}_{FUNC}_{PAD}.
    const m = /^Pooling2D_([A-Z-]+)_(\d_\d_\d_\d)_(SAME|VALID)$/.exec(raw);
    const token = m ? `Pooling2D_${m[2]}_${m[1]}_${m[3]}` : raw;
    assert.ok(set.has(token), `missing ${token}`);
  }
  assert.equal(vocab.filter((t) => t.startsWith('Convolution2D_')).length, 2700);
  for (const t of [
    'Dense_512_glorot_normal',
    'Dense_256_glorot_normal',
    'Dense_10_glorot_normal',
    'Dense_43_glorot_normal',
    'Dense_100_glorot_normal',
    UNK,
  ]) {
    assert.ok(set.has(t), t);
  }
  assert.ok(!set.has('Dense_7_glorot_normal'));
  assert.ok(vocabulary([7]).includes('Dense_7_glorot_normal'));
  assert.equal(vocab[vocab.length - 1], UNK);
});
