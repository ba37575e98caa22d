import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Word2Vec } from '../../src/encoder/word2vec';
import { LanguageModelEncoder } from '../../src/encoder/language-model';
import { decodeFloat32 } from '../../src/encoder/float-codec';
import { knnPurity, unigramPerplexity } from '../../src/encoder/metrics';
import { mixedCorpus } from './corpus';

// The tf.js backend is the caller's choice; tests use the default (cpu) one.
const train = mixedCorpus(160, 1).sentences;
const heldOut = mixedCorpus(40, 2);
const word2vec = new Word2Vec({ dim: 16, epochs: 3, seed: 5 });
word2vec.fit(train);
const lmConfig = { batchSize: 16, learningRate: 1e-2, bpttSteps: 12, seed: 9 };

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('language model: embeddings are tied and start as the word2vec vectors', () => {
  const lm = LanguageModelEncoder.fromWord2Vec(word2vec, lmConfig);
  const json = lm.toJSON();
  assert.equal(lm.config.layers, 3);
  const embedding = decodeFloat32(json.weights.embedding);
  const d = 16;
  for (const token of ['ReLU', 'Convolution2D_64_3_3_1_1_SAME', 'Flatten']) {
    const row = json.tokens.indexOf(token);
    assert.deepEqual(embedding.subarray(row * d, row * d + d), word2vec.vector(token));
  }
  // One matrix serves as input and (transposed) output embedding: no separate softmax weights.
  assert.deepEqual(Object.keys(json.weights).sort(), ['embedding', 'layers', 'outBias']);
  lm.dispose();
});

test('language model: held-out perplexity falls every epoch and beats the unigram baseline', async () => {
  const lm = LanguageModelEncoder.fromWord2Vec(word2vec, lmConfig);
  const before = lm.perplexity(heldOut.sentences);
  const reports = await lm.fit(train, { epochs: 3, heldOut: heldOut.sentences });
  const ppl = reports.map((r) => r.heldOutPerplexity);
  assert.ok(
    ppl[0] < before && ppl[1] < ppl[0] && ppl[2] < ppl[1],
    `perplexity not falling: ${before} → ${ppl}`,
  );
  const unigram = unigramPerplexity(train, heldOut.sentences, lm.vocabulary);
  assert.ok(ppl[2] < unigram, `LM perplexity ${ppl[2]} not below unigram ${unigram}`);
  assert.deepEqual(
    lm.history.map((r) => r.epoch),
    [1, 2, 3],
  );

  // Encodings separate the two grammars.
  const vectors = heldOut.sentences.map((s) => lm.encode([s]));
  assert.ok(knnPurity(vectors, heldOut.labels, 5) > 0.9);
  lm.dispose();
});

test('language model: the typed-array encoder matches the TF.js graph; DAG paths are averaged; UNK', () => {
  const lm = LanguageModelEncoder.fromWord2Vec(word2vec, lmConfig);
  const [a, b] = heldOut.sentences;
  assert.ok(maxAbsDiff(lm.encode([a]), lm.encodeWithGraph([a])) < 1e-5);
  const mean = lm.encode([a, b]);
  const ea = lm.encode([a]);
  const eb = lm.encode([b]);
  assert.ok(
    maxAbsDiff(
      mean,
      ea.map((x, i) => (x + eb[i]) / 2),
    ) < 1e-6,
  );
  assert.ok(maxAbsDiff(mean, lm.encodeWithGraph([a, b])) < 1e-5);
  assert.equal(mean.length, 16);

  // Unknown layer tokens read as UNK.
  assert.deepEqual(lm.encode(['ReLU Wibble_3 Flatten']), lm.encode(['ReLU UNK Flatten']));
  assert.equal(lm.unknownTokens(['ReLU Wibble_3 Flatten Gizmo', 'UNK ReLU']), 2);
  assert.throws(() => lm.encode([]), /at least one sentence/);
  lm.dispose();
});

test('language model: a checkpoint resumes training exactly where it stopped', async () => {
  const small = train.slice(0, 48);
  const straight = LanguageModelEncoder.fromWord2Vec(word2vec, lmConfig);
  await straight.fit(small, { epochs: 2 });

  const first = LanguageModelEncoder.fromWord2Vec(word2vec, lmConfig);
  let checkpoint: unknown;
  await first.fit(small, {
    epochs: 1,
    onEpoch: (_r, m) => void (checkpoint = JSON.parse(JSON.stringify(m.toJSON()))),
  });
  first.dispose();
  const resumed = LanguageModelEncoder.fromJSON(checkpoint);
  assert.equal(resumed.epoch, 1);
  const reports = await resumed.fit(small, { epochs: 2 });
  assert.deepEqual(
    reports.map((r) => r.epoch),
    [2],
  );

  const probe = heldOut.sentences.slice(0, 4);
  assert.ok(maxAbsDiff(resumed.encode(probe), straight.encode(probe)) < 1e-4);
  assert.ok(Math.abs(resumed.perplexity(probe) - straight.perplexity(probe)) < 1e-3);
  // The checkpoint carries Adam's state: the iteration count, then m and v for each of the 8 variables.
  const json = resumed.toJSON();
  assert.ok(json.optimizer && json.optimizer.length === 1 + 2 * (1 + 2 * 3 + 1));
  straight.dispose();
  resumed.dispose();
});

test('language model: bad configuration and files fail with one clear message', () => {
  assert.throws(
    () => LanguageModelEncoder.fromWord2Vec(word2vec, { dim: 32 }),
    /must equal the word2vec dim 16/,
  );
  assert.throws(
    () => LanguageModelEncoder.fromWord2Vec(word2vec, { layers: 0 }),
    /layers must be a positive integer/,
  );
  assert.throws(
    () => LanguageModelEncoder.fromJSON({ format: 'dlrec.word2vec' }),
    /not a dlrec language model/,
  );
});
