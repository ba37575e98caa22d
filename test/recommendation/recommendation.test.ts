import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  evaluateRepository,
  Recommender,
  withoutDataset,
  type CampaignResult,
  type SimilarityTable,
} from '../../src/recommendation';

/** A synthetic repository whose accuracies follow a known law: quality of the model + similarity to the source. */
function synthetic() {
  let s = 12345;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const datasets = ['a', 'b', 'c', 'd', 'e'];
  const rows: Record<string, number[]> = {};
  for (const d of datasets) {
    const v = datasets.map((o) => (o === d ? 0 : 0.1 + rand()));
    const sum = v.reduce((x, y) => x + y, 0);
    rows[d] = v.map((x) => x / sum);
  }
  const table: SimilarityTable = { datasets, rows };
  const w = Array.from({ length: 6 }, () => rand() - 0.5);
  const encodings = new Map<string, Float32Array>();
  const quality = new Map<string, number>();
  const results: CampaignResult[] = [];
  for (let m = 0; m < 14; m++) {
    const id = `m${m}`;
    const enc = Float32Array.from({ length: 6 }, () => rand() * 2 - 1);
    encodings.set(id, enc);
    quality.set(
      id,
      enc.reduce((acc, v, i) => acc + v * w[i], 0),
    );
    for (const target of datasets) {
      for (const source of [null, ...datasets.filter((d) => d !== target)]) {
        const sim = source ? rows[target][datasets.indexOf(source)] : 0;
        const acc = 0.55 + 0.15 * quality.get(id)! + (source ? 0.3 * sim : 0) + 0.01 * (rand() - 0.5);
        results.push({
          pairId: `${id}-${target}-${source}`,
          modelId: id,
          modelName: id,
          architecture: id,
          dataset: target,
          source,
          accuracy: Math.min(1, Math.max(0, acc)),
          params: 1000 * (m + 1),
          flops: 5000 * (m + 1),
          depth: 3 + (m % 4),
        });
      }
    }
  }
  return { table, encodings, results, quality };
}

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
