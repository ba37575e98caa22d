/**
 * Model selection by k-fold validation, and AccuracyRegressor: the regressor the recommender uses — it
 * cross-validates candidate regressors, then refits the best one (or the `top` best, averaged) on all rows.
 */
import type { Regressor, RegressorJSON } from '../ml/regressors/regressor';
import { createRegressor, regressorFromJSON, candidateGrid, type RegressorSpec } from './factory';
import { RegressorInputError, toDenseMatrix, toTargets } from '../ml/regressors/matrix';
import type { DenseMatrix, FeatureInput } from '../ml/regressors/matrix';
import { seededRandom, shuffle } from '../random';
import { kendallTauB } from '../evaluation/metrics';

/**
 * Fold index per row. With `groups`, whole groups (e.g. datasets) share a fold so validation is on unseen groups;
 * folds beyond the number of groups stay empty (and are skipped).
 */
export function assignFolds(
  n: number,
  k: number,
  seed: number,
  groups?: ArrayLike<string | number>,
): Int32Array {
  const rand = seededRandom(seed);
  const fold = new Int32Array(n);
  const ids = groups ? [...new Set(Array.from(groups))] : [];
  // With fewer groups than folds, use one fold per group; with a single group, fall back to row folds.
  if (ids.length >= 2) {
    shuffle(ids, rand);
    const foldOf = new Map(ids.map((g, i) => [g, i % k]));
    for (let i = 0; i < n; i++) fold[i] = foldOf.get(groups![i])!;
    return fold;
  }
  if (n < k) throw new RegressorInputError(`${n} rows cannot fill ${k} folds: use fewer folds`);
  const perm = shuffle(
    Array.from({ length: n }, (_, i) => i),
    rand,
  );
  perm.forEach((row, i) => (fold[row] = i % k));
  return fold;
}

export function takeRows(m: DenseMatrix, rows: ArrayLike<number>): DenseMatrix {
  const data = new Float64Array(rows.length * m.cols);
  for (let r = 0; r < rows.length; r++)
    data.set(m.data.subarray(rows[r] * m.cols, (rows[r] + 1) * m.cols), r * m.cols);
  return { data, rows: rows.length, cols: m.cols };
}

export interface ValidationScore {
  spec: RegressorSpec;
  rmse: number;
  mae: number;
  /** Out-of-fold prediction for every row. */
  predictions: Float64Array;
}

export function crossValidate(
  spec: RegressorSpec,
  X: FeatureInput,
  y: ArrayLike<number>,
  opts: { folds?: number; seed?: number; groups?: ArrayLike<string | number> } = {},
): ValidationScore {
  const m = toDenseMatrix(X, { rows: y.length });
  const t = toTargets(y, m.rows);
  const k = opts.folds ?? 5;
  const fold = assignFolds(m.rows, k, opts.seed ?? 0, opts.groups);
  const predictions = new Float64Array(m.rows);
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    fold.forEach((g, i) => (g === f ? test : train).push(i));
    if (test.length === 0) continue;
    const model = createRegressor(spec.name, spec.params).fit(
      flat(takeRows(m, train)),
      train.map((i) => t[i]),
    );
    const p = model.predict(flat(takeRows(m, test)));
    test.forEach((row, j) => (predictions[row] = p[j]));
  }
  let se = 0;
  let ae = 0;
  predictions.forEach((p, i) => ((se += (p - t[i]) ** 2), (ae += Math.abs(p - t[i]))));
  return { spec, rmse: Math.sqrt(se / m.rows), mae: ae / m.rows, predictions };
}

/** A DenseMatrix handed back through the public FeatureInput type (flat row-major rows). */
function flat(m: DenseMatrix): FeatureInput {
  return m.rows === 0
    ? []
    : Array.from({ length: m.rows }, (_, i) => m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

export interface AccuracyRegressorParams {
  candidates: RegressorSpec[];
  folds: number;
  seed: number;
  /** 1 = use the single best candidate; k > 1 = average the k best. */
  top: number;
  /** Predictions are clamped to this range (accuracies live in [0, 1]); null = no clamp. */
  clip: [number, number] | null;
  /**
   * A column holding a prior prediction (e.g. the architecture's accuracy elsewhere): the candidates learn
   * the correction to it, and predictions add it back. null = learn the target itself.
   */
  priorColumn: number | null;
  /**
   * Remove each group's mean from the learned target (with `groups` at fit time). A group's level cannot be
   * learned for a group never seen — a new dataset — so fitting it only adds noise there; rows of a group seen
   * in training (predict with `groups`) get their group's mean back.
   */
  centreGroups: boolean;
  /** Validation criterion: lowest RMSE, or highest mean Kendall τ within groups (ranking what matters). */
  selectBy: 'rmse' | 'groupKendall';
}

export interface AccuracyRegressorJSON {
  format: 'dlrec.accuracy-regressor';
  params: AccuracyRegressorParams;
  validation: { name: string; params?: Record<string, unknown>; rmse: number; mae: number }[];
  members: RegressorJSON[];
  groupMeans?: Record<string, number>;
}

function groupMeans(values: ArrayLike<number>, groups: string[]): Record<string, number> {
  const sums: Record<string, [number, number]> = {};
  groups.forEach((g, i) => {
    const s = (sums[g] ??= [0, 0]);
    s[0] += values[i];
    s[1]++;
  });
  return Object.fromEntries(Object.entries(sums).map(([g, [sum, n]]) => [g, sum / n]));
}

export class AccuracyRegressor {
  private members: Regressor[] = [];
  /** Each training group's mean correction (centreGroups), added back for rows of that group. */
  private groupMeans: Record<string, number> = {};
  validation: ValidationScore[] = [];
  readonly params: AccuracyRegressorParams;

  constructor(p: Partial<AccuracyRegressorParams> & { profile?: 'mini' | 'full' } = {}) {
    this.params = {
      candidates: p.candidates ?? candidateGrid(p.profile ?? 'mini'),
      folds: p.folds ?? 3,
      seed: p.seed ?? 0,
      top: p.top ?? 1,
      clip: p.clip === undefined ? [0, 1] : p.clip,
      priorColumn: p.priorColumn ?? null,
      centreGroups: p.centreGroups ?? false,
      selectBy: p.selectBy ?? 'rmse',
    };
    if (this.params.candidates.length === 0)
      throw new RegressorInputError('no candidate regressors to choose from');
    if (!(this.params.top >= 1)) throw new RangeError(`top must be ≥ 1, got ${this.params.top}`);
  }

  /** `groups` (e.g. the dataset of each row) makes validation folds hold out whole groups. */
  fit(X: FeatureInput, y: ArrayLike<number>, opts: { groups?: ArrayLike<string | number> } = {}): this {
    const { folds, seed } = this.params;
    const prior = this.prior(X, y.length);
    const target = Float64Array.from(y, (v, i) => v - prior[i]);
    this.groupMeans = {};
    if (this.params.centreGroups && opts.groups) {
      const groups = Array.from(opts.groups, String);
      this.groupMeans = groupMeans(target, groups);
      target.forEach((v, i) => (target[i] = v - this.groupMeans[groups[i]]));
    }
    const { candidates, top } = this.params;
    // An average of every candidate chooses nothing: validating them would only order the members, at k× the
    // fits (at paper size, the evaluation's ensemble folds are hours of it).
    if (top >= candidates.length) {
      this.validation = [];
      this.members = candidates.map((spec) => createRegressor(spec.name, spec.params).fit(X, target));
      return this;
    }
    const validation = candidates.map((spec) =>
      crossValidate(spec, X, target, { folds, seed, groups: opts.groups }),
    );
    const score = new Map(validation.map((v) => [v, this.selectionScore(v, y, prior, opts.groups)]));
    this.validation = validation.sort((a, b) => score.get(a)! - score.get(b)! || a.rmse - b.rmse);
    const chosen = this.validation.slice(0, top);
    this.members = chosen.map((v) => createRegressor(v.spec.name, v.spec.params).fit(X, target));
    return this;
  }

  /** `groups`: rows of groups seen in training get their group's learned level back (see centreGroups). */
  predict(X: FeatureInput, opts: { groups?: ArrayLike<string | number> } = {}): Float64Array {
    if (this.members.length === 0)
      throw new RegressorInputError('AccuracyRegressor is not fitted: call fit() or fromJSON()');
    const out = new Float64Array(this.members[0].predict(X));
    for (const m of this.members.slice(1)) m.predict(X).forEach((v, i) => (out[i] += v));
    const prior = this.prior(X, out.length);
    const groups = opts.groups ? Array.from(opts.groups, String) : [];
    const [lo, hi] = this.params.clip ?? [-Infinity, Infinity];
    return out.map((v, i) => {
      const level = this.groupMeans[groups[i]] ?? 0;
      return Math.min(hi, Math.max(lo, v / this.members.length + prior[i] + level));
    });
  }

  /** The prior column's values (zeros without one). */
  private prior(X: FeatureInput, rows: number): Float64Array {
    const col = this.params.priorColumn;
    if (col === null) return new Float64Array(rows);
    const m = toDenseMatrix(X, { rows });
    if (!(col >= 0 && col < m.cols))
      throw new RegressorInputError(`prior column ${col} is outside the ${m.cols} features`);
    return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + col]);
  }

  /** Lower is better: validation RMSE, or minus the mean within-group Kendall τ of the out-of-fold predictions. */
  private selectionScore(
    v: ValidationScore,
    y: ArrayLike<number>,
    prior: Float64Array,
    groups?: ArrayLike<string | number>,
  ): number {
    if (this.params.selectBy === 'rmse' || !groups) return v.rmse;
    const byGroup = new Map<string, number[]>();
    Array.from(groups, String).forEach((g, i) => byGroup.set(g, [...(byGroup.get(g) ?? []), i]));
    const taus = [...byGroup.values()]
      .filter((rows) => rows.length >= 2)
      .map((rows) =>
        kendallTauB(
          rows.map((i) => v.predictions[i] + prior[i]),
          rows.map((i) => y[i]),
        ),
      )
      .filter(Number.isFinite);
    return taus.length ? -taus.reduce((a, b) => a + b, 0) / taus.length : v.rmse;
  }

  toJSON(): AccuracyRegressorJSON {
    return {
      format: 'dlrec.accuracy-regressor',
      params: this.params,
      validation: this.validation.map((v) => ({
        name: v.spec.name,
        params: v.spec.params,
        rmse: v.rmse,
        mae: v.mae,
      })),
      members: this.members.map((m) => m.toJSON()),
      groupMeans: this.groupMeans,
    };
  }

  static fromJSON(json: AccuracyRegressorJSON): AccuracyRegressor {
    if (json?.format !== 'dlrec.accuracy-regressor') {
      throw new RegressorInputError(
        'not a serialised AccuracyRegressor: re-fit it and save it with toJSON()',
      );
    }
    const r = new AccuracyRegressor(json.params);
    r.members = json.members.map((m) => regressorFromJSON(m));
    r.groupMeans = json.groupMeans ?? {};
    r.validation = json.validation.map((v) => ({
      spec: { name: v.name as RegressorSpec['name'], params: v.params },
      rmse: v.rmse,
      mae: v.mae,
      predictions: new Float64Array(0),
    }));
    return r;
  }
}
