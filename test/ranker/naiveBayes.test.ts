import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { MultinomialNaiveBayes } from '../../src/ml/classifiers/naive-bayes';

interface GoldenCase {
  alpha: number;
  n: number;
  d: number;
  k: number;
  X: number[];
  y: number[];
  nTest: number;
  XTest: number[];
  featureLogProb: number[];
  classLogPrior: number[];
  predictProba: number[];
  predict: number[];
}
const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/ranker/nb-golden.json'), 'utf8'),
) as {
  cases: GoldenCase[];
};

function assertClose(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    assert.ok(
      diff <= tol * Math.max(1, Math.abs(expected[i])),
      `${what}[${i}]: ${actual[i]} vs sklearn ${expected[i]}`,
    );
  }
}

test('naive Bayes matches hand-computed values', () => {
  // rows normalise to (0.6, 0.8) for class 0 and (1, 0) for class 1; alpha = 1:
  // θ0 = (1.6, 1.8)/3.4, θ1 = (2, 1)/3; x = (0, 5) → (0, 1): P(0|x) = (9/17) / (9/17 + 1/3) = 27/44
  const nb = new MultinomialNaiveBayes({ alpha: 1 }).fit(Float32Array.of(3, 4, 1, 0), 2, 2, [0, 1], 2);
  assertClose(
    nb.featureLogProb,
    [Math.log(1.6 / 3.4), Math.log(1.8 / 3.4), Math.log(2 / 3), Math.log(1 / 3)],
    1e-6,
    'log θ',
  );
  assertClose(nb.classLogPrior, [Math.log(0.5), Math.log(0.5)], 1e-12, 'log prior');
  const p = nb.predictProba(Float32Array.of(0, 5), 1, 2);
  assertClose(p, [27 / 44, 17 / 44], 1e-6, 'proba');
  assert.deepEqual(Array.from(nb.predict(Float32Array.of(0, 5, 9, 0.1), 2, 2)), [0, 1]);
});

for (const [ci, c] of golden.cases.entries()) {
  test(`naive Bayes matches scikit-learn MultinomialNB (case ${ci}, alpha ${c.alpha})`, () => {
    const nb = new MultinomialNaiveBayes({ alpha: c.alpha }).fit(Float32Array.from(c.X), c.n, c.d, c.y, c.k);
    // we normalise in float32, sklearn in float64: agreement to ~1e-6 relative
    assertClose(nb.featureLogProb, c.featureLogProb, 1e-5, 'feature_log_prob_');
    assertClose(nb.classLogPrior, c.classLogPrior, 1e-9, 'class_log_prior_');
    const Xt = Float32Array.from(c.XTest);
    assertClose(nb.predictProba(Xt, c.nTest, c.d), c.predictProba, 1e-5, 'predict_proba');
    assert.deepEqual(Array.from(nb.predict(Xt, c.nTest, c.d)), c.predict);
  });
}
