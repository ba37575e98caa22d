// The boosted trees' leaf-wise tree (src/ml/classifiers/boosting-tree.ts) against two oracles: without a leaf
// limit, the depth-first Newton tree of histogram-trees.ts; with one, a naive best-first grower written here that
// sums every candidate split straight from the rows (no histograms, no subtraction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { growBoostingTree } from '../../src/ml/classifiers/boosting-tree';
import { GradientBoostedTrees } from '../../src/ml/classifiers/gradient-boosting';
import {
  binFeatures,
  growTree,
  type BinnedData,
  type FlatTree,
} from '../../src/ml/classifiers/histogram-trees';
import { ClassifierInputError } from '../../src/ml/classifiers/matrix';
import { seededRandom } from '../../src/random';
import { accuracy, mnistDigits, rows as takeRows } from './data';

function problem(n: number, d: number, seed: number) {
  const rng = seededRandom(seed);
  const X = Float32Array.from({ length: n * d }, () => rng());
  const g = Float64Array.from(
    { length: n },
    (_, i) => X[i * d] + 0.5 * X[i * d + 1] - 0.7 + 0.3 * (rng() - 0.5),
  );
  const h = Float64Array.from({ length: n }, () => 0.1 + rng() * 0.2);
  return { X, g, h, data: binFeatures(X, n, d, 16) };
}

/** Leaf value of row i (binned codes, so no float threshold question enters). */
function leafValue(t: FlatTree, data: BinnedData, i: number): number {
  let node = 0;
  while (t.feature[node] >= 0) {
    const f = t.feature[node];
    const b = data.edges[f].indexOf(t.threshold[node]);
    node = data.codes[f * data.n + i] <= b ? t.left[node] : t.right[node];
  }
  return t.value[node];
}

const leafCount = (t: FlatTree) => t.feature.filter((f) => f < 0).length;

/** Best-first growth by brute force: every (feature, bin) split of every leaf summed from its rows. */
function naiveBestFirst(
  data: BinnedData,
  g: Float64Array,
  h: Float64Array,
  o: { maxLeaves: number; minLeaf: number; lambda: number; minHessian: number },
) {
  const { maxLeaves, minLeaf, lambda, minHessian } = o;
  const score = (G: number, H: number) => (G * G) / (H + lambda);
  const sum = (rs: number[]) => rs.reduce(([G, H], r) => [G + g[r], H + h[r]], [0, 0]);
  type Cand = { gain: number; f: number; b: number };
  const best = (rs: number[]): Cand | null => {
    const [G, H] = sum(rs);
    let out: Cand | null = null;
    for (let f = 0; f < data.d; f++) {
      for (let b = 0; b < data.edges[f].length; b++) {
        const l = rs.filter((r) => data.codes[f * data.n + r] <= b);
        if (l.length < minLeaf || rs.length - l.length < minLeaf) continue;
        const [gl, hl] = sum(l);
        if (hl < minHessian || H - hl < minHessian) continue;
        const gain = score(gl, hl) + score(G - gl, H - hl) - score(G, H);
        if (gain > 1e-12 && (!out || gain > out.gain + 1e-9)) out = { gain, f, b };
      }
    }
    return out;
  };
  let leaves = [Array.from({ length: data.n }, (_, i) => i)];
  while (leaves.length < maxLeaves) {
    const cands = leaves.map(best);
    let pick = -1;
    cands.forEach((c, i) => {
      if (c && (pick < 0 || c.gain > cands[pick]!.gain)) pick = i;
    });
    if (pick < 0) break;
    const { f, b } = cands[pick]!;
    const rs = leaves[pick];
    leaves = [
      ...leaves.filter((_, i) => i !== pick),
      rs.filter((r) => data.codes[f * data.n + r] <= b),
      rs.filter((r) => data.codes[f * data.n + r] > b),
    ];
  }
  const value = new Float64Array(data.n);
  for (const rs of leaves) {
    const [G, H] = sum(rs);
    for (const r of rs) value[r] = -G / (H + lambda);
  }
  return { value, leaves: leaves.length };
}

test('without a leaf limit the subtraction tree is the depth-first Newton tree', () => {
  const n = 400;
  const { g, h, data } = problem(n, 6, 1);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const stats = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) [stats[2 * i], stats[2 * i + 1]] = [g[i], h[i]];
  const opt = { maxDepth: 4, minSamplesLeaf: 5, lambda: 1 };
  const ours = growBoostingTree(data, rows, g, h, { ...opt, maxLeafNodes: 0, minChildHessian: 0 });
  const depthFirst = growTree(
    data,
    rows,
    stats,
    2,
    { ...opt, featuresPerSplit: 6, criterion: 'newton' },
    () => 0,
  );
  assert.equal(leafCount(ours), leafCount(depthFirst));
  assert.ok(leafCount(ours) > 8, `${leafCount(ours)} leaves`);
  for (let i = 0; i < n; i++)
    assert.ok(Math.abs(leafValue(ours, data, i) - leafValue(depthFirst, data, i)) < 1e-6, `row ${i}`);
});

test('with a leaf limit the leaves grow best-first, as a brute-force grower finds them', () => {
  const n = 300;
  const { g, h, data } = problem(n, 4, 2);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  // hessians are 0.1–0.3 a row: a minimum child hessian of 6 keeps every leaf at ≥ 20 rows or so
  for (const [maxLeaves, minHessian] of [
    [2, 0],
    [5, 0],
    [9, 0],
    [40, 6],
  ]) {
    const opt = {
      maxDepth: 25,
      maxLeafNodes: maxLeaves,
      minSamplesLeaf: 3,
      lambda: 1,
      minChildHessian: minHessian,
    };
    const ours = growBoostingTree(data, rows, g, h, opt);
    const oracle = naiveBestFirst(data, g, h, { maxLeaves, minLeaf: 3, lambda: 1, minHessian });
    assert.equal(leafCount(ours), oracle.leaves);
    if (minHessian === 0) assert.equal(oracle.leaves, maxLeaves);
    else assert.ok(oracle.leaves > 3 && oracle.leaves < maxLeaves, `${oracle.leaves} leaves`);
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(leafValue(ours, data, i) - oracle.value[i]) < 1e-6, `${maxLeaves} leaves, row ${i}`);
    }
  }
});

test('boosted trees with sklearn HistGradientBoosting-style leaves learn digits and round-trip', () => {
  const digits = mnistDigits(0, 800);
  const train = takeRows(digits, 0, 600);
  const held = takeRows(digits, 600, 800);
  const clf = new GradientBoostedTrees({ nRounds: 15, maxDepth: 25, maxLeafNodes: 31, minSamplesLeaf: 20 });
  clf.fit(train.X, train.n, train.d, train.y, 10);
  for (const t of clf.trees) assert.ok(leafCount(t) <= 31);
  const acc = accuracy(clf.predict(held.X, held.n, held.d), held.y);
  assert.ok(acc >= 0.7, `held-out accuracy ${acc}`);
  const copy = GradientBoostedTrees.fromJSON(JSON.parse(JSON.stringify(clf.toJSON())));
  assert.deepEqual(copy.predictProba(held.X, held.n, held.d), clf.predictProba(held.X, held.n, held.d));
  assert.throws(
    () => new GradientBoostedTrees({ maxLeafNodes: 31, colsample: 0.5 }),
    (e: Error) => e instanceof ClassifierInputError && /invalid options/.test(e.message),
  );
});
