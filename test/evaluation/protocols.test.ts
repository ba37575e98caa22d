import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  baselines,
  leaveOneDatasetOut,
  randomExpectation,
  randomSplit,
  table1,
  type EvaluationRow,
  type FitPredict,
} from '../../src/evaluation/protocols';
import { AccuracyRegressor } from '../../src/regressor';
import { RidgeRegressor } from '../../src/ml';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

// A table where accuracy = model quality + dataset ease (additive), so a linear model over
// [one-hot model, dataset ease] can recover it exactly from the other datasets.
const models = ['m0', 'm1', 'm2', 'm3', 'm4'];
const quality = [0.1, 0.25, 0.05, 0.3, 0.2];
const datasets = ['a', 'b', 'c', 'd'];
const ease = [0.5, 0.4, 0.6, 0.3];
const rows: EvaluationRow[] = datasets.flatMap((dataset, d) =>
  models.map((model, m) => ({
    dataset,
    model,
    architecture: `arch${m % 3}`,
    features: [...models.map((_, k) => (k === m ? 1 : 0)), ease[d]],
    accuracy: quality[m] + ease[d],
    params: [5, 1, 3, 2, 4][m] * 1e6,
    scores: { logme: quality[m] * 2 - 1 },
  })),
);

test('leave-one-dataset-out recovers an additive table exactly and never trains on the held-out dataset', () => {
  const seen: string[] = [];
  const rebuilt: string[] = [];
  const factory = (): FitPredict => {
    const ridge = new RidgeRegressor({ alpha: 1e-8 });
    return {
      fit(X, y) {
        seen.push(y.length.toString());
        ridge.fit(X, y);
      },
      predict: (X) => ridge.predict(X),
    };
  };
  const res = leaveOneDatasetOut(rows, factory, {
    rebuild: (held, all) => {
      rebuilt.push(held);
      return all.map((r) => r.features);
    },
  });
  assert.deepEqual(rebuilt, datasets);
  assert.deepEqual(seen, ['15', '15', '15', '15']); // 20 rows − 5 held out, each time
  for (const d of datasets) {
    const r = res.perDataset[d];
    assert.equal(r.n, 5);
    close(r.mae, 0, 1e-5);
    close(r.kendall, 1);
    close(r.regret, 0, 1e-6);
    assert.equal(r.hitAt3, 1);
  }
  close(res.mean.spearman, 1);
  assert.equal(res.predictions.length, 20);
});

test('rebuild sees the held-out name: features built from it change the result', () => {
  // A rebuild that hides the dataset-ease feature for the held-out rows ruins MAE — proving it is used.
  const res = leaveOneDatasetOut(rows, () => new RidgeRegressor({ alpha: 1e-6 }), {
    rebuild: (held, all) =>
      all.map((r) => (r.dataset === held ? [...Array.from(r.features).slice(0, 5), 0] : r.features)),
  });
  assert.ok(res.mean.mae > 0.1, `mae ${res.mean.mae}`);
});

test('random 80/20 split reports MSE per regressor', () => {
  const res = randomSplit(
    rows,
    { ridge: () => new RidgeRegressor({ alpha: 1e-8 }), heavy: () => new RidgeRegressor({ alpha: 1e4 }) },
    { seed: 3 },
  );
  assert.equal(res.test, 4);
  assert.equal(res.train, 16);
  assert.ok(res.perRegressor.ridge.mse < 1e-8);
  assert.ok(res.perRegressor.heavy.mse > res.perRegressor.ridge.mse);
  close(res.perRegressor.heavy.rmse, Math.sqrt(res.perRegressor.heavy.mse));
});

test('Table 1 by hand: similarity vs fine-tuned accuracy per architecture and target', () => {
  const t1rows: EvaluationRow[] = [
    { dataset: 'T', model: 'r@A', architecture: 'resnet', sourceDataset: 'A', features: [], accuracy: 0.8 },
    { dataset: 'T', model: 'r@B', architecture: 'resnet', sourceDataset: 'B', features: [], accuracy: 0.7 },
    { dataset: 'T', model: 'r@C', architecture: 'resnet', sourceDataset: 'C', features: [], accuracy: 0.6 },
    { dataset: 'T', model: 'v@A', architecture: 'vgg', sourceDataset: 'A', features: [], accuracy: 0.5 },
    { dataset: 'T', model: 'v@B', architecture: 'vgg', sourceDataset: 'B', features: [], accuracy: 0.6 },
    { dataset: 'T', model: 'v@C', architecture: 'vgg', sourceDataset: 'C', features: [], accuracy: 0.7 },
  ];
  const sim = { A: 0.9, B: 0.5, C: 0.1 } as Record<string, number>;
  const res = table1(t1rows, (_t, s) => sim[s]);
  assert.equal(res.cells.length, 2);
  const [resnet, vgg] = res.cells;
  assert.equal(resnet.architecture, 'resnet');
  close(resnet.kendall, 1);
  close(resnet.spearman, 1);
  close(resnet.pearson, 1); // both sides linear in the source index
  close(vgg.kendall, -1);
  close(res.mean.kendall, 0);
  assert.equal(table1(t1rows, (_t, s) => sim[s], { architectures: ['vgg'] }).cells.length, 1);
});

test('baselines by hand', () => {
  const b = baselines(rows, { scoreColumns: ['logme'], seed: 1 });
  // Architecture mean on held-out 'a': arch k = models with index % 3 = k; prediction = mean over the other
  // datasets of that architecture's rows = mean quality of the architecture + mean ease of b, c, d.
  const othersEase = (0.4 + 0.6 + 0.3) / 3;
  const archQuality = (k: number) => {
    const q = quality.filter((_, m) => m % 3 === k);
    return q.reduce((s, v) => s + v, 0) / q.length;
  };
  const expectedMae =
    quality.reduce((s, q, m) => s + Math.abs(archQuality(m % 3) + othersEase - (q + 0.5)), 0) / 5;
  close(b.architectureMean.perDataset.a.mae, expectedMae, 1e-12);
  // Largest model: m0 (5M params) is recommended; best is m3 (quality .3) → regret 20 points everywhere.
  for (const d of datasets) close(b.largestModel.perDataset[d].regret, 20);
  assert.ok(Number.isNaN(b.largestModel.mean.mae));
  // LogME column ranks exactly like quality → perfect ranking.
  close(b['score:logme'].mean.kendall, 1);
  close(b['score:logme'].mean.regret, 0);
  // Random, expected: regret = mean(best − acc) = (0.2+0.05+0.25+0+0.1)/5 = 0.12 → 12 points; hit@3 = 1 − C(4,3)/C(5,3) = 0.6.
  close(b.random.mean.regret, 12);
  close(b.random.mean.hitAt3, 0.6);
  assert.ok(Number.isFinite(b.randomSeeded.mean.kendall));
  close(randomExpectation(rows.slice(0, 3)).perDataset.a.hitAt3, 1);
});

test('architecture-mean baseline value by hand on a two-dataset table', () => {
  const tiny: EvaluationRow[] = [
    { dataset: 'x', model: 'p', features: [], accuracy: 0.9 },
    { dataset: 'x', model: 'q', features: [], accuracy: 0.5 },
    { dataset: 'y', model: 'p', features: [], accuracy: 0.7 },
    { dataset: 'y', model: 'q', features: [], accuracy: 0.6 },
  ];
  const r = baselines(tiny).architectureMean.perDataset;
  // Held out x: p predicted 0.7, q predicted 0.6 → errors .2 and .1 → MAE .15; regret 0.
  close(r.x.mae, 0.15);
  close(r.x.regret, 0);
  // Held out y: p predicted 0.9, q 0.5 → errors .2, .1 → MAE .15.
  close(r.y.mae, 0.15);
  assert.throws(() => baselines(tiny, { scoreColumns: ['leep'] }), /score column 'leep'/);
});

test('AccuracyRegressor plugs in as the LOO regressor, selecting on the training datasets only', () => {
  const groupsSeen: string[][] = [];
  const res = leaveOneDatasetOut(rows, () => {
    const acc = new AccuracyRegressor({
      candidates: [
        { name: 'ridge', params: { alpha: 1e-6 } },
        { name: 'ridge', params: { alpha: 1e3 } },
      ],
      folds: 3,
    });
    return {
      fit: (X, y, opts) => {
        groupsSeen.push([...new Set(opts?.groups)].sort());
        return acc.fit(X, y, opts);
      },
      predict: (X) => acc.predict(X),
    };
  });
  assert.deepEqual(groupsSeen, [
    ['b', 'c', 'd'],
    ['a', 'c', 'd'],
    ['a', 'b', 'd'],
    ['a', 'b', 'c'],
  ]);
  close(res.mean.kendall, 1);
  close(res.mean.mae, 0, 1e-4);
});
