import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Word2Vec } from '../../src/encoder/word2vec';
import { ALLCONV_CONVS, VGG_CONVS, mixedCorpus } from './corpus';

const { sentences } = mixedCorpus(400, 7);
const config = { dim: 24, epochs: 6, seed: 3 };

test('word2vec: loss decreases over epochs', () => {
  const model = new Word2Vec(config);
  const { lossPerEpoch } = model.fit(sentences);
  assert.equal(lossPerEpoch.length, 6);
  assert.ok(lossPerEpoch.every(Number.isFinite));
  assert.ok(lossPerEpoch[5] < lossPerEpoch[0] * 0.8, `loss did not decrease: ${lossPerEpoch.join(', ')}`);
});

test('word2vec: tokens sharing contexts are closer than tokens from different contexts', () => {
  const model = new Word2Vec(config);
  model.fit(sentences);
  const mean = (pairs: [string, string][]) =>
    pairs.reduce((s, [a, b]) => s + model.cosine(a, b), 0) / pairs.length;
  const within: [string, string][] = [];
  const across: [string, string][] = [];
  for (const a of VGG_CONVS) {
    for (const b of VGG_CONVS) if (a < b) within.push([a, b]);
    for (const b of ALLCONV_CONVS) across.push([a, b]);
  }
  const w = mean(within);
  const x = mean(across);
  assert.ok(w > x + 0.2, `within-context cosine ${w.toFixed(3)} not above across-context ${x.toFixed(3)}`);
});

test('word2vec: the same seed gives identical vectors; toJSON/fromJSON round-trips', () => {
  const a = new Word2Vec(config);
  a.fit(sentences);
  const b = new Word2Vec(config);
  b.fit(sentences);
  assert.deepEqual(a.vector('ReLU'), b.vector('ReLU'));
  const c = new Word2Vec({ ...config, seed: 4 });
  c.fit(sentences);
  assert.notDeepEqual(a.vector('ReLU'), c.vector('ReLU'));

  const restored = Word2Vec.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
  assert.deepEqual(restored.vocabulary, a.vocabulary);
  assert.deepEqual(restored.vector('Flatten'), a.vector('Flatten'));
  assert.equal(restored.count('ReLU'), a.count('ReLU'));
  assert.equal(restored.vector('NotAToken'), undefined);
});

test('word2vec: rejects bad configuration and corpora with one clear message', () => {
  assert.throws(() => new Word2Vec({ dim: 0 }), /dim must be a positive integer/);
  assert.throws(() => new Word2Vec({ dim: 8 }).fit(['ReLU ReLU']), /at least two distinct tokens/);
  assert.throws(() => Word2Vec.fromJSON({ format: 'x' }), /not a dlrec word2vec model/);
});
