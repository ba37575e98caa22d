import { AccuracyRegressor, type AccuracyRegressorJSON } from '../regressor/selection';
import { RepositoryRecord } from './record';
import { evaluationRows, repositoryRegressor, rowFeatures, type ModelDescriptor } from './rows';
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

export interface Recommendation {
  model: string;
  architecture: string;
  sourceDataset: string | null;
  predictedAccuracy: number;
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
  version: 3;
  datasets: string[];
  regressor: AccuracyRegressorJSON;
  candidates: (Omit<Candidate, 'encoding'> & { encoding: number[] })[];
  results: Pick<CampaignResult, 'modelId' | 'architecture' | 'source' | 'dataset' | 'accuracy'>[];
}

/** Bumped whenever the regressor's inputs change, so stored recommenders from older builds are refitted. */
export const RECOMMENDER_VERSION = 3;

/**
 * Ranks (architecture, pre-training dataset) options for an unseen dataset by the accuracy the regressor
 * predicts from the dataset's similarity vector and each option's model encoding. Fitting needs the campaign's
 * results, the encodings and the leave-one-out similarity table; recommending needs only this object.
 */
export class Recommender {
  private regressor?: AccuracyRegressor;
  private candidates: Candidate[] = [];
  private results: RecommenderJSON['results'] = [];
  private datasets: string[] = [];
  private record?: RepositoryRecord;

  fit(
    results: CampaignResult[],
    encodings: Map<string, ArrayLike<number>>,
    table: SimilarityTable,
    seed = 0,
  ): this {
    const rows = evaluationRows(results, encodings, table);
    this.datasets = table.datasets;
    this.regressor = repositoryRegressor(table.datasets.length, encodings, seed).fit(
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
      if (r.source === null) {
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

  /** The top options for a dataset with this similarity vector (dataset name → share, over the repository). */
  recommend(similarity: Record<string, number>, top = 5): Recommendation[] {
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
    const nearest = [...this.datasets.keys()].sort((a, b) => vector[b] - vector[a]).slice(0, 2);
    return this.candidates
      .map((c, i) => ({ c, p: predicted[i] }))
      .sort((a, b) => b.p - a.p || a.c.params - b.c.params)
      .slice(0, top)
      .map(({ c, p }) => ({
        model: c.modelName,
        architecture: c.architecture,
        sourceDataset: c.source,
        predictedAccuracy: p,
        evidence: {
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
        },
      }));
  }

  toJSON(): RecommenderJSON {
    if (!this.regressor) throw new Error('the recommender is not fitted');
    return {
      format: 'dlrec.recommender',
      version: RECOMMENDER_VERSION,
      datasets: this.datasets,
      regressor: this.regressor.toJSON(),
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
    r.datasets = json.datasets;
    r.candidates = json.candidates.map((c) => ({ ...c, encoding: Float32Array.from(c.encoding) }));
    r.results = json.results;
    r.record = new RepositoryRecord(r.datasets, r.results);
    return r;
  }
}
