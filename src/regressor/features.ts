/**
 * The accuracy regressor's input row: dataset similarity vector ⊕ model encoding ⊕ optional model
 * descriptors (log-scaled sizes, depth) and forward-pass transferability scores. One function builds every row
 * so training and recommendation cannot disagree on the layout; `featureNames` labels the columns.
 */
import { RegressorInputError } from '../ml/regressors/matrix';

export interface FeatureParts {
  /** Similarity of the target dataset to each source dataset, in a fixed source order. */
  similarity: ArrayLike<number>;
  /** The model's learned encoding (e.g. 512-d). */
  encoding: ArrayLike<number>;
  params?: number;
  flops?: number;
  depth?: number;
  /** e.g. { logme: …, leep: … } */
  scores?: Record<string, number>;
}

export interface FeatureLayout {
  similarity: number;
  encoding: number;
  descriptors: ('params' | 'flops' | 'depth')[];
  scores: string[];
}

export function composeFeatures(parts: FeatureParts, layout: FeatureLayout): Float32Array {
  if (parts.similarity.length !== layout.similarity || parts.encoding.length !== layout.encoding) {
    throw new RegressorInputError(
      `feature parts have ${parts.similarity.length} similarities and ${parts.encoding.length} encoding values; ` +
        `the layout expects ${layout.similarity} and ${layout.encoding}: rebuild them with the same ranker and encoder`,
    );
  }
  const out = new Float32Array(
    layout.similarity + layout.encoding + layout.descriptors.length + layout.scores.length,
  );
  out.set(Array.from(parts.similarity), 0);
  out.set(Array.from(parts.encoding), layout.similarity);
  let k = layout.similarity + layout.encoding;
  for (const d of layout.descriptors) {
    const v = parts[d];
    if (v === undefined || !Number.isFinite(v) || v < 0) {
      throw new RegressorInputError(
        `model descriptor '${d}' is missing or invalid (${v}): provide it or drop it from the layout`,
      );
    }
    // Sizes span orders of magnitude: log10(1 + x) keeps them comparable with the other columns.
    out[k++] = d === 'depth' ? v : Math.log10(1 + v);
  }
  for (const s of layout.scores) {
    const v = parts.scores?.[s];
    if (v === undefined || !Number.isFinite(v)) {
      throw new RegressorInputError(
        `transferability score '${s}' is missing (${v}): compute it or drop it from the layout`,
      );
    }
    out[k++] = v;
  }
  return out;
}

/** The column of a named score (FeatureLayout.scores) in composed rows. */
export function scoreColumn(layout: FeatureLayout, score: string): number {
  const j = layout.scores.indexOf(score);
  if (j < 0) throw new RegressorInputError(`the feature layout has no score '${score}'`);
  return layout.similarity + layout.encoding + layout.descriptors.length + j;
}

export function featureNames(layout: FeatureLayout, sources: string[] = []): string[] {
  return [
    ...Array.from({ length: layout.similarity }, (_, i) => `similarity:${sources[i] ?? i}`),
    ...Array.from({ length: layout.encoding }, (_, i) => `encoding:${i}`),
    ...layout.descriptors.map((d) => (d === 'depth' ? 'depth' : `log10(1+${d})`)),
    ...layout.scores.map((s) => `score:${s}`),
  ];
}
