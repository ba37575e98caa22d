// Leave-one-out evaluation of the ranker (the paper's Figure 4a): for each repository dataset, train a ranker on
// the others and let it score the held-out dataset. Row i of the result is held-out dataset i's similarity to
// every other dataset (its own column is 0).
import { RankerInputError } from './errors';
import { type FeatureMatrix } from '../ml/classifiers/matrix';
import type { LabelledFeatures } from './member';
import { DatasetSimilarityRanker, type RankerFitOptions } from './ranker';

export interface DatasetFeatures {
  name: string;
  /** feature kind → that dataset's n×d features */
  features: Record<string, FeatureMatrix>;
}

export interface LeaveOneOutResult {
  datasets: string[];
  /** n×n; row = held-out dataset, column = repository dataset; rows sum to 1, diagonal 0 */
  similarity: number[][];
  /** n×n raw vote counts behind `similarity` */
  votes: number[][];
  mostSimilar: string[];
}

/** Stacks the datasets' features per kind, labelling each row with its dataset's index. */
export function stackTrainingData(datasets: DatasetFeatures[]): Record<string, LabelledFeatures> {
  if (datasets.length === 0) throw new RankerInputError('no datasets given');
  const kinds = Object.keys(datasets[0].features).sort();
  const out: Record<string, LabelledFeatures> = {};
  for (const kind of kinds) {
    const parts = datasets.map((ds) => {
      const f = ds.features[kind];
      if (!f)
        throw new RankerInputError(
          `dataset '${ds.name}' has no '${kind}' features; extract the same kinds for all`,
        );
      return f;
    });
    const d = parts[0].d;
    const bad = parts.findIndex((p) => p.d !== d);
    if (bad >= 0)
      throw new RankerInputError(
        `'${kind}' features of '${datasets[bad].name}' have d=${parts[bad].d}, expected ${d}`,
      );
    const n = parts.reduce((a, p) => a + p.n, 0);
    const X = new Float32Array(n * d);
    const y = new Int32Array(n);
    let row = 0;
    parts.forEach((p, label) => {
      X.set(p.X.subarray(0, p.n * d), row * d);
      y.fill(label, row, row + p.n);
      row += p.n;
    });
    out[kind] = { X, n, d, y };
  }
  return out;
}

/** One row of the leave-one-out matrix: the held-out dataset's similarity and votes per dataset (its own 0). */
export interface LeaveOneOutRow {
  similarity: number[];
  votes: number[];
  /** The members' disagreement about the held-out dataset (bits): the scale a new dataset is judged on. */
  disagreement: number;
}

/** The datasets other than `i`, and their stacked features: what the ranker of row `i` is trained on. */
export function leaveOneOutTraining(
  datasets: DatasetFeatures[],
  i: number,
): { others: DatasetFeatures[]; training: Record<string, LabelledFeatures> } {
  if (datasets.length < 3)
    throw new RankerInputError('leave-one-out needs at least 3 datasets (a ranker needs 2)');
  const others = datasets.filter((_, j) => j !== i);
  return { others, training: stackTrainingData(others) };
}

/** Held-out dataset `i` scored by `ranker`, trained on the others (leaveOneOutTraining). */
export function heldOutRow(
  datasets: DatasetFeatures[],
  i: number,
  ranker: DatasetSimilarityRanker,
): LeaveOneOutRow {
  const res = ranker.similarity(datasets[i].features);
  const others = datasets.filter((_, j) => j !== i);
  return {
    similarity: datasets.map((ds, j) => (j === i ? 0 : res.similarity[ds.name])),
    votes: datasets.map((ds, j) => (j === i ? 0 : res.votes[others.indexOf(ds)])),
    disagreement: res.disagreement,
  };
}

/** Scores held-out dataset `i` with a ranker trained on all the others; returns its similarity row (length n). */
export function leaveOneOutRow(
  datasets: DatasetFeatures[],
  i: number,
  options: RankerFitOptions = {},
): LeaveOneOutRow {
  const { others, training } = leaveOneOutTraining(datasets, i);
  const ranker = new DatasetSimilarityRanker().fit(
    training,
    others.map((d) => d.name),
    { holdOut: 0, ...options },
  );
  return heldOutRow(datasets, i, ranker);
}

export function leaveOneOutSimilarity(
  datasets: DatasetFeatures[],
  options: RankerFitOptions = {},
): LeaveOneOutResult {
  const names = datasets.map((d) => d.name);
  if (new Set(names).size !== names.length)
    throw new RankerInputError(`dataset names must be distinct: ${names.join(', ')}`);
  const rows = datasets.map((_, i) => leaveOneOutRow(datasets, i, options));
  return {
    datasets: names,
    similarity: rows.map((r) => r.similarity),
    votes: rows.map((r) => r.votes),
    mostSimilar: rows.map((r) => names[r.similarity.indexOf(Math.max(...r.similarity))]),
  };
}
