import { meanReport } from '../evaluation/protocols';
import {
  baselines,
  leaveOneDatasetOut,
  randomSplit,
  table1,
  type BaselineResult,
  type EvaluationRow,
  type LooResult,
  type SplitResult,
  type Table1Cell,
} from '../evaluation/protocols';
import { createRegressor, type RegressorSpec } from '../regressor/factory';
import type { TransferabilityScores } from '../transferability';
import type { AccuracyRegressor } from '../regressor/selection';
import { evaluationRows, rebuildWithout, repositoryRegressor } from './rows';
import type { CampaignResult, SimilarityTable } from './types';

export interface EvaluationSummary {
  rows: number;
  datasets: string[];
  split8020: SplitResult;
  loo: LooResult;
  /** The same protocol with LogME and LEEP appended to the regressor's inputs (when they were computed). */
  looTransferability?: LooResult;
  table1: { cells: Table1Cell[]; mean: { pearson: number; spearman: number; kendall: number } };
  baselines: Record<string, BaselineResult>;
}

/** One representative of each regressor family for the paper's 80/20 comparison, plus the selected ensemble. */
const COMPARED: RegressorSpec[] = [
  { name: 'ridge', params: { alpha: 10 } },
  { name: 'svr-rbf', params: { C: 1, epsilon: 0.01 } },
  { name: 'svr-linear', params: { C: 0.01, epsilon: 0.01 } },
  { name: 'svr-poly', params: { C: 1, epsilon: 0.01, degree: 2, coef0: 1 } },
  { name: 'mlp', params: { hiddenLayers: [32], maxEpochs: 40, alpha: 1e-3 } },
  { name: 'random-forest', params: { nEstimators: 30, maxFeatures: 0.2, minSamplesLeaf: 2 } },
  { name: 'gradient-boosting', params: { nEstimators: 60, maxDepth: 3, subsample: 0.8, maxFeatures: 0.3 } },
  { name: 'adaboost', params: { nEstimators: 30, maxDepth: 4, maxFeatures: 0.3 } },
];

/**
 * Every evaluation of issue 7 over a campaign: the paper's 80/20 split, the honest leave-one-dataset-out
 * protocol (for held-out H, rows involving H as target or pre-training source are out of training and
 * similarity vectors lose H's column), Table 1 and the naive baselines.
 */
export function evaluateRepository(
  results: CampaignResult[],
  encodings: Map<string, ArrayLike<number>>,
  table: SimilarityTable,
  opts: {
    seed?: number;
    canonical?: string[];
    onStep?: (step: string) => void;
    /** pairId → forward-pass scores: adds the LogME/LEEP baselines and the looTransferability variant. */
    transferability?: Record<string, TransferabilityScores>;
  } = {},
): EvaluationSummary {
  const seed = opts.seed ?? 0;
  const scores = opts.transferability;
  const rows = evaluationRows(results, encodings, table);
  if (scores) {
    rows.forEach((row, i) => {
      const s = scores[results[i].pairId];
      if (!s)
        throw new Error(`no transferability scores for ${results[i].pairId}: re-run scoreTransferability`);
      row.scores = { logme: s.logme, leep: s.leep };
    });
  }
  const selected = () => repositoryRegressor(table.datasets.length, encodings, seed);

  opts.onStep?.('80/20 split');
  const factories = Object.fromEntries(
    COMPARED.map((s) => [s.name, () => createRegressor(s.name, s.params)]),
  );
  const split8020 = randomSplit(rows, { ...factories, selected }, { seed });

  opts.onStep?.('leave one dataset out');
  const rebuild = rebuildWithout(results, encodings, table);
  const loo = honestLoo(rows, table.datasets, rebuild, selected);
  // Forward-pass scores need no training, so they exist for a held-out dataset too: appended as two inputs.
  const withScores = (f: ArrayLike<number>, i: number) =>
    Float32Array.from([...Array.from(f), rows[i].scores!.logme, rows[i].scores!.leep]);
  let looTransferability: LooResult | undefined;
  if (scores) {
    opts.onStep?.('leave one dataset out, with LogME and LEEP');
    looTransferability = honestLoo(
      rows.map((r, i) => ({ ...r, features: withScores(r.features, i) })),
      table.datasets,
      (held) => rebuild(held).map(withScores),
      selected,
    );
  }

  opts.onStep?.('table 1 and baselines');
  const col = (d: string) => table.datasets.indexOf(d);
  const t1 = table1(rows, (target, source) => table.rows[target][col(source)], {
    architectures: opts.canonical,
  });
  const base = baselines(rows, { seed, scoreColumns: scores ? ['logme', 'leep'] : [] });
  return {
    rows: rows.length,
    datasets: table.datasets,
    split8020,
    loo,
    ...(looTransferability ? { looTransferability } : {}),
    table1: t1,
    baselines: base,
  };
}

/**
 * For each held-out H: rows that learned from H (pre-trained on it) stay out of training, H's own rows are the
 * test, and every feature comes from `rebuild(H)` (nothing learned from H).
 */
function honestLoo(
  rows: EvaluationRow[],
  datasets: string[],
  rebuild: (held: string) => ArrayLike<number>[],
  selected: () => AccuracyRegressor,
): LooResult {
  const perDataset: LooResult['perDataset'] = {};
  const predictions: LooResult['predictions'] = [];
  const index = new Map<EvaluationRow, number>(rows.map((r, i) => [r, i]));
  for (const held of datasets) {
    const subset = rows.filter((r) => r.dataset === held || r.sourceDataset !== held);
    if (!subset.some((r) => r.dataset === held)) continue;
    const features = rebuild(held);
    const loo = leaveOneDatasetOut(subset, selected, {
      datasets: [held],
      rebuild: (_h, rs) => rs.map((r) => features[index.get(r)!]),
    });
    Object.assign(perDataset, loo.perDataset);
    predictions.push(...loo.predictions);
  }
  return { perDataset, mean: meanReport(Object.values(perDataset)), predictions };
}
