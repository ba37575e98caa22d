// Histogram decision trees over quantile-binned features (the LightGBM / sklearn HistGradientBoosting idea).
// Shared by the random forest (gini) and the gradient-boosted trees (Newton gain on gradients/hessians).
// Why not ml-cart: its split search re-partitions all rows for every candidate threshold, O(n²·d) per node;
// measured on this machine a single depth-3 regression tree on 400×512 rows takes 14 s (quadratic in n),
// so a 250-tree forest on ~2000 rows would take hours. Histograms make a node O(rows·features).
import { decodeF32, decodeI32, encodeArray, type EncodedArray } from './matrix';

/** Features as small integer bins, column-major: codes[f * n + i]. */
export interface BinnedData {
  n: number;
  d: number;
  codes: Uint8Array;
  /** per feature: upper edges; bin b holds x <= edges[f][b] (last bin: everything above) */
  edges: Float32Array[];
}

export function binFeatures(X: Float32Array, n: number, d: number, maxBins: number): BinnedData {
  const codes = new Uint8Array(n * d);
  const edges: Float32Array[] = [];
  const col = new Float32Array(n);
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) col[i] = X[i * d + f];
    const sorted = Float32Array.from(col).sort();
    const e: number[] = [];
    for (let b = 1; b < maxBins; b++) {
      const v = sorted[Math.min(n - 1, Math.floor((b * n) / maxBins))];
      // an edge strictly below the max, distinct from the previous one
      if (v < sorted[n - 1] && (e.length === 0 || v > e[e.length - 1])) e.push(v);
    }
    const fe = Float32Array.from(e);
    edges.push(fe);
    for (let i = 0; i < n; i++) {
      let lo = 0;
      let hi = fe.length; // first edge >= x
      const x = col[i];
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (fe[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      codes[f * n + i] = lo;
    }
  }
  return { n, d, codes, edges };
}

/** A fitted tree in flat arrays; internal nodes send x[feature] <= threshold left. */
export interface FlatTree {
  feature: Int32Array; // -1 at leaves
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** outDim values per node (only leaves are used) */
  value: Float32Array;
  outDim: number;
}

/** A tree's nodes as they grow (a leaf until split); `build` packs them into a FlatTree. */
export class FlatTreeBuilder {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  /** outDim values per node */
  readonly value: number[] = [];
  constructor(readonly outDim: number) {}

  addNode(): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.left.push(-1);
    this.right.push(-1);
    for (let s = 0; s < this.outDim; s++) this.value.push(0);
    return this.feature.length - 1;
  }

  build(): FlatTree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float32Array.from(this.threshold),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      value: Float32Array.from(this.value),
      outDim: this.outDim,
    };
  }
}

export interface TreeGrowOptions {
  maxDepth: number;
  minSamplesLeaf: number;
  /** features examined per split (random subset); d = all */
  featuresPerSplit: number;
  /** 'gini': stats are one-hot class counts; 'newton': stats are (gradient, hessian) */
  criterion: 'gini' | 'newton';
  /** L2 on leaf values for 'newton' */
  lambda?: number;
}

/**
 * Grows one tree on rows `rows` (repeats allowed: bootstrap). `stats` is n×S: for gini the one-hot class
 * (S = numClasses), for newton (g, h) (S = 2). Leaves hold the class distribution (gini) or -G/(H+λ).
 */
export function growTree(
  data: BinnedData,
  rows: Int32Array,
  stats: Float64Array,
  S: number,
  opt: TreeGrowOptions,
  rng: () => number,
): FlatTree {
  const { n, d, codes, edges } = data;
  const lambda = opt.lambda ?? 1;
  const outDim = opt.criterion === 'gini' ? S : 1;
  const score = (v: Float64Array, o: number): number => {
    if (opt.criterion === 'newton') return (v[o] * v[o]) / (v[o + 1] + lambda);
    let s = 0;
    let t = 0;
    for (let c = 0; c < S; c++) {
      s += v[o + c] * v[o + c];
      t += v[o + c];
    }
    return t > 0 ? s / t : 0; // maximising Σ n_c²/N over children = minimising weighted gini
  };
  const tree = new FlatTreeBuilder(outDim);
  const { feature, threshold, left, right, value } = tree;
  const maxBins = 256;
  const hist = new Float64Array(maxBins * S);
  const cnt = new Int32Array(maxBins);
  const total = new Float64Array(S);
  const accL = new Float64Array(S);
  const accR = new Float64Array(S);
  const feats = new Int32Array(d);
  for (let f = 0; f < d; f++) feats[f] = f;
  const mtry = Math.max(1, Math.min(d, opt.featuresPerSplit));
  const labels = opt.criterion === 'gini' ? oneHotLabels(stats, n, S) : null;

  const addNode = (): number => tree.addNode();
  const setLeaf = (node: number): void => {
    if (opt.criterion === 'newton') value[node] = -total[0] / (total[1] + lambda);
    else {
      let t = 0;
      for (let c = 0; c < S; c++) t += total[c];
      for (let c = 0; c < S; c++) value[node * S + c] = t > 0 ? total[c] / t : 0;
    }
  };

  const grow = (node: number, start: number, end: number, depth: number): void => {
    total.fill(0);
    for (let r = start; r < end; r++) {
      const o = rows[r] * S;
      for (let s = 0; s < S; s++) total[s] += stats[o + s];
    }
    const m = end - start;
    let pure = opt.criterion === 'gini';
    if (pure) for (let c = 0, nz = 0; c < S; c++) if (total[c] > 0 && ++nz > 1) pure = false;
    if (depth >= opt.maxDepth || m < 2 * opt.minSamplesLeaf || pure) return setLeaf(node);
    const parentScore = score(total, 0);
    let bestGain = 1e-12;
    let bestF = -1;
    let bestB = -1;
    // partial Fisher–Yates: the first mtry entries of feats are this node's random feature subset
    for (let i = 0; i < mtry; i++) {
      const j = i + Math.floor(rng() * (d - i));
      const t = feats[i];
      feats[i] = feats[j];
      feats[j] = t;
    }
    for (let fi = 0; fi < mtry; fi++) {
      const f = feats[fi];
      const nb = edges[f].length + 1;
      if (nb < 2) continue;
      hist.fill(0, 0, nb * S);
      cnt.fill(0, 0, nb);
      const fo = f * n;
      if (labels) {
        // one-hot stats: add 1 at the row's class (the same sums as adding its whole stats row)
        for (let r = start; r < end; r++) {
          const row = rows[r];
          const b = codes[fo + row];
          cnt[b]++;
          hist[b * S + labels[row]]++;
        }
      } else {
        for (let r = start; r < end; r++) {
          const row = rows[r];
          const b = codes[fo + row];
          cnt[b]++;
          const o = row * S;
          const h = b * S;
          for (let s = 0; s < S; s++) hist[h + s] += stats[o + s];
        }
      }
      accL.fill(0);
      let nL = 0;
      for (let b = 0; b < nb - 1; b++) {
        nL += cnt[b];
        for (let s = 0; s < S; s++) accL[s] += hist[b * S + s];
        if (nL < opt.minSamplesLeaf) continue;
        if (m - nL < opt.minSamplesLeaf) break;
        for (let s = 0; s < S; s++) accR[s] = total[s] - accL[s];
        const gain = score(accL, 0) + score(accR, 0) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestB = b;
        }
      }
    }
    if (bestF < 0) return setLeaf(node);
    // partition rows[start:end) in place: bin <= bestB first
    let i = start;
    let j = end - 1;
    const fo = bestF * n;
    while (i <= j) {
      if (codes[fo + rows[i]] <= bestB) i++;
      else {
        const t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
        j--;
      }
    }
    feature[node] = bestF;
    threshold[node] = edges[bestF][bestB];
    const l = addNode();
    const r = addNode();
    left[node] = l;
    right[node] = r;
    grow(l, start, i, depth + 1);
    grow(r, i, end, depth + 1);
  };
  const rowsCopy = Int32Array.from(rows);
  rows = rowsCopy;
  grow(addNode(), 0, rows.length, 0);
  return tree.build();
}

/** Each row's class when every stats row is one-hot (gini's class counts of one row); else null. */
function oneHotLabels(stats: Float64Array, n: number, S: number): Int32Array | null {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let ones = 0;
    for (let s = 0; s < S; s++) {
      const v = stats[i * S + s];
      if (v === 1) {
        ones++;
        labels[i] = s;
      } else if (v !== 0) return null;
    }
    if (ones !== 1) return null;
  }
  return labels;
}

/** Index of the leaf that row `i` of X (row-major, d columns) falls into. */
export function leafIndex(t: FlatTree, X: Float32Array, o: number): number {
  let node = 0;
  while (t.feature[node] >= 0)
    node = X[o + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
  return node;
}

export interface FlatTreeJSON {
  feature: EncodedArray;
  threshold: EncodedArray;
  left: EncodedArray;
  right: EncodedArray;
  value: EncodedArray;
  outDim: number;
}

export function treeToJSON(t: FlatTree): FlatTreeJSON {
  return {
    feature: encodeArray(t.feature),
    threshold: encodeArray(t.threshold),
    left: encodeArray(t.left),
    right: encodeArray(t.right),
    value: encodeArray(t.value),
    outDim: t.outDim,
  };
}

export function treeFromJSON(j: FlatTreeJSON): FlatTree {
  return {
    feature: decodeI32(j.feature),
    threshold: decodeF32(j.threshold),
    left: decodeI32(j.left),
    right: decodeI32(j.right),
    value: decodeF32(j.value),
    outDim: j.outDim,
  };
}
