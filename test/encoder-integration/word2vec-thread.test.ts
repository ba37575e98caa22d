// word2vec and the regressor fits on worker threads (activities/threads.ts) give exactly what an in-process fit
// gives: the stored word2vec is the same bytes (the same seed, the same store key as before the move), progress
// reporting changes nothing, and the evaluation and the recommender equal their in-process results.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { encoderActivities } from '../../activities/encoder';
import { inParallel, recommendationActivities } from '../../activities/recommendation';
import { runOnThread } from '../../activities/threads';
import { FileArtifactStore, getJSON, putJSON } from '../../infra/store';
import { encodeFloat32 } from '../../src/encoder/float-codec';
import { writeGeneration } from '../../src/arch';
import { encoderCorpus } from '../../src/encoder/experiment';
import { encoderArtifacts } from '../../src/encoder/stored-encoder';
import { Word2Vec, type Word2VecProgress } from '../../src/encoder/word2vec';
import { PROFILES } from '../../src/profiles';
import { evaluateRepository, Recommender } from '../../src/recommendation';
import { synthetic } from '../recommendation/synthetic';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-w2v-thread-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

test('trainWord2Vec on a thread stores the bytes of an in-process fit with the same seed', async () => {
  const store = new FileArtifactStore(path.join(root, 'store'));
  const gen = path.join(root, 'gen');
  writeGeneration(gen, PROFILES.smoke.generation);
  for (const f of fs.readdirSync(gen))
    await store.put(`generations/smoke/${f}`, fs.readFileSync(path.join(gen, f)));
  const profile = { ...PROFILES.smoke.encoder, word2vec: { dim: 24, epochs: 3, seed: 5 } };

  const summary = await encoderActivities({ store }).trainWord2Vec({
    generationPrefix: 'generations/smoke',
    profile,
  });
  const corpus = encoderCorpus(profile, PROFILES.smoke.generation);
  const inProcess = new Word2Vec(profile.word2vec);
  const fit = inProcess.fit(corpus.train);
  const stored = (await store.get(encoderArtifacts.word2vec(summary.word2vecKey))).toString('utf8');
  assert.equal(stored, JSON.stringify(inProcess.toJSON()), 'the same bytes as the in-process fit');
  assert.deepEqual(summary.lossPerEpoch, fit.lossPerEpoch);
  assert.equal(summary.vocabulary, inProcess.vocabulary.length);
  assert.equal(summary.dim, 24);
  assert.equal(summary.key, encoderArtifacts.word2vec(summary.word2vecKey));
});

test('fitWord2Vec: thread and in-process fits are bit-identical; progress changes nothing', async () => {
  const sentences = encoderCorpus(PROFILES.smoke.encoder, PROFILES.smoke.generation).train;
  const config = { dim: 16, epochs: 4, seed: 9 };
  const events: Word2VecProgress[] = [];
  const threaded = await runOnThread('fitWord2Vec', { config, sentences }, (e) => events.push(e));

  const plain = new Word2Vec(config);
  const plainFit = plain.fit(sentences);
  // Progress on every sentence (progressEveryMs 0): the clock is read, nothing else.
  const reported = new Word2Vec(config);
  const seen: Word2VecProgress[] = [];
  reported.fit(sentences, { onProgress: (p) => seen.push(p), progressEveryMs: 0 });

  assert.equal(JSON.stringify(threaded.model), JSON.stringify(plain.toJSON()));
  assert.equal(JSON.stringify(reported.toJSON()), JSON.stringify(plain.toJSON()));
  assert.deepEqual(threaded.fit.lossPerEpoch, plainFit.lossPerEpoch);
  assert.equal(threaded.fit.trainedWords, plainFit.trainedWords);

  // Events: at least one per epoch, words never decrease, the last one covers the whole plan.
  assert.ok(events.length >= config.epochs, `${events.length} events`);
  assert.deepEqual(
    events.filter((_, i, a) => i === a.length - 1 || a[i + 1].epoch !== a[i].epoch).map((e) => e.epoch),
    [1, 2, 3, 4],
  );
  for (let i = 1; i < events.length; i++) assert.ok(events[i].words >= events[i - 1].words);
  const last = events[events.length - 1];
  assert.equal(last.words, last.totalWords);
  assert.equal(last.epochs, 4);
  assert.ok(seen.length > sentences.length, 'reported on every sentence');
  assert.deepEqual(
    seen.filter((_, i, a) => i === a.length - 1 || a[i + 1].epoch !== a[i].epoch).map((e) => e.loss),
    plainFit.lossPerEpoch,
    'the epoch-end reports carry the epoch losses',
  );
});

test('the evaluateRepository activity (parts on parallel threads, each stored) and fitRecommender on a thread equal their in-process results', async () => {
  const repository = synthetic();
  const { table, encodings } = repository;
  // Half the models: the evaluation fits hundreds of regressors, twice here.
  const results = repository.results.filter((r) => Number(r.modelId.slice(1)) < 7);
  const store = new FileArtifactStore(path.join(root, 'evaluation-store'));
  const ids = [...encodings.keys()];
  const dim = encodings.get(ids[0])!.length;
  const flat = new Float32Array(ids.length * dim);
  ids.forEach((id, i) => flat.set(encodings.get(id)!, i * dim));
  await putJSON(store, 'encodings.json', { ids, dim, vectors: encodeFloat32(flat) });
  await store.put('results.jsonl', Buffer.from(results.map((r) => JSON.stringify(r)).join('\n')));
  await putJSON(store, 'loo.json', {
    datasets: table.datasets,
    similarity: table.datasets.map((d) => Array.from(table.rows[d])),
  });
  const keys = {
    resultsKey: 'results.jsonl',
    encodingsKey: 'encodings.json',
    looKey: 'loo.json',
    canonical: ['m0', 'm1'],
  };
  const activities = recommendationActivities({ store });
  const plain = evaluateRepository(results, encodings, table, { canonical: ['m0', 'm1'] });
  const first = await activities.evaluateRepository(keys);
  const stored = async () => JSON.stringify(await getJSON(store, first.evaluationKey));
  assert.equal(await stored(), JSON.stringify(plain));
  // Every part was stored: 8 members + 2 kinds of the 80/20 split, 5 folds × 2 kinds of leave-one-out.
  const prefix = first.evaluationKey.replace(/summary\.json$/, 'parts/');
  const parts = (await store.list(prefix)).map((o) => o.key.slice(prefix.length)).sort();
  assert.equal(parts.length, 20);
  assert.ok(parts.includes('loo-selected-c.json') && parts.includes('split-svr-linear.json'));
  // A retry after a lost attempt: the summary and two parts are gone, and only those two are redone.
  await store.delete(first.evaluationKey);
  const kept = await getJSON(store, `${prefix}loo-ensemble-a.json`);
  await store.delete(`${prefix}loo-ensemble-b.json`);
  await store.delete(`${prefix}split-mlp.json`);
  // A stored part is read back, not recomputed: a value written into one shows in the new summary.
  type SplitPart = { split: { perRegressor: Record<string, { mae: number }> } };
  const marked = await getJSON<SplitPart>(store, `${prefix}split-ridge.json`);
  marked.split.perRegressor.ridge.mae = 12345;
  await putJSON(store, `${prefix}split-ridge.json`, marked);
  await activities.evaluateRepository(keys);
  assert.deepEqual(await getJSON(store, `${prefix}loo-ensemble-a.json`), kept);
  assert.equal((await store.list(prefix)).length, 20, 'the missing parts are stored again');
  const resumed = await getJSON<typeof plain>(store, first.evaluationKey);
  assert.equal(resumed.split8020.perRegressor.ridge.mae, 12345);
  assert.deepEqual(resumed.split8020.perRegressor.mlp, plain.split8020.perRegressor.mlp);
  assert.equal(JSON.stringify(resumed.loo), JSON.stringify(plain.loo));

  const recommender = await runOnThread(
    'fitRecommender',
    { results, encodings, table, kind: 'selected' },
    () => undefined,
  );
  const local = new Recommender().fit(results, encodings, table, 0, 'selected').toJSON();
  assert.equal(JSON.stringify(recommender), JSON.stringify(local));
  const similarity = Object.fromEntries(table.datasets.map((d, i) => [d, table.rows.a[i]]));
  assert.deepEqual(
    Recommender.fromJSON(recommender).recommend(similarity, 3),
    Recommender.fromJSON(local).recommend(similarity, 3),
  );
});

test('inParallel: at most `limit` at once; after a failure nothing new starts, the running ones finish', async () => {
  let running = 0;
  let most = 0;
  const finished: number[] = [];
  const work = async (i: number) => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, i === 2 ? 5 : 20));
    running--;
    if (i === 2) throw new Error('part 2 failed');
    finished.push(i);
  };
  await assert.rejects(inParallel([1, 2, 3, 4, 5, 6], 2, work), /part 2 failed/);
  assert.equal(most, 2);
  // 1 and 2 start; 2 fails at 5 ms, so 3 never starts; 1 still finishes.
  assert.deepEqual(finished, [1]);
  await inParallel([1, 3, 4], 8, work);
  assert.deepEqual(finished.sort(), [1, 1, 3, 4]);
});
