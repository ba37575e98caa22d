/**
 * Multi-layer perceptron regressor (ReLU hidden layers, linear output) trained with Adam on mini-batches,
 * squared loss + L2, as scikit-learn's MLPRegressor; targets are z-scored internally so one learning rate
 * suits any accuracy scale. Plain typed arrays: these nets are small and tfjs start-up would dominate.
 */
import { StandardisedRegressor, type RegressorJSON } from './regressor';
import { seededRandom } from '../../random';
import type { DenseMatrix } from './matrix';

export interface MlpParams {
  hiddenLayers: number[];
  learningRate: number;
  /** L2 penalty. */
  alpha: number;
  batchSize: number;
  maxEpochs: number;
  /** Stop once the epoch loss has not improved by `tol` for `patience` epochs. */
  tol: number;
  patience: number;
  seed: number;
}
interface MlpState {
  weights: number[][];
  biases: number[][];
  yMean: number;
  yScale: number;
}

const DEFAULTS: MlpParams = {
  hiddenLayers: [64],
  learningRate: 1e-3,
  alpha: 1e-4,
  batchSize: 64,
  maxEpochs: 200,
  tol: 1e-4,
  patience: 10,
  seed: 42,
};

export class MlpRegressor extends StandardisedRegressor<MlpParams, MlpState> {
  readonly kind = 'mlp' as const;
  private W: Float64Array[] = [];
  private b: Float64Array[] = [];
  private sizes: number[] = [];
  private yMean = 0;
  private yScale = 1;
  epochsRun = 0;

  constructor(p: Partial<MlpParams> = {}) {
    super(DEFAULTS, p);
  }

  protected fitStandardised(X: DenseMatrix, yRaw: Float64Array): void {
    const { rows: n, cols: d } = X;
    const p = this.params;
    const rand = seededRandom(p.seed);
    this.yMean = yRaw.reduce((a, v) => a + v, 0) / n;
    this.yScale = Math.sqrt(yRaw.reduce((a, v) => a + (v - this.yMean) ** 2, 0) / n) || 1;
    const y = yRaw.map((v) => (v - this.yMean) / this.yScale);
    this.sizes = [d, ...p.hiddenLayers, 1];
    const L = this.sizes.length - 1;
    this.W = [];
    this.b = [];
    for (let l = 0; l < L; l++) {
      const [fi, fo] = [this.sizes[l], this.sizes[l + 1]];
      const bound = Math.sqrt(6 / (fi + fo));
      this.W.push(Float64Array.from({ length: fi * fo }, () => (2 * rand() - 1) * bound));
      this.b.push(Float64Array.from({ length: fo }, () => (2 * rand() - 1) * bound));
    }
    const params = [...this.W, ...this.b];
    const m1 = params.map((a) => new Float64Array(a.length));
    const m2 = params.map((a) => new Float64Array(a.length));
    const grads = params.map((a) => new Float64Array(a.length));
    const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
    const bs = Math.min(p.batchSize, n);
    const idx = Int32Array.from({ length: n }, (_, i) => i);
    let step = 0;
    let bestLoss = Infinity;
    let stale = 0;
    for (let epoch = 0; epoch < p.maxEpochs; epoch++) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [idx[i], idx[j]] = [idx[j], idx[i]];
      }
      let epochLoss = 0;
      for (let start = 0; start < n; start += bs) {
        const batch = idx.subarray(start, Math.min(n, start + bs));
        grads.forEach((g) => g.fill(0));
        epochLoss += this.backprop(X, y, batch, grads.slice(0, L), grads.slice(L)) * batch.length;
        step++;
        const lrT = (p.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
        params.forEach((w, k) => {
          const g = grads[k];
          const a = m1[k];
          const v = m2[k];
          for (let q = 0; q < w.length; q++) {
            a[q] = beta1 * a[q] + (1 - beta1) * g[q];
            v[q] = beta2 * v[q] + (1 - beta2) * g[q] * g[q];
            w[q] -= (lrT * a[q]) / (Math.sqrt(v[q]) + eps);
          }
        });
      }
      epochLoss /= n;
      this.epochsRun = epoch + 1;
      if (epochLoss > bestLoss - p.tol) {
        if (++stale >= p.patience) break;
      } else stale = 0;
      bestLoss = Math.min(bestLoss, epochLoss);
    }
  }

  /** Accumulates the batch-mean gradient into gW/gb and returns the batch loss (½ MSE + L2). */
  private backprop(
    X: DenseMatrix,
    y: Float64Array,
    batch: Int32Array,
    gW: Float64Array[],
    gb: Float64Array[],
  ): number {
    const B = batch.length;
    const acts = this.forward(X, batch);
    const L = this.W.length;
    const out = acts[L];
    let delta = new Float64Array(B);
    let loss = 0;
    for (let r = 0; r < B; r++) {
      const e = out[r] - y[batch[r]];
      loss += 0.5 * e * e;
      delta[r] = e / B;
    }
    let l2 = 0;
    for (let l = L - 1; l >= 0; l--) {
      const [fi, fo] = [this.sizes[l], this.sizes[l + 1]];
      const a = acts[l];
      const W = this.W[l];
      for (let r = 0; r < B; r++) {
        for (let o = 0; o < fo; o++) {
          const dv = delta[r * fo + o];
          if (dv === 0) continue;
          gb[l][o] += dv;
          for (let i = 0; i < fi; i++) gW[l][i * fo + o] += a[r * fi + i] * dv;
        }
      }
      for (let q = 0; q < W.length; q++) {
        gW[l][q] += (this.params.alpha * W[q]) / B;
        l2 += W[q] * W[q];
      }
      if (l === 0) break;
      const prev = new Float64Array(B * fi);
      for (let r = 0; r < B; r++) {
        for (let i = 0; i < fi; i++) {
          if (a[r * fi + i] <= 0) continue; // ReLU gate
          let s = 0;
          for (let o = 0; o < fo; o++) s += W[i * fo + o] * delta[r * fo + o];
          prev[r * fi + i] = s;
        }
      }
      delta = prev;
    }
    return loss / B + (0.5 * this.params.alpha * l2) / B;
  }

  /** Activations of every layer for the given rows (index 0 = input). */
  private forward(X: DenseMatrix, rows: Int32Array): Float64Array[] {
    const B = rows.length;
    const input = new Float64Array(B * X.cols);
    rows.forEach((i, r) => input.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), r * X.cols));
    const acts = [input];
    for (let l = 0; l < this.W.length; l++) {
      const [fi, fo] = [this.sizes[l], this.sizes[l + 1]];
      const a = acts[l];
      const z = new Float64Array(B * fo);
      const W = this.W[l];
      for (let r = 0; r < B; r++) {
        const zr = r * fo;
        for (let o = 0; o < fo; o++) z[zr + o] = this.b[l][o];
        for (let i = 0; i < fi; i++) {
          const ai = a[r * fi + i];
          if (ai === 0) continue;
          const wi = i * fo;
          for (let o = 0; o < fo; o++) z[zr + o] += ai * W[wi + o];
        }
        if (l < this.W.length - 1) for (let o = 0; o < fo; o++) if (z[zr + o] < 0) z[zr + o] = 0;
      }
      acts.push(z);
    }
    return acts;
  }

  protected predictStandardised(X: DenseMatrix): Float64Array {
    const out = this.forward(
      X,
      Int32Array.from({ length: X.rows }, (_, i) => i),
    )[this.W.length];
    return out.map((v) => v * this.yScale + this.yMean);
  }

  protected state(): MlpState {
    return {
      weights: this.W.map((w) => Array.from(w)),
      biases: this.b.map((b) => Array.from(b)),
      yMean: this.yMean,
      yScale: this.yScale,
    };
  }
  protected load(s: MlpState): void {
    this.W = s.weights.map((w) => Float64Array.from(w));
    this.b = s.biases.map((b) => Float64Array.from(b));
    this.sizes = [this.W[0].length / this.b[0].length, ...this.b.map((b) => b.length)];
    this.yMean = s.yMean;
    this.yScale = s.yScale;
  }
  static fromJSON(json: RegressorJSON<MlpParams, MlpState>): MlpRegressor {
    return new MlpRegressor(json.params).restore(json);
  }
}
