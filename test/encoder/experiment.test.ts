import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSentences } from '../../src/arch';
import { PROFILES } from '../../src/profiles';
import { encoderCorpus, experimentModels, runEncoderExperiment } from '../../src/encoder/experiment';
import { ENCODER_PROFILES } from '../../src/encoder/profiles';
import { vggVariants } from '../../src/encoder/vgg-variants';

test('encoder experiment: VGG-like variants are distinct, on the token grid (no UNK) and seeded', () => {
  const specs = vggVariants({ count: 70, seed: 4 });
  assert.equal(specs.length, 70);
  const sentences = specs.map((s) => toSentences(s)[0]);
  assert.equal(new Set(sentences).size, 70);
  assert.ok(
    sentences.every((s) => !s.split(' ').includes('UNK') && s.includes('Pooling2D_2_2_2_2_MAX_VALID')),
  );
  assert.deepEqual(vggVariants({ count: 5, seed: 4 }), specs.slice(0, 5));
  const [vgg, random] = experimentModels(10, 4, PROFILES.smoke.generation);
  assert.equal(vgg.length, 10);
  assert.equal(random.length, 10);
});

test('encoder experiment: held-out sentences come from models unseen in training', () => {
  const corpus = encoderCorpus(ENCODER_PROFILES.smoke, PROFILES.smoke.generation);
  assert.ok(corpus.train.length > 0 && corpus.heldOut.length > 0);
  assert.ok(corpus.train.length <= ENCODER_PROFILES.smoke.maxTrainSentences);
  const train = new Set(corpus.train);
  // UNK copies may coincide by chance; original sentences of held-out models must not be in training.
  const shared = corpus.heldOut.filter((s) => train.has(s) && !s.includes('UNK'));
  assert.ok(
    shared.length <= corpus.heldOut.length * 0.05,
    `${shared.length} held-out sentences seen in training`,
  );
});

test('encoder experiment: the smoke profile trains both stages and writes the t-SNE plot', async () => {
  const out = mkdtempSync(join(tmpdir(), 'dlrec-encoder-'));
  try {
    const r = await runEncoderExperiment('smoke', out);
    assert.equal(r.languageModel.length, 1);
    assert.ok(Number.isFinite(r.perplexity) && r.perplexity < r.vocabulary, `perplexity ${r.perplexity}`);
    assert.ok(r.unigramPerplexity > 1);
    assert.ok(r.vggVsRandom.knnPurity >= 0 && r.vggVsRandom.knnPurity <= 1);
    assert.ok(r.vggVsRandom.silhouette >= -1 && r.vggVsRandom.silhouette <= 1);
    // The generator's own perplexity is the floor: below the unigram's, and no trained model beats it.
    assert.ok(r.floor && r.floor.sentences > 0);
    assert.ok(r.floor.generatorPerplexity < r.floor.unigramPerplexity);
    assert.ok(r.floor.perplexity >= r.floor.generatorPerplexity, JSON.stringify(r.floor));
    assert.ok(existsSync(r.plot));
    assert.equal((readFileSync(r.plot, 'utf8').match(/<circle /g) ?? []).length, 2 * 20 + 2);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
