// Multiclass gradient-boosted trees with the softmax loss: each round fits one regression tree per class to the
// gradient g = p - y with Newton leaves -G/(H+λ) (xgboost's formulation), on histogram trees (histogram-trees.ts).
// Chosen over ml-xgboost and over boosting ml-cart trees; measurements and reasons in src/ml/README.md.
import { seededRandom, shuffle } from '../../random';
import type { SeededOptions } from '../options';
import { softmaxRows } from '../softmax';
import { ProbabilisticBaseClassifier, type ClassifierJSON } from './classifier';
import { growBoostingTree } from './boosting-tree';
import { binFeatures, growTree, leafIndex, treeFromJSON, treeToJSON } from './histogram-trees';
import type { FlatTree, FlatTreeJSON } from './histogram-trees';
import { decodeF64, encodeArray, ClassifierInputError } from './matrix';
import type { EncodedArray } from './matrix';

export interface GradientBoostingOptions extends SeededOptions {
  nRounds?: number;
  learningRate?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  /** share of rows drawn (without replacement) for each round */
  subsample?: number;
  /** share of features examined at each split */
  colsample?: number;
  /** leaves per tree, grown best-first (sklearn HistGradientBoosting's max_leaf_nodes); 0: no limit. Needs colsample 1 */
  maxLeafNodes?: number;
  /** L2 regularisation of leaf values */
  lambda?: number;
  /** no split leaves a child with a smaller hessian sum (sklearn's min_hessian_to_split; leaf-wise trees only) */
  minChildHessian?: number;
  maxBins?: number;
}

const DEFAULTS: Required<GradientBoostingOptions> = {
  nRounds: 250,
  learningRate: 0.1,
  maxDepth: 3,
  minSamplesLeaf: 1,
  subsample: 1,
  colsample: 1,
  maxLeafNodes: 0,
  minChildHessian: 0,
  lambda: 1,
  maxBins: 64,
  seed: 1,
};

export class GradientBoostedTrees extends ProbabilisticBaseClassifier<GradientBoostingOptions> {
  readonly type = 'gradient-boosting';
  /** trees[round * numClasses + class] */
  trees: FlatTree[] = [];
  initScore: Float64Array = new Float64Array(0);

  constructor(options: GradientBoostingOptions = {}) {
    super(DEFAULTS, options);
    const o = this.options;
    const ok =
      o.nRounds >= 1 &&
      o.learningRate > 0 &&
      o.maxDepth >= 1 &&
      o.minSamplesLeaf >= 1 &&
      o.subsample > 0 &&
      o.subsample <= 1 &&
      o.colsample > 0 &&
      o.colsample <= 1 &&
      o.maxLeafNodes >= 0 &&
      o.minChildHessian >= 0 &&
      (o.maxLeafNodes === 0 || (o.maxLeafNodes >= 2 && o.colsample === 1)) &&
      o.lambda >= 0 &&
      o.maxBins >= 2 &&
      o.maxBins <= 256;
    if (!ok) throw new ClassifierInputError(`gradient-boosting: invalid options ${JSON.stringify(o)}`);
  }

  protected fitNormalized(X: Float32Array, n: number, d: number, y: Int32Array): void {
    const k = this.numClasses;
    const o = this.options;
    const data = binFeatures(X, n, d, o.maxBins);
    const rng = seededRandom(o.seed);
    // start from the log class priors (smoothed so an absent class stays finite)
    this.initScore = new Float64Array(k);
    for (let i = 0; i < n; i++) this.initScore[y[i]]++;
    for (let c = 0; c < k; c++) this.initScore[c] = Math.log((this.initScore[c] + 1) / (n + k));
    const F = new Float64Array(n * k);
    for (let i = 0; i < n; i++) F.set(this.initScore, i * k);
    const P = new Float64Array(n * k);
    const stats = new Float64Array(n * 2);
    const grad = new Float64Array(n);
    const hess = new Float64Array(n);
    const all = new Int32Array(n).map((_, i) => i);
    const m = Math.max(1, Math.round(o.subsample * n));
    const mtry = Math.max(1, Math.round(o.colsample * d));
    this.trees = [];
    for (let round = 0; round < o.nRounds; round++) {
      softmaxRows(F, n, k, P);
      const rows = o.subsample < 1 ? shuffle(all, rng).slice(0, m) : all;
      for (let c = 0; c < k; c++) {
        for (let i = 0; i < n; i++) {
          const p = P[i * k + c];
          grad[i] = stats[2 * i] = p - (y[i] === c ? 1 : 0);
          hess[i] = stats[2 * i + 1] = Math.max(p * (1 - p), 1e-6);
        }
        // every feature at every split: histograms by subtraction, leaves best-first (boosting-tree.ts)
        const tree =
          mtry === d
            ? growBoostingTree(data, rows, grad, hess, o)
            : growTree(
                data,
                rows,
                stats,
                2,
                {
                  maxDepth: o.maxDepth,
                  minSamplesLeaf: o.minSamplesLeaf,
                  featuresPerSplit: mtry,
                  criterion: 'newton',
                  lambda: o.lambda,
                },
                rng,
              );
        for (let v = 0; v < tree.value.length; v++) tree.value[v] *= o.learningRate;
        this.trees.push(tree);
        for (let i = 0; i < n; i++) F[i * k + c] += tree.value[leafIndex(tree, X, i * d)];
      }
    }
  }

  protected scores(X: Float32Array, n: number): Float64Array {
    const k = this.numClasses;
    const d = this.d;
    const F = new Float64Array(n * k);
    for (let i = 0; i < n; i++) F.set(this.initScore, i * k);
    this.trees.forEach((t, ti) => {
      const c = ti % k;
      for (let i = 0; i < n; i++) F[i * k + c] += t.value[leafIndex(t, X, i * d)];
    });
    return F;
  }

  /** Softmax of the boosted scores (the loss they were fitted with). */
  protected override probabilities(scores: Float64Array, n: number): Float64Array {
    return softmaxRows(scores, n, this.numClasses, scores);
  }

  protected state(): Record<string, unknown> {
    return {
      options: this.options,
      initScore: encodeArray(this.initScore),
      trees: this.trees.map(treeToJSON),
    };
  }

  static fromJSON(json: ClassifierJSON): GradientBoostedTrees {
    const m = ProbabilisticBaseClassifier.restored(
      new GradientBoostedTrees(json.options as GradientBoostingOptions),
      json,
    );
    m.initScore = decodeF64(json.initScore as EncodedArray);
    m.trees = (json.trees as FlatTreeJSON[]).map(treeFromJSON);
    return m;
  }
}
