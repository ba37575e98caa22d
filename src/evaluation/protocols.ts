/**
 * Evaluation protocols over a table of fine-tuning results (one row per model × target dataset):
 * the paper's random 80/20 split, the honest leave-one-dataset-out, the paper's Table 1, and naive baselines.
 * Nothing here knows how features are made: callers hand in feature vectors, and for leave-one-dataset-out a
 * function that rebuilds every row's features with the held-out dataset excluded from everything learned.
 */
import { seededRandom, shuffle } from '../random';
import { finiteMean, kendallTauB, mae, mse, pearson, rankingReport, rmse, spearman } from './metrics';
import type { RankingReport } from './metrics';

export interface EvaluationRow {
  /** Target dataset the model was fine-tuned on. */
  dataset: string;
  /** Repository model id (e.g. 'resnet18@cifar10'). */
  model: string;
  /** Canonical architecture (defaults to `model`): the key of Table 1 and of the architecture-mean baseline. */
  architecture?: string;
  sourceDataset?: string;
  features: ArrayLike<number>;
  /** Fine-tuned accuracy in [0, 1]. */
  accuracy: number;
  /** Parameter count, for the largest-model baseline. */
  params?: number;
  /** Stand-alone scores to rank by (e.g. logme, leep). Higher = predicted better. */
  scores?: Record<string, number>;
}

/** What the protocols need of a regressor (both Regressor and AccuracyRegressor fit this). */
export interface FitPredict {
  /** `groups` = each training row's dataset, so inner model selection can validate on unseen datasets. */
  fit(X: number[][], y: number[], opts?: { groups?: string[] }): unknown;
  /** `groups` = each row's dataset, for regressors that keep what they learned of datasets seen in training. */
  predict(X: number[][], opts?: { groups?: string[] }): ArrayLike<number>;
}
export type RegressorFactory = () => FitPredict;

export class ProtocolInputError extends Error {
  override name = 'ProtocolInputError';
}

const featureRows = (rows: EvaluationRow[]): number[][] => rows.map((r) => Array.from(r.features));
const archOf = (r: EvaluationRow): string => r.architecture ?? r.model;

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(it);
  }
  return m;
}

export interface SplitResult {
  train: number;
  test: number;
  perRegressor: Record<string, { mse: number; rmse: number; mae: number }>;
}

/** The paper's protocol: one random 80/20 split of the rows, MSE of each regressor on the 20 %. */
export function randomSplit(
  rows: EvaluationRow[],
  regressors: Record<string, RegressorFactory>,
  opts: { seed?: number; testFraction?: number } = {},
): SplitResult {
  const frac = opts.testFraction ?? 0.2;
  if (rows.length < 5)
    throw new ProtocolInputError(`an 80/20 split needs at least 5 rows, got ${rows.length}`);
  const order = shuffle([...rows.keys()], seededRandom(opts.seed ?? 0));
  const nTest = Math.max(1, Math.round(rows.length * frac));
  const test = order.slice(0, nTest).map((i) => rows[i]);
  const train = order.slice(nTest).map((i) => rows[i]);
  const perRegressor: SplitResult['perRegressor'] = {};
  for (const [name, make] of Object.entries(regressors)) {
    const model = make();
    model.fit(
      featureRows(train),
      train.map((r) => r.accuracy),
      { groups: train.map((r) => r.dataset) },
    );
    const pred = model.predict(featureRows(test), { groups: test.map((r) => r.dataset) });
    const actual = test.map((r) => r.accuracy);
    perRegressor[name] = { mse: mse(pred, actual), rmse: rmse(pred, actual), mae: mae(pred, actual) };
  }
  return { train: train.length, test: test.length, perRegressor };
}

export interface PredictionRecord {
  dataset: string;
  model: string;
  sourceDataset?: string;
  predicted: number;
  actual: number;
}

export interface LooResult {
  perDataset: Record<string, RankingReport & { n: number }>;
  mean: RankingReport;
  predictions: PredictionRecord[];
}

/**
 * Rebuilds every row's features for one held-out dataset. It must learn nothing from the held-out dataset's
 * results (e.g. similarity vectors from a ranker trained without it); it gets all rows and returns one
 * feature vector per row, in order.
 */
export type FeatureRebuilder = (heldOut: string, rows: EvaluationRow[]) => ArrayLike<number>[];

/** Honest protocol: for each dataset, fit on the other datasets' rows only and score its rows. */
export function leaveOneDatasetOut(
  rows: EvaluationRow[],
  makeRegressor: RegressorFactory,
  opts: { rebuild?: FeatureRebuilder; datasets?: string[] } = {},
): LooResult {
  const datasets = opts.datasets ?? [...new Set(rows.map((r) => r.dataset))].sort();
  if (new Set(rows.map((r) => r.dataset)).size < 2) {
    throw new ProtocolInputError('leave-one-dataset-out needs rows from at least 2 datasets');
  }
  const perDataset: LooResult['perDataset'] = {};
  const predictions: PredictionRecord[] = [];
  for (const held of datasets) {
    const feats = opts.rebuild ? opts.rebuild(held, rows) : rows.map((r) => r.features);
    if (feats.length !== rows.length) {
      throw new ProtocolInputError(
        `feature rebuild for '${held}' returned ${feats.length} vectors for ${rows.length} rows`,
      );
    }
    const trainIdx = rows.flatMap((r, i) => (r.dataset === held ? [] : [i]));
    const testIdx = rows.flatMap((r, i) => (r.dataset === held ? [i] : []));
    if (testIdx.length === 0) throw new ProtocolInputError(`no rows for held-out dataset '${held}'`);
    const model = makeRegressor();
    model.fit(
      trainIdx.map((i) => Array.from(feats[i])),
      trainIdx.map((i) => rows[i].accuracy),
      { groups: trainIdx.map((i) => rows[i].dataset) },
    );
    const pred = Array.from(model.predict(testIdx.map((i) => Array.from(feats[i]))));
    const actual = testIdx.map((i) => rows[i].accuracy);
    perDataset[held] = { n: testIdx.length, ...rankingReport(pred, actual) };
    testIdx.forEach((i, k) => {
      const r = rows[i];
      predictions.push({
        dataset: held,
        model: r.model,
        sourceDataset: r.sourceDataset,
        predicted: pred[k],
        actual: r.accuracy,
      });
    });
  }
  return { perDataset, mean: meanReport(Object.values(perDataset)), predictions };
}

export function meanReport(reports: RankingReport[]): RankingReport {
  const keys: (keyof RankingReport)[] = ['mae', 'rmse', 'kendall', 'spearman', 'regret', 'hitAt3'];
  return Object.fromEntries(
    keys.map((k) => [k, finiteMean(reports.map((r) => r[k]))]),
  ) as unknown as RankingReport;
}

export interface Table1Cell {
  architecture: string;
  dataset: string;
  n: number;
  pearson: number;
  spearman: number;
  kendall: number;
}

/**
 * The paper's Table 1: per (architecture, target dataset), correlate the similarity of each source dataset to
 * the target with the accuracy the architecture pre-trained on that source reached after fine-tuning on it.
 * `similarity(target, source)` must come from a ranker that did not see the target.
 */
export function table1(
  rows: EvaluationRow[],
  similarity: (target: string, source: string) => number,
  opts: { architectures?: string[] } = {},
): { cells: Table1Cell[]; mean: { pearson: number; spearman: number; kendall: number } } {
  const wanted = opts.architectures ? new Set(opts.architectures) : null;
  const cells: Table1Cell[] = [];
  const groups = groupBy(
    rows.filter((r) => r.sourceDataset !== undefined && (!wanted || wanted.has(archOf(r)))),
    (r) => `${archOf(r)}\u0000${r.dataset}`,
  );
  for (const [key, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [architecture, dataset] = key.split('\u0000');
    if (g.length < 2) continue; // a correlation needs at least two sources
    const sim = g.map((r) => similarity(dataset, r.sourceDataset!));
    const acc = g.map((r) => r.accuracy);
    cells.push({
      architecture,
      dataset,
      n: g.length,
      pearson: pearson(sim, acc),
      spearman: spearman(sim, acc),
      kendall: kendallTauB(sim, acc),
    });
  }
  return {
    cells,
    mean: {
      pearson: finiteMean(cells.map((c) => c.pearson)),
      spearman: finiteMean(cells.map((c) => c.spearman)),
      kendall: finiteMean(cells.map((c) => c.kendall)),
    },
  };
}

export interface BaselineResult {
  perDataset: Record<string, RankingReport & { n: number }>;
  mean: RankingReport;
}

/** Scores each held-out dataset's rows with `predict` (which sees only the other datasets' rows). */
export function looBaseline(
  rows: EvaluationRow[],
  predict: (test: EvaluationRow[], train: EvaluationRow[]) => number[],
  predictsAccuracy: boolean,
  targets?: string[],
): BaselineResult {
  const perDataset: BaselineResult['perDataset'] = {};
  for (const [held, test] of [...groupBy(rows, (r) => r.dataset)].sort(([a], [b]) => a.localeCompare(b))) {
    if (targets && !targets.includes(held)) continue; // rows that only ever train (e.g. users' verified rows)
    const pred = predict(
      test,
      rows.filter((r) => r.dataset !== held),
    );
    const report = rankingReport(
      pred,
      test.map((r) => r.accuracy),
    );
    // Rank-only baselines (size, LogME…) are not on the accuracy scale: their MAE/RMSE would mean nothing.
    if (!predictsAccuracy) {
      report.mae = NaN;
      report.rmse = NaN;
    }
    perDataset[held] = { n: test.length, ...report };
  }
  return { perDataset, mean: meanReport(Object.values(perDataset)) };
}

/** Naive baselines on the leave-one-dataset-out protocol. */
export function baselines(
  rows: EvaluationRow[],
  opts: { scoreColumns?: string[]; seed?: number; targets?: string[] } = {},
): Record<string, BaselineResult> {
  const t = opts.targets;
  const out: Record<string, BaselineResult> = {};
  out.architectureMean = looBaseline(
    rows,
    (test, train) => {
      const byArch = groupBy(train, archOf);
      const overall = train.reduce((s, r) => s + r.accuracy, 0) / train.length;
      return test.map((r) => {
        const g = byArch.get(archOf(r));
        return g ? g.reduce((s, x) => s + x.accuracy, 0) / g.length : overall;
      });
    },
    true,
    t,
  );
  if (rows.every((r) => r.params !== undefined)) {
    out.largestModel = looBaseline(rows, (test) => test.map((r) => r.params!), false, t);
  }
  const rand = seededRandom(opts.seed ?? 0);
  out.randomSeeded = looBaseline(rows, (test) => test.map(() => rand()), false, t);
  out.random = randomExpectation(t ? rows.filter((r) => t.includes(r.dataset)) : rows);
  for (const col of opts.scoreColumns ?? []) {
    if (!rows.every((r) => (t && !t.includes(r.dataset)) || Number.isFinite(r.scores?.[col]))) {
      throw new ProtocolInputError(
        `score column '${col}' is missing or not finite on some rows: compute it for every row`,
      );
    }
    out[`score:${col}`] = looBaseline(rows, (test) => test.map((r) => r.scores![col]), false, t);
  }
  return out;
}

/**
 * The random ranking's expected metrics, exactly: E[regret] = mean over rows of (best − actual) in points,
 * E[hit@3] = 1 − C(n−b, 3)/C(n, 3) for b rows tied at the best, E[τ] = E[ρ] = 0.
 */
export function randomExpectation(rows: EvaluationRow[]): BaselineResult {
  const perDataset: BaselineResult['perDataset'] = {};
  for (const [held, test] of [...groupBy(rows, (r) => r.dataset)].sort(([a], [b]) => a.localeCompare(b))) {
    const acc = test.map((r) => r.accuracy);
    const best = Math.max(...acc);
    const n = acc.length;
    const b = acc.filter((a) => a === best).length;
    const choose3 = (m: number) => (m < 3 ? 0 : (m * (m - 1) * (m - 2)) / 6);
    const hit = n <= 3 ? 1 : 1 - choose3(n - b) / choose3(n);
    perDataset[held] = {
      n,
      mae: NaN,
      rmse: NaN,
      kendall: 0,
      spearman: 0,
      regret: (100 * acc.reduce((s, a) => s + (best - a), 0)) / n,
      hitAt3: hit,
    };
  }
  return { perDataset, mean: meanReport(Object.values(perDataset)) };
}
