import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AdaBoostRegressor,
  GradientBoostingRegressor,
  LinearSvrRegressor,
  MlpRegressor,
  RandomForestRegressor,
  RegressionTree,
  RidgeRegressor,
  Standardiser,
  SvrRegressor,
  sortColumns,
  toDenseMatrix,
  type Regressor,
} from '../../src/ml';
import { regressorFromJSON, createRegressor } from '../../src/regressor';

// Golden predictions from scikit-learn (scripts/fixtures/make_regressor_fixtures.py).
interface Golden {
  predictions: number[];
  r2: number;
}
const fx = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/regressor/sklearn_golden.json'), 'utf8'),
);
const Xtr: number[][] = fx.train.X;
const ytr: number[] = fx.train.y;
const Xte: number[][] = fx.test.X;
const yte: number[] = fx.test.y;

function r2(pred: ArrayLike<number>): number {
  const mean = yte.reduce((a, b) => a + b, 0) / yte.length;
  let ssRes = 0;
  let ssTot = 0;
  yte.forEach((v, i) => ((ssRes += (v - pred[i]) ** 2), (ssTot += (v - mean) ** 2)));
  return 1 - ssRes / ssTot;
}

function assertClose(actual: ArrayLike<number>, golden: Golden, tol: number, what: string): void {
  assert.equal(actual.length, golden.predictions.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++)
    worst = Math.max(worst, Math.abs(actual[i] - golden.predictions[i]));
  assert.ok(worst <= tol, `${what}: max |ours − sklearn| = ${worst} > ${tol}`);
}

/** Serialises through JSON text and checks the restored model predicts identically. */
function roundTrip(model: Regressor): void {
  const restored = regressorFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(Array.from(restored.predict(Xte)), Array.from(model.predict(Xte)));
}

test('ridge matches scikit-learn Ridge exactly', () => {
  for (const [alpha, key] of [
    [1, 'ridge_alpha1'],
    [30, 'ridge_alpha30'],
  ] as const) {
    const m = new RidgeRegressor({ alpha }).fit(Xtr, ytr);
    assertClose(m.predict(Xte), fx[key], 1e-10, key);
    roundTrip(m);
  }
});

test('ridge with more features than rows (dual solve) matches scikit-learn', () => {
  const w = fx.ridge_wide;
  const m = new RidgeRegressor({ alpha: 3 }).fit(w.train.X, w.train.y);
  assertClose(m.predict(w.test_X), w, 1e-9, 'wide ridge');
});

test('SVR (rbf, linear, poly) matches scikit-learn SVR to solver tolerance', () => {
  const cases = [
    ['svr_rbf', { kernel: 'rbf', C: 1, epsilon: 0.02 }],
    ['svr_linear', { kernel: 'linear', C: 0.5, epsilon: 0.02 }],
    ['svr_poly', { kernel: 'poly', C: 1, epsilon: 0.02, degree: 2, coef0: 1 }],
  ] as const;
  for (const [key, params] of cases) {
    const m = new SvrRegressor({ ...params, tol: 1e-7 }).fit(Xtr, ytr);
    assertClose(m.predict(Xte), fx[key], 1e-5, key);
    roundTrip(m);
  }
});

test("linear SVR (dlrec's 'svr-linear') matches scikit-learn LinearSVR (liblinear) to solver tolerance", () => {
  const m = new LinearSvrRegressor({ C: 0.5, epsilon: 0.02, tol: 1e-8, maxIter: 200_000 }).fit(Xtr, ytr);
  assert.ok(m.iterations < 200_000, 'the solver converged');
  assertClose(m.predict(Xte), fx.linear_svr, 1e-5, 'linear_svr');
  roundTrip(m);
  // The factory's 'svr-linear' is this solver.
  assert.equal(createRegressor('svr-linear', { C: 0.5 }).kind, 'linear-svr');
});

test('regression tree matches scikit-learn DecisionTreeRegressor(max_depth=4, min_samples_leaf=5)', () => {
  const scaler = Standardiser.fit(toDenseMatrix(Xtr, { rows: ytr.length }));
  const tr = scaler.transform(toDenseMatrix(Xtr, { rows: ytr.length }));
  const tree = RegressionTree.grow(
    sortColumns(tr),
    Float64Array.from(ytr),
    new Float64Array(ytr.length).fill(1),
    { maxDepth: 4, minSamplesSplit: 2, minSamplesLeaf: 5, maxFeatures: 1, criterion: 'mse' },
    Math.random,
  );
  assertClose(tree.predict(scaler.transform(toDenseMatrix(Xte, { cols: 8 }))), fx.tree_depth4, 1e-12, 'tree');
});

test('gradient boosting matches scikit-learn GradientBoostingRegressor exactly', () => {
  const m = new GradientBoostingRegressor({
    nEstimators: 30,
    learningRate: 0.1,
    maxDepth: 3,
    minSamplesLeaf: 5,
  }).fit(Xtr, ytr);
  assertClose(m.predict(Xte), fx.gb_30_depth3, 1e-10, 'gradient boosting');
  roundTrip(m);
});

test('random forest, AdaBoost.R2 and MLP reach scikit-learn-level quality', () => {
  const rf = new RandomForestRegressor({ nEstimators: 100, maxFeatures: 1 / 3, seed: 1 }).fit(Xtr, ytr);
  const ada = new AdaBoostRegressor({ nEstimators: 50, maxDepth: 3, seed: 1 }).fit(Xtr, ytr);
  const mlp = new MlpRegressor({ hiddenLayers: [64], maxEpochs: 300, seed: 1 }).fit(Xtr, ytr);
  const scores = { rf: r2(rf.predict(Xte)), ada: r2(ada.predict(Xte)), mlp: r2(mlp.predict(Xte)) };
  // Randomised fits differ from sklearn's draws; demand comparable held-out R² (sklearn: rf .57, ada .53).
  assert.ok(
    scores.rf >= fx.random_forest.r2 - 0.1,
    `random forest R² ${scores.rf} vs sklearn ${fx.random_forest.r2}`,
  );
  assert.ok(scores.ada >= fx.adaboost.r2 - 0.1, `AdaBoost R² ${scores.ada} vs sklearn ${fx.adaboost.r2}`);
  // sklearn's MLP (unscaled targets) over-fits here (R² < 0); ours z-scores targets and must beat the mean.
  assert.ok(scores.mlp > 0.3, `MLP R² ${scores.mlp}`);
  for (const m of [rf, ada, mlp]) roundTrip(m);
  console.log('held-out R²', scores);
});
