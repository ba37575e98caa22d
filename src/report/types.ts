/**
 * What the HTML report is drawn from. Every part is optional: a build that has not produced a stage yet
 * (or a profile that skips it) still gets a report, with that section saying the data is not available.
 * The shapes are the ones the stages already produce, so callers pass their results through unchanged.
 */
import type { LawRecovery } from '../recommendation/law-recovery';
import type { RankingReport } from '../evaluation/metrics';
import type { BaselineResult, LooResult, SplitResult, Table1Cell } from '../evaluation/protocols';
import type { PairedComparison, Table1Target } from '../evaluation/significance';

export interface ReportMeta {
  /** Build profile, e.g. 'mini' or 'paper'. */
  profile: string;
  /** ISO timestamp of the build. */
  createdAt: string;
  workflowId?: string;
  /** Address of the Temporal UI for this build, shown as plain text (the page links nothing external). */
  temporalUi?: string;
}

/** `dlrec evaluate --json`, as is. */
export interface EvaluationSummary {
  loo?: LooResult;
  /** The same protocol with LogME/LEEP as extra regressor inputs. */
  looTransferability?: LooResult;
  split8020?: SplitResult;
  /**
   * Both regressor kinds on honest leave-one-dataset-out: the single selected regressor and the paper's
   * ensemble (average of its members). `default` is the one that won, the one behind `loo`.
   */
  regressor?: { default: 'selected' | 'ensemble'; selected: RankingReport; ensemble: RankingReport };
  table1?: {
    cells: Table1Cell[];
    /** `low`/`high`: bootstrap 95 % interval of the mean per-target τ (absent in older summaries). */
    mean?: { pearson: number; spearman: number; kendall: number; low?: number; high?: number };
    /** Table 1 read per held-out target, with a bootstrap interval resampling the sources. */
    perTarget?: Table1Target[];
  };
  /**
   * Keyed by baseline name: architectureMean, largestModel, random, randomSeeded, score:logme, score:leep,
   * similarityWeightedRecord, bestOnMostSimilar, …
   */
  baselines?: Record<string, BaselineResult>;
  /** The default regressor against each baseline over the held-out targets (paired Wilcoxon signed-rank). */
  pairedTests?: Record<string, { mae?: PairedComparison; regret: PairedComparison }>;
  /** Standard error of the repository's accuracies (fractions; binomial, from each result's test-set size). */
  accuracyStandardError?: { mean: number; max: number; rows: number };
  /** A simulated build: the leave-one-out predictions against the simulated law (src/recommendation/law-recovery.ts). */
  lawRecovery?: LawRecovery;
}

/** Leave-one-out dataset similarity: row i = held-out dataset i, column j = its similarity to dataset j. */
export interface SimilarityMatrix {
  datasets: string[];
  matrix: number[][];
}

export interface EncoderPoint {
  x: number;
  y: number;
  /** Family, e.g. 'VGG-like' or 'random'. */
  group: string;
  label?: string;
}

export interface EncoderExperimentResult {
  points: EncoderPoint[];
  knnPurity?: number;
  silhouette?: number;
  perplexity?: number;
  unigramPerplexity?: number;
  /** On the held-out linear models' sentences: the language model's and the generator's own perplexity (the floor). */
  floor?: { perplexity: number; generatorPerplexity: number };
}

/** One fine-tuning run of the training campaign. */
export interface CampaignResult {
  /** The architecture's name (a zoo name or a generated model's id); older data may append `@<source>`. */
  model: string;
  /** Canonical architecture, when known; otherwise it is read from `model`. */
  architecture?: string;
  dataset: string;
  /** Absent (or null, through JSON) for a run from scratch; the pre-training dataset for a fine-tune. */
  sourceDataset?: string | null;
  /** Accuracy in [0, 1]. */
  accuracy: number;
}

export interface RegressorScore {
  name: string;
  /** MSE on the paper's random 80/20 split. */
  mse8020: number;
  /** MAE on leave-one-dataset-out, where it was run for this regressor. */
  looMae?: number;
}

export interface ReportData {
  meta?: ReportMeta;
  evaluation?: EvaluationSummary;
  similarity?: SimilarityMatrix;
  encoder?: EncoderExperimentResult;
  campaign?: CampaignResult[];
  /** When absent, the comparison is taken from `evaluation.split8020.perRegressor`. */
  regressors?: RegressorScore[];
  /** Name of the regressor behind `evaluation.loo` (shown in the header and the baselines table). */
  chosenRegressor?: string;
}

export interface RenderedReport {
  /** Path of the written, self-contained index.html. */
  indexHtml: string;
  /** Paths of the standalone SVG files of each chart drawn (also inlined in index.html). */
  charts: string[];
}
