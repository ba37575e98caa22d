/**
 * Forward-only LSTM stack on plain Float32Arrays, for encoding. TF.js dispatches ~13 ops per layer
 * and step and its matrix-vector products are slow, so encoding runs this loop instead, with the
 * products on a WebAssembly SIMD kernel (simd-matvec.ts) where available, else in scalar JS.
 * Same weights and gate order as lstm-graph.ts (tests check all paths agree).
 */
import { simdMatVec, type MatVec } from './simd-matvec';

export interface DenseLstmLayer {
  /** [4D, 2D] row-major, acting on [x; h]; row blocks are the gates (input, forget, cell, output). */
  w: Float32Array;
  /** [4D]. */
  bias: Float32Array;
}

interface LayerBuffers {
  /** Weights [4D, 2D], the input [x; h] (2D) and the gate pre-activations z (4D), with byte offsets. */
  w: Float32Array;
  xh: Float32Array;
  z: Float32Array;
  wPtr: number;
  xhPtr: number;
  zPtr: number;
}

export class LstmInference {
  private readonly buffers: LayerBuffers[];
  private readonly kernel: MatVec | null;
  private readonly c: Float32Array[];

  constructor(
    private readonly embedding: Float32Array,
    private readonly layers: DenseLstmLayer[],
    readonly dim: number,
    options: { simd?: boolean } = {},
  ) {
    const d = dim;
    const perLayer = 4 * d * 2 * d + 2 * d + 4 * d;
    const useSimd = (options.simd ?? true) && (2 * d) % 16 === 0;
    const simd = useSimd ? simdMatVec(layers.length * perLayer * 4) : null;
    this.kernel = simd?.matvec ?? null;
    const heap = simd?.heap ?? new Float32Array(layers.length * perLayer);
    this.buffers = layers.map((layer, l) => {
      const base = l * perLayer;
      const at = (offset: number, length: number) => heap.subarray(base + offset, base + offset + length);
      const w = at(0, 8 * d * d);
      w.set(layer.w);
      return {
        w,
        xh: at(8 * d * d, 2 * d),
        z: at(8 * d * d + 2 * d, 4 * d),
        wPtr: base * 4,
        xhPtr: (base + 8 * d * d) * 4,
        zPtr: (base + 8 * d * d + 2 * d) * 4,
      };
    });
    this.c = layers.map(() => new Float32Array(d));
  }

  get usesSimd(): boolean {
    return this.kernel !== null;
  }

  /**
   * The top layer's hidden state after reading `ids` from a zero state. Runs layer by layer (all
   * steps of one layer, then the next) so only one layer's weights need to stay in cache.
   */
  finalHidden(ids: Int32Array): Float32Array {
    const d = this.dim;
    const steps = ids.length;
    let inputs = new Float32Array(steps * d);
    ids.forEach((id, t) => inputs.set(this.embedding.subarray(id * d, id * d + d), t * d));
    this.buffers.forEach((b, l) => {
      const { xh, z } = b;
      const c = this.c[l];
      const bias = this.layers[l].bias;
      xh.fill(0);
      c.fill(0);
      const outputs = new Float32Array(steps * d);
      for (let t = 0; t < steps; t++) {
        xh.set(inputs.subarray(t * d, t * d + d), 0); // xh = [x_t; h_{t-1}]
        if (this.kernel) this.kernel(b.wPtr, b.xhPtr, b.zPtr, 4 * d, 2 * d);
        else matVec(z, b.w, xh);
        for (let j = 0; j < d; j++) {
          const i = sigmoid(z[j] + bias[j]);
          const f = sigmoid(z[d + j] + bias[d + j]);
          const g = Math.tanh(z[2 * d + j] + bias[2 * d + j]);
          const o = sigmoid(z[3 * d + j] + bias[3 * d + j]);
          c[j] = f * c[j] + i * g;
          xh[d + j] = o * Math.tanh(c[j]);
        }
        outputs.set(xh.subarray(d, 2 * d), t * d);
      }
      inputs = outputs;
    });
    return steps === 0 ? new Float32Array(d) : inputs.slice((steps - 1) * d);
  }
}

/** out = W · v, W being [out.length, v.length] row-major (scalar fallback of the SIMD kernel). */
function matVec(out: Float32Array, w: Float32Array, v: Float32Array): void {
  const n = v.length;
  for (let r = 0; r < out.length; r++) {
    let base = r * n;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k + 3 < n; k += 4, base += 4) {
      s0 += w[base] * v[k];
      s1 += w[base + 1] * v[k + 1];
      s2 += w[base + 2] * v[k + 2];
      s3 += w[base + 3] * v[k + 3];
    }
    for (; k < n; k++, base++) s0 += w[base] * v[k];
    out[r] = s0 + s1 + s2 + s3;
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
