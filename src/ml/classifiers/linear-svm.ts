// Linear SVM, one-vs-rest, hinge loss, trained with Pegasos (Shalev-Shwartz et al. 2007): step 1/(λt) over
// shuffled epochs. The bias is an extra constant input of 1 so that it is regularised like the weights — an
// unregularised bias with Pegasos' huge early steps drifts and never recovers.
import { seededRandom, shuffle } from '../../random';
import type { SeededOptions } from '../options';
import { BaseClassifier, type ClassifierJSON } from './classifier';
import { decodeF64, encodeArray, ClassifierInputError } from './matrix';
import type { EncodedArray } from './matrix';

export interface LinearSvmOptions extends SeededOptions {
  /** regularisation λ of Pegasos (≈ 1/(C·n) in libsvm terms) */
  lambda?: number;
  epochs?: number;
}

const DEFAULTS: Required<LinearSvmOptions> = { lambda: 1e-4, epochs: 20, seed: 1 };

export class LinearSvm extends BaseClassifier<LinearSvmOptions> {
  readonly type = 'linear-svm';
  /** k×(d+1): weights then bias per class */
  W: Float64Array = new Float64Array(0);

  constructor(options: LinearSvmOptions = {}) {
    super(DEFAULTS, options);
    if (!(this.options.lambda > 0 && this.options.epochs >= 1)) {
      throw new ClassifierInputError(
        `linear-svm: invalid options ${JSON.stringify(this.options)} (need λ > 0, epochs ≥ 1)`,
      );
    }
  }

  protected fitNormalized(X: Float32Array, n: number, d: number, y: Int32Array): void {
    const k = this.numClasses;
    const { lambda, epochs, seed } = this.options;
    const D = d + 1;
    this.W = new Float64Array(k * D);
    const rng = seededRandom(seed);
    const order = new Int32Array(n).map((_, i) => i);
    for (let c = 0; c < k; c++) {
      const w = this.W.subarray(c * D, c * D + D);
      // w = scale · v keeps the (1 - ηλ) shrink O(1) per step
      const v = new Float64Array(D);
      let scale = 1;
      let t = 0;
      for (let e = 0; e < epochs; e++) {
        shuffle(order, rng);
        for (let oi = 0; oi < n; oi++) {
          const i = order[oi];
          t++;
          const eta = 1 / (lambda * t);
          const yi = y[i] === c ? 1 : -1;
          let s = v[d];
          for (let j = 0; j < d; j++) s += v[j] * X[i * d + j];
          const margin = yi * s * scale;
          scale *= 1 - eta * lambda;
          if (scale < 1e-9 || t === 1) {
            // t = 1 zeroes the scale (1 - 1); v is still all zeros then
            for (let j = 0; j < D; j++) v[j] *= scale;
            scale = 1;
          }
          if (margin < 1) {
            const a = (eta * yi) / scale;
            for (let j = 0; j < d; j++) v[j] += a * X[i * d + j];
            v[d] += a;
          }
        }
      }
      for (let j = 0; j < D; j++) w[j] = v[j] * scale;
    }
  }

  /** Decision values w·x + b, n×k. */
  decisionFunction(X: Float32Array, n: number, d: number): Float64Array {
    return this.scores(this.prepare(X, n, d), n);
  }

  protected scores(X: Float32Array, n: number): Float64Array {
    const k = this.numClasses;
    const d = this.d;
    const D = d + 1;
    const out = new Float64Array(n * k);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < k; c++) {
        let s = this.W[c * D + d];
        for (let j = 0; j < d; j++) s += this.W[c * D + j] * X[i * d + j];
        out[i * k + c] = s;
      }
    }
    return out;
  }

  protected state(): Record<string, unknown> {
    return { options: this.options, W: encodeArray(this.W) };
  }

  static fromJSON(json: ClassifierJSON): LinearSvm {
    const m = BaseClassifier.restored(new LinearSvm(json.options as LinearSvmOptions), json);
    m.W = decodeF64(json.W as EncodedArray);
    return m;
  }
}
