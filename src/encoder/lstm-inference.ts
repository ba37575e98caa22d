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

/** A float array inside the kernel's memory, with its byte offset (what the wasm kernel takes). */
interface Region {
  a: Float32Array;
  ptr: number;
}

interface LayerBuffers {
  /** Input and recurrent weights, each [4D, D] row-major (the two column halves of the layer's [4D, 2D]). */
  wx: Region;
  wh: Region;
  /** Each row of wx as a region of its own. */
  wxRows: Region[];
}

/** Steps whose input projections are computed together: their inputs stay in cache while Wx streams once. */
const BLOCK = 64;

export class LstmInference {
  private readonly buffers: LayerBuffers[];
  private readonly kernel: MatVec | null;
  private readonly c: Float32Array[];
  /** Shared scratch: a block of inputs [BLOCK, D], their projections [4D, BLOCK], h (D) and z = Wh·h (4D). */
  private readonly x: Region;
  private readonly xRow: Region;
  private readonly zx: Region;
  private readonly h: Region;
  private readonly z: Region;
  /** The first layer's input projection Wx·embedding per token id, computed on first use (tokens recur). */
  private readonly tokenProjections = new Map<number, Float32Array>();

  constructor(
    private readonly embedding: Float32Array,
    private readonly layers: DenseLstmLayer[],
    readonly dim: number,
    options: { simd?: boolean } = {},
  ) {
    const d = dim;
    const floats = layers.length * 8 * d * d + BLOCK * d + 4 * d * BLOCK + d + 4 * d;
    const simd = (options.simd ?? true) && d % 16 === 0 ? simdMatVec(floats * 4) : null;
    this.kernel = simd?.matvec ?? null;
    const heap = simd?.heap ?? new Float32Array(floats);
    let next = 0;
    const region = (length: number): Region => {
      const r = { a: heap.subarray(next, next + length), ptr: next * 4 };
      next += length;
      return r;
    };
    this.buffers = layers.map((layer) => {
      const wx = region(4 * d * d);
      const wh = region(4 * d * d);
      for (let r = 0; r < 4 * d; r++) {
        wx.a.set(layer.w.subarray(r * 2 * d, r * 2 * d + d), r * d);
        wh.a.set(layer.w.subarray(r * 2 * d + d, (r + 1) * 2 * d), r * d);
      }
      const wxRows = Array.from({ length: 4 * d }, (_, r) => ({
        a: wx.a.subarray(r * d, (r + 1) * d),
        ptr: wx.ptr + r * d * 4,
      }));
      return { wx, wh, wxRows };
    });
    this.x = region(BLOCK * d);
    this.xRow = { a: this.x.a.subarray(0, d), ptr: this.x.ptr };
    this.zx = region(4 * d * BLOCK);
    this.h = region(d);
    this.z = region(4 * d);
    this.c = layers.map(() => new Float32Array(d));
  }

  get usesSimd(): boolean {
    return this.kernel !== null;
  }

  /** zx[r·n + k] = Wx·embedding(ids[k]) of the first layer, from the per-token cache. */
  private projectTokens(ids: Int32Array): void {
    const d = this.dim;
    const n = ids.length;
    const { x, z, zx } = this;
    const wx = this.buffers[0].wx;
    ids.forEach((id, k) => {
      let p = this.tokenProjections.get(id);
      if (!p) {
        x.a.set(this.embedding.subarray(id * d, id * d + d));
        this.matVec(wx, this.xRow, z, 0, 4 * d, d);
        p = z.a.slice();
        this.tokenProjections.set(id, p);
      }
      for (let r = 0; r < 4 * d; r++) zx.a[r * n + k] = p[r];
    });
  }

  /** out[outAt, outAt + rows) = W · v for W [rows, cols] (the SIMD kernel, else scalar JS). */
  private matVec(w: Region, v: Region, out: Region, outAt: number, rows: number, cols: number) {
    if (this.kernel) this.kernel(w.ptr, v.ptr, out.ptr + outAt * 4, rows, cols);
    else matVec(out.a.subarray(outAt, outAt + rows), w.a.subarray(0, rows * cols), v.a);
  }

  /**
   * The top layer's hidden state after reading `ids` from a zero state. Runs layer by layer (all
   * steps of one layer, then the next). Within a layer the input projections Wx·x_t of a block of
   * steps come first, row by row of Wx against all the block's inputs (Wx read once, not once per
   * step); then each step adds Wh·h_{t-1}.
   */
  finalHidden(ids: Int32Array): Float32Array {
    const d = this.dim;
    const steps = ids.length;
    let inputs = new Float32Array(0); // the first layer reads its token projections instead
    const { x, zx, h, z } = this;
    this.buffers.forEach((b, l) => {
      const c = this.c[l];
      const bias = this.layers[l].bias;
      h.a.fill(0);
      c.fill(0);
      const outputs = new Float32Array(steps * d);
      for (let t0 = 0; t0 < steps; t0 += BLOCK) {
        const n = Math.min(BLOCK, steps - t0);
        if (l === 0) this.projectTokens(ids.subarray(t0, t0 + n));
        else {
          x.a.set(inputs.subarray(t0 * d, (t0 + n) * d));
          // zx[r·n + k] = Wx[r] · x_k: the block's inputs act as the matrix, one row of Wx as the vector.
          for (let r = 0; r < 4 * d; r++) this.matVec(x, b.wxRows[r], zx, r * n, n, d);
        }
        for (let k = 0; k < n; k++) {
          this.matVec(b.wh, h, z, 0, 4 * d, d);
          const zz = z.a;
          const px = zx.a;
          for (let j = 0; j < d; j++) {
            const i = sigmoid(zz[j] + px[j * n + k] + bias[j]);
            const f = sigmoid(zz[d + j] + px[(d + j) * n + k] + bias[d + j]);
            const g = Math.tanh(zz[2 * d + j] + px[(2 * d + j) * n + k] + bias[2 * d + j]);
            const o = sigmoid(zz[3 * d + j] + px[(3 * d + j) * n + k] + bias[3 * d + j]);
            c[j] = f * c[j] + i * g;
            h.a[j] = o * Math.tanh(c[j]);
          }
          outputs.set(h.a, (t0 + k) * d);
        }
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
