// Multinomial naive Bayes with Laplace/Lidstone smoothing, as sklearn.naive_bayes.MultinomialNB (fit_prior=True).
// Features are non-negative histograms/energies (GIST, DAISY, LBP, HOG), which is what the multinomial model needs.
import { ProbabilisticBaseClassifier, type ClassifierJSON } from './classifier';
import { softmaxRows } from '../softmax';
import { decodeF64, encodeArray, ClassifierInputError, type EncodedArray } from './matrix';

export interface NaiveBayesOptions {
  /** additive smoothing (sklearn's alpha) */
  alpha?: number;
}

export class MultinomialNaiveBayes extends ProbabilisticBaseClassifier<NaiveBayesOptions> {
  readonly type = 'naive-bayes';
  readonly alpha: number;
  /** log P(feature j | class c), k×d */
  featureLogProb: Float64Array = new Float64Array(0);
  classLogPrior: Float64Array = new Float64Array(0);

  constructor(options: NaiveBayesOptions = {}) {
    super({ alpha: 1 }, options);
    this.alpha = this.options.alpha;
    if (!(this.alpha > 0))
      throw new ClassifierInputError(`naive-bayes: alpha must be > 0, got ${this.alpha}`);
  }

  protected fitNormalized(X: Float32Array, n: number, d: number, y: Int32Array): void {
    const k = this.numClasses;
    const counts = new Float64Array(k * d);
    const classCount = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = y[i];
      classCount[c]++;
      for (let j = 0; j < d; j++) {
        const v = X[i * d + j];
        if (v < 0) {
          throw new ClassifierInputError(
            `naive-bayes needs non-negative features; feature ${j} of row ${i} is ${v}`,
          );
        }
        counts[c * d + j] += v;
      }
    }
    this.featureLogProb = new Float64Array(k * d);
    this.classLogPrior = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let total = 0;
      for (let j = 0; j < d; j++) total += counts[c * d + j] + this.alpha;
      for (let j = 0; j < d; j++)
        this.featureLogProb[c * d + j] = Math.log(counts[c * d + j] + this.alpha) - Math.log(total);
      // sklearn gives an absent class log(0) = -inf; so do we: it can never be predicted.
      this.classLogPrior[c] = Math.log(classCount[c]) - Math.log(n);
    }
  }

  /** Joint log-likelihood log P(c) + Σ_j x_j log P(j|c), n×k. */
  protected scores(X: Float32Array, n: number): Float64Array {
    const k = this.numClasses;
    const d = this.d;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = this.classLogPrior[c];
        for (let j = 0; j < d; j++) s += X[i * d + j] * this.featureLogProb[c * d + j];
        out[i * k + c] = s;
      }
    }
    return out;
  }

  /** Softmax of the joint log-likelihoods: the posterior class probabilities. */
  protected override probabilities(scores: Float64Array, n: number): Float64Array {
    return softmaxRows(scores, n, this.numClasses, scores);
  }

  protected state(): Record<string, unknown> {
    return {
      alpha: this.alpha,
      featureLogProb: encodeArray(this.featureLogProb),
      classLogPrior: encodeArray(this.classLogPrior),
    };
  }

  static fromJSON(json: ClassifierJSON): MultinomialNaiveBayes {
    const m = ProbabilisticBaseClassifier.restored(
      new MultinomialNaiveBayes({ alpha: json.alpha as number }),
      json,
    );
    m.featureLogProb = decodeF64(json.featureLogProb as EncodedArray);
    m.classLogPrior = decodeF64(json.classLogPrior as EncodedArray);
    return m;
  }
}
