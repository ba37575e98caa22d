/**
 * Convolution gradients for the wasm backend (see wasm-kernels.ts for why each exists).
 * Kernels work on TensorInfos and dispose every intermediate they allocate; wasm heap views are taken only
 * after the last allocation because a malloc may grow (and so detach) the heap.
 */
import { backend_util } from '@tensorflow/tfjs';
import {
  float32,
  matMul,
  wasmKernel,
  type KernelArgs,
  type TensorInfo,
  type WasmBackend,
} from './wasm-kernel-base';

function convInfoOf(
  xShape: number[],
  filterShape: number[],
  attrs: Record<string, unknown>,
): backend_util.Conv2DInfo {
  const dataFormat = backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC');
  if (dataFormat !== 'channelsLast') throw new Error('dlrec wasm conv gradients support only NHWC data.');
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    dataFormat,
  );
}

/** The sizes the gradient loops index by, under their loop names. */
const convDims = (c: backend_util.Conv2DInfo) => ({
  OH: c.outHeight,
  OW: c.outWidth,
  KH: c.filterHeight,
  KW: c.filterWidth,
  SH: c.strideHeight,
  SW: c.strideWidth,
  CO: c.outChannels,
  pt: c.padInfo.top,
  pl: c.padInfo.left,
});

/**
 * dW as one XNNPACK convolution, without im2col: with x viewed as [CI, H, W, N] (CI as the batch, the
 * images as channels) and dy as a filter [OH, OW, N, CO] dilated by the stride, the convolution's
 * KH×KW output is dW[kh, kw, ci, co] = Σ_{n,oh,ow} x[n, oh·s+kh−p, ow·s+kw−p, ci] · dy[n, oh, ow, co].
 * Returns null when the padding would have to be negative (then im2col handles it).
 */
function conv2DBackpropFilterAsConv(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  c: backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): TensorInfo | null {
  const [, H, W] = x.shape;
  const { OH, OW, KH, KW, SH, SW, pt, pl } = convDims(c);
  const pb = KH - H - pt + (OH - 1) * SH;
  const pr = KW - W - pl + (OW - 1) * SW;
  if (pb < 0 || pr < 0) return null;
  const transpose = wasmKernel('Transpose');
  const xT = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
  const dyT = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
  const out = wasmKernel('Conv2D')({
    inputs: { x: xT, filter: dyT },
    backend,
    attrs: {
      strides: [1, 1],
      dilations: [SH, SW],
      pad: [
        [0, 0],
        [pt, pb],
        [pl, pr],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  }); // [CI, KH, KW, CO]
  backend.disposeData(xT.dataId);
  backend.disposeData(dyT.dataId);
  const dW = transpose({ inputs: { x: out }, backend, attrs: { perm: [1, 2, 0, 3] } });
  backend.disposeData(out.dataId);
  return { ...dW, shape: filterShape };
}

/**
 * Fallback: colsT[k, p] with k = (kh·KW + kw)·CI + ci and p = (n·OH + oh)·OW + ow, so that dW = colsT · dy needs no
 * transposes (BatchMatMul with transposeA falls off XNNPACK's fast path).
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const c = convInfoOf(x.shape, filterShape, attrs);
  const [N, H, W, CI] = x.shape;
  const { OH, OW, KH, KW, SH, SW, CO, pt, pl } = convDims(c);
  const viaConv = conv2DBackpropFilterAsConv(backend, x, dy, c, filterShape);
  if (viaConv) return viaConv;
  const P = N * OH * OW;
  const K = KH * KW * CI;
  const cols = backend.makeOutput([1, K, P], 'float32');
  const xv = float32(backend, x);
  const cv = float32(backend, cols);
  // Loop over input rows outermost so each row of x is read from L1 while it feeds all K rows of colsT
  // (reading x once per k, strided by CI, would stream it from memory K times).
  for (let n = 0; n < N; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const p0 = (n * OH + oh) * OW;
      for (let kh = 0; kh < KH; kh++) {
        const ih = oh * SH + kh - pt;
        const inside = ih >= 0 && ih < H;
        const rowBase = (n * H + ih) * W;
        for (let kw = 0; kw < KW; kw++) {
          // Output columns whose input column iw = ow·SW + kw − pl lies inside the image.
          const owLo = Math.max(0, Math.ceil((pl - kw) / SW));
          const owHi = Math.min(OW, Math.floor((W - 1 + pl - kw) / SW) + 1);
          for (let ci = 0; ci < CI; ci++) {
            const o = ((kh * KW + kw) * CI + ci) * P + p0;
            if (!inside || owHi <= owLo) {
              cv.fill(0, o, o + OW);
              continue;
            }
            for (let ow = 0; ow < owLo; ow++) cv[o + ow] = 0;
            let src = (rowBase + owLo * SW + kw - pl) * CI + ci;
            const step = SW * CI;
            for (let ow = owLo; ow < owHi; ow++, src += step) cv[o + ow] = xv[src];
            for (let ow = owHi; ow < OW; ow++) cv[o + ow] = 0;
          }
        }
      }
    }
  }
  const dy2 = { dataId: dy.dataId, shape: [1, P, CO], dtype: dy.dtype } as TensorInfo;
  const out = matMul(backend, cols, dy2);
  backend.disposeData(cols.dataId);
  return { ...out, shape: filterShape };
}

export function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const c = convInfoOf(inputShape, filter.shape, attrs);
  const [N, H, W, CI] = inputShape;
  const { OH, OW, KH, KW, SH, SW, CO, pt, pl } = convDims(c);
  if (SH === 1 && SW === 1) {
    // dx = conv(dy, W flipped in space, in/out swapped) with padding K-1-p, on XNNPACK.
    const top = KH - 1 - pt;
    const left = KW - 1 - pl;
    const bottom = H - OH + KH - 1 - top;
    const right = W - OW + KW - 1 - left;
    if (top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
      const flipped = backend.makeOutput([KH, KW, CO, CI], 'float32');
      const wv = float32(backend, filter);
      const fv = float32(backend, flipped);
      for (let kh = 0; kh < KH; kh++)
        for (let kw = 0; kw < KW; kw++) {
          const src = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * CI * CO;
          const dst = (kh * KW + kw) * CO * CI;
          for (let ci = 0; ci < CI; ci++)
            for (let co = 0; co < CO; co++) fv[dst + co * CI + ci] = wv[src + ci * CO + co];
        }
      const out = wasmKernel('Conv2D')({
        inputs: { x: dy, filter: flipped },
        backend,
        attrs: {
          strides: [1, 1],
          dilations: [1, 1],
          pad: [
            [0, 0],
            [top, bottom],
            [left, right],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      });
      backend.disposeData(flipped.dataId);
      return out;
    }
  }
  // Strided: dcols[p, k] = Σ_co dy[p, co] · W[k, co], then scatter-add the columns back (col2im).
  const P = N * OH * OW;
  const K = KH * KW * CI;
  const wT = backend.makeOutput([1, CO, K], 'float32');
  {
    const wv = float32(backend, filter);
    const tv = float32(backend, wT);
    for (let k = 0; k < K; k++) for (let co = 0; co < CO; co++) tv[co * K + k] = wv[k * CO + co];
  }
  const dy2 = { dataId: dy.dataId, shape: [1, P, CO], dtype: dy.dtype } as TensorInfo;
  const dcols = matMul(backend, dy2, wT);
  backend.disposeData(wT.dataId);
  const dx = backend.makeOutput(inputShape, 'float32');
  const dv = float32(backend, dcols);
  const xv = float32(backend, dx);
  xv.fill(0);
  let p = 0;
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++, p++) {
        let k = p * K;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * SH + kh - pt;
          if (ih < 0 || ih >= H) {
            k += KW * CI;
            continue;
          }
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * SW + kw - pl;
            if (iw < 0 || iw >= W) {
              k += CI;
              continue;
            }
            const base = ((n * H + ih) * W + iw) * CI;
            for (let ci = 0; ci < CI; ci++) xv[base + ci] += dv[k++];
          }
        }
      }
  backend.disposeData(dcols.dataId);
  return dx;
}
