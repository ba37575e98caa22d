import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileArtifactStore, putJSON } from '../../infra/store';
import { encodeArray, type FeatureMatrix } from '../../src/ml/classifiers/matrix';
import { unpackJSON } from '../../src/ml/packed-json';
import { ensurePackedRanker, packedRankerKey, readPackedRanker } from '../../src/ranker/packed-ranker';
import { loadRanker } from '../../src/ranker/stored-ranker';
import { seededRandom } from '../../src/random';
import { fitMember, holdOutSplit, type MemberJSON } from '../../src/ranker/member';
import { DatasetSimilarityRanker, fuseVotes } from '../../src/ranker/ranker';
import { leaveOneOutSimilarity, stackTrainingData, type DatasetFeatures } from '../../src/ranker/leaveOneOut';

/** A hand-written naive-Bayes member whose prediction is the index of the row's largest feature. */
function argmaxMember(kind: string, d: number): MemberJSON {
  const logTheta = new Float64Array(d * d);
  for (let c = 0; c < d; c++)
    for (let j = 0; j < d; j++) logTheta[c * d + j] = Math.log(c === j ? 0.9 : 0.1 / (d - 1));
  return {
    kind,
    classifier: 'naive-bayes',
    numClasses: d,
    heldOutAccuracy: 0.75,
    trainRows: 4,
    heldOutRows: 4,
    fitSeconds: 0,
    model: {
      type: 'naive-bayes',
      numClasses: d,
      d,
      alpha: 1,
      featureLogProb: encodeArray(logTheta),
      classLogPrior: encodeArray(new Float64Array(d).fill(Math.log(1 / d))),
    },
  };
}

test('fusion: vote counts over all (feature, classifier, sample), normalised — hand-computed', () => {
  const ranker = DatasetSimilarityRanker.fromMembers(
    ['a', 'b', 'c'],
    [argmaxMember('gist', 3), argmaxMember('lbp', 3)],
  );
  // 4 samples. gist votes: a, a, b, c → [2, 1, 1]; lbp votes: b, b, b, a → [1, 3, 0]; total [3, 4, 1] of 8
  const gist: FeatureMatrix = { X: Float32Array.of(5, 1, 1, 9, 0, 0, 0, 2, 1, 0, 1, 3), n: 4, d: 3 };
  const lbp: FeatureMatrix = { X: Float32Array.of(0, 1, 0, 1, 2, 0, 0, 7, 1, 4, 0, 1), n: 4, d: 3 };
  const r = ranker.similarity({ gist, lbp });
  assert.deepEqual(
    r.members.map((m) => m.votes),
    [
      [2, 1, 1],
      [1, 3, 0],
    ],
  );
  assert.deepEqual(r.votes, [3, 4, 1]);
  assert.equal(r.totalVotes, 8);
  assert.equal(r.samples, 4);
  assert.deepEqual(r.similarity, { a: 3 / 8, b: 4 / 8, c: 1 / 8 });
  assert.equal(r.mostSimilar, 'b');
  assert.equal(r.members[0].heldOutAccuracy, 0.75);
});

test('fuseVotes breaks ties towards the earlier dataset and handles zero votes', () => {
  assert.equal(fuseVotes(['x', 'y'], [2, 2], 2, []).mostSimilar, 'x');
  assert.deepEqual(fuseVotes(['x', 'y'], [0, 0], 0, []).similarity, { x: 0, y: 0 });
});

/** Synthetic "dataset": rows around a dataset-specific non-negative mean, in two feature kinds. */
function dataset(
  name: string,
  mean: Float32Array,
  mean2: Float32Array,
  n: number,
  seed: number,
): DatasetFeatures {
  const rng = seededRandom(seed);
  const draw = (mu: Float32Array): FeatureMatrix => {
    const d = mu.length;
    const X = new Float32Array(n * d);
    for (let i = 0; i < n * d; i++) X[i] = mu[i % d] * (0.6 + 0.8 * rng());
    return { X, n, d };
  };
  return { name, features: { hog: draw(mean), lbp: draw(mean2) } };
}
const meanRng = seededRandom(99);
const randomMean = (d: number): Float32Array => Float32Array.from({ length: d }, () => meanRng() ** 2);
const perturb = (m: Float32Array): Float32Array => m.map((v) => v * (0.8 + 0.4 * meanRng()));
const mA = randomMean(24);
const lA = randomMean(10);
const mG = randomMean(24);
const lG = randomMean(10);
const repo = [
  dataset('digits-a', mA, lA, 80, 1),
  dataset('shapes', randomMean(24), randomMean(10), 80, 2),
  dataset('digits-b', perturb(mA), perturb(lA), 80, 3),
  dataset('glyphs', mG, lG, 80, 4),
];

test('ranker fit: every (feature × classifier) member, held-out accuracy, similarity and JSON round trip', () => {
  const names = repo.map((d) => d.name);
  const training = stackTrainingData(repo);
  assert.equal(training.hog.n, 320);
  assert.deepEqual(Array.from(training.lbp.y.slice(78, 82)), [0, 0, 1, 1]);
  const ranker = new DatasetSimilarityRanker().fit(training, names, {
    profile: 'smoke',
    holdOut: 0.25,
    seed: 5,
  });
  assert.equal(ranker.members.length, 2 * 5);
  assert.deepEqual(ranker.kinds, ['hog', 'lbp']);
  for (const m of ranker.members) {
    assert.equal(m.json.heldOutRows, 80);
    assert.ok(
      m.heldOutAccuracy !== null && m.heldOutAccuracy >= 0.5,
      `${m.kind}/${m.classifier}: ${m.heldOutAccuracy}`,
    );
  }
  // a new sample of images from the glyphs distribution, not seen in training
  const r = ranker.similarity(dataset('new-glyphs', mG, lG, 30, 77).features);
  assert.equal(r.mostSimilar, 'glyphs');
  assert.ok(r.similarity.glyphs > 0.8, JSON.stringify(r.similarity));
  assert.equal(r.totalVotes, 10 * 30);
  assert.equal(r.samples, 30);
  assert.ok(Math.abs(Object.values(r.similarity).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const copy = DatasetSimilarityRanker.fromJSON(JSON.parse(JSON.stringify(ranker.toJSON())));
  assert.deepEqual(copy.similarity(repo[0].features), ranker.similarity(repo[0].features));
});

test('members trained separately (fitMember) assemble into the same ranker as fit()', () => {
  const names = repo.map((d) => d.name);
  const training = stackTrainingData(repo);
  const opts = {
    profile: 'smoke' as const,
    holdOut: 0.2,
    seed: 3,
    classifiers: ['naive-bayes', 'random-forest'] as const,
  };
  const whole = new DatasetSimilarityRanker().fit(training, names, opts);
  const members = ['hog', 'lbp'].flatMap((kind) =>
    opts.classifiers.map((c) => fitMember(kind, c, training[kind], { ...opts, numClasses: names.length })),
  );
  const parts = DatasetSimilarityRanker.fromMembers(names, members);
  assert.deepEqual(parts.similarity(repo[2].features), whole.similarity(repo[2].features));
});

test('holdOutSplit is stratified, disjoint and seeded', () => {
  const y = Int32Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : 1));
  const s = holdOutSplit(y, 2, 0.25, 1);
  assert.equal(s.test.length, 10 + 3);
  assert.equal(s.train.length + s.test.length, 50);
  assert.equal(new Set([...s.train, ...s.test]).size, 50);
  assert.deepEqual(holdOutSplit(y, 2, 0.25, 1), s);
  assert.notDeepEqual(holdOutSplit(y, 2, 0.25, 2).test, s.test);
});

test('similarity refuses missing kinds, unequal sample counts and mismatched members', () => {
  const ranker = DatasetSimilarityRanker.fromMembers(
    ['a', 'b', 'c'],
    [argmaxMember('gist', 3), argmaxMember('lbp', 3)],
  );
  const f: FeatureMatrix = { X: new Float32Array(6), n: 2, d: 3 };
  assert.throws(() => ranker.similarity({ gist: f }), /needs 'lbp' features/);
  assert.throws(
    () => ranker.similarity({ gist: f, lbp: { X: new Float32Array(3), n: 1, d: 3 } }),
    /1 rows but another kind has 2/,
  );
  assert.throws(
    () => DatasetSimilarityRanker.fromMembers(['a', 'b'], [argmaxMember('gist', 3)]),
    /trained on 3 datasets, not the 2/,
  );
  assert.throws(() => new DatasetSimilarityRanker().similarity({ gist: f }), /not trained/);
  assert.throws(() => DatasetSimilarityRanker.fromJSON({ type: 'x' } as never), /dlrec ranker train/);
});

test('leave-one-out: n×n matrix, rows are vote proportions, diagonal 0, family found', () => {
  const loo = leaveOneOutSimilarity(repo, {
    profile: 'smoke',
    classifiers: ['naive-bayes', 'linear-svm', 'random-forest'],
  });
  assert.deepEqual(
    loo.datasets,
    repo.map((d) => d.name),
  );
  assert.equal(loo.similarity.length, 4);
  loo.similarity.forEach((row, i) => {
    assert.equal(row.length, 4);
    assert.equal(row[i], 0);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    // 2 kinds × 3 classifiers × 80 samples
    assert.equal(
      loo.votes[i].reduce((a, b) => a + b, 0),
      2 * 3 * 80,
    );
    row.forEach((v, j) => assert.equal(v, loo.votes[i][j] / 480));
  });
  assert.equal(loo.mostSimilar[0], 'digits-b');
  assert.equal(loo.mostSimilar[2], 'digits-a');
});

test('packed ranker: the same predictions as its JSON; made by the first load, ignored when stale or damaged', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-packed-'));
  try {
    const store = new FileArtifactStore(root);
    const names = repo.map((d) => d.name);
    const ranker = new DatasetSimilarityRanker().fit(stackTrainingData(repo), names, {
      profile: 'smoke',
      seed: 3,
    });
    const key = 'ranker/r1/ranker.json';
    const info = await putJSON(store, key, ranker.toJSON());
    const current = {
      id: 'r1',
      key,
      datasets: names,
      families: {},
      samples: 80,
      profile: 'smoke',
      createdAt: '',
    };
    assert.equal(await readPackedRanker(store, key, info.sha256), undefined, 'none yet');
    await loadRanker(store, current);
    const packed = await readPackedRanker(store, key, info.sha256);
    assert.ok(packed, 'the first load leaves the packed form');
    const sample = dataset('new', mG, lG, 40, 8).features;
    assert.deepEqual(DatasetSimilarityRanker.fromJSON(packed).similarity(sample), ranker.similarity(sample));
    // Made from another version of the JSON: ignored, and ensurePackedRanker replaces it.
    assert.equal(await readPackedRanker(store, key, '0'.repeat(64)), undefined);
    const bytes = await store.get(packedRankerKey(key));
    await store.put(packedRankerKey(key), bytes.subarray(0, 100));
    await assert.rejects(readPackedRanker(store, key, info.sha256), /packed model: truncated/);
    await ensurePackedRanker(store, key);
    assert.ok(await readPackedRanker(store, key, info.sha256), 'a damaged packed form is made again');
    assert.ok(unpackJSON<{ ranker: unknown }>(await store.get(packedRankerKey(key))).ranker);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
