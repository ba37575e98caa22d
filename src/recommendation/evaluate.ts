import { lawRecovery, type LawRecovery } from './law-recovery';
import { meanReport } from '../evaluation/protocols';
import {
  baselines,
  leaveOneDatasetOut,
  looBaseline,
  randomSplit,
  table1,
  type BaselineResult,
  type EvaluationRow,
  type LooResult,
  type SplitResult,
  type Table1Cell,
} from '../evaluation/protocols';
import { createRegressor } from '../regressor/factory';
import { scoreColumn } from '../regressor/features';
import type { FamilyProbeResult } from '../ranker/family-probe';
import type { TransferabilityScores } from '../transferability';
import type { AccuracyRegressor } from '../regressor/selection';
import {
  pairedTests,
  table1ByTarget,
  type PairedComparison,
  type Table1Target,
} from '../evaluation/significance';
import {
  encodingDim,
  evaluationRows,
  featureLayout,
  PAPER_MEMBERS,
  rebuildWithout,
  repositoryRegressor,
  type RegressorKind,
} from './rows';
import type { CampaignResult, SimilarityTable } from './types';

export interface EvaluationSummary {
  rows: number;
  datasets: string[];
  split8020: SplitResult;
  /** Leave-one-dataset-out of the default regressor (`regressor.default`). */
  loo: LooResult;
  /** Both regressor kinds on the same protocol; the default is the one with the lower mean regret (then MAE). */
  regressor: { default: RegressorKind; selected: LooResult['mean']; ensemble: LooResult['mean'] };
  /** The same protocol with LogME and LEEP appended to the regressor's inputs (when they were computed). */
  looTransferability?: LooResult;
  table1: {
    cells: Table1Cell[];
    mean: { pearson: number; spearman: number; kendall: number; low: number; high: number };
    perTarget: Table1Target[];
  };
  baselines: Record<string, BaselineResult>;
  /** The default regressor against each baseline over the held-out targets (Wilcoxon signed-rank). */
  pairedTests: Record<string, { mae?: PairedComparison; regret: PairedComparison }>;
  /** The ranker's family probe: is the top-ranked dataset of the probe's family (unseen variants)? */
  similarity?: FamilyProbeResult;
  /** Standard error of the repository's accuracies (binomial, from each result's test-set size). */
  accuracyStandardError?: { mean: number; max: number; rows: number };
  /** A simulated build: how well the leave-one-out predictions recover the simulated law. */
  lawRecovery?: LawRecovery;
}

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
    /** As each held-out dataset of a leave-one-out step starts (`fold` of `folds`, 1-based): progress for heartbeats. */
    onFold?: (fold: number, folds: number) => void;
    /** pairId → forward-pass scores: adds the LogME/LEEP baselines and the looTransferability variant. */
    transferability?: Record<string, TransferabilityScores>;
  } = {},
): EvaluationSummary {
  const seed = opts.seed ?? 0;
  const scores = opts.transferability;
  const rows = evaluationRows(results, encodings, table);
  const isTarget = (d: string) => table.datasets.includes(d);
  if (scores) {
    rows.forEach((row, i) => {
      const s = scores[results[i].pairId];
      // Users' verified rows (only ever training rows) have none: they are left out of the LogME/LEEP variant.
      if (!s && !isTarget(row.dataset)) return;
      if (!s)
        throw new Error(`no transferability scores for ${results[i].pairId}: re-run scoreTransferability`);
      row.scores = { logme: s.logme, leep: s.leep };
    });
  }
  const kinds = {
    selected: () => repositoryRegressor(table.datasets.length, encodings, seed, 'selected'),
    ensemble: () => repositoryRegressor(table.datasets.length, encodings, seed, 'ensemble'),
  };

  opts.onStep?.('80/20 split');
  const factories = Object.fromEntries(
    PAPER_MEMBERS.map((s) => [s.name, () => createRegressor(s.name, s.params)]),
  );
  const split8020 = randomSplit(rows, { ...factories, ...kinds }, { seed });

  opts.onStep?.('leave one dataset out');
  const rebuild = rebuildWithout(results, encodings, table);
  const looSelected = honestLoo(rows, table.datasets, rebuild, kinds.selected, opts.onFold);
  opts.onStep?.('leave one dataset out, ensemble');
  const looEnsemble = honestLoo(rows, table.datasets, rebuild, kinds.ensemble, opts.onFold);
  const better = (a: LooResult['mean'], b: LooResult['mean']) =>
    a.regret < b.regret - 1e-9 || (Math.abs(a.regret - b.regret) <= 1e-9 && a.mae < b.mae);
  const defaultKind: RegressorKind = better(looEnsemble.mean, looSelected.mean) ? 'ensemble' : 'selected';
  const loo = defaultKind === 'ensemble' ? looEnsemble : looSelected;
  const selected = kinds[defaultKind];
  // Forward-pass scores need no training, so they exist for a held-out dataset too: appended as two inputs.
  const withScores = (f: ArrayLike<number>, i: number) =>
    Float32Array.from([...Array.from(f), rows[i].scores!.logme, rows[i].scores!.leep]);
  let looTransferability: LooResult | undefined;
  if (scores) {
    opts.onStep?.('leave one dataset out, with LogME and LEEP');
    const scored = rows.flatMap((r, i) => (r.scores ? [i] : []));
    looTransferability = honestLoo(
      scored.map((i) => ({ ...rows[i], features: withScores(rows[i].features, i) })),
      table.datasets,
      (held) => {
        const f = rebuild(held);
        return scored.map((i) => withScores(f[i], i));
      },
      selected,
      opts.onFold,
    );
  }

  opts.onStep?.('table 1 and baselines');
  const col = (d: string) => table.datasets.indexOf(d);
  const similarity = (target: string, source: string) => table.rows[target][col(source)];
  // Table 1 and the baselines are about the repository's datasets: users' verified rows only ever train.
  const repositoryRows = rows.filter((r) => isTarget(r.dataset));
  const t1 = table1(repositoryRows, similarity, { architectures: opts.canonical });
  const byTarget = table1ByTarget(repositoryRows, similarity, { architectures: opts.canonical, seed });
  const targets = table.datasets;
  const base = baselines(rows, { seed, scoreColumns: scores ? ['logme', 'leep'] : [], targets });
  // The regressor's own prior, nothing learned: the architecture's scratch record weighted by similarity.
  const prior = scoreColumn(featureLayout(table.datasets.length, encodingDim(encodings)), 'recordWeighted');
  base.similarityWeightedRecord = looBaseline(
    rows,
    (test) => test.map((r) => r.features[prior]),
    true,
    targets,
  );
  base.bestOnMostSimilar = looBaseline(
    rows,
    (test, train) =>
      bestOnMostSimilar(
        test,
        train.filter((r) => targets.includes(r.dataset)),
        similarity,
      ),
    true,
    targets,
  );
  const recovery = lawRecovery(results, loo.predictions);
  const ses = results.flatMap((r) => (Number.isFinite(r.standardError) ? [r.standardError!] : []));
  return {
    rows: rows.length,
    datasets: table.datasets,
    split8020,
    loo,
    regressor: { default: defaultKind, selected: looSelected.mean, ensemble: looEnsemble.mean },
    ...(looTransferability ? { looTransferability } : {}),
    table1: {
      ...t1,
      mean: { ...t1.mean, low: byTarget.mean.low, high: byTarget.mean.high },
      perTarget: byTarget.perTarget,
    },
    baselines: base,
    pairedTests: pairedTests(loo, base),
    ...(recovery ? { lawRecovery: recovery } : {}),
    ...(ses.length
      ? {
          accuracyStandardError: {
            mean: ses.reduce((s, v) => s + v, 0) / ses.length,
            max: Math.max(...ses),
            rows: ses.length,
          },
        }
      : {}),
  };
}

/**
 * "Use what did best on the most similar dataset": each option is scored by its own result on the repository
 * dataset most similar to the target (the architecture's scratch result there when that option was not run).
 */
function bestOnMostSimilar(
  test: EvaluationRow[],
  train: EvaluationRow[],
  similarity: (target: string, source: string) => number,
): number[] {
  const target = test[0].dataset;
  const others = [...new Set(train.map((r) => r.dataset))];
  const nearest = others.reduce((a, b) => (similarity(target, b) > similarity(target, a) ? b : a));
  const there = train.filter((r) => r.dataset === nearest);
  const byModel = new Map(there.map((r) => [r.model, r.accuracy]));
  const scratch = new Map(
    there.filter((r) => r.sourceDataset === undefined).map((r) => [r.architecture ?? r.model, r.accuracy]),
  );
  const mean = there.reduce((s, r) => s + r.accuracy, 0) / there.length;
  return test.map((r) => byModel.get(r.model) ?? scratch.get(r.architecture ?? r.model) ?? mean);
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
  onFold?: (fold: number, folds: number) => void,
): LooResult {
  const perDataset: LooResult['perDataset'] = {};
  const predictions: LooResult['predictions'] = [];
  const index = new Map<EvaluationRow, number>(rows.map((r, i) => [r, i]));
  for (const [fold, held] of datasets.entries()) {
    onFold?.(fold + 1, datasets.length);
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
