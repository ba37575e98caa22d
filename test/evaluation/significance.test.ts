import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BaselineResult, EvaluationRow, LooResult } from '../../src/evaluation/protocols';
import { pairedTests, table1ByTarget } from '../../src/evaluation/significance';
import type { RankingReport } from '../../src/evaluation/metrics';

const report = (mae: number, regret: number): RankingReport & { n: number } => ({
  n: 10,
  mae,
  rmse: mae,
  kendall: 0,
  spearman: 0,
  regret,
  hitAt3: 0,
});

test('pairedTests: wins, ties and the exact two-sided p-value over targets', () => {
  const targets = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
  const loo = { perDataset: Object.fromEntries(targets.map((d, i) => [d, report(0.05, i)])) } as LooResult;
  const base = {
    // Worse on every target by a distinct amount: all 8 signs agree, p = 2 / 2^8 (scipy: 0.0078125).
    worse: {
      perDataset: Object.fromEntries(targets.map((d, i) => [d, report(0.1 + i / 100, i + 1 + i / 10)])),
    },
    // Equal regret everywhere: no test, all ties; rank-only: no MAE.
    same: { perDataset: Object.fromEntries(targets.map((d, i) => [d, report(NaN, i)])) },
  } as unknown as Record<string, BaselineResult>;
  const t = pairedTests(loo, base);
  assert.equal(t.worse.mae!.wins, 8);
  assert.equal(t.worse.mae!.pValue, 0.0078125);
  assert.ok(t.worse.mae!.meanDifference < 0);
  assert.equal(t.worse.regret.pValue, 0.0078125);
  assert.equal(t.same.mae, undefined);
  assert.deepEqual([t.same.regret.wins, t.same.regret.ties, t.same.regret.losses], [0, 8, 0]);
  assert.equal(t.same.regret.pValue, null);
});

function rows(order: (target: string, source: string) => number): EvaluationRow[] {
  const datasets = ['a', 'b', 'c', 'd', 'e'];
  const out: EvaluationRow[] = [];
  for (const arch of ['lenet5', 'resnet8'])
    for (const t of datasets)
      for (const s of datasets)
        if (s !== t)
          out.push({
            dataset: t,
            model: `${arch}@${s}`,
            architecture: arch,
            sourceDataset: s,
            features: [],
            accuracy: 0.5 + order(t, s) / 10,
          });
  return out;
}

test('table1ByTarget: perfect agreement gives τ 1 with a tight interval, spread in accuracy', () => {
  const sim = (t: string, s: string) => (s.charCodeAt(0) * 7 + t.charCodeAt(0)) % 11;
  const r = table1ByTarget(rows(sim), sim, { seed: 3, resamples: 200 });
  assert.equal(r.perTarget.length, 5);
  for (const t of r.perTarget) {
    assert.equal(t.kendall, 1);
    assert.equal(t.sources, 4);
    assert.equal(t.architectures, 2);
    assert.ok(t.low <= 1 && t.high === 1);
    assert.ok(t.spread > 0);
  }
  assert.equal(r.mean.kendall, 1);
});

test('table1ByTarget: reversed order gives τ −1; architectures outside the list are left out', () => {
  const sim = (t: string, s: string) => (s.charCodeAt(0) * 7 + t.charCodeAt(0)) % 11;
  const r = table1ByTarget(
    rows((t, s) => -sim(t, s)),
    sim,
    { architectures: ['resnet8'], seed: 1, resamples: 100 },
  );
  for (const t of r.perTarget) {
    assert.equal(t.kendall, -1);
    assert.equal(t.architectures, 1);
  }
  assert.ok(r.mean.high <= -1 + 1e-12);
});
