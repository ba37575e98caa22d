/**
 * Gradient kernels the TF.js wasm backend lacks (or has only as slow scalar loops), registered by dlrec so
 * that the wasm backend can train CNNs at XNNPACK speed.
 *
 * - Conv2DBackpropFilter: missing in tfjs-backend-wasm. Written as one XNNPACK convolution of the transposed
 *   input with the transposed output gradient (no im2col in JS: ~1.5x faster than im2col + one BatchMatMul,
 *   which remains the fallback for paddings the convolution form cannot express).
 * - Conv2DBackpropInput: wasm has one, but it is a naive loop ~8x slower than the forward conv. For stride 1
 *   the input gradient is a forward conv of dy with the flipped, transposed filter (XNNPACK); for larger
 *   strides it is one BatchMatMul (dy · Wᵀ) followed by col2im.
 * - UnsortedSegmentSum: missing (the gradient of gather, i.e. of embeddings).
 * - BatchMatMul with transposeA/B: wasm's runs a scalar loop; transposing the operand first is ~10x faster.
 * - Sum over leading axes (bias gradients): wasm's transposes the whole tensor first.
 * - Identity: wasm's copies the data; the engine clones every tensor saved for the gradient.
 * - Tile: wasm's computes an index per element; BatchNorm's gradient tiles full-size tensors with it.
 *
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilter, conv2DBackpropInput } from './wasm-conv-grads';
import { float32, originals, wasmKernel, type KernelArgs, type TensorInfo } from './wasm-kernel-base';

/**
 * wasm's BatchMatMul is fast (XNNPACK) only without transposes; with transposeA/B — as in every dense
 * layer's gradient — it runs a scalar loop ~10x slower. Transposing the operand first is cheap.
 */
function batchMatMul({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  let { a, b } = inputs;
  const temps: TensorInfo[] = [];
  const swapLast = (t: TensorInfo): TensorInfo => {
    const r = t.shape.length;
    const perm = [...Array(r - 2).keys(), r - 1, r - 2];
    const out = wasmKernel('Transpose')({ inputs: { x: t }, backend, attrs: { perm } });
    temps.push(out);
    return out;
  };
  if (attrs.transposeA && a.dtype === 'float32') a = swapLast(a);
  if (attrs.transposeB && b.dtype === 'float32') b = swapLast(b);
  const out = (originals.get('BatchMatMul') as (args: KernelArgs) => TensorInfo)({
    inputs: { a, b },
    backend,
    attrs: {
      transposeA: attrs.transposeA && a === inputs.a,
      transposeB: attrs.transposeB && b === inputs.b,
    },
  });
  for (const t of temps) backend.disposeData(t.dataId);
  return out;
}

/** Tile by block copies (tfjs-backend-wasm's Tile computes an index per element: ~20x slower). */
function tile({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x } = inputs;
  const reps = attrs.reps as number[];
  const s = x.shape;
  const r = s.length;
  const outShape = s.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  if (r === 0 || outShape.some((d) => d === 0)) return out;
  const xv = backend.typedArrayFromHeap(x);
  const ov = backend.typedArrayFromHeap(out);
  const inStride = new Array<number>(r);
  const outStride = new Array<number>(r);
  inStride[r - 1] = outStride[r - 1] = 1;
  for (let i = r - 2; i >= 0; i--) {
    inStride[i] = inStride[i + 1] * s[i + 1];
    outStride[i] = outStride[i + 1] * outShape[i + 1];
  }
  const fill = (axis: number, inOff: number, outOff: number): void => {
    const block = s[axis] * outStride[axis]; // one copy of the input along this axis, already tiled inside
    if (axis === r - 1) {
      if (s[axis] === 1) ov.fill(xv[inOff], outOff, outOff + reps[axis]);
      else ov.set(xv.subarray(inOff, inOff + s[axis]), outOff);
    } else {
      for (let i = 0; i < s[axis]; i++)
        fill(axis + 1, inOff + i * inStride[axis], outOff + i * outStride[axis]);
    }
    if (axis === r - 1 && s[axis] === 1) return;
    for (let j = 1; j < reps[axis]; j++) ov.copyWithin(outOff + j * block, outOff, outOff + block);
  };
  fill(0, 0, 0);
  return out;
}

/**
 * Identity sharing the data (as the cpu backend does). wasm's copies it, and the engine clones every tensor
 * it saves for the backward pass, so each training step paid for hundreds of full copies.
 */
function identity({ inputs, backend }: KernelArgs): TensorInfo {
  const { x } = inputs;
  (backend as unknown as { incRef(id: unknown): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = attrs.numSegments as number;
  const idsSize = segmentIds.shape.reduce((a, b) => a * b, 1);
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
  const xv = float32(backend, x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const ov = float32(backend, out);
  ov.fill(0);
  for (let i = 0; i < idsSize; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue; // TF drops out-of-range ids
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) ov[dst + j] += xv[src + j];
  }
  return out;
}

/** out[j] = Σ_i x[i·C + j], in row blocks and column groups of four held in locals (fast in V8). */
function columnSums(x: Float32Array, M: number, C: number, out: Float32Array): void {
  const ROWS = 256;
  const acc = new Float64Array(C);
  for (let r0 = 0; r0 < M; r0 += ROWS) {
    const end = Math.min(M, r0 + ROWS) * C;
    let c = 0;
    for (; c + 3 < C; c += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0; // prettier-ignore
      for (let i = r0 * C + c; i < end; i += C) {
        a0 += x[i];
        a1 += x[i + 1];
        a2 += x[i + 2];
        a3 += x[i + 3];
      }
      acc[c] += a0;
      acc[c + 1] += a1;
      acc[c + 2] += a2;
      acc[c + 3] += a3;
    }
    for (; c < C; c++) for (let i = r0 * C + c; i < end; i += C) acc[c] += x[i];
  }
  out.set(acc);
}

/**
 * Sum over leading axes (bias gradients: Σ over N, H, W) in one pass; wasm's Sum first transposes the
 * reduced axes to the end. Other reductions go to wasm's kernel.
 */
function sum(args: KernelArgs): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x } = inputs;
  const r = x.shape.length;
  const axes = (Array.isArray(attrs.axis) ? (attrs.axis as number[]) : [attrs.axis as number])
    .map((a) => (a < 0 ? a + r : a))
    .sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < r && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) return (originals.get('Sum') as (a: KernelArgs) => TensorInfo)(args);
  const k = axes.length;
  const M = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
  const C = x.shape.slice(k).reduce((a, b) => a * b, 1);
  const shape = attrs.keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
  const out = backend.makeOutput(shape, 'float32');
  columnSums(float32(backend, x), M, C, float32(backend, out));
  return out;
}

const KERNELS: Record<string, (args: KernelArgs) => TensorInfo> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  UnsortedSegmentSum: unsortedSegmentSum,
  Tile: tile,
  Identity: identity,
  BatchMatMul: batchMatMul,
  Sum: sum,
};

/** Names of the kernels dlrec registers (or replaces) on the wasm backend. */
export const DLREC_WASM_KERNELS = Object.keys(KERNELS);

/** Registers dlrec's gradient kernels on the wasm backend; idempotent. */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, fn] of Object.entries(KERNELS)) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing?.kernelFunc === (fn as unknown)) continue;
    if (existing) {
      originals.set(kernelName, existing.kernelFunc as unknown as (args: KernelArgs) => TensorInfo);
      tf.unregisterKernel(kernelName, 'wasm');
    }
    // Keep the original's setupFunc (its cwrap bindings): the replacement may delegate to it.
    const setupFunc = existing?.setupFunc;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: fn as unknown as tf.KernelFunc,
      setupFunc,
    });
  }
}
