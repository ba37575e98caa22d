import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  binomialStandardError,
  bootstrapMeanInterval,
  wilcoxonSignedRank,
  type Alternative,
} from '../../src/evaluation/stats';

interface WilcoxonCase {
  name: string;
  x: number[];
  y: number[] | null;
  alternative: Alternative;
  statistic: number;
  pvalue: number;
  methods: string[];
  zeros: number;
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/stats/wilcoxon.json'), 'utf8'),
) as { scipy: string; cases: WilcoxonCase[] };

// Relative 1e-9, with an absolute floor far below any p-value in the fixture's normal cases (~1e-19).
const closeP = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.abs(b) + 1e-300, `${what}: ${a} vs scipy ${b}`);

test(`Wilcoxon signed-rank matches scipy ${fixture.scipy} (statistic, p-value, 'auto' branch)`, () => {
  assert.ok(fixture.cases.length >= 15);
  const seen = new Set<string>();
  for (const c of fixture.cases) {
    const r = wilcoxonSignedRank(c.x, c.y ?? undefined, { alternative: c.alternative });
    assert.equal(r.statistic, c.statistic, `${c.name}: statistic`);
    closeP(r.pValue, c.pvalue, c.name);
    // scipy's exhaustive permutation branch is an exact test; the module reports it as 'exact'.
    const scipyBranches = c.methods.map((m) => (m === 'permutation' ? 'exact' : m));
    assert.ok(scipyBranches.includes(r.method), `${c.name}: method ${r.method}, scipy matched ${c.methods}`);
    assert.equal(r.zeros, c.zeros, `${c.name}: zeros`);
    assert.equal(r.n, c.x.length - c.zeros, `${c.name}: n`);
    for (const m of c.methods) seen.add(m);
    seen.add(c.alternative);
  }
  // The fixture exercises every branch of scipy's 'auto' and every alternative.
  for (const k of ['exact', 'permutation', 'normal', 'two-sided', 'less', 'greater'])
    assert.ok(seen.has(k), k);
});

test('Wilcoxon by hand: n=3 all positive, exact', () => {
  // d = 1, 2, 3: R+ = 6 is the single largest of 2³ equally likely sums → P(R+ ≥ 6) = 1/8.
  const r = wilcoxonSignedRank([1, 2, 3], undefined, { alternative: 'greater' });
  assert.deepEqual(r, { n: 3, statistic: 6, pValue: 1 / 8, method: 'exact', zeros: 0 });
  const two = wilcoxonSignedRank([1, 2, 3]);
  assert.equal(two.statistic, 0); // min(R+, R−)
  assert.equal(two.pValue, 1 / 4);
  // Swapping x and y mirrors the one-sided p-values.
  const a = [0.71, 0.64, 0.8, 0.55];
  const b = [0.7, 0.6, 0.79, 0.58];
  assert.equal(
    wilcoxonSignedRank(a, b, { alternative: 'less' }).pValue,
    wilcoxonSignedRank(b, a, { alternative: 'greater' }).pValue,
  );
});

test('Wilcoxon rejects mismatched lengths, all-zero differences and non-finite input', () => {
  assert.throws(() => wilcoxonSignedRank([1, 2], [1]), /2 values but y has 1/);
  assert.throws(() => wilcoxonSignedRank([1, 2], [1, 2]), /at least 1 non-zero difference/);
  assert.throws(() => wilcoxonSignedRank([]), /at least 1 non-zero difference/);
  assert.throws(() => wilcoxonSignedRank([1, NaN]), /non-finite/);
});

test('bootstrap interval is deterministic for a seed and brackets the mean', () => {
  const v = [0.61, 0.72, 0.58, 0.9, 0.66, 0.7, 0.81, 0.55, 0.63, 0.77];
  const a = bootstrapMeanInterval(v, { seed: 7 });
  const b = bootstrapMeanInterval(v, { seed: 7 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(bootstrapMeanInterval(v, { seed: 8 }), a);
  assert.equal(a.level, 0.95);
  assert.equal(a.resamples, 2000);
  assert.ok(Math.abs(a.mean - 0.693) < 1e-12);
  assert.ok(a.low < a.mean && a.mean < a.high, `${a.low} < ${a.mean} < ${a.high}`);
  assert.ok(a.low >= Math.min(...v) && a.high <= Math.max(...v));
  // A lower level gives a nested, narrower interval from the same resamples.
  const c = bootstrapMeanInterval(v, { seed: 7, level: 0.5 });
  assert.ok(a.low <= c.low && c.high <= a.high);
  // Non-finite values are ignored.
  assert.deepEqual(bootstrapMeanInterval([...v, NaN, Infinity], { seed: 7 }), a);
});

test('bootstrap interval narrows with more data', () => {
  const draw = (n: number) => Array.from({ length: n }, (_, i) => 0.7 + 0.1 * Math.sin(i * 12.9898));
  const small = bootstrapMeanInterval(draw(20), { seed: 1 });
  const large = bootstrapMeanInterval(draw(2000), { seed: 1 });
  assert.ok(
    large.high - large.low < (small.high - small.low) / 4,
    `${large.high - large.low} vs ${small.high - small.low}`,
  );
});

test('bootstrap edge cases: one value, no finite values, bad options', () => {
  assert.deepEqual(bootstrapMeanInterval([0.8]), {
    mean: 0.8,
    low: 0.8,
    high: 0.8,
    level: 0.95,
    resamples: 2000,
  });
  for (const empty of [[], [NaN, -Infinity]]) {
    const r = bootstrapMeanInterval(empty);
    assert.ok(Number.isNaN(r.mean) && Number.isNaN(r.low) && Number.isNaN(r.high));
  }
  assert.throws(() => bootstrapMeanInterval([1, 2], { level: 1 }), /level/);
  assert.throws(() => bootstrapMeanInterval([1, 2], { resamples: 0 }), /resamples/);
});

test('binomial standard error', () => {
  assert.equal(binomialStandardError(0.5, 100), 0.05);
  assert.ok(Math.abs(binomialStandardError(0.9, 10000) - 0.003) < 1e-15);
  assert.equal(binomialStandardError(1, 50), 0);
  assert.ok(Number.isNaN(binomialStandardError(0.5, 0)));
  assert.ok(Number.isNaN(binomialStandardError(0.5, -3)));
});
