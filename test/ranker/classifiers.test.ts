import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CLASSIFIER_NAMES,
  classifierFromJSON,
  createClassifier,
  settingsFor,
} from '../../src/ranker/profiles';
import { ClassifierInputError, l2NormalizeRows } from '../../src/ml/classifiers/matrix';
import { seededRandom } from '../../src/random';
import type { ProbabilisticClassifier } from '../../src/ml/classifiers/classifier';
import { accuracy, mnistDigits, rows, separableBlobs } from './data';

const smoke = settingsFor('smoke');
const blobs = separableBlobs(300, 40, 4, 3);
const blobTrain = rows(blobs, 0, 200);
const blobTest = rows(blobs, 200, 300);
const digits = mnistDigits(0, 1300);
const digitTrain = rows(digits, 0, 1000);
const digitTest = rows(digits, 1000, 1300);
const digitSmall = rows(digits, 0, 300);
const digit500 = rows(digits, 0, 500);

for (const name of CLASSIFIER_NAMES) {
  test(`${name} learns a separable problem`, () => {
    const clf = createClassifier(name, smoke[name]).fit(
      blobTrain.X,
      blobTrain.n,
      blobTrain.d,
      blobTrain.y,
      4,
    );
    assert.equal(accuracy(clf.predict(blobTest.X, blobTest.n, blobTest.d), blobTest.y), 1);
  });

  test(`${name} learns MNIST digits well above chance (0.1)`, () => {
    const clf = createClassifier(name, smoke[name]).fit(
      digitTrain.X,
      digitTrain.n,
      digitTrain.d,
      Array.from(digitTrain.y),
      10,
    );
    const acc = accuracy(clf.predict(digitTest.X, digitTest.n, digitTest.d), digitTest.y);
    assert.ok(acc >= 0.7, `${name}: held-out accuracy ${acc}`);
  });

  test(`${name} JSON round trip gives identical predictions`, () => {
    const clf = createClassifier(name, smoke[name]).fit(digitSmall.X, 300, digitSmall.d, digitSmall.y, 10);
    const copy = classifierFromJSON(JSON.parse(JSON.stringify(clf.toJSON())));
    assert.equal(copy.type, name);
    assert.deepEqual(
      copy.predict(digitTest.X, digitTest.n, digitTest.d),
      clf.predict(digitTest.X, digitTest.n, digitTest.d),
    );
    if ('predictProba' in clf) {
      const p = (clf as ProbabilisticClassifier).predictProba(
        digitTest.X.subarray(0, 5 * digitTest.d),
        5,
        digitTest.d,
      );
      assert.deepEqual(
        (copy as ProbabilisticClassifier).predictProba(
          digitTest.X.subarray(0, 5 * digitTest.d),
          5,
          digitTest.d,
        ),
        p,
      );
      for (let i = 0; i < 5; i++) {
        const s = p.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(s - 1) < 1e-5, `probabilities of row ${i} sum to ${s}`);
      }
    }
  });

  test(`${name} normalises rows at predict time too (row scale does not matter)`, () => {
    const clf = createClassifier(name, smoke[name]).fit(digitSmall.X, 300, digitSmall.d, digitSmall.y, 10);
    const scaled = digitTest.X.map((v) => v * 37);
    const unit = l2NormalizeRows(digitTest.X, digitTest.n, digitTest.d);
    const base = clf.predict(digitTest.X, digitTest.n, digitTest.d);
    assert.deepEqual(clf.predict(scaled, digitTest.n, digitTest.d), base);
    assert.deepEqual(clf.predict(unit, digitTest.n, digitTest.d), base);
  });

  test(`${name} rejects a wrong feature count with a clear error`, () => {
    const clf = createClassifier(name, smoke[name]).fit(
      blobTrain.X,
      blobTrain.n,
      blobTrain.d,
      blobTrain.y,
      4,
    );
    assert.throws(
      () => clf.predict(new Float32Array(2 * 39), 2, 39),
      (e: Error) => e instanceof ClassifierInputError && /40 features but got 39/.test(e.message),
    );
  });
}

test('bad labels and shapes are refused with a message naming the problem', () => {
  const clf = createClassifier('naive-bayes');
  assert.throws(() => clf.fit(new Float32Array(6), 2, 3, [0, 5], 2), /label y\[1\]=5/);
  assert.throws(() => clf.fit(new Float32Array(5), 2, 3, [0, 1], 2), /n×d = 2×3 = 6/);
  assert.throws(() => clf.fit(new Float32Array(6), 2, 3, [0], 2), /1 labels for 2 rows/);
  assert.throws(
    () => createClassifier('naive-bayes').fit(Float32Array.of(1, -1), 1, 2, [0], 2),
    /non-negative/,
  );
  assert.throws(
    () => classifierFromJSON({ type: 'svm-rbf', numClasses: 2, d: 1 }),
    /unknown classifier type 'svm-rbf'/,
  );
  assert.throws(() => settingsFor('huge'), /unknown ranker profile 'huge'/);
});

test('the linear SVM decision function separates one-vs-rest (positive for the true class)', async () => {
  const { LinearSvm } = await import('../../src/ml/classifiers/linear-svm');
  const svm = new LinearSvm({ epochs: 10 }).fit(blobTrain.X, blobTrain.n, blobTrain.d, blobTrain.y, 4);
  const s = svm.decisionFunction(blobTest.X, blobTest.n, blobTest.d);
  for (let i = 0; i < blobTest.n; i++) assert.ok(s[i * 4 + blobTest.y[i]] > 0, `row ${i}`);
});

test('the MLP training loss decreases', async () => {
  const { Mlp } = await import('../../src/ml/classifiers/mlp');
  const mlp = new Mlp({ hidden: [32, 16], epochs: 15, batchSize: 64, learningRate: 3e-3 });
  mlp.fit(digit500.X, 500, digit500.d, digit500.y, 10);
  const h = mlp.lossHistory;
  assert.ok(h[h.length - 1] < 0.5 * h[0], `loss ${h[0]} → ${h[h.length - 1]}`);
});

test('matmulABt agrees with the textbook triple loop, odd sizes and several panels of B included', async () => {
  const { matmulABt } = await import('../../src/ml/classifiers/mlp');
  const rng = seededRandom(4);
  for (const [m, n, p] of [
    [1, 1, 1],
    [3, 5, 7],
    [4, 2, 9],
    [5, 6, 1],
    [2, 2, 4],
    [7, 9, 13],
    [64, 33, 512],
    [200, 128, 256],
    // B in several cache panels (60 and 12 rows at these p), the last one short
    [6, 150, 1030],
    [3, 70, 4099],
  ]) {
    const A = Float32Array.from({ length: m * p }, () => rng() - 0.5);
    const B = Float32Array.from({ length: n * p }, () => rng() - 0.5);
    const C = new Float32Array(m * n);
    matmulABt(A, B, C, m, n, p);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let q = 0; q < p; q++) s += A[i * p + q] * B[j * p + q];
        assert.ok(
          Math.abs(C[i * n + j] - s) < 1e-6 * Math.max(1, Math.sqrt(p)),
          `C[${i},${j}] of ${m}×${n}×${p}`,
        );
      }
    }
  }
});

test('binned features: code ≤ b exactly when x ≤ edge b, so trees split identically on raw values', async () => {
  const { binFeatures } = await import('../../src/ml/classifiers/histogram-trees');
  const rng = seededRandom(8);
  const n = 200;
  const d = 3;
  // feature 0 continuous, feature 1 with heavy ties, feature 2 constant
  const X = Float32Array.from({ length: n * d }, (_, i) => [rng(), Math.floor(rng() * 4), 0.5][i % d]);
  const bins = binFeatures(X, n, d, 16);
  assert.equal(bins.edges[0].length, 15);
  assert.ok(bins.edges[1].length <= 3);
  assert.equal(bins.edges[2].length, 0);
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) {
      const code = bins.codes[f * n + i];
      bins.edges[f].forEach((e, b) => assert.equal(code <= b, X[i * d + f] <= e));
    }
  }
});
