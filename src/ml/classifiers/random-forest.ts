// Random forest (Breiman): bootstrap rows, a random sqrt(d) feature subset at every split, gini, probability
// averaging over trees — sklearn's RandomForestClassifier semantics. The trees are our histogram trees
// (histogram-trees.ts) because ml-random-forest's ml-cart trees are O(n²) per node: measured here, 5 trees of
// depth 25 on 1500×512 rows took 84 s (paper setting of 250 trees ≈ 70 min per member).
import { seededRandom } from '../../random';
import type { SeededOptions } from '../options';
import { ProbabilisticBaseClassifier, type ClassifierJSON } from './classifier';
import { binFeatures, growTree, leafIndex, treeFromJSON, treeToJSON } from './histogram-trees';
import type { FlatTree, FlatTreeJSON } from './histogram-trees';
import { ClassifierInputError } from './matrix';

export interface RandomForestOptions extends SeededOptions {
  nEstimators?: number;
  maxDepth?: number;
  minSamplesLeaf?: number;
  /** features per split: 'sqrt' (sklearn's default for classifiers) or a count */
  maxFeatures?: 'sqrt' | number;
  /** quantile bins per feature for split search (≤ 256) */
  maxBins?: number;
}

const DEFAULTS: Required<RandomForestOptions> = {
  nEstimators: 250,
  maxDepth: 25,
  minSamplesLeaf: 1,
  maxFeatures: 'sqrt',
  maxBins: 64,
  seed: 1,
};

export class RandomForest extends ProbabilisticBaseClassifier<RandomForestOptions> {
  readonly type = 'random-forest';
  trees: FlatTree[] = [];

  constructor(options: RandomForestOptions = {}) {
    super(DEFAULTS, options);
    const o = this.options;
    if (!(
      o.nEstimators >= 1 &&
      o.maxDepth >= 1 &&
      o.minSamplesLeaf >= 1 &&
      o.maxBins >= 2 &&
      o.maxBins <= 256
    )) {
      throw new ClassifierInputError(
        `random-forest: invalid options ${JSON.stringify(o)} (need ≥1 trees/depth, 2..256 bins)`,
      );
    }
  }

  protected fitNormalized(X: Float32Array, n: number, d: number, y: Int32Array): void {
    const k = this.numClasses;
    const o = this.options;
    const data = binFeatures(X, n, d, o.maxBins);
    const stats = new Float64Array(n * k);
    for (let i = 0; i < n; i++) stats[i * k + y[i]] = 1;
    const mtry = o.maxFeatures === 'sqrt' ? Math.max(1, Math.floor(Math.sqrt(d))) : o.maxFeatures;
    const rng = seededRandom(o.seed);
    const rows = new Int32Array(n);
    this.trees = [];
    for (let t = 0; t < o.nEstimators; t++) {
      for (let i = 0; i < n; i++) rows[i] = Math.floor(rng() * n);
      this.trees.push(
        growTree(
          data,
          rows,
          stats,
          k,
          {
            maxDepth: o.maxDepth,
            minSamplesLeaf: o.minSamplesLeaf,
            featuresPerSplit: mtry,
            criterion: 'gini',
          },
          rng,
        ),
      );
    }
  }

  protected scores(X: Float32Array, n: number): Float64Array {
    const k = this.numClasses;
    const d = this.d;
    const P = new Float64Array(n * k);
    for (const t of this.trees) {
      for (let i = 0; i < n; i++) {
        const leaf = leafIndex(t, X, i * d);
        for (let c = 0; c < k; c++) P[i * k + c] += t.value[leaf * k + c];
      }
    }
    for (let i = 0; i < n * k; i++) P[i] /= this.trees.length;
    return P;
  }

  protected state(): Record<string, unknown> {
    return { options: this.options, trees: this.trees.map(treeToJSON) };
  }

  static fromJSON(json: ClassifierJSON): RandomForest {
    const m = ProbabilisticBaseClassifier.restored(
      new RandomForest(json.options as RandomForestOptions),
      json,
    );
    m.trees = (json.trees as FlatTreeJSON[]).map(treeFromJSON);
    return m;
  }
}
