import { AccuracyRegressor, type AccuracyRegressorJSON } from '../regressor/selection';
import { RepositoryRecord } from './record';
import {
  evaluationRows,
  repositoryRegressor,
  rowFeatures,
  type ModelDescriptor,
  type RegressorKind,
} from './rows';
import type { CampaignResult, SimilarityTable } from './types';

/** A recommendable option: an architecture, with weights pre-trained on `source` (null: train from scratch). */
export interface Candidate extends ModelDescriptor {
  modelId: string;
  modelName: string;
  architecture: string;
  source: string | null;
  /** Accuracy the pre-trained weights reached on `source`, and where they are stored. */
  sourceAccuracy?: number;
  weightsKey?: string;
}

/** One pre-training option of an architecture: weights from `dataset` (null: from scratch). */
export interface SourceOption {
  dataset: string | null;
  predictedAccuracy: number;
}

export interface RecommendOptions {
  /** The target's class count: no prediction is shown below chance, 1/classes. */
  classes?: number;
  /** Options of one architecture predicted this close to its best are equally good (default SOURCE_TOLERANCE). */
  tolerance?: number;
}

/**
 * Half an accuracy point. The regressor states no uncertainty per prediction, so the bar is fixed: a gap this
 * small is not worth choosing one pre-training source over another (it is one test image in 200).
 */
export const SOURCE_TOLERANCE = 0.005;

/** One architecture, with its best pre-training option (sourceDataset) and the options as good as that one. */
export interface Recommendation {
  model: string;
  /** Canonical hash of the architecture (the campaign's modelId): where its spec is found. */
  modelId: string;
  architecture: string;
  sourceDataset: string | null;
  predictedAccuracy: number;
  /**
   * false: every option of this architecture (each pre-training source and from scratch) is predicted within
   * the tolerance of the best, so the choice of source makes no measurable difference.
   */
  sourceMatters: boolean;
  /** The options predicted within the tolerance of the best, best first. */
  sources: SourceOption[];
  /** Why predictedAccuracy is not the regressor's own number (e.g. raised to chance). */
  notes: string[];
  evidence: {
    sourceAccuracy?: number;
    /**
     * Accuracies this architecture actually reached on the two repository datasets most similar to the
     * target: trained from scratch (sourceDataset null) and fine-tuned from this option's source, where run.
     */
    nearestResults: { dataset: string; similarity: number; accuracy: number; sourceDataset: string | null }[];
    params: number;
    flops: number;
    weightsKey?: string;
  };
}

export interface RecommenderJSON {
  format: 'dlrec.recommender';
  version: 4;
  datasets: string[];
  regressor: AccuracyRegressorJSON;
  regressorKind?: RegressorKind;
  candidates: (Omit<Candidate, 'encoding'> & { encoding: number[] })[];
  results: Pick<CampaignResult, 'modelId' | 'architecture' | 'source' | 'dataset' | 'accuracy'>[];
}

/** Bumped whenever the regressor's inputs change, so stored recommenders from older builds are refitted. */
export const RECOMMENDER_VERSION = 4;

/**
 * Ranks (architecture, pre-training dataset) options for an unseen dataset by the accuracy the regressor
 * predicts from the dataset's similarity vector and each option's model encoding. Fitting needs the campaign's
 * results, the encodings and the leave-one-out similarity table; recommending needs only this object.
 */
export class Recommender {
  private regressor?: AccuracyRegressor;
  /** Which regressor the build's leave-one-out chose (reported with every recommendation). */
  regressorKind: RegressorKind = 'selected';
  private candidates: Candidate[] = [];
  private results: RecommenderJSON['results'] = [];
  private datasets: string[] = [];
  private record?: RepositoryRecord;

  fit(
    results: CampaignResult[],
    encodings: Map<string, ArrayLike<number>>,
    table: SimilarityTable,
    seed = 0,
    kind: RegressorKind = 'selected',
  ): this {
    const rows = evaluationRows(results, encodings, table);
    this.datasets = table.datasets;
    this.regressorKind = kind;
    this.regressor = repositoryRegressor(table.datasets.length, encodings, seed, kind).fit(
      rows.map((r) => Array.from(r.features)),
      rows.map((r) => r.accuracy),
      { groups: rows.map((r) => r.dataset) },
    );
    this.results = results.map((r) => ({
      modelId: r.modelId,
      architecture: r.architecture,
      source: r.source,
      dataset: r.dataset,
      accuracy: r.accuracy,
    }));
    // Options: every model trained from scratch on a repository dataset (its weights can be fine-tuned), and from scratch.
    const byKey = new Map<string, Candidate>();
    for (const r of results) {
      const base = {
        modelId: r.modelId,
        modelName: r.modelName,
        architecture: r.architecture,
        encoding: encodings.get(r.modelId)!,
        params: r.params,
        flops: r.flops,
        depth: r.depth,
      };
      byKey.set(`${r.modelId}|`, { ...base, source: null });
      // A source must be a repository dataset: users' verified datasets are rows to learn from, not sources.
      if (r.source === null && table.datasets.includes(r.dataset)) {
        byKey.set(`${r.modelId}|${r.dataset}`, {
          ...base,
          source: r.dataset,
          sourceAccuracy: r.accuracy,
          weightsKey: r.weightsKey,
        });
      }
    }
    this.candidates = [...byKey.values()];
    this.record = new RepositoryRecord(this.datasets, this.results);
    return this;
  }

  /**
   * The top architectures for a dataset with this similarity vector (dataset name → share, over the
   * repository), each once: with its best pre-training option and the options predicted as good as that one.
   */
  recommend(similarity: Record<string, number>, top = 5, opts: RecommendOptions = {}): Recommendation[] {
    if (!this.regressor || !this.record)
      throw new Error('the recommender is not fitted: run the repository build first');
    const vector = this.datasets.map((d) => similarity[d] ?? 0);
    const none = new Set<string>();
    const X = this.candidates.map((c) =>
      Array.from(
        rowFeatures(this.datasets, vector, c, c.source, this.record!.features(c.architecture, vector, none)),
      ),
    );
    const predicted = this.regressor.predict(X);
    const byModel = new Map<string, { c: Candidate; p: number }[]>();
    this.candidates.forEach((c, i) => {
      if (!byModel.has(c.modelId)) byModel.set(c.modelId, []);
      byModel.get(c.modelId)!.push({ c, p: predicted[i] });
    });
    const tolerance = opts.tolerance ?? SOURCE_TOLERANCE;
    return [...byModel.values()]
      .map((options) => options.sort((a, b) => b.p - a.p))
      .sort((a, b) => b[0].p - a[0].p || a[0].c.params - b[0].c.params)
      .slice(0, top)
      .map((options) => {
        const { c, p } = options[0];
        const equal = options.filter((o) => p - o.p <= tolerance);
        const chance = opts.classes ? 1 / opts.classes : 0;
        return {
          model: c.modelName,
          modelId: c.modelId,
          architecture: c.architecture,
          sourceDataset: c.source,
          predictedAccuracy: Math.max(p, chance),
          sourceMatters: equal.length < options.length,
          sources: equal.map((o) => ({ dataset: o.c.source, predictedAccuracy: Math.max(o.p, chance) })),
          notes:
            p < chance
              ? [
                  `the regressor predicted ${(100 * p).toFixed(1)}%, below chance for ${opts.classes} classes (${(100 * chance).toFixed(1)}%): shown at chance`,
                ]
              : [],
          evidence: this.evidence(c, vector),
        };
      });
  }

  /** What the repository measured for this option on the two datasets most similar to the target. */
  private evidence(c: Candidate, vector: number[]): Recommendation['evidence'] {
    const nearest = [...this.datasets.keys()].sort((a, b) => vector[b] - vector[a]).slice(0, 2);
    return {
      sourceAccuracy: c.sourceAccuracy,
      nearestResults: nearest.flatMap((j) =>
        this.results
          .filter(
            (r) =>
              r.modelId === c.modelId &&
              (r.source === null || r.source === c.source) &&
              r.dataset === this.datasets[j],
          )
          .map((r) => ({
            dataset: r.dataset,
            similarity: vector[j],
            accuracy: r.accuracy,
            sourceDataset: r.source,
          })),
      ),
      params: c.params,
      flops: c.flops,
      weightsKey: c.weightsKey,
    };
  }

  toJSON(): RecommenderJSON {
    if (!this.regressor) throw new Error('the recommender is not fitted');
    return {
      format: 'dlrec.recommender',
      version: RECOMMENDER_VERSION,
      datasets: this.datasets,
      regressor: this.regressor.toJSON(),
      regressorKind: this.regressorKind,
      candidates: this.candidates.map((c) => ({ ...c, encoding: Array.from(c.encoding) })),
      results: this.results,
    };
  }

  static fromJSON(json: RecommenderJSON): Recommender {
    if (json?.format !== 'dlrec.recommender')
      throw new Error('not a stored recommender: re-run the repository build');
    if (json.version !== RECOMMENDER_VERSION)
      throw new Error(
        `stored recommender has version ${json.version}, this dlrec needs ${RECOMMENDER_VERSION}: re-run \`dlrec build\` (finished stages are reused)`,
      );
    const r = new Recommender();
    r.regressor = AccuracyRegressor.fromJSON(json.regressor);
    r.regressorKind = json.regressorKind ?? 'selected';
    r.datasets = json.datasets;
    r.candidates = json.candidates.map((c) => ({ ...c, encoding: Float32Array.from(c.encoding) }));
    r.results = json.results;
    r.record = new RepositoryRecord(r.datasets, r.results);
    return r;
  }
}
