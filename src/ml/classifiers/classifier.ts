// The common interface of the ranker's classifiers. Every classifier L2-normalises its input rows both in fit
// and in predict (the published code normalised only at fit, so its test-time features lived on another
// scale than the training ones).
import { withDefaults } from '../options';
import { argmaxRows, checkLabels, checkMatrix, l2NormalizeRows, ClassifierInputError } from './matrix';

export interface ClassifierJSON {
  type: string;
  numClasses: number;
  d: number;
  [key: string]: unknown;
}

export interface Classifier {
  readonly type: string;
  fit(X: Float32Array, n: number, d: number, y: Int32Array | number[], numClasses: number): this;
  predict(X: Float32Array, n: number, d: number): Int32Array;
  toJSON(): ClassifierJSON;
}

/** Classifiers that also give class probabilities (n×k, row-major). */
export interface ProbabilisticClassifier extends Classifier {
  predictProba(X: Float32Array, n: number, d: number): Float64Array;
}

export abstract class BaseClassifier<O extends object = object> implements Classifier {
  abstract readonly type: string;
  /** Every option, the defaults merged under the caller's (stored in the model's JSON). */
  readonly options: Required<O>;
  numClasses = 0;
  d = 0;

  constructor(defaults: Required<O>, options: O) {
    this.options = withDefaults(defaults, options);
  }

  fit(X: Float32Array, n: number, d: number, y: Int32Array | number[], numClasses: number): this {
    checkMatrix(X, n, d);
    if (n === 0) throw new ClassifierInputError(`${this.type}: cannot fit on 0 rows`);
    const labels = checkLabels(y, n, numClasses);
    this.numClasses = numClasses;
    this.d = d;
    this.fitNormalized(l2NormalizeRows(X, n, d), n, d, labels);
    return this;
  }

  /** The class with the highest score. */
  predict(X: Float32Array, n: number, d: number): Int32Array {
    return argmaxRows(this.scores(this.prepare(X, n, d), n), n, this.numClasses);
  }

  /** Checks the shape against the fitted one and L2-normalises the rows. */
  protected prepare(X: Float32Array, n: number, d: number): Float32Array {
    if (this.d === 0) throw new ClassifierInputError(`${this.type}: predict called before fit`);
    checkMatrix(X, n, d);
    if (d !== this.d) {
      throw new ClassifierInputError(
        `${this.type} was fitted on ${this.d} features but got ${d}; use the same feature kind`,
      );
    }
    return l2NormalizeRows(X, n, d);
  }

  protected abstract fitNormalized(X: Float32Array, n: number, d: number, y: Int32Array): void;
  /** n×k class scores of normalised rows: higher is likelier (probabilities, logits or margins). */
  protected abstract scores(X: Float32Array, n: number): Float64Array;
  /** What the fit learned (and the options it used), as JSON fields after type, numClasses and d. */
  protected abstract state(): Record<string, unknown>;

  toJSON(): ClassifierJSON {
    return { type: this.type, numClasses: this.numClasses, d: this.d, ...this.state() };
  }

  /** `model` with the fitted shape of `json` (its type checked): each subclass's fromJSON then loads its state. */
  protected static restored<C extends BaseClassifier<object>>(model: C, json: ClassifierJSON): C {
    checkJSONType(json, model.type);
    model.numClasses = json.numClasses;
    model.d = json.d;
    return model;
  }
}

/** A classifier whose scores turn into class probabilities (as they are, by default). */
export abstract class ProbabilisticBaseClassifier<O extends object = object>
  extends BaseClassifier<O>
  implements ProbabilisticClassifier
{
  predictProba(X: Float32Array, n: number, d: number): Float64Array {
    return this.probabilities(this.scores(this.prepare(X, n, d), n), n);
  }

  protected probabilities(scores: Float64Array, _n: number): Float64Array {
    return scores;
  }
}

export function checkJSONType(json: ClassifierJSON, type: string): void {
  if (!json || json.type !== type) {
    throw new ClassifierInputError(`expected a '${type}' model JSON, got '${json?.type}'`);
  }
}
