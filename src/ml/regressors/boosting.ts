/**
 * Tree boosting for regression: Friedman's gradient boosting with squared loss (shrinkage, optional row
 * subsampling) and Drucker's AdaBoost.R2 (linear loss, weighted bootstrap, weighted-median prediction) —
 * both as scikit-learn's GradientBoostingRegressor / AdaBoostRegressor define them.
 */
import { StandardisedRegressor, type RegressorJSON } from './regressor';
import { seededRandom } from '../../random';
import type { DenseMatrix } from './matrix';
import { RegressionTree, sortColumns, type TreeJSON } from './tree';

export interface GradientBoostingParams {
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  minSamplesLeaf: number;
  /** Fraction of rows drawn (without replacement) for each tree; 1 = deterministic. */
  subsample: number;
  maxFeatures: number;
  seed: number;
}
interface GbState {
  init: number;
  trees: TreeJSON[];
}

const GRADIENT_BOOSTING_DEFAULTS: GradientBoostingParams = {
  nEstimators: 100,
  learningRate: 0.1,
  maxDepth: 3,
  minSamplesLeaf: 1,
  subsample: 1,
  maxFeatures: 1,
  seed: 42,
};

export class GradientBoostingRegressor extends StandardisedRegressor<GradientBoostingParams, GbState> {
  readonly kind = 'gradient-boosting' as const;
  private init = 0;
  private trees: RegressionTree[] = [];

  constructor(p: Partial<GradientBoostingParams> = {}) {
    super(GRADIENT_BOOSTING_DEFAULTS, p);
    if (!(this.params.learningRate > 0)) throw new RangeError('gradient boosting needs learningRate > 0');
  }

  protected fitStandardised(X: DenseMatrix, y: Float64Array): void {
    const n = X.rows;
    const rand = seededRandom(this.params.seed);
    const cols = sortColumns(X);
    this.init = y.reduce((a, b) => a + b, 0) / n;
    const f = new Float64Array(n).fill(this.init);
    const residual = new Float64Array(n);
    const weight = new Float64Array(n);
    const nSub = Math.max(2, Math.round(this.params.subsample * n));
    this.trees = [];
    for (let t = 0; t < this.params.nEstimators; t++) {
      for (let i = 0; i < n; i++) residual[i] = y[i] - f[i];
      if (nSub >= n) weight.fill(1);
      else {
        weight.fill(0);
        for (let k = 0; k < nSub; k++) weight[pickUnused(weight, rand)] = 1;
      }
      const tree = RegressionTree.grow(
        cols,
        residual,
        weight,
        {
          maxDepth: this.params.maxDepth,
          minSamplesSplit: 2,
          minSamplesLeaf: this.params.minSamplesLeaf,
          maxFeatures: this.params.maxFeatures,
          criterion: 'friedman_mse',
        },
        rand,
      );
      const step = tree.predict(X);
      for (let i = 0; i < n; i++) f[i] += this.params.learningRate * step[i];
      this.trees.push(tree);
    }
  }

  protected predictStandardised(X: DenseMatrix): Float64Array {
    const out = new Float64Array(X.rows).fill(this.init);
    for (const tree of this.trees) {
      const p = tree.predict(X);
      for (let i = 0; i < out.length; i++) out[i] += this.params.learningRate * p[i];
    }
    return out;
  }

  protected state(): GbState {
    return { init: this.init, trees: this.trees.map((t) => t.toJSON()) };
  }
  protected load(s: GbState): void {
    this.init = s.init;
    this.trees = s.trees.map((t) => RegressionTree.fromJSON(t));
  }
  static fromJSON(json: RegressorJSON<GradientBoostingParams, GbState>): GradientBoostingRegressor {
    return new GradientBoostingRegressor(json.params).restore(json);
  }
}

function pickUnused(weight: Float64Array, rand: () => number): number {
  for (;;) {
    const i = Math.floor(rand() * weight.length);
    if (weight[i] === 0) return i;
  }
}

export interface AdaBoostParams {
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  maxFeatures: number;
  seed: number;
}
interface AdaState {
  trees: TreeJSON[];
  estimatorWeights: number[];
}

const ADABOOST_DEFAULTS: AdaBoostParams = {
  nEstimators: 50,
  learningRate: 1,
  maxDepth: 3,
  maxFeatures: 1,
  seed: 42,
};

export class AdaBoostRegressor extends StandardisedRegressor<AdaBoostParams, AdaState> {
  readonly kind = 'adaboost' as const;
  private trees: RegressionTree[] = [];
  private estimatorWeights: number[] = [];

  constructor(p: Partial<AdaBoostParams> = {}) {
    super(ADABOOST_DEFAULTS, p);
    if (!(this.params.learningRate > 0)) throw new RangeError('AdaBoost needs learningRate > 0');
  }

  protected fitStandardised(X: DenseMatrix, y: Float64Array): void {
    const n = X.rows;
    const lr = this.params.learningRate;
    const rand = seededRandom(this.params.seed);
    const cols = sortColumns(X);
    const sampleWeight = new Float64Array(n).fill(1 / n);
    this.trees = [];
    this.estimatorWeights = [];
    for (let t = 0; t < this.params.nEstimators; t++) {
      const counts = weightedBootstrap(sampleWeight, rand);
      const tree = RegressionTree.grow(
        cols,
        y,
        counts,
        {
          maxDepth: this.params.maxDepth,
          minSamplesSplit: 2,
          minSamplesLeaf: 1,
          maxFeatures: this.params.maxFeatures,
          criterion: 'mse',
        },
        rand,
      );
      const pred = tree.predict(X);
      const err = pred.map((p, i) => Math.abs(p - y[i]));
      const errMax = err.reduce((a, b) => Math.max(a, b), 0);
      if (errMax > 0) for (let i = 0; i < n; i++) err[i] /= errMax;
      const estimatorError = err.reduce((s, e, i) => s + e * sampleWeight[i], 0);
      if (estimatorError <= 0) {
        // A perfect fit ends boosting, as in scikit-learn.
        this.trees.push(tree);
        this.estimatorWeights.push(1);
        break;
      }
      if (estimatorError >= 0.5) {
        if (this.trees.length === 0) {
          this.trees.push(tree);
          this.estimatorWeights.push(1);
        }
        break;
      }
      const beta = estimatorError / (1 - estimatorError);
      this.trees.push(tree);
      this.estimatorWeights.push(lr * Math.log(1 / beta));
      let total = 0;
      for (let i = 0; i < n; i++) total += sampleWeight[i] *= Math.pow(beta, (1 - err[i]) * lr);
      for (let i = 0; i < n; i++) sampleWeight[i] /= total;
    }
  }

  protected predictStandardised(X: DenseMatrix): Float64Array {
    const preds = this.trees.map((t) => t.predict(X));
    const out = new Float64Array(X.rows);
    const order = this.trees.map((_, k) => k);
    const totalWeight = this.estimatorWeights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < X.rows; i++) {
      // Weighted median of the trees' predictions.
      order.sort((a, b) => preds[a][i] - preds[b][i]);
      let cdf = 0;
      for (const k of order) {
        cdf += this.estimatorWeights[k];
        if (cdf >= 0.5 * totalWeight) {
          out[i] = preds[k][i];
          break;
        }
      }
    }
    return out;
  }

  protected state(): AdaState {
    return { trees: this.trees.map((t) => t.toJSON()), estimatorWeights: this.estimatorWeights };
  }
  protected load(s: AdaState): void {
    this.trees = s.trees.map((t) => RegressionTree.fromJSON(t));
    this.estimatorWeights = s.estimatorWeights;
  }
  static fromJSON(json: RegressorJSON<AdaBoostParams, AdaState>): AdaBoostRegressor {
    return new AdaBoostRegressor(json.params).restore(json);
  }
}

/** Draws n rows with replacement with probabilities `p`; returns how often each row was drawn. */
function weightedBootstrap(p: Float64Array, rand: () => number): Float64Array {
  const n = p.length;
  const cdf = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cdf[i] = acc += p[i];
  const counts = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const u = rand() * acc;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    counts[lo] += 1;
  }
  return counts;
}
