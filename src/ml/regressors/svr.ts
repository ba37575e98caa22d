/**
 * ε-SVR solved by SMO with second-order working-set selection (Fan, Chen & Lin 2005) — the libsvm algorithm
 * scikit-learn's SVR wraps — over a precomputed kernel matrix (fine up to a few thousand rows).
 */
import { StandardisedRegressor, type RegressorJSON } from './regressor';
import { seededRandom } from '../../random';
import type { DenseMatrix } from './matrix';

export type SvrKernel = 'rbf' | 'linear' | 'poly';
export interface SvrParams {
  kernel: SvrKernel;
  C: number;
  epsilon: number;
  /** 'scale' = 1 / (features × variance of X), as scikit-learn. */
  gamma: number | 'scale';
  degree: number;
  coef0: number;
  tol: number;
  /**
   * The kernel matrix is rows²: above this many rows the SVR is fitted on a seeded sample of them (a paper-scale
   * repository has 8,743 rows; its dataset-grouped folds hold ~6,000–7,500).
   */
  maxRows: number;
}
interface SvrState {
  gamma: number;
  cols: number;
  supportVectors: number[];
  dualCoef: number[];
  intercept: number;
}

const TAU = 1e-12;

/** At most `max` rows, a seeded uniform sample in their original order (all of them when there are fewer). */
function sampleRows(X: DenseMatrix, y: Float64Array, max: number): { X: DenseMatrix; y: Float64Array } {
  if (X.rows <= max) return { X, y };
  const rand = seededRandom(X.rows);
  const order = Array.from({ length: X.rows }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const keep = order.slice(0, max).sort((a, b) => a - b);
  const data = new Float64Array(max * X.cols);
  keep.forEach((r, k) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), k * X.cols));
  return { X: { data, rows: max, cols: X.cols }, y: Float64Array.from(keep, (r) => y[r]) };
}

const DEFAULTS: SvrParams = {
  kernel: 'rbf',
  C: 1,
  epsilon: 0.1,
  gamma: 'scale',
  degree: 3,
  coef0: 0,
  tol: 1e-3,
  maxRows: 6000,
};

export class SvrRegressor extends StandardisedRegressor<SvrParams, SvrState> {
  readonly kind = 'svr' as const;
  private gamma = 1;
  private sv = new Float64Array(0);
  private cols = 0;
  private coef = new Float64Array(0);
  private intercept = 0;

  constructor(p: Partial<SvrParams> = {}) {
    super(DEFAULTS, p);
    if (!(this.params.maxRows >= 2))
      throw new RangeError(`SVR maxRows must be ≥ 2, got ${this.params.maxRows}`);
    if (!(this.params.C > 0)) throw new RangeError(`SVR C must be > 0, got ${this.params.C}`);
    if (!(this.params.epsilon >= 0))
      throw new RangeError(`SVR epsilon must be ≥ 0, got ${this.params.epsilon}`);
  }

  private kernelValue(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
    const { kernel, degree, coef0 } = this.params;
    if (kernel === 'rbf') {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = a[ai + k] - b[bi + k];
        s += t * t;
      }
      return Math.exp(-this.gamma * s);
    }
    let dot = 0;
    for (let k = 0; k < d; k++) dot += a[ai + k] * b[bi + k];
    return kernel === 'linear' ? dot : Math.pow(this.gamma * dot + coef0, degree);
  }

  protected fitStandardised(all: DenseMatrix, yAll: Float64Array): void {
    const { X, y } = sampleRows(all, yAll, this.params.maxRows);
    const { rows: l, cols: d, data } = X;
    this.gamma = this.params.gamma === 'scale' ? 1 / (d * variance(data) || 1) : this.params.gamma;
    const K = new Float64Array(l * l);
    for (let i = 0; i < l; i++) {
      for (let j = i; j < l; j++) {
        const v = this.kernelValue(data, i * d, data, j * d, d);
        K[i * l + j] = v;
        K[j * l + i] = v;
      }
    }
    const { alpha, rho } = solveEpsilonSvr(K, y, this.params.C, this.params.epsilon, this.params.tol);
    const keep: number[] = [];
    for (let i = 0; i < l; i++) if (alpha[i] - alpha[i + l] !== 0) keep.push(i);
    this.cols = d;
    this.sv = new Float64Array(keep.length * d);
    this.coef = new Float64Array(keep.length);
    keep.forEach((i, s) => {
      this.sv.set(data.subarray(i * d, (i + 1) * d), s * d);
      this.coef[s] = alpha[i] - alpha[i + l];
    });
    this.intercept = -rho;
  }

  protected predictStandardised(X: DenseMatrix): Float64Array {
    const out = new Float64Array(X.rows);
    const d = this.cols;
    for (let i = 0; i < X.rows; i++) {
      let s = this.intercept;
      for (let k = 0; k < this.coef.length; k++)
        s += this.coef[k] * this.kernelValue(this.sv, k * d, X.data, i * d, d);
      out[i] = s;
    }
    return out;
  }

  get supportVectorCount(): number {
    return this.coef.length;
  }

  protected state(): SvrState {
    return {
      gamma: this.gamma,
      cols: this.cols,
      supportVectors: Array.from(this.sv),
      dualCoef: Array.from(this.coef),
      intercept: this.intercept,
    };
  }
  protected load(s: SvrState): void {
    this.gamma = s.gamma;
    this.cols = s.cols;
    this.sv = Float64Array.from(s.supportVectors);
    this.coef = Float64Array.from(s.dualCoef);
    this.intercept = s.intercept;
  }
  static fromJSON(json: RegressorJSON<SvrParams, SvrState>): SvrRegressor {
    return new SvrRegressor(json.params).restore(json);
  }
}

function variance(a: Float64Array): number {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let s = 0;
  for (const v of a) s += (v - m) * (v - m);
  return s / a.length;
}

/**
 * libsvm's Solver on the 2l-variable ε-SVR dual: variables α (sign +1) and α* (sign −1), Q_ij = s_i s_j K_ij,
 * linear term p = (ε − y, ε + y). Returns the 2l alphas and ρ (the model is f(x) = Σ (α_i − α*_i) K(x_i, x) − ρ).
 */
export function solveEpsilonSvr(
  K: Float64Array,
  y: Float64Array,
  C: number,
  epsilon: number,
  tol: number,
): { alpha: Float64Array; rho: number; iterations: number } {
  const l = y.length;
  const n = 2 * l;
  const alpha = new Float64Array(n);
  const sign = new Int8Array(n);
  const G = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < l; i++) {
    sign[i] = 1;
    sign[i + l] = -1;
    G[i] = epsilon - y[i];
    G[i + l] = epsilon + y[i];
    QD[i] = QD[i + l] = K[i * l + i];
  }
  const q = (i: number, j: number): number => sign[i] * sign[j] * K[(i % l) * l + (j % l)];
  const upper = (i: number): boolean => alpha[i] >= C;
  const lower = (i: number): boolean => alpha[i] <= 0;
  const maxIter = Math.max(10_000_000, 100 * l);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    // Working-set selection (WSS 2): i maximises −s_t G_t over I_up; j minimises the second-order gain.
    let gmax = -Infinity;
    let gmax2 = -Infinity;
    let iIdx = -1;
    for (let t = 0; t < n; t++) {
      if (sign[t] === 1) {
        if (!upper(t) && -G[t] >= gmax) {
          gmax = -G[t];
          iIdx = t;
        }
      } else if (!lower(t) && G[t] >= gmax) {
        gmax = G[t];
        iIdx = t;
      }
    }
    let jIdx = -1;
    let objMin = Infinity;
    const ri = iIdx === -1 ? 0 : (iIdx % l) * l;
    for (let j = 0; j < n; j++) {
      if (iIdx === -1) break;
      const kij = K[ri + (j % l)];
      const qij = sign[iIdx] * sign[j] * kij;
      if (sign[j] === 1) {
        if (!lower(j)) {
          const diff = gmax + G[j];
          if (G[j] >= gmax2) gmax2 = G[j];
          if (diff > 0) {
            const quad = QD[iIdx] + QD[j] - 2 * sign[iIdx] * qij;
            const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
            if (obj <= objMin) {
              jIdx = j;
              objMin = obj;
            }
          }
        }
      } else if (!upper(j)) {
        const diff = gmax - G[j];
        if (-G[j] >= gmax2) gmax2 = -G[j];
        if (diff > 0) {
          const quad = QD[iIdx] + QD[j] + 2 * sign[iIdx] * qij;
          const obj = -(diff * diff) / (quad > 0 ? quad : TAU);
          if (obj <= objMin) {
            jIdx = j;
            objMin = obj;
          }
        }
      }
    }
    if (gmax + gmax2 < tol || jIdx === -1) break;
    const i = iIdx;
    const j = jIdx;
    const oldI = alpha[i];
    const oldJ = alpha[j];
    const qij = q(i, j);
    if (sign[i] !== sign[j]) {
      let quad = QD[i] + QD[j] + 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let quad = QD[i] + QD[j] - 2 * qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dI = alpha[i] - oldI;
    const dJ = alpha[j] - oldJ;
    const rI = (i % l) * l;
    const rJ = (j % l) * l;
    for (let k = 0; k < n; k++) {
      const kk = k % l;
      G[k] += sign[k] * (sign[i] * K[rI + kk] * dI + sign[j] * K[rJ + kk] * dJ);
    }
  }
  // ρ: mean of s_t G_t over free variables, else the midpoint of the feasible interval.
  let ub = Infinity;
  let lb = -Infinity;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < n; t++) {
    const yG = sign[t] * G[t];
    if (upper(t)) {
      if (sign[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (sign[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree += 1;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter };
}
