import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AccuracyRegressor,
  REGRESSOR_NAMES,
  RegressorInputError,
  assignFolds,
  candidateGrid,
  createRegressor,
  crossValidate,
  regressorFromJSON,
} from '../../src/regressor';
import { SvrRegressor } from '../../src/ml';
import { seededRandom } from '../../src/random';
import { kendallTauB } from '../../src/evaluation/metrics';

// Nonlinear target in 2 of 6 features: tree/kernel models must beat a linear one under validation.
const rand = seededRandom(5);
const X: number[][] = [];
const y: number[] = [];
const groups: string[] = [];
for (let i = 0; i < 160; i++) {
  const r = Array.from({ length: 6 }, () => rand() * 2 - 1);
  X.push(r);
  y.push(0.5 + 0.3 * Math.sign(r[0]) * r[1] ** 2 + 0.01 * (rand() - 0.5));
  groups.push(`ds${i % 8}`);
}

test('every named regressor fits, predicts finite values, and survives a JSON round trip', () => {
  for (const name of REGRESSOR_NAMES) {
    const small =
      name === 'mlp'
        ? { maxEpochs: 20 }
        : name.includes('forest') || name.includes('boost')
          ? { nEstimators: 10 }
          : {};
    const m = createRegressor(name, small).fit(X, y);
    const p = m.predict(X.slice(0, 5));
    assert.equal(p.length, 5);
    assert.ok(p.every(Number.isFinite), name);
    const back = regressorFromJSON(JSON.parse(JSON.stringify(m)));
    assert.deepEqual(Array.from(back.predict(X.slice(0, 5))), Array.from(p), name);
  }
});

test('flat Float32Array input is read row-major and equals number[][] input', () => {
  const flat = Float32Array.from(X.flat());
  const rows = X.map((r) => Array.from(Float32Array.from(r)));
  const a = createRegressor('ridge').fit(flat, y).predict(flat.subarray(0, 12));
  const b = createRegressor('ridge').fit(rows, y).predict(rows.slice(0, 2));
  assert.deepEqual(Array.from(a), Array.from(b));
});

test('bad input gets one clear error', () => {
  assert.throws(() => createRegressor('ridge').fit([[1, 2], [3]], [1, 2]), /row 1 has 1 features/);
  assert.throws(() => createRegressor('ridge').fit([[1], [2]], [1]), /2 feature rows but 1 targets/);
  assert.throws(() => createRegressor('ridge').fit([[1], [NaN]], [1, 2]), RegressorInputError);
  assert.throws(() => createRegressor('svr-rbf').predict([[1]]), /not fitted/);
  assert.throws(
    () =>
      createRegressor('ridge')
        .fit(X, y)
        .predict([[1, 2]]),
    /fitted on 6/,
  );
  assert.throws(() => createRegressor('lasso' as never), /unknown regressor 'lasso'/);
  assert.throws(() => regressorFromJSON({ kind: 'nope' } as never), /not a serialised dlrec regressor/);
});

test('group folds keep each group in exactly one fold', () => {
  const folds = assignFolds(groups.length, 4, 1, groups);
  const foldOf = new Map<string, number>();
  groups.forEach((g, i) => {
    if (!foldOf.has(g)) foldOf.set(g, folds[i]);
    assert.equal(folds[i], foldOf.get(g));
  });
  assert.equal(new Set(folds).size, 4);
});

test('AccuracyRegressor picks the lowest validation RMSE, and top-2 averages the two best refits', () => {
  const candidates = [
    { name: 'ridge' as const, params: { alpha: 1 } },
    { name: 'gradient-boosting' as const, params: { nEstimators: 40 } },
    { name: 'svr-rbf' as const, params: { C: 1, epsilon: 0.01 } },
  ];
  const best = new AccuracyRegressor({ candidates, folds: 4, seed: 2 }).fit(X, y, { groups });
  const rmses = best.validation.map((v) => v.rmse);
  assert.deepEqual(
    rmses,
    [...rmses].sort((a, b) => a - b),
  );
  assert.notEqual(best.validation[0].spec.name, 'ridge', 'a linear model cannot fit a sign × square target');
  // Validation scores equal a direct cross-validation with the same folds.
  const direct = crossValidate(best.validation[0].spec, X, y, { folds: 4, seed: 2, groups });
  assert.equal(direct.rmse, best.validation[0].rmse);
  const refit = createRegressor(best.validation[0].spec.name, best.validation[0].spec.params).fit(X, y);
  assert.deepEqual(Array.from(best.predict(X.slice(0, 4))), Array.from(refit.predict(X.slice(0, 4))));

  const ens = new AccuracyRegressor({ candidates, folds: 4, seed: 2, top: 2 }).fit(X, y, { groups });
  const [a, b] = ens.validation
    .slice(0, 2)
    .map((v) => createRegressor(v.spec.name, v.spec.params).fit(X, y).predict(X.slice(0, 4)));
  Array.from(ens.predict(X.slice(0, 4))).forEach((p, i) =>
    assert.ok(Math.abs(p - (a[i] + b[i]) / 2) < 1e-12),
  );
  const back = AccuracyRegressor.fromJSON(JSON.parse(JSON.stringify(ens.toJSON())));
  assert.deepEqual(Array.from(back.predict(X.slice(0, 4))), Array.from(ens.predict(X.slice(0, 4))));
  assert.equal(back.toJSON().validation.length, 3);

  // Averaging every candidate validates none of them (nothing to choose) and equals the plain average.
  const all = new AccuracyRegressor({ candidates, folds: 4, seed: 2, top: candidates.length }).fit(X, y, {
    groups,
  });
  assert.equal(all.validation.length, 0);
  const each = candidates.map((c) => createRegressor(c.name, c.params).fit(X, y).predict(X.slice(0, 4)));
  Array.from(all.predict(X.slice(0, 4))).forEach((p, i) =>
    assert.ok(Math.abs(p - each.reduce((s, e) => s + e[i], 0) / each.length) < 1e-12),
  );
});

test('AccuracyRegressor clamps predictions to [0, 1] by default', () => {
  const yScaled = y.map((v) => v * 3 - 1); // spans well outside [0, 1]
  const candidates = [{ name: 'ridge' as const, params: { alpha: 1 } }];
  const clamped = new AccuracyRegressor({ candidates }).fit(X, yScaled).predict(X);
  const raw = new AccuracyRegressor({ candidates, clip: null }).fit(X, yScaled).predict(X);
  assert.ok(Math.min(...raw) < 0 && Math.max(...raw) > 1);
  assert.ok(Math.min(...clamped) >= 0 && Math.max(...clamped) <= 1);
  raw.forEach((v, i) => assert.equal(clamped[i], Math.min(1, Math.max(0, v))));
});

test('the mini candidate grid covers every regressor family', () => {
  const names = new Set(candidateGrid('mini').map((c) => c.name));
  for (const n of REGRESSOR_NAMES) assert.ok(names.has(n), n);
  assert.ok(candidateGrid('full').length > candidateGrid('mini').length);
});

// A prior column (col 0) that is already nearly right, a within-group effect of col 1, and a level per group.
function priorData(seed: number) {
  const r = seededRandom(seed);
  const Xp: number[][] = [];
  const yp: number[] = [];
  const gp: string[] = [];
  for (let i = 0; i < 120; i++) {
    const g = i % 6;
    const prior = 0.2 + 0.6 * r();
    const x1 = r() * 2 - 1;
    Xp.push([prior, x1, r()]);
    yp.push(prior + 0.08 * x1 + (0.1 * (g - 2.5)) / 2.5 + 0.005 * (r() - 0.5));
    gp.push(`ds${g}`);
  }
  return { Xp, yp, gp };
}

test('priorColumn + centreGroups: learns the correction to the prior, not the level of groups it cannot see', () => {
  const { Xp, yp, gp } = priorData(9);
  const candidates = [
    { name: 'ridge' as const, params: { alpha: 1e-3 } },
    { name: 'ridge' as const, params: { alpha: 1e6 } },
  ];
  const m = new AccuracyRegressor({ candidates, folds: 3, priorColumn: 0, centreGroups: true, clip: null });
  m.fit(Xp, yp, { groups: gp });
  assert.deepEqual(m.validation[0].spec.params, { alpha: 1e-3 });
  const row = [0.5, 0.5, 0.5];
  // An unseen group: prior + within-group effect + the mean level (0 by construction).
  const unseen = m.predict([row])[0];
  assert.ok(Math.abs(unseen - (0.5 + 0.04)) < 0.01, `unseen ${unseen}`);
  // A group seen in training gets its level back: ds5 sits 0.1 above the mean.
  const seen = m.predict([row], { groups: ['ds5'] })[0];
  assert.ok(Math.abs(seen - (0.5 + 0.04 + 0.1)) < 0.01, `seen ${seen}`);
  const back = AccuracyRegressor.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
  assert.equal(back.predict([row], { groups: ['ds5'] })[0], seen);
  assert.throws(
    () => new AccuracyRegressor({ candidates, priorColumn: 7 }).fit(Xp, yp),
    /prior column 7 is outside the 3 features/,
  );
});

test("selectBy 'groupKendall' orders candidates by the within-group ranking of their out-of-fold predictions", () => {
  const { Xp, yp, gp } = priorData(4);
  const m = new AccuracyRegressor({
    candidates: candidateGrid('mini').filter((c) => c.name === 'ridge' || c.name === 'svr-linear'),
    folds: 3,
    priorColumn: 0,
    centreGroups: true,
    selectBy: 'groupKendall',
  }).fit(Xp, yp, { groups: gp });
  const tau = (pred: Float64Array) => {
    const taus = [...new Set(gp)].map((g) => {
      const idx = gp.flatMap((x, i) => (x === g ? [i] : []));
      return kendallTauB(
        idx.map((i) => pred[i] + Xp[i][0]),
        idx.map((i) => yp[i]),
      );
    });
    return taus.reduce((a, b) => a + b, 0) / taus.length;
  };
  const scores = m.validation.map((v) => tau(v.predictions));
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] >= scores[i], scores.join(' '));
  assert.ok(scores[0] > scores[scores.length - 1]);
});

test('SVR above maxRows fits a seeded sample of the rows instead of refusing (paper-scale folds)', () => {
  const rand = seededRandom(5);
  const X = Array.from({ length: 900 }, () => [rand(), rand()]);
  const y = X.map(([a, b]) => Math.sin(3 * a) + b);
  const svr = new SvrRegressor({ kernel: 'rbf', C: 1, epsilon: 0.01, maxRows: 300 }).fit(X, y);
  assert.ok(svr.supportVectorCount <= 300, String(svr.supportVectorCount));
  const pred = svr.predict(X);
  const mae = pred.reduce((s, p, i) => s + Math.abs(p - y[i]), 0) / y.length;
  assert.ok(mae < 0.05, `mae ${mae}`);
  // The same rows give the same sample, hence the same model.
  assert.deepEqual(
    Array.from(new SvrRegressor({ kernel: 'rbf', C: 1, epsilon: 0.01, maxRows: 300 }).fit(X, y).predict(X)),
    Array.from(pred),
  );
});
