import type { EvaluationRow } from '../evaluation/protocols';
import { composeFeatures, scoreColumn, type FeatureLayout } from '../regressor/features';
import type { RegressorSpec } from '../regressor/factory';
import { AccuracyRegressor } from '../regressor/selection';
import { RECORD_COLUMNS, RepositoryRecord, type RecordFeatures } from './record';
import type { CampaignResult, SimilarityTable } from './types';

/**
 * The regressor's columns: target similarity ⊕ encoding ⊕ sizes ⊕ (pretrained?, similarity to the source)
 * ⊕ the architecture's repository record (its scratch accuracies on the other datasets).
 */
export function featureLayout(datasets: number, encodingDim: number): FeatureLayout {
  return {
    similarity: datasets,
    encoding: encodingDim,
    descriptors: ['params', 'flops', 'depth'],
    scores: ['pretrained', 'sourceSimilarity', ...RECORD_COLUMNS],
  };
}

/** Length of the model encodings (0 when there are none). */
export const encodingDim = (encodings: Map<string, ArrayLike<number>>): number =>
  encodings.values().next().value?.length ?? 0;

/**
 * The accuracy regressor behind `recommend` and the evaluation. It learns the correction to the architecture's
 * similarity-weighted record (its accuracy on the repository datasets most like the target), with each training
 * dataset's mean correction removed — a new dataset's level cannot be learned from a handful of others — and is
 * chosen by how well it ranks models within held-out datasets.
 */
export function repositoryRegressor(
  datasets: number,
  encodings: Map<string, ArrayLike<number>>,
  seed = 0,
  kind: RegressorKind = 'selected',
): AccuracyRegressor {
  return new AccuracyRegressor({
    ...(kind === 'ensemble'
      ? { candidates: PAPER_MEMBERS, top: PAPER_MEMBERS.length }
      : { profile: 'mini' as const }),
    seed,
    priorColumn: scoreColumn(featureLayout(datasets, encodingDim(encodings)), 'recordWeighted'),
    centreGroups: true,
    selectBy: 'groupKendall',
  });
}

/** 'selected': the candidate that validates best on unseen datasets; 'ensemble': the paper's average of members. */
export type RegressorKind = 'selected' | 'ensemble';

/** One of each regressor family the paper compares; their plain average is the paper's ensemble. */
export const PAPER_MEMBERS: RegressorSpec[] = [
  { name: 'ridge', params: { alpha: 10 } },
  { name: 'svr-rbf', params: { C: 1, epsilon: 0.01 } },
  { name: 'svr-linear', params: { C: 0.01, epsilon: 0.01 } },
  { name: 'svr-poly', params: { C: 1, epsilon: 0.01, degree: 2, coef0: 1 } },
  { name: 'mlp', params: { hiddenLayers: [32], maxEpochs: 40, alpha: 1e-3 } },
  { name: 'random-forest', params: { nEstimators: 30, maxFeatures: 0.2, minSamplesLeaf: 2 } },
  { name: 'gradient-boosting', params: { nEstimators: 60, maxDepth: 3, subsample: 0.8, maxFeatures: 0.3 } },
  { name: 'adaboost', params: { nEstimators: 30, maxDepth: 4, maxFeatures: 0.3 } },
];

export interface ModelDescriptor {
  encoding: ArrayLike<number>;
  params: number;
  flops: number;
  depth: number;
}

/** One regressor row for (model, source) on a target whose similarity vector is `similarity`. */
export function rowFeatures(
  datasets: string[],
  similarity: ArrayLike<number>,
  model: ModelDescriptor,
  source: string | null,
  record: RecordFeatures,
): Float32Array {
  const j = source === null ? -1 : datasets.indexOf(source);
  return composeFeatures(
    {
      similarity,
      encoding: model.encoding,
      params: model.params,
      flops: model.flops,
      depth: model.depth,
      scores: { pretrained: source === null ? 0 : 1, sourceSimilarity: j < 0 ? 0 : similarity[j], ...record },
    },
    featureLayout(datasets.length, model.encoding.length),
  );
}

/** `vector` without `dataset`'s column (zeroed), renormalised: what a ranker that never saw it would say. */
export function withoutDataset(datasets: string[], vector: ArrayLike<number>, dataset: string): Float64Array {
  const out = Float64Array.from(vector);
  const j = datasets.indexOf(dataset);
  if (j >= 0) out[j] = 0;
  const sum = out.reduce((s, v) => s + v, 0);
  return sum > 0 ? out.map((v) => v / sum) : out;
}

function requireEncoding(encodings: Map<string, ArrayLike<number>>, r: CampaignResult): ArrayLike<number> {
  const e = encodings.get(r.modelId);
  if (!e) throw new Error(`no encoding for model ${r.modelName} (${r.modelId}): re-run the encoder stage`);
  return e;
}

/** Evaluation rows (one per campaign result) with features from the leave-one-out similarity table. */
export function evaluationRows(
  results: CampaignResult[],
  encodings: Map<string, ArrayLike<number>>,
  table: SimilarityTable,
): EvaluationRow[] {
  const record = new RepositoryRecord(table.datasets, results);
  return results.map((r) => {
    const sim = table.rows[r.dataset];
    if (!sim)
      throw new Error(`no similarity row for dataset '${r.dataset}': re-run the leave-one-out ranker`);
    return {
      dataset: r.dataset,
      model: `${r.modelName}${r.source ? `@${r.source}` : ''}`,
      architecture: r.architecture,
      sourceDataset: r.source ?? undefined,
      features: rowFeatures(
        table.datasets,
        sim,
        { ...r, encoding: requireEncoding(encodings, r) },
        r.source,
        record.features(r.architecture, sim, new Set([r.dataset])),
      ),
      accuracy: r.accuracy,
      params: r.params,
    };
  });
}

/**
 * For the leave-one-dataset-out protocol: every row's features recomputed as if `heldOut` were not in the
 * repository (its similarity column removed, its results out of every record), so nothing learned about it
 * leaks into training rows.
 */
export function rebuildWithout(
  results: CampaignResult[],
  encodings: Map<string, ArrayLike<number>>,
  table: SimilarityTable,
): (heldOut: string) => Float32Array[] {
  const record = new RepositoryRecord(table.datasets, results);
  return (heldOut) =>
    results.map((r) => {
      const sim = withoutDataset(table.datasets, table.rows[r.dataset], heldOut);
      const known = record.features(r.architecture, sim, new Set([r.dataset, heldOut]));
      return rowFeatures(
        table.datasets,
        sim,
        { ...r, encoding: requireEncoding(encodings, r) },
        r.source,
        known,
      );
    });
}
