// The encoder activities on a real file store and the smoke corpus: word2vec → language model with a
// checkpoint per epoch → a second call with more epochs resumes from the checkpoint and lands on exactly the
// model an uninterrupted run trains → encodeModels → the experiment and encoder/current.json.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { encoderActivities } from '../../activities/encoder';
import { FileArtifactStore, getJSON } from '../../infra/store';
import { writeGeneration } from '../../src/arch';
import { encodingRow, modelSentences, readEncodings } from '../../src/encoder/encodings-file';
import { LanguageModelEncoder } from '../../src/encoder/language-model';
import { encoderArtifacts, readCurrentEncoder } from '../../src/encoder/stored-encoder';
import { Word2Vec } from '../../src/encoder/word2vec';
import { encoderCorpus } from '../../src/encoder/experiment';
import { PROFILES } from '../../src/profiles';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-encoder-act-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('encoder activities: checkpoint every epoch, resume with more epochs, encode, experiment', async () => {
  const store = new FileArtifactStore(path.join(root, 'store'));
  const gen = path.join(root, 'gen');
  writeGeneration(gen, PROFILES.smoke.generation);
  for (const f of fs.readdirSync(gen))
    await store.put(`generations/smoke/${f}`, fs.readFileSync(path.join(gen, f)));
  const a = encoderActivities({ store });
  const prefix = 'generations/smoke';
  const profile = { ...PROFILES.smoke.encoder, lmEpochs: 1 };

  const w2v = await a.trainWord2Vec({ generationPrefix: prefix, profile });
  assert.equal(w2v.dim, 16);
  // The stored corpus splits exactly as the in-memory one (whole models held out, same seed).
  const expected = encoderCorpus(profile, PROFILES.smoke.generation);
  assert.equal(w2v.trainSentences, expected.train.length);
  assert.equal(w2v.heldOutSentences, expected.heldOut.length);
  assert.deepEqual(await a.trainWord2Vec({ generationPrefix: prefix, profile }), w2v, 'idempotent');

  const first = await a.trainLanguageModel({
    generationPrefix: prefix,
    word2vecKey: w2v.word2vecKey,
    profile,
  });
  assert.equal(first.resumedFromEpoch, 0);
  assert.equal(first.epochs, 1);
  assert.ok(await store.exists(encoderArtifacts.checkpoint(first.runKey, 1)));

  const two = { ...profile, lmEpochs: 2 };
  const second = await a.trainLanguageModel({
    generationPrefix: prefix,
    word2vecKey: w2v.word2vecKey,
    profile: two,
  });
  assert.equal(second.runKey, first.runKey);
  assert.equal(second.resumedFromEpoch, 1, 'picked up from the epoch-1 checkpoint');
  assert.equal(second.epochs, 2);
  assert.deepEqual(second.history[0], first.history[0]);
  assert.ok(await store.exists(encoderArtifacts.checkpoint(first.runKey, 2)));

  // Oracle: the same two epochs without interruption, in memory.
  const w = Word2Vec.fromJSON(await getJSON(store, encoderArtifacts.word2vec(w2v.word2vecKey)));
  const straight = LanguageModelEncoder.fromWord2Vec(w, two.languageModel);
  await straight.fit(expected.train, { epochs: 2, heldOut: expected.heldOut });
  const resumed = LanguageModelEncoder.fromJSON(await getJSON(store, second.lmKey));
  const close = (x: number, y: number) => Math.abs(x - y) <= 1e-4 * Math.max(1, Math.abs(y));
  assert.ok(
    close(second.perplexity, straight.history[1].heldOutPerplexity),
    `resumed ${second.perplexity} vs uninterrupted ${straight.history[1].heldOutPerplexity}`,
  );
  const probe = expected.heldOut.slice(0, 3);
  const [u, v] = [resumed.encode(probe), straight.encode(probe)];
  assert.ok(
    u.every((x, i) => Math.abs(x - v[i]) < 1e-4),
    'resumed weights equal the uninterrupted run',
  );
  straight.dispose();
  resumed.dispose();

  const enc = await a.encodeModels({ encoderKey: second.encoderKey, modelsKey: `${prefix}/models.jsonl` });
  const file = readEncodings(await getJSON(store, enc.key));
  assert.equal(file.ids.length, PROFILES.smoke.generation.count);
  assert.equal(file.dim, 16);
  assert.ok(file.matrix.every(Number.isFinite));
  assert.notDeepEqual(encodingRow(file, 0), encodingRow(file, 1));
  // Encoded on a pooled thread: the vectors this thread's own encoder gives.
  const served = LanguageModelEncoder.fromJSON(await getJSON(store, second.lmKey));
  const lines = (await store.get(`${prefix}/models.jsonl`)).toString('utf8').split('\n');
  for (const i of [0, 7]) {
    const own = served.encode(modelSentences(lines[i], i + 1).sentences);
    const err = Math.max(...own.map((x, k) => Math.abs(x - encodingRow(file, i)[k])));
    assert.ok(err < 1e-5, `model ${i}: thread and in-process encodings differ by ${err}`);
  }
  served.dispose();

  const exp = await a.encoderExperiment({ encoderKey: second.encoderKey });
  const stored = await getJSON<{ points: number[][]; labels: number[]; perplexity: number }>(
    store,
    exp.experimentKey,
  );
  assert.equal(stored.points.length, 2 * profile.experimentModels);
  assert.equal(stored.labels.filter((l) => l === 0).length, profile.experimentModels);
  assert.ok(Number.isFinite(exp.perplexity) && exp.unigramPerplexity > 1);
  const svg = (await store.get(encoderArtifacts.tsne(second.encoderKey))).toString('utf8');
  assert.match(svg, /^<svg /);
  assert.equal((await readCurrentEncoder(store)).encoderKey, second.encoderKey);
});
