import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  averageRanks,
  finiteMean,
  hitAtK,
  kendallTauB,
  mae,
  mse,
  pearson,
  rankingReport,
  rmse,
  spearman,
  top1Regret,
  MetricInputError,
} from '../../src/evaluation/metrics';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('error metrics by hand', () => {
  const pred = [0.5, 0.7, 0.9];
  const act = [0.6, 0.7, 0.6];
  // errors −0.1, 0, +0.3 → MSE (0.01 + 0 + 0.09)/3 = 0.0333…, MAE 0.4/3, RMSE √0.0333…
  close(mse(pred, act), 0.1 / 3);
  close(mae(pred, act), 0.4 / 3);
  close(rmse(pred, act), Math.sqrt(0.1 / 3));
});

test('Pearson by hand', () => {
  // x = 1,2,3; y = 2,4,5: means 2, 11/3; Σdxdy = (−1)(−5/3)+0+(1)(4/3) = 3; Σdx² = 2; Σdy² = 25/9+1/9+16/9 = 42/9.
  close(pearson([1, 2, 3], [2, 4, 5]), 3 / Math.sqrt(2 * (42 / 9)));
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])), 'constant side → NaN, as scipy');
});

test('average ranks and Spearman with ties by hand', () => {
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 5])), [2, 3.5, 3.5, 1]);
  // a ranks 1,2,3,4; b = 1,3,3,2 ranks 1, 3.5, 3.5, 2 → Pearson of (1,2,3,4) and (1,3.5,3.5,2):
  // means 2.5, 2.5; Σdxdy = (−1.5)(−1.5)+(−0.5)(1)+(0.5)(1)+(1.5)(−0.5) = 1.5; Σdx² = 5; Σdy² = 2.25+1+1+0.25 = 4.5.
  close(spearman([1, 2, 3, 4], [1, 3, 3, 2]), 1.5 / Math.sqrt(5 * 4.5));
});

test('Kendall τ-b with ties by hand', () => {
  // a = 1,2,3,4; b = 1,3,3,2. Pairs: (1,2) C, (1,3) C, (1,4) C, (2,3) tie in b, (2,4) D, (3,4) D.
  // C = 3, D = 2, n0 = 6, ties_a = 0, ties_b = 1 → τ_b = 1 / √(6 · 5).
  close(kendallTauB([1, 2, 3, 4], [1, 3, 3, 2]), 1 / Math.sqrt(30));
  close(kendallTauB([1, 2, 3], [3, 2, 1]), -1);
});

test('top-1 regret and hit@k by hand', () => {
  const actual = [0.8, 0.9, 0.7, 0.85];
  // Predicted order: model 2 (0.95), model 0, model 3, model 1. Best actual = 0.9 (model 1).
  const pred = [0.9, 0.6, 0.95, 0.8];
  close(top1Regret(pred, actual), 100 * (0.9 - 0.7), 1e-9); // 20 points
  assert.equal(hitAtK(pred, actual, 3), 0);
  assert.equal(hitAtK(pred, actual, 4), 1);
  assert.equal(top1Regret([0.1, 0.9, 0.2, 0.3], actual), 0);
  assert.equal(hitAtK([0.1, 0.9, 0.2, 0.3], actual, 1), 1);
});

test('correlations match scipy (pearsonr, spearmanr, kendalltau variant b) with and without ties', () => {
  const cases = JSON.parse(
    fs.readFileSync(path.join(__dirname, '../fixtures/evaluation/scipy_golden.json'), 'utf8'),
  );
  for (const c of cases) {
    close(pearson(c.a, c.b), c.pearson, 1e-12);
    close(spearman(c.a, c.b), c.spearman, 1e-12);
    close(kendallTauB(c.a, c.b), c.kendall, 1e-12);
    close(mse(c.a, c.b), c.mse, 1e-12);
    close(mae(c.a, c.b), c.mae, 1e-12);
  }
});

test('ranking report bundles the metrics; finiteMean skips NaN', () => {
  const r = rankingReport([0.9, 0.6, 0.95, 0.8], [0.8, 0.9, 0.7, 0.85]);
  close(r.regret, 20, 1e-9);
  assert.equal(r.hitAt3, 0);
  assert.equal(finiteMean([1, NaN, 3]), 2);
  assert.ok(Number.isNaN(finiteMean([NaN])));
  assert.throws(() => mae([1, 2], [1]), MetricInputError);
});
