/**
 * Shared shell of every accuracy regressor: validate input, standardise features (stored with the model),
 * delegate to the algorithm on the z-scored matrix, and serialise as { kind, params, scaler, state }.
 */
import { withDefaults } from '../options';
import {
  Standardiser,
  toDenseMatrix,
  toTargets,
  RegressorInputError,
  type DenseMatrix,
  type FeatureInput,
  type StandardiserJSON,
} from './matrix';

export type RegressorKind =
  'ridge' | 'svr' | 'linear-svr' | 'mlp' | 'random-forest' | 'gradient-boosting' | 'adaboost';

export interface RegressorJSON<P = unknown, S = unknown> {
  format: 'dlrec.regressor';
  kind: RegressorKind;
  params: P;
  scaler: StandardiserJSON;
  state: S;
}

export interface Regressor {
  readonly kind: RegressorKind;
  fit(X: FeatureInput, y: ArrayLike<number>): this;
  predict(X: FeatureInput): Float64Array;
  toJSON(): RegressorJSON;
}

export abstract class StandardisedRegressor<P extends object, S> implements Regressor {
  abstract readonly kind: RegressorKind;
  protected scaler: Standardiser | null = null;

  /** Every parameter, the defaults merged under the caller's (stored in the model's JSON). */
  readonly params: P;

  constructor(defaults: P, params: Partial<P>) {
    this.params = withDefaults(defaults, params);
  }

  fit(X: FeatureInput, y: ArrayLike<number>): this {
    const raw = toDenseMatrix(X, { rows: y.length });
    const targets = toTargets(y, raw.rows);
    if (raw.rows < 2)
      throw new RegressorInputError(`${this.kind} needs at least 2 rows to fit, got ${raw.rows}`);
    this.scaler = Standardiser.fit(raw);
    this.fitStandardised(this.scaler.transform(raw), targets);
    return this;
  }

  predict(X: FeatureInput): Float64Array {
    if (!this.scaler)
      throw new RegressorInputError(`${this.kind} regressor is not fitted: call fit() or fromJSON()`);
    const m = this.scaler.transform(toDenseMatrix(X, { cols: this.scaler.mean.length }));
    return this.predictStandardised(m);
  }

  toJSON(): RegressorJSON<P, S> {
    if (!this.scaler)
      throw new RegressorInputError(`${this.kind} regressor is not fitted: nothing to serialise`);
    return {
      format: 'dlrec.regressor',
      kind: this.kind,
      params: this.params,
      scaler: this.scaler.toJSON(),
      state: this.state(),
    };
  }

  /** Restores scaler and state; used by each subclass's static fromJSON. */
  protected restore(json: RegressorJSON<P, S>): this {
    if (json.format !== 'dlrec.regressor' || json.kind !== this.kind) {
      throw new RegressorInputError(`expected a serialised ${this.kind} regressor, got kind '${json.kind}'`);
    }
    this.scaler = Standardiser.fromJSON(json.scaler);
    this.load(json.state);
    return this;
  }

  protected abstract fitStandardised(X: DenseMatrix, y: Float64Array): void;
  protected abstract predictStandardised(X: DenseMatrix): Float64Array;
  protected abstract state(): S;
  protected abstract load(state: S): void;
}
