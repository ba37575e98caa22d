/** Ridge regression in closed form: primal (XᵀX+αI)w = Xᵀy when rows ≥ features, dual otherwise. */
import { StandardisedRegressor, type RegressorJSON } from './regressor';
import type { DenseMatrix } from './matrix';

export interface RidgeParams {
  alpha: number;
}
interface RidgeState {
  weights: number[];
  intercept: number;
}

export class RidgeRegressor extends StandardisedRegressor<RidgeParams, RidgeState> {
  readonly kind = 'ridge' as const;
  private weights = new Float64Array(0);
  private intercept = 0;

  constructor(params: Partial<RidgeParams> = {}) {
    super({ alpha: 1 }, params);
    if (!(this.params.alpha > 0)) throw new RangeError(`ridge alpha must be > 0, got ${this.params.alpha}`);
  }

  protected fitStandardised(X: DenseMatrix, y: Float64Array): void {
    const { rows: n, cols: d, data } = X;
    // Centre (the standardiser already centred X on the training rows, but be exact about y).
    const xMean = new Float64Array(d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xMean[j] += data[i * d + j] / n;
    const yMean = y.reduce((a, b) => a + b, 0) / n;
    const Xc = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) Xc[i * d + j] = data[i * d + j] - xMean[j];
    const yc = y.map((v) => v - yMean);
    const w = new Float64Array(d);
    if (n >= d) {
      const A = new Float64Array(d * d);
      const b = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const off = i * d;
        for (let j = 0; j < d; j++) {
          const xij = Xc[off + j];
          if (xij === 0) continue;
          b[j] += xij * yc[i];
          for (let k = j; k < d; k++) A[j * d + k] += xij * Xc[off + k];
        }
      }
      for (let j = 0; j < d; j++) {
        A[j * d + j] += this.params.alpha;
        for (let k = 0; k < j; k++) A[j * d + k] = A[k * d + j];
      }
      w.set(solveSPD(A, b, d));
    } else {
      const K = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let k = i; k < n; k++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += Xc[i * d + j] * Xc[k * d + j];
          K[i * n + k] = s;
          K[k * n + i] = s;
        }
        K[i * n + i] += this.params.alpha;
      }
      const a = solveSPD(K, yc, n);
      for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) w[j] += a[i] * Xc[i * d + j];
    }
    this.weights = w;
    this.intercept = yMean - xMean.reduce((s, m, j) => s + m * w[j], 0);
  }

  protected predictStandardised(X: DenseMatrix): Float64Array {
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = this.intercept;
      for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j] * this.weights[j];
      out[i] = s;
    }
    return out;
  }

  protected state(): RidgeState {
    return { weights: Array.from(this.weights), intercept: this.intercept };
  }
  protected load(s: RidgeState): void {
    this.weights = Float64Array.from(s.weights);
    this.intercept = s.intercept;
  }
  static fromJSON(json: RegressorJSON<RidgeParams, RidgeState>): RidgeRegressor {
    return new RidgeRegressor(json.params).restore(json);
  }
}

/** Solves A x = b for symmetric positive-definite A (n×n, row-major) by Cholesky; A is overwritten. */
export function solveSPD(A: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= A[j * n + k] * A[j * n + k];
    if (!(s > 0)) throw new RangeError('matrix is not positive definite: increase the ridge penalty');
    const ljj = Math.sqrt(s);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = t / ljj;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let t = x[i];
    for (let k = 0; k < i; k++) t -= A[i * n + k] * x[k];
    x[i] = t / A[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = x[i];
    for (let k = i + 1; k < n; k++) t -= A[k * n + i] * x[k];
    x[i] = t / A[i * n + i];
  }
  return x;
}
