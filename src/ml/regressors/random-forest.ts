/** Random forest regression: bootstrap rows per tree, a random feature subset per split, mean of the trees. */
import { StandardisedRegressor, type RegressorJSON } from './regressor';
import { seededRandom } from '../../random';
import type { DenseMatrix } from './matrix';
import { RegressionTree, sortColumns, type TreeJSON } from './tree';

export interface RandomForestParams {
  nEstimators: number;
  /** null = grow until leaves are pure or hit minSamplesLeaf. */
  maxDepth: number | null;
  minSamplesLeaf: number;
  /** Fraction of features tried per split. */
  maxFeatures: number;
  seed: number;
}
interface ForestState {
  trees: TreeJSON[];
}

const DEFAULTS: RandomForestParams = {
  nEstimators: 100,
  maxDepth: null,
  minSamplesLeaf: 1,
  maxFeatures: 1 / 3,
  seed: 42,
};

export class RandomForestRegressor extends StandardisedRegressor<RandomForestParams, ForestState> {
  readonly kind = 'random-forest' as const;
  private trees: RegressionTree[] = [];

  constructor(p: Partial<RandomForestParams> = {}) {
    super(DEFAULTS, p);
    if (!(this.params.nEstimators >= 1)) throw new RangeError('random forest needs nEstimators ≥ 1');
  }

  protected fitStandardised(X: DenseMatrix, y: Float64Array): void {
    const rand = seededRandom(this.params.seed);
    const cols = sortColumns(X);
    const n = X.rows;
    this.trees = [];
    for (let t = 0; t < this.params.nEstimators; t++) {
      const counts = new Float64Array(n);
      for (let i = 0; i < n; i++) counts[Math.floor(rand() * n)] += 1;
      const tree = RegressionTree.grow(
        cols,
        y,
        counts,
        {
          maxDepth: this.params.maxDepth ?? Infinity,
          minSamplesSplit: 2,
          minSamplesLeaf: this.params.minSamplesLeaf,
          maxFeatures: this.params.maxFeatures,
          criterion: 'mse',
        },
        rand,
      );
      this.trees.push(tree);
    }
  }

  protected predictStandardised(X: DenseMatrix): Float64Array {
    const out = new Float64Array(X.rows);
    for (const tree of this.trees) {
      const p = tree.predict(X);
      for (let i = 0; i < out.length; i++) out[i] += p[i] / this.trees.length;
    }
    return out;
  }

  protected state(): ForestState {
    return { trees: this.trees.map((t) => t.toJSON()) };
  }
  protected load(s: ForestState): void {
    this.trees = s.trees.map((t) => RegressionTree.fromJSON(t));
  }
  static fromJSON(json: RegressorJSON<RandomForestParams, ForestState>): RandomForestRegressor {
    return new RandomForestRegressor(json.params).restore(json);
  }
}
