/**
 * CART regression tree grown level by level over a pre-sorted column order: every level costs
 * O(features × rows) instead of ml-cart's O(features × rows²) per node, which made ml-cart take ~9 s for one
 * depth-3 tree on 1,000 × 50 (measured) — far too slow for boosting over ~600 features.
 * Split rule, thresholds (midpoints, x ≤ t goes left), stopping rules and the 'mse' / 'friedman_mse' criteria
 * follow scikit-learn's DecisionTreeRegressor, so boosting can be checked against it exactly.
 */
import type { DenseMatrix } from './matrix';

export interface TreeParams {
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features tried per split: a fraction in (0, 1] of all features. */
  maxFeatures: number;
  criterion: 'mse' | 'friedman_mse';
}

export interface TreeJSON {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

const FEATURE_THRESHOLD = 1e-7;

/** Column-major copy of X plus each column's ascending row order; shared by all trees of an ensemble. */
export interface SortedColumns {
  rows: number;
  cols: number;
  values: Float64Array;
  order: Int32Array;
}

export function sortColumns(X: DenseMatrix): SortedColumns {
  const { rows: n, cols: d } = X;
  const values = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) values[f * n + i] = X.data[i * d + f];
  const order = new Int32Array(n * d);
  const idx = new Int32Array(n);
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) idx[i] = i;
    const col = values.subarray(f * n, (f + 1) * n);
    idx.sort((a, b) => col[a] - col[b] || a - b);
    order.set(idx, f * n);
  }
  return { rows: n, cols: d, values, order };
}

export class RegressionTree {
  constructor(
    readonly feature: Int32Array,
    readonly threshold: Float64Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    readonly value: Float64Array,
  ) {}

  /** Grows a tree on targets y with sample weights w (rows with weight 0 are left out), drawing features with rand. */
  static grow(
    cols: SortedColumns,
    y: Float64Array,
    w: Float64Array,
    p: TreeParams,
    rand: () => number,
  ): RegressionTree {
    const { rows: n, cols: d, values, order } = cols;
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const nodeOf = new Int32Array(n).fill(-1);
    const newNode = (): number => {
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
      return value.length - 1;
    };
    const root = newNode();
    for (let i = 0; i < n; i++) if (w[i] > 0) nodeOf[i] = root;
    // Per-feature sorted rows, compacted each level to rows still in growing nodes (deep levels get cheap).
    let active = 0;
    for (let i = 0; i < n; i++) if (nodeOf[i] >= 0) active++;
    let ord = compact(order, n, d, active, (i) => nodeOf[i] >= 0);
    let frontier = [root];
    const nTry = Math.max(1, Math.round(p.maxFeatures * d));
    for (let depth = 0; frontier.length > 0; depth++) {
      const m = frontier.length;
      const local = new Int32Array(value.length).fill(-1);
      frontier.forEach((node, k) => (local[node] = k));
      // Node totals: weight, weighted sum, weighted sum of squares, row count.
      const W = new Float64Array(m);
      const S = new Float64Array(m);
      const SS = new Float64Array(m);
      const N = new Int32Array(m);
      for (let r = 0; r < active; r++) {
        const i = ord[r];
        const k = local[nodeOf[i]];
        if (k < 0) continue;
        W[k] += w[i];
        S[k] += w[i] * y[i];
        SS[k] += w[i] * y[i] * y[i];
        N[k]++;
      }
      const splittable = new Uint8Array(m);
      for (let k = 0; k < m; k++) {
        value[frontier[k]] = S[k] / W[k];
        const impurity = SS[k] / W[k] - (S[k] / W[k]) ** 2;
        const leaf =
          depth >= p.maxDepth ||
          N[k] < p.minSamplesSplit ||
          N[k] < 2 * p.minSamplesLeaf ||
          impurity <= Number.EPSILON;
        splittable[k] = leaf ? 0 : 1;
      }
      // Features each node may try (all, or a random subset per node as in random forests).
      const tries = new Uint8Array(m * d);
      for (let k = 0; k < m; k++) {
        if (!splittable[k]) continue;
        if (nTry >= d) tries.fill(1, k * d, (k + 1) * d);
        else for (const f of sampleWithoutReplacement(d, nTry, rand)) tries[k * d + f] = 1;
      }
      const best = new Float64Array(m).fill(-Infinity);
      const bestF = new Int32Array(m).fill(-1);
      const bestT = new Float64Array(m);
      const cw = new Float64Array(m);
      const cs = new Float64Array(m);
      const cn = new Int32Array(m);
      const last = new Float64Array(m);
      for (let f = 0; f < d; f++) {
        cw.fill(0);
        cs.fill(0);
        cn.fill(0);
        const base = f * n;
        const obase = f * active;
        for (let r = 0; r < active; r++) {
          const i = ord[obase + r];
          const k = local[nodeOf[i]];
          if (k < 0 || !tries[k * d + f]) continue;
          const v = values[base + i];
          if (
            cn[k] >= p.minSamplesLeaf &&
            N[k] - cn[k] >= p.minSamplesLeaf &&
            v > last[k] + FEATURE_THRESHOLD
          ) {
            const wl = cw[k];
            const wr = W[k] - wl;
            const sl = cs[k];
            const sr = S[k] - sl;
            const gain =
              p.criterion === 'mse' ? (sl * sl) / wl + (sr * sr) / wr : (wr * sl - wl * sr) ** 2 / (wl * wr);
            if (gain > best[k]) {
              best[k] = gain;
              bestF[k] = f;
              const t = (last[k] + v) / 2;
              bestT[k] = t === v || !Number.isFinite(t) ? last[k] : t;
            }
          }
          cw[k] += w[i];
          cs[k] += w[i] * y[i];
          cn[k]++;
          last[k] = v;
        }
      }
      const next: number[] = [];
      const leftOf = new Int32Array(m).fill(-1);
      for (let k = 0; k < m; k++) {
        if (!splittable[k] || bestF[k] < 0) continue;
        const node = frontier[k];
        feature[node] = bestF[k];
        threshold[node] = bestT[k];
        leftOf[k] = left[node] = newNode();
        right[node] = newNode();
        next.push(left[node], right[node]);
      }
      let stillActive = 0;
      for (let r = 0; r < active; r++) {
        const i = ord[r]; // feature 0's block lists every active row once
        const node = nodeOf[i];
        const k = local[node];
        if (k < 0 || leftOf[k] < 0) {
          nodeOf[i] = -1 - node; // settled in a leaf: mark inactive (value kept in the node)
          continue;
        }
        const f = feature[node];
        nodeOf[i] = values[f * n + i] <= threshold[node] ? left[node] : right[node];
        stillActive++;
      }
      ord = compact(ord, active, d, stillActive, (i) => nodeOf[i] >= 0);
      active = stillActive;
      frontier = next;
    }
    return new RegressionTree(
      Int32Array.from(feature),
      Float64Array.from(threshold),
      Int32Array.from(left),
      Int32Array.from(right),
      Float64Array.from(value),
    );
  }

  predictRow(data: Float64Array, offset: number): number {
    let node = 0;
    while (this.feature[node] >= 0) {
      node = data[offset + this.feature[node]] <= this.threshold[node] ? this.left[node] : this.right[node];
    }
    return this.value[node];
  }

  predict(X: DenseMatrix): Float64Array {
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = this.predictRow(X.data, i * X.cols);
    return out;
  }

  /** Leaf index each row falls in (boosting refits leaf values on these). */
  leafOf(X: DenseMatrix): Int32Array {
    const out = new Int32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let node = 0;
      while (this.feature[node] >= 0) {
        node =
          X.data[i * X.cols + this.feature[node]] <= this.threshold[node]
            ? this.left[node]
            : this.right[node];
      }
      out[i] = node;
    }
    return out;
  }

  toJSON(): TreeJSON {
    return {
      feature: Array.from(this.feature),
      threshold: Array.from(this.threshold),
      left: Array.from(this.left),
      right: Array.from(this.right),
      value: Array.from(this.value),
    };
  }

  static fromJSON(j: TreeJSON): RegressionTree {
    return new RegressionTree(
      Int32Array.from(j.feature),
      Float64Array.from(j.threshold),
      Int32Array.from(j.left),
      Int32Array.from(j.right),
      Float64Array.from(j.value),
    );
  }
}

/** Keeps, in each feature's block of `src` (blocks of length `len`), only the rows passing `keep`. */
function compact(
  src: Int32Array,
  len: number,
  d: number,
  kept: number,
  keep: (i: number) => boolean,
): Int32Array {
  const out = new Int32Array(kept * d);
  for (let f = 0; f < d; f++) {
    let o = f * kept;
    for (let r = f * len, end = r + len; r < end; r++) if (keep(src[r])) out[o++] = src[r];
  }
  return out;
}

export function sampleWithoutReplacement(n: number, k: number, rand: () => number): Int32Array {
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, k);
}
