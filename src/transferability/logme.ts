/**
 * LogME (You et al., ICML 2021): the log marginal evidence of a Bayesian linear model from a network's
 * penultimate features to each one-hot target column, maximised over the prior/noise precisions (α, β) by the
 * paper's fixed-point iteration, averaged over classes and divided by N. Higher = features transfer better.
 * Works in the eigenbasis of whichever Gram matrix (FᵀF or FFᵀ) is smaller, so wide features stay cheap.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { TransferabilityInputError, checkLabels } from './labels';

const EPSILON = 1e-5; // as the reference implementation, keeps the updates finite
const MAX_ITER = 11;

export interface LogMeResult {
  /** Mean over classes of evidence / N. */
  score: number;
  perClass: number[];
  alpha: number[];
  beta: number[];
}

/** `features` is row-major N × D (N = labels.length). */
export function logme(features: Float32Array | Float64Array, labels: ArrayLike<number>): LogMeResult {
  const N = labels.length;
  const K = checkLabels(labels, 'LogME');
  if (N === 0 || features.length % N !== 0) {
    throw new TransferabilityInputError(
      `LogME: ${features.length} feature values do not split into ${N} rows`,
    );
  }
  const D = features.length / N;
  // Nonzero spectrum s_i of FᵀF with unit vectors u_i in sample space (F = Σ √s_i u_i v_iᵀ).
  const useFeatureGram = D <= N;
  const gram = useFeatureGram ? gramOf(features, N, D, true) : gramOf(features, N, D, false);
  const eig = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const vals = eig.realEigenvalues;
  const vecs = eig.eigenvectorMatrix;
  const maxS = Math.max(...vals, 0);
  const keep = vals.flatMap((sv, k) => (sv > maxS * 1e-12 ? [k] : []));
  const s = keep.map((k) => vals[k]);
  // D×D case: u = F v / √s (one pass over F for all kept vectors); N×N case: the eigenvector already is u.
  const U: Float64Array[] = keep.map(() => new Float64Array(N));
  if (useFeatureGram) {
    const V = keep.map((k) => Float64Array.from(vecs.getColumn(k)));
    for (let i = 0; i < N; i++) {
      const row = features.subarray(i * D, (i + 1) * D);
      V.forEach((v, c) => {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += row[j] * v[j];
        U[c][i] = dot / Math.sqrt(s[c]);
      });
    }
  } else keep.forEach((k, c) => U[c].set(vecs.getColumn(k)));
  const perClass: number[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  for (let c = 0; c < K; c++) {
    const y = Float64Array.from(labels, (l) => (l === c ? 1 : 0));
    const q = U.map((u) => u.reduce((acc, v, i) => acc + v * y[i], 0));
    const yy = y.reduce((a, v) => a + v * v, 0);
    const outside = Math.max(0, yy - q.reduce((a, v) => a + v * v, 0)); // |y|² outside the span of F
    const { evidence, alpha, beta } = evidenceFor(s, q, outside, N);
    perClass.push(evidence);
    alphas.push(alpha);
    betas.push(beta);
  }
  return { score: perClass.reduce((a, b) => a + b, 0) / K, perClass, alpha: alphas, beta: betas };
}

function evidenceFor(s: number[], q: number[], outside: number, N: number) {
  let alpha = 1;
  let beta = 1;
  let lam = alpha / beta;
  let alphaDe = 0;
  let betaDe = 0;
  for (let it = 0; it < MAX_ITER; it++) {
    let gamma = 0;
    alphaDe = 0;
    betaDe = outside;
    for (let i = 0; i < s.length; i++) {
      gamma += s[i] / (s[i] + lam);
      const c = beta / (alpha + beta * s[i]); // posterior mean m = Σ c t_i v_i with t_i = √s_i q_i
      alphaDe += c * c * s[i] * q[i] * q[i];
      betaDe += (q[i] - c * s[i] * q[i]) ** 2;
    }
    alpha = gamma / (alphaDe + EPSILON);
    beta = (N - gamma) / (betaDe + EPSILON);
    const newLam = alpha / beta;
    if (Math.abs(newLam - lam) / lam < 0.01) break;
    lam = newLam;
  }
  // (D/2)·log α − ½·log det(αI + βFᵀF), with the (D − |s|) null-space terms cancelled: all-zero features
  // (a dead network) then give the noise-only evidence instead of ∞ − ∞.
  let logDet = 0;
  for (const sv of s) logDet += Math.log(alpha + beta * sv);
  const evidence =
    (s.length > 0 ? (s.length / 2) * Math.log(alpha) : 0) +
    (N / 2) * Math.log(beta) -
    0.5 * logDet -
    (beta / 2) * (betaDe + EPSILON) -
    (alpha / 2) * (alphaDe + EPSILON) -
    (N / 2) * Math.log(2 * Math.PI);
  return { evidence: evidence / N, alpha, beta };
}

/** FᵀF (D×D) when `featureSide`, else FFᵀ (N×N), from row-major N × D features. */
function gramOf(f: Float32Array | Float64Array, N: number, D: number, featureSide: boolean): Matrix {
  const size = featureSide ? D : N;
  const g = new Float64Array(size * size);
  if (featureSide) {
    for (let i = 0; i < N; i++) {
      const off = i * D;
      for (let a = 0; a < D; a++) {
        const fa = f[off + a];
        if (fa === 0) continue;
        const ga = a * D;
        for (let b = a; b < D; b++) g[ga + b] += fa * f[off + b];
      }
    }
  } else {
    for (let a = 0; a < N; a++) {
      for (let b = a; b < N; b++) {
        let dot = 0;
        for (let j = 0; j < D; j++) dot += f[a * D + j] * f[b * D + j];
        g[a * N + b] = dot;
      }
    }
  }
  const m = new Matrix(size, size);
  for (let a = 0; a < size; a++) {
    for (let b = a; b < size; b++) {
      m.set(a, b, g[a * size + b]);
      m.set(b, a, g[a * size + b]);
    }
  }
  return m;
}
