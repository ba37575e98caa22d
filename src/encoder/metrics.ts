/**
 * Quality measures of the encoding space and the language model's baseline.
 * Distances are Euclidean, as in scikit-learn's silhouette_score default (the test fixture's oracle).
 */
import { Vocabulary } from './vocabulary';

function squaredDistances(vectors: Float32Array[]): Float64Array {
  const n = vectors.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      const a = vectors[i];
      const b = vectors[j];
      for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

function checkLabelled(vectors: Float32Array[], labels: number[]): void {
  if (vectors.length !== labels.length) throw new Error('need exactly one label per vector');
  if (vectors.length < 2) throw new Error('need at least two vectors');
  const dim = vectors[0].length;
  if (vectors.some((v) => v.length !== dim)) throw new Error('all vectors must have the same length');
}

/** Mean over points of the share of their k nearest neighbours (self excluded) with the same label. */
export function knnPurity(vectors: Float32Array[], labels: number[], k = 5): number {
  checkLabelled(vectors, labels);
  const n = vectors.length;
  if (!Number.isInteger(k) || k < 1 || k >= n) throw new Error(`k must be an integer in [1, ${n - 1}]`);
  const d = squaredDistances(vectors);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    others.sort((a, b) => d[i * n + a] - d[i * n + b] || a - b);
    let same = 0;
    for (let m = 0; m < k; m++) if (labels[others[m]] === labels[i]) same++;
    total += same / k;
  }
  return total / n;
}

/** Mean silhouette coefficient (Rousseeuw 1987); points alone in their cluster score 0, as in scikit-learn. */
export function silhouette(vectors: Float32Array[], labels: number[]): number {
  checkLabelled(vectors, labels);
  const n = vectors.length;
  const clusters = [...new Set(labels)];
  if (clusters.length < 2) throw new Error('silhouette needs at least two distinct labels');
  const d = squaredDistances(vectors);
  const size = new Map(clusters.map((c) => [c, labels.filter((l) => l === c).length]));
  let total = 0;
  for (let i = 0; i < n; i++) {
    const sums = new Map<number, number>(clusters.map((c) => [c, 0]));
    for (let j = 0; j < n; j++)
      if (j !== i) sums.set(labels[j], sums.get(labels[j])! + Math.sqrt(d[i * n + j]));
    const own = size.get(labels[i])!;
    if (own === 1) continue;
    const a = sums.get(labels[i])! / (own - 1);
    let b = Infinity;
    for (const c of clusters) if (c !== labels[i]) b = Math.min(b, sums.get(c)! / size.get(c)!);
    total += (b - a) / Math.max(a, b);
  }
  return total / n;
}

/**
 * Perplexity of an add-one-smoothed unigram model fitted on `train`, on `heldOut`, predicting the
 * same targets as the language model (every token, then EOS; out-of-vocabulary tokens as UNK).
 */
export function unigramPerplexity(train: string[], heldOut: string[], vocabulary: Vocabulary): number {
  const counts = new Float64Array(vocabulary.size).fill(1);
  let total = vocabulary.size;
  const targets = (s: string) => {
    const ids = vocabulary.encodeSentence(s);
    ids.copyWithin(0, 1);
    ids[ids.length - 1] = vocabulary.eos;
    return ids;
  };
  for (const s of train) {
    for (const id of targets(s)) {
      counts[id]++;
      total++;
    }
  }
  let nll = 0;
  let n = 0;
  for (const s of heldOut) {
    for (const id of targets(s)) {
      nll -= Math.log(counts[id] / total);
      n++;
    }
  }
  if (n === 0) throw new Error('unigramPerplexity needs at least one held-out sentence');
  return Math.exp(nll / n);
}
