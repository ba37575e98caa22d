import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateRepository, Recommender, withoutDataset } from '../../src/recommendation';
import { synthetic } from './synthetic';

test('withoutDataset zeroes a column and renormalises', () => {
  assert.deepEqual(Array.from(withoutDataset(['x', 'y', 'z'], [0.5, 0.25, 0.25], 'x')), [0, 0.5, 0.5]);
});

test('evaluateRepository: honest LOO recovers a learnable law and beats the random baseline', () => {
  const { table, encodings, results } = synthetic();
  const summary = evaluateRepository(results, encodings, table, { seed: 1 });
  assert.equal(summary.rows, results.length);
  assert.deepEqual(Object.keys(summary.loo.perDataset).sort(), table.datasets);
  assert.ok(summary.loo.mean.kendall > 0.5, `kendall ${summary.loo.mean.kendall}`);
  assert.ok(summary.loo.mean.mae < 0.08, `mae ${summary.loo.mean.mae}`);
  assert.ok(summary.loo.mean.kendall > summary.baselines.random.mean.kendall);
  assert.ok(summary.split8020.perRegressor.ridge.mse >= 0);
  assert.ok(summary.table1.cells.length > 0);
  // Accuracy rises with the source's similarity by construction: Table 1 must see it.
  assert.ok(summary.table1.mean.kendall > 0.5, `table1 kendall ${summary.table1.mean.kendall}`);
  // Per target, with a bootstrap interval around each value and around the mean.
  assert.equal(summary.table1.perTarget.length, table.datasets.length);
  for (const t of summary.table1.perTarget) assert.ok(t.low <= t.kendall && t.kendall <= t.high, t.dataset);
  assert.ok(summary.table1.mean.low <= summary.table1.mean.kendall);
  assert.ok(summary.table1.mean.kendall <= summary.table1.mean.high);
  // Both regressor kinds are evaluated; the default is the one with the lower regret.
  const { regressor } = summary;
  assert.ok(['selected', 'ensemble'].includes(regressor.default));
  const other = regressor.default === 'selected' ? regressor.ensemble : regressor.selected;
  assert.ok(summary.loo.mean.regret <= other.regret + 1e-9);
  // The baselines the issue names, each paired with the regressor over the targets.
  for (const b of ['architectureMean', 'bestOnMostSimilar', 'similarityWeightedRecord', 'largestModel']) {
    assert.ok(summary.baselines[b], b);
    const t = summary.pairedTests[b];
    assert.equal(t.regret.n, table.datasets.length, b);
    assert.equal(t.regret.wins + t.regret.ties + t.regret.losses, t.regret.n);
  }
  assert.equal(summary.pairedTests.largestModel.mae, undefined, 'a rank-only baseline has no MAE');
  assert.ok(summary.pairedTests.architectureMean.mae!.n > 0);
});

test('Recommender: ranks the truly best option first and survives a JSON round trip', () => {
  const { table, encodings, results, quality } = synthetic();
  const rec = new Recommender().fit(results, encodings, table, 1);
  const similarity = { a: 0.7, b: 0.1, c: 0.1, d: 0.05, e: 0.05 };
  const top = rec.recommend(similarity, 3);
  assert.equal(top.length, 3);
  const bestModel = [...quality.entries()].sort((x, y) => y[1] - x[1])[0][0];
  assert.equal(top[0].model, bestModel);
  assert.equal(top[0].sourceDataset, 'a', 'the most similar source wins');
  const again = Recommender.fromJSON(JSON.parse(JSON.stringify(rec.toJSON())));
  assert.deepEqual(again.recommend(similarity, 3), top);
});
