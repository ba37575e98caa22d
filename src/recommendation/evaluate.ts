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

/** The numbers a build prints and a schedule's run shows: the means of the honest protocol. */
export function headline(s: EvaluationSummary): Record<string, number> {
  return {
    kendall: s.loo.mean.kendall,
    spearman: s.loo.mean.spearman,
    mae: s.loo.mean.mae,
    regret: s.loo.mean.regret,
    hitAt3: s.loo.mean.hitAt3,
    table1Kendall: s.table1.mean.kendall,
    rows: s.rows,
    ...(s.similarity ? { familyHitRate: s.similarity.familyHitRate } : {}),
  };
}

/**
 * One independent piece of the evaluation: a regressor of the 80/20 split, or one held-out dataset of a
 * leave-one-out protocol. At paper size each is minutes of regressor fits, so the activity runs them on parallel
 * threads and stores each as it finishes (a retry resumes from the stored ones).
 */
export type EvaluationPart =
  | { id: string; kind: 'split'; regressor: string }
  | { id: string; kind: 'loo'; regressor: RegressorKind | 'transferability'; held: string };
export type EvaluationPartResult = { split: SplitResult } | { loo: LooResult };

export interface EvaluationOptions {
  seed?: number;
  canonical?: string[];
  /** pairId → forward-pass scores: adds the LogME/LEEP baselines and the looTransferability variant. */
  transferability?: Record<string, TransferabilityScores>;
}

/** The parts that need no other: each regressor of the 80/20 split, each fold of both kinds' leave-one-out. */
export function evaluationParts(datasets: string[]): EvaluationPart[] {
  const split = [...PAPER_MEMBERS.map((m) => m.name), 'selected', 'ensemble'].map(
    (regressor): EvaluationPart => ({ id: `split-${regressor}`, kind: 'split', regressor }),
  );
  return [...split, ...looParts(datasets, 'selected'), ...looParts(datasets, 'ensemble')];
}

/** With LogME/LEEP scores: the default kind's folds with both scores as inputs (after the first parts chose it). */
export function scoredEvaluationParts(datasets: string[], transferability: boolean): EvaluationPart[] {
  return transferability ? looParts(datasets, 'transferability') : [];
}

function looParts(datasets: string[], regressor: RegressorKind | 'transferability'): EvaluationPart[] {
  return datasets.map((held) => ({ id: `loo-${regressor}-${held}`, kind: 'loo', regressor, held }));
}

/** One protocol's folds joined in dataset order. */
function joinLoo(
  datasets: string[],
  regressor: RegressorKind | 'transferability',
  done: Map<string, EvaluationPartResult>,
): LooResult {
  const perDataset: LooResult['perDataset'] = {};
  const predictions: LooResult['predictions'] = [];
  for (const part of looParts(datasets, regressor)) {
    const r = done.get(part.id);
    if (!r || !('loo' in r)) throw new Error(`evaluation part ${part.id} has not run`);
    Object.assign(perDataset, r.loo.perDataset);
    predictions.push(...r.loo.predictions);
  }
  return { perDataset, mean: meanReport(Object.values(perDataset)), predictions };
}

/** The kind whose leave-one-out has the lower mean regret (then MAE), from the first parts' results. */
export function defaultRegressorKind(
  datasets: string[],
  done: Map<string, EvaluationPartResult>,
): RegressorKind {
  const selected = joinLoo(datasets, 'selected', done).mean;
  const ensemble = joinLoo(datasets, 'ensemble', done).mean;
  const better =
    ensemble.regret < selected.regret - 1e-9 ||
    (Math.abs(ensemble.regret - selected.regret) <= 1e-9 && ensemble.mae < selected.mae);
  return better ? 'ensemble' : 'selected';
}

/**
 * Every evaluation of issue 7 over a campaign: the paper's 80/20 split, the honest leave-one-dataset-out
 * protocol (for held-out H, rows involving H as target or pre-training source are out of training and
 * similarity vectors lose H's column), Table 1 and the naive baselines — as parts (`evaluationParts`, `run`)
 * and their summary (`summarise`).
 */
export class RepositoryEvaluation {
  readonly rows: EvaluationRow[];
  private readonly seed: number;
  private readonly rebuild: (held: string) => ArrayLike<number>[];

  constructor(
    private readonly results: CampaignResult[],
    private readonly encodings: Map<string, ArrayLike<number>>,
    private readonly table: SimilarityTable,
    private readonly opts: EvaluationOptions = {},
  ) {
    this.seed = opts.seed ?? 0;
    this.rows = evaluationRows(results, encodings, table);
    const scores = opts.transferability;
    if (scores) {
      this.rows.forEach((row, i) => {
        const s = scores[results[i].pairId];
        // Users' verified rows (only ever training rows) have none: they are left out of the LogME/LEEP variant.
        if (!s && !this.isTarget(row.dataset)) return;
        if (!s)
          throw new Error(`no transferability scores for ${results[i].pairId}: re-run scoreTransferability`);
        row.scores = { logme: s.logme, leep: s.leep };
      });
    }
    this.rebuild = rebuildWithout(results, encodings, table);
  }

  private isTarget(d: string): boolean {
    return this.table.datasets.includes(d);
  }

  private regressor(kind: RegressorKind): () => AccuracyRegressor {
    return () => repositoryRegressor(this.table.datasets.length, this.encodings, this.seed, kind);
  }

  /** Runs one part; a 'transferability' fold needs the default kind, decided by the first parts' results. */
  run(part: EvaluationPart, defaultKind?: RegressorKind): EvaluationPartResult {
    if (part.kind === 'split') {
      const spec = PAPER_MEMBERS.find((m) => m.name === part.regressor);
      const make = spec
        ? () => createRegressor(spec.name, spec.params)
        : this.regressor(part.regressor as RegressorKind);
      return { split: randomSplit(this.rows, { [part.regressor]: make }, { seed: this.seed }) };
    }
    if (part.regressor !== 'transferability')
      return { loo: honestLoo(this.rows, part.held, this.rebuild, this.regressor(part.regressor)) };
    if (!defaultKind) throw new Error('the LogME/LEEP folds need the default regressor kind');
    // Forward-pass scores need no training, so they exist for a held-out dataset too: appended as two inputs.
    const scored = this.rows.flatMap((r, i) => (r.scores ? [i] : []));
    const withScores = (f: ArrayLike<number>, i: number) =>
      Float32Array.from([...Array.from(f), this.rows[i].scores!.logme, this.rows[i].scores!.leep]);
    return {
      loo: honestLoo(
        scored.map((i) => ({ ...this.rows[i], features: withScores(this.rows[i].features, i) })),
        part.held,
        (held) => {
          const f = this.rebuild(held);
          return scored.map((i) => withScores(f[i], i));
        },
        this.regressor(defaultKind),
      ),
    };
  }

  /** The summary of every part (each of `parts` and `scoredParts` in `done`), Table 1 and the baselines. */
  summarise(done: Map<string, EvaluationPartResult>): EvaluationSummary {
    const { rows, table, seed, results } = this;
    const splits = evaluationParts(table.datasets).flatMap((p) => {
      const r = done.get(p.id);
      if (p.kind !== 'split') return [];
      if (!r || !('split' in r)) throw new Error(`evaluation part ${p.id} has not run`);
      return [r.split];
    });
    const split8020: SplitResult = {
      train: splits[0].train,
      test: splits[0].test,
      perRegressor: Object.assign({}, ...splits.map((s) => s.perRegressor)),
    };
    const looSelected = joinLoo(table.datasets, 'selected', done);
    const looEnsemble = joinLoo(table.datasets, 'ensemble', done);
    const defaultKind = defaultRegressorKind(table.datasets, done);
    const loo = defaultKind === 'ensemble' ? looEnsemble : looSelected;
    const scores = this.opts.transferability;
    const looTransferability = scores ? joinLoo(table.datasets, 'transferability', done) : undefined;

    const col = (d: string) => table.datasets.indexOf(d);
    const similarity = (target: string, source: string) => table.rows[target][col(source)];
    // Table 1 and the baselines are about the repository's datasets: users' verified rows only ever train.
    const repositoryRows = rows.filter((r) => this.isTarget(r.dataset));
    const t1 = table1(repositoryRows, similarity, { architectures: this.opts.canonical });
    const byTarget = table1ByTarget(repositoryRows, similarity, { architectures: this.opts.canonical, seed });
    const targets = table.datasets;
    const base = baselines(rows, { seed, scoreColumns: scores ? ['logme', 'leep'] : [], targets });
    // The regressor's own prior, nothing learned: the architecture's scratch record weighted by similarity.
    const prior = scoreColumn(
      featureLayout(table.datasets.length, encodingDim(this.encodings)),
      'recordWeighted',
    );
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
}

/** The whole evaluation on this thread, part after part (the activity runs the parts in parallel instead). */
export function evaluateRepository(
  results: CampaignResult[],
  encodings: Map<string, ArrayLike<number>>,
  table: SimilarityTable,
  opts: EvaluationOptions & { onPart?: (part: EvaluationPart, done: number, total: number) => void } = {},
): EvaluationSummary {
  const evaluation = new RepositoryEvaluation(results, encodings, table, opts);
  const done = new Map<string, EvaluationPartResult>();
  const first = evaluationParts(table.datasets);
  const scored = scoredEvaluationParts(table.datasets, !!opts.transferability);
  const total = first.length + scored.length;
  for (const part of first) {
    opts.onPart?.(part, done.size, total);
    done.set(part.id, evaluation.run(part));
  }
  const kind = defaultRegressorKind(table.datasets, done);
  for (const part of scored) {
    opts.onPart?.(part, done.size, total);
    done.set(part.id, evaluation.run(part, kind));
  }
  return evaluation.summarise(done);
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
 * Held-out H: rows that learned from H (pre-trained on it) stay out of training, H's own rows are the test, and
 * every feature comes from `rebuild(H)` (nothing learned from H).
 */
function honestLoo(
  rows: EvaluationRow[],
  held: string,
  rebuild: (held: string) => ArrayLike<number>[],
  selected: () => AccuracyRegressor,
): LooResult {
  const subset = rows.filter((r) => r.dataset === held || r.sourceDataset !== held);
  if (!subset.some((r) => r.dataset === held))
    return { perDataset: {}, mean: meanReport([]), predictions: [] };
  const index = new Map<EvaluationRow, number>(rows.map((r, i) => [r, i]));
  const features = rebuild(held);
  return leaveOneDatasetOut(subset, selected, {
    datasets: [held],
    rebuild: (_h, rs) => rs.map((r) => features[index.get(r)!]),
  });
}
