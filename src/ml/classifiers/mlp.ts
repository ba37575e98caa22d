// Multi-layer perceptron (ReLU hidden layers, softmax output, cross-entropy, Adam or L-BFGS), as sklearn's MLPClassifier
// with hidden_layer_sizes=(256, 128). Plain Float32Array loops ordered so the innermost loop runs over
// contiguous memory: every product is C = A·Bᵀ with a 2×2 register-blocked dot-product kernel, ~5× faster
// in V8 than the naive axpy loop (measured: 113 vs 647 ms for 512×512·512×256).
import { seededRandom, shuffle } from '../../random';
import type { SeededOptions } from '../options';
import { ProbabilisticBaseClassifier, type ClassifierJSON } from './classifier';
import { decodeF32, encodeArray, ClassifierInputError } from './matrix';
import type { EncodedArray } from './matrix';
import { lbfgs, type Objective } from '../lbfgs';
import { matmulABt } from '../simd-matmul';

export interface MlpOptions extends SeededOptions {
  hidden?: number[];
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty (sklearn's alpha) */
  l2?: number;
  /** stop when the epoch loss has not improved by `tol` for `patience` epochs (sklearn's n_iter_no_change) */
  tol?: number;
  patience?: number;
  /** 'adam' (minibatches, `epochs` passes) or 'lbfgs' (full batch, `epochs` iterations: sklearn's max_iter) */
  solver?: 'adam' | 'lbfgs';
}

interface BackpropBuffers {
  acts: Float32Array[];
  deltas: Float32Array[];
  gW: Float32Array[];
  gB: Float32Array[];
  actT: Float32Array;
  deltaT: Float32Array;
  wInOut: Float32Array;
}

const DEFAULTS: Required<MlpOptions> = {
  hidden: [256, 128],
  epochs: 200,
  batchSize: 200,
  learningRate: 1e-3,
  l2: 1e-4,
  tol: 1e-4,
  patience: 10,
  solver: 'adam',
  seed: 1,
};

export class Mlp extends ProbabilisticBaseClassifier<MlpOptions> {
  readonly type = 'mlp';
  /** per layer: W (out×in, row-major: row j holds unit j's input weights) and b (out) */
  weights: Float32Array[] = [];
  biases: Float32Array[] = [];
  /** mean training loss of each epoch (not serialised) */
  lossHistory: number[] = [];

  constructor(options: MlpOptions = {}) {
    super(DEFAULTS, options);
    const o = this.options;
    if (!(
      o.hidden.every((h) => Number.isInteger(h) && h > 0) &&
      o.epochs >= 1 &&
      o.batchSize >= 1 &&
      o.learningRate > 0 &&
      (o.solver === 'adam' || o.solver === 'lbfgs')
    )) {
      throw new ClassifierInputError(`mlp: invalid options ${JSON.stringify(o)}`);
    }
  }

  private sizes(): number[] {
    return [this.d, ...this.options.hidden, this.numClasses];
  }

  protected fitNormalized(X: Float32Array, n: number, d: number, y: Int32Array): void {
    const o = this.options;
    const sizes = this.sizes();
    const L = sizes.length - 1;
    const rng = seededRandom(o.seed);
    this.weights = [];
    this.biases = [];
    for (let l = 0; l < L; l++) {
      // Glorot-uniform, the initialisation sklearn uses for relu nets
      const bound = Math.sqrt(6 / (sizes[l] + sizes[l + 1]));
      this.weights.push(
        Float32Array.from({ length: sizes[l] * sizes[l + 1] }, () => (2 * rng() - 1) * bound),
      );
      this.biases.push(Float32Array.from({ length: sizes[l + 1] }, () => (2 * rng() - 1) * bound));
    }
    if (o.solver === 'lbfgs') return this.fitLbfgs(X, n, d, y);
    const params = [...this.weights, ...this.biases];
    const m1 = params.map((p) => new Float32Array(p.length));
    const m2 = params.map((p) => new Float32Array(p.length));
    const B = Math.min(o.batchSize, n);
    const buf = this.buffers(B);
    const grads = [...buf.gW, ...buf.gB];
    const labels = new Int32Array(B);
    const order = new Int32Array(n).map((_, i) => i);
    const beta1 = 0.9;
    const beta2 = 0.999;
    let step = 0;
    let bestLoss = Infinity;
    let stale = 0;
    this.lossHistory = [];
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      shuffle(order, rng);
      let lossSum = 0;
      for (let start = 0; start < n; start += B) {
        const b = Math.min(B, n - start);
        for (let i = 0; i < b; i++) {
          buf.acts[0].set(X.subarray(order[start + i] * d, order[start + i] * d + d), i * d);
          labels[i] = y[order[start + i]];
        }
        lossSum = this.gradient(buf, b, labels, lossSum);
        step++;
        const lr = (o.learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
        for (let pi = 0; pi < params.length; pi++) {
          const p = params[pi];
          const g = grads[pi];
          const a1 = m1[pi];
          const a2 = m2[pi];
          for (let j = 0; j < p.length; j++) {
            a1[j] = beta1 * a1[j] + (1 - beta1) * g[j];
            a2[j] = beta2 * a2[j] + (1 - beta2) * g[j] * g[j];
            p[j] -= (lr * a1[j]) / (Math.sqrt(a2[j]) + 1e-8);
          }
        }
      }
      const loss = lossSum / n;
      this.lossHistory.push(loss);
      stale = loss > bestLoss - o.tol ? stale + 1 : 0;
      bestLoss = Math.min(bestLoss, loss);
      if (stale >= o.patience) break;
    }
  }

  /**
   * sklearn's solver='lbfgs': full-batch L-BFGS on mean cross-entropy + l2/(2n)·Σ‖W‖², at most `epochs`
   * iterations, stopping when max |gradient| ≤ tol. lossHistory holds the objective after each iteration.
   */
  private fitLbfgs(X: Float32Array, n: number, d: number, y: Int32Array): void {
    const { objective, parameters, unpack } = this.lbfgsObjective(X, n, d, y);
    const x = parameters();
    this.lossHistory = [];
    lbfgs(objective, x, {
      maxIter: this.options.epochs,
      gtol: this.options.tol,
      onIteration: (f) => this.lossHistory.push(f),
    });
    unpack(x);
  }

  /**
   * The objective fitLbfgs minimises, over the parameters flattened as weights then biases (`parameters()` reads
   * the current ones; the objective sets the model's parameters to its argument). Public for its gradient test.
   */
  lbfgsObjective(
    X: Float32Array,
    n: number,
    d: number,
    y: Int32Array,
  ): { objective: Objective; parameters: () => Float64Array; unpack: (v: Float64Array) => void } {
    const l2 = this.options.l2;
    const buf = this.buffers(n);
    buf.acts[0].set(X.subarray(0, n * d));
    const params = [...this.weights, ...this.biases];
    const grads = [...buf.gW, ...buf.gB];
    const unpack = (v: Float64Array) => {
      let at = 0;
      for (const p of params) for (let j = 0; j < p.length; j++) p[j] = v[at++];
    };
    const parameters = () => {
      const x = new Float64Array(params.reduce((t, p) => t + p.length, 0));
      let at = 0;
      for (const p of params) for (let j = 0; j < p.length; j++) x[at++] = p[j];
      return x;
    };
    const objective = (v: Float64Array, g: Float64Array): number => {
      unpack(v);
      const ce = this.gradient(buf, n, y, 0) / n;
      let w2 = 0;
      for (const W of this.weights) for (let j = 0; j < W.length; j++) w2 += W[j] * W[j];
      let k = 0;
      for (const gp of grads) for (let j = 0; j < gp.length; j++) g[k++] = gp[j];
      return ce + (0.5 * l2 * w2) / n;
    };
    return { objective, parameters, unpack };
  }

  /** Activations, deltas, gradients and transpose scratch for batches of up to B rows. */
  private buffers(B: number): BackpropBuffers {
    const sizes = this.sizes();
    const maxSize = Math.max(...sizes);
    return {
      acts: sizes.map((s) => new Float32Array(B * s)),
      deltas: sizes.map((s) => new Float32Array(B * s)),
      gW: this.weights.map((w) => new Float32Array(w.length)),
      gB: this.biases.map((b) => new Float32Array(b.length)),
      // scratch for the transposes that let every product run as C = A·Bᵀ over contiguous rows
      actT: new Float32Array(B * maxSize),
      deltaT: new Float32Array(B * maxSize),
      wInOut: new Float32Array(maxSize * maxSize),
    };
  }

  /**
   * Forward and backward pass over the b rows in buf.acts[0] with classes `labels`: buf.gW/gB get the gradient
   * of the batch's mean cross-entropy plus l2·W/b. Returns lossSum plus the batch's summed cross-entropy.
   */
  private gradient(buf: BackpropBuffers, b: number, labels: Int32Array, lossSum: number): number {
    const o = this.options;
    const sizes = this.sizes();
    const L = sizes.length - 1;
    const k = this.numClasses;
    const { acts, deltas, gW, gB, actT, deltaT, wInOut } = buf;
    this.forward(acts, b);
    // softmax cross-entropy gradient at the output: (p - onehot) / b. Terms under 1e-30 (a confident net's
    // p of the wrong classes) become 0: their products in the backward pass would be subnormal floats, which
    // x86 multiplies ~150× slower (measured: a 256×512×2560 product 17 ms → 2.5 s), and they would not change
    // a normal-sized gradient entry anyway (6e-8 relative precision).
    const out = acts[L];
    const dOut = deltas[L];
    for (let i = 0; i < b; i++) {
      const yi = labels[i];
      lossSum -= Math.log(Math.max(out[i * k + yi], 1e-12));
      for (let c = 0; c < k; c++) {
        const v = (out[i * k + c] - (c === yi ? 1 : 0)) / b;
        dOut[i * k + c] = Math.abs(v) < 1e-30 ? 0 : v;
      }
    }
    for (let l = L - 1; l >= 0; l--) {
      const nin = sizes[l];
      const nout = sizes[l + 1];
      const W = this.weights[l];
      const dz = deltas[l + 1];
      // dW (out×in) = dZᵀ · A
      transpose(dz, b, nout, deltaT);
      transpose(acts[l], b, nin, actT);
      matmulABt(deltaT, actT, gW[l], nout, nin, b);
      const dW = gW[l];
      for (let p = 0; p < W.length; p++) dW[p] += (o.l2 * W[p]) / b;
      const db = gB[l];
      db.fill(0);
      for (let i = 0; i < b; i++) for (let j = 0; j < nout; j++) db[j] += dz[i * nout + j];
      if (l > 0) {
        // dA (b×in) = dZ · W, masked by the ReLU derivative
        transpose(W, nout, nin, wInOut);
        const da = deltas[l];
        matmulABt(dz, wInOut, da, b, nin, nout);
        const a = acts[l];
        for (let p = 0; p < b * nin; p++) if (a[p] <= 0) da[p] = 0;
      }
    }
    return lossSum;
  }

  /** acts[0] holds the b input rows; fills acts[1..L] (ReLU hidden layers, softmax output). */
  private forward(acts: Float32Array[], b: number): void {
    const sizes = this.sizes();
    const L = sizes.length - 1;
    for (let l = 0; l < L; l++) {
      const nout = sizes[l + 1];
      const bias = this.biases[l];
      const z = acts[l + 1];
      matmulABt(acts[l], this.weights[l], z, b, nout, sizes[l]);
      for (let i = 0; i < b; i++) {
        const zo = i * nout;
        if (l < L - 1) {
          for (let j = 0; j < nout; j++) {
            const v = z[zo + j] + bias[j];
            z[zo + j] = v > 0 ? v : 0;
          }
        } else {
          let mx = -Infinity;
          for (let j = 0; j < nout; j++) mx = Math.max(mx, (z[zo + j] += bias[j]));
          let s = 0;
          for (let j = 0; j < nout; j++) s += z[zo + j] = Math.exp(z[zo + j] - mx);
          for (let j = 0; j < nout; j++) z[zo + j] /= s;
        }
      }
    }
  }

  protected scores(X: Float32Array, n: number): Float64Array {
    const sizes = this.sizes();
    const k = this.numClasses;
    const B = 256;
    const acts = sizes.map((s) => new Float32Array(B * s));
    const P = new Float64Array(n * k);
    for (let start = 0; start < n; start += B) {
      const b = Math.min(B, n - start);
      acts[0].set(X.subarray(start * this.d, (start + b) * this.d));
      this.forward(acts, b);
      for (let j = 0; j < b * k; j++) P[start * k + j] = acts[sizes.length - 1][j];
    }
    return P;
  }

  protected state(): Record<string, unknown> {
    return {
      options: this.options,
      weights: this.weights.map((w) => encodeArray(w)),
      biases: this.biases.map((b) => encodeArray(b)),
    };
  }

  static fromJSON(json: ClassifierJSON): Mlp {
    const m = ProbabilisticBaseClassifier.restored(new Mlp(json.options as MlpOptions), json);
    m.weights = (json.weights as EncodedArray[]).map(decodeF32);
    m.biases = (json.biases as EncodedArray[]).map(decodeF32);
    return m;
  }
}

// The products run on WebAssembly SIMD (src/ml/simd-matmul.ts); exported here for the tests.
export { matmulABt };

/** out (cols×rows) = transpose of src (rows×cols). */
function transpose(src: Float32Array, rows: number, cols: number, out: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
}
