/**
 * Batch normalisation for training as two fused kernels (forward: statistics + normalise; backward: the
 * three gradients), registered for the wasm and cpu backends. TF.js' training path runs ~15 separate ops
 * per BN layer (moments, broadcasts, a full-size Tile in the gradient, four reductions); here it is four
 * passes over the data. On tfjs-node (CPU or GPU) the same step is TensorFlow's own FusedBatchNormV3 and
 * FusedBatchNormGradV3 (two native ops instead of ~15 eager ones), for 4-D inputs; otherwise the layer
 * falls back to TF.js' own path.
 *
 * The layer subclasses TF.js' BatchNormalization and keeps its class name, so saved models load as the
 * standard Keras layer in any TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { floatType, type NativeBackend } from './native-ops';

const FORWARD = 'DlrecBatchNormTrain';
const BACKWARD = 'DlrecBatchNormTrainGrad';
const BACKENDS = ['wasm', 'cpu'];

type TensorInfo = tf.TensorInfo;

/** Reads/allocates float data on either backend without copies (wasm: heap views; cpu: the JS arrays). */
interface Io {
  view(t: TensorInfo): Float32Array;
  alloc(shape: number[]): { info: TensorInfo; data: Float32Array };
}

interface AnyBackend {
  typedArrayFromHeap?(t: TensorInfo): Float32Array;
  makeOutput?(shape: number[], dtype: string): TensorInfo;
  data?: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo?(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

function ioFor(backend: AnyBackend): Io {
  if (backend.typedArrayFromHeap && backend.makeOutput) {
    const b = backend as Required<Pick<AnyBackend, 'typedArrayFromHeap' | 'makeOutput'>>;
    return {
      view: (t) => b.typedArrayFromHeap(t),
      alloc: (shape) => {
        const info = b.makeOutput(shape, 'float32');
        return { info, data: b.typedArrayFromHeap(info) };
      },
    };
  }
  const b = backend as Required<Pick<AnyBackend, 'data' | 'makeTensorInfo'>>;
  return {
    view: (t) => b.data.get(t.dataId).values,
    alloc: (shape) => {
      const data = new Float32Array(shape.reduce((a, c) => a * c, 1));
      return { info: b.makeTensorInfo(shape, 'float32', data), data };
    },
  };
}

/*
 * The loops below walk row blocks (L1/L2-sized) and, inside a block, channel groups of four with the
 * per-channel constants and sums in local variables: ~5x faster in V8 than a flat loop that indexes
 * per-channel arrays for every element.
 */
const ROWS = 256;

/** s1 += Σu and s2 += Σu·(v − k) per channel (x, x gives the moments; dy, x with k = μ the BN gradient sums). */
function channelSums(
  u: Float32Array,
  v: Float32Array,
  k: Float64Array,
  M: number,
  C: number,
  s1: Float64Array,
  s2: Float64Array,
): void {
  for (let r0 = 0; r0 < M; r0 += ROWS) {
    const r1 = Math.min(M, r0 + ROWS);
    let c = 0;
    for (; c + 3 < C; c += 4) {
      const k0 = k[c],
        k1 = k[c + 1],
        k2 = k[c + 2],
        k3 = k[c + 3];
      let a0 = 0,
        a1 = 0,
        a2 = 0,
        a3 = 0,
        b0 = 0,
        b1 = 0,
        b2 = 0,
        b3 = 0;
      for (let i = r0 * C + c; i < r1 * C; i += C) {
        const u0 = u[i],
          u1 = u[i + 1],
          u2 = u[i + 2],
          u3 = u[i + 3];
        a0 += u0;
        a1 += u1;
        a2 += u2;
        a3 += u3;
        b0 += u0 * (v[i] - k0);
        b1 += u1 * (v[i + 1] - k1);
        b2 += u2 * (v[i + 2] - k2);
        b3 += u3 * (v[i + 3] - k3);
      }
      s1[c] += a0;
      s1[c + 1] += a1;
      s1[c + 2] += a2;
      s1[c + 3] += a3;
      s2[c] += b0;
      s2[c + 1] += b1;
      s2[c + 2] += b2;
      s2[c + 3] += b3;
    }
    for (; c < C; c++) {
      let a = 0,
        b = 0;
      for (let i = r0 * C + c; i < r1 * C; i += C) {
        a += u[i];
        b += u[i] * (v[i] - k[c]);
      }
      s1[c] += a;
      s2[c] += b;
    }
  }
}

/** out = p·u + q·v + t per channel (v may be null). */
function channelAffine(
  out: Float32Array,
  u: Float32Array,
  p: Float32Array,
  v: Float32Array | null,
  q: Float32Array,
  t: Float32Array,
  M: number,
  C: number,
): void {
  const w = v ?? u;
  const qq = v ? q : new Float32Array(C);
  for (let r0 = 0; r0 < M; r0 += ROWS) {
    const r1 = Math.min(M, r0 + ROWS);
    let c = 0;
    for (; c + 3 < C; c += 4) {
      const p0 = p[c],
        p1 = p[c + 1],
        p2 = p[c + 2],
        p3 = p[c + 3];
      const q0 = qq[c],
        q1 = qq[c + 1],
        q2 = qq[c + 2],
        q3 = qq[c + 3];
      const t0 = t[c],
        t1 = t[c + 1],
        t2 = t[c + 2],
        t3 = t[c + 3];
      for (let i = r0 * C + c; i < r1 * C; i += C) {
        out[i] = p0 * u[i] + q0 * w[i] + t0;
        out[i + 1] = p1 * u[i + 1] + q1 * w[i + 1] + t1;
        out[i + 2] = p2 * u[i + 2] + q2 * w[i + 2] + t2;
        out[i + 3] = p3 * u[i + 3] + q3 * w[i + 3] + t3;
      }
    }
    for (; c < C; c++)
      for (let i = r0 * C + c; i < r1 * C; i += C) out[i] = p[c] * u[i] + qq[c] * w[i] + t[c];
  }
}

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> };

/** Outputs y, the batch mean and the (biased) batch variance, per channel of the last axis. */
function forward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const io = ioFor(backend as AnyBackend);
  const { x, gamma, beta } = inputs;
  const eps = attrs.epsilon as number;
  const C = x.shape[x.shape.length - 1];
  const M = x.shape.reduce((a, b) => a * b, 1) / C;
  const y = io.alloc(x.shape);
  const mean = io.alloc([C]);
  const variance = io.alloc([C]);
  // Views after all allocations: a wasm malloc may grow the heap and detach older views.
  const xv = io.view(x);
  const g = io.view(gamma);
  const bt = io.view(beta);
  const mv = io.view(mean.info);
  const vv = io.view(variance.info);
  // One pass for both moments: s1 = Σx, s2 = Σx·(x − k) with k the first row (float64 sums).
  const k = Float64Array.from(xv.subarray(0, C));
  const s1 = new Float64Array(C);
  const s2 = new Float64Array(C);
  channelSums(xv, xv, k, M, C, s1, s2);
  const a = new Float32Array(C);
  const b = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const m = s1[c] / M; // var = E[x(x−k)] − m(m−k) = E[x²] − m²
    mv[c] = m;
    vv[c] = Math.max(0, s2[c] / M - m * (m - k[c]));
    a[c] = g[c] / Math.sqrt(vv[c] + eps);
    b[c] = bt[c] - m * a[c];
  }
  channelAffine(io.view(y.info), xv, a, null, a, b, M, C);
  return [y.info, mean.info, variance.info];
}

/** dx, dγ, dβ of y = γ·(x − μ)/σ + β with μ, σ the batch statistics. */
function backward({ inputs, backend, attrs }: KernelArgs): TensorInfo[] {
  const io = ioFor(backend as AnyBackend);
  const { dy, x, gamma, mean, variance } = inputs;
  const eps = attrs.epsilon as number;
  const C = x.shape[x.shape.length - 1];
  const M = x.shape.reduce((a, b) => a * b, 1) / C;
  const dx = io.alloc(x.shape);
  const dgamma = io.alloc([C]);
  const dbeta = io.alloc([C]);
  const dyv = io.view(dy);
  const xv = io.view(x);
  const g = io.view(gamma);
  const mv = io.view(mean);
  const vv = io.view(variance);
  const dgv = io.view(dgamma.info);
  const dbv = io.view(dbeta.info);
  const sdy = new Float64Array(C);
  const sdyxc = new Float64Array(C);
  channelSums(dyv, xv, Float64Array.from(mv), M, C, sdy, sdyxc); // Σdy, Σdy·(x − μ)
  // dx = a·dy + k1·x + k0 with a = γ/σ, k1 = −a·dγ/(σM), k0 = −a·dβ/M − k1·μ.
  const a = new Float32Array(C);
  const k1 = new Float32Array(C);
  const k0 = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const inv = 1 / Math.sqrt(vv[c] + eps);
    dbv[c] = sdy[c];
    dgv[c] = sdyxc[c] * inv;
    a[c] = g[c] * inv;
    k1[c] = (-a[c] * dgv[c] * inv) / M;
    k0[c] = (-a[c] * dbv[c]) / M - k1[c] * mv[c];
  }
  channelAffine(io.view(dx.info), dyv, a, xv, k1, k0, M, C);
  return [dx.info, dgamma.info, dbeta.info];
}

/*
 * tfjs-node: TensorFlow's fused ops in training mode. Their reserve spaces (batch mean and variance on
 * CPU, cuDNN's own on GPU) are kept for the gradient op; the batch variance they output is Bessel-
 * corrected, so the moving statistics get the biased one back (× (M − 1)/M), as on the other backends.
 */
const NATIVE_FORWARD = 'DlrecBatchNormTrainNative';
const NATIVE_BACKWARD = 'DlrecBatchNormTrainNativeGrad';

function nativeAttrs(b: NativeBackend, epsilon: number): unknown[] {
  const { TF_ATTR_FLOAT, TF_ATTR_STRING, TF_ATTR_BOOL } = b.binding;
  return [
    floatType(b, 'T'),
    floatType(b, 'U'),
    { name: 'epsilon', type: TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: TF_ATTR_BOOL, value: true },
  ];
}

/** [y, batch mean, biased batch variance, reserve space 1–3]. */
function nativeForward({ inputs, backend, attrs }: KernelArgs): tf.Tensor[] {
  const b = backend as NativeBackend;
  const { x, gamma, beta } = inputs;
  const M = x.shape.reduce((a, c) => a * c, 1) / x.shape[x.shape.length - 1];
  return tf.tidy(() => {
    const none = tf.tensor1d([]); // no running statistics in: the op then returns the batch's own
    const [y, mean, variance, r1, r2, r3] = b.executeMultipleOutputs(
      'FusedBatchNormV3',
      nativeAttrs(b, attrs.epsilon as number),
      [x, gamma, beta, none, none],
      6,
    );
    return [y, mean, tf.mul(variance, (M - 1) / M), r1, r2, r3];
  });
}

/** [dx, dγ, dβ]. */
function nativeBackward({ inputs, backend, attrs }: KernelArgs): tf.Tensor[] {
  const b = backend as NativeBackend;
  const { dy, x, gamma, r1, r2, r3 } = inputs;
  const out = b.executeMultipleOutputs(
    'FusedBatchNormGradV3',
    nativeAttrs(b, attrs.epsilon as number),
    [dy, x, gamma, r1, r2, r3],
    5,
  );
  tf.dispose(out.slice(3));
  return out.slice(0, 3);
}

let registered = false;

/** Registers the fused kernels (and the forward's gradient) once. */
export function registerFusedBatchNorm(): void {
  if (registered) return;
  registered = true;
  for (const backendName of BACKENDS) {
    tf.registerKernel({ kernelName: FORWARD, backendName, kernelFunc: forward as unknown as tf.KernelFunc });
    tf.registerKernel({
      kernelName: BACKWARD,
      backendName,
      kernelFunc: backward as unknown as tf.KernelFunc,
    });
  }
  tf.registerGradient({
    kernelName: FORWARD,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0]; // mean/variance only feed the moving averages: no gradient
      const [dx, dgamma, dbeta] = tf
        .engine()
        .runKernel(BACKWARD, { dy, x, gamma, mean, variance }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
  tf.registerKernel({
    kernelName: NATIVE_FORWARD,
    backendName: 'tensorflow',
    kernelFunc: nativeForward as unknown as tf.KernelFunc,
  });
  tf.registerKernel({
    kernelName: NATIVE_BACKWARD,
    backendName: 'tensorflow',
    kernelFunc: nativeBackward as unknown as tf.KernelFunc,
  });
  tf.registerGradient({
    kernelName: NATIVE_FORWARD,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, false, false, true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, r1, r2, r3] = saved;
      const dy = (dys as tf.Tensor[])[0];
      const [dx, dgamma, dbeta] = tf
        .engine()
        .runKernel(NATIVE_BACKWARD, { dy, x, gamma, r1, r2, r3 }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, gamma: () => dgamma, beta: () => dbeta };
    },
  });
}

/** The fused kernel for this backend and input rank, if there is one. */
function fusedKernel(rank: number): string | null {
  const backend = tf.getBackend();
  if (BACKENDS.includes(backend)) return FORWARD;
  return backend === 'tensorflow' && rank === 4 ? NATIVE_FORWARD : null;
}

// TF.js exports the BatchNormalization class only through its factory.
const BatchNormalizationBase = Object.getPrototypeOf(tf.layers.batchNormalization({})).constructor as {
  new (args: Parameters<typeof tf.layers.batchNormalization>[0]): tf.layers.Layer;
};

interface BatchNormInternals {
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
  momentum: number;
  epsilon: number;
  axis: number;
  center: boolean;
  scale: boolean;
}

/** BatchNormalization over the last axis whose training step uses the fused kernels where registered. */
export class FastBatchNormalization extends BatchNormalizationBase {
  constructor(args: Parameters<typeof tf.layers.batchNormalization>[0]) {
    super(args);
    registerFusedBatchNorm();
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const me = this as unknown as BatchNormInternals;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = me.axis === -1 || me.axis === x.rank - 1;
    const kernel = fusedKernel(x.rank);
    if (!kwargs.training || !kernel || !lastAxis || !me.center || !me.scale)
      return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const [y, mean, variance] = tf
        .engine()
        .runKernel(
          kernel,
          { x, gamma: me.gamma.read(), beta: me.beta.read() },
          { epsilon: me.epsilon },
        ) as tf.Tensor[];
      for (const [v, batch] of [
        [me.movingMean, mean],
        [me.movingVariance, variance],
      ] as const) {
        const old = v.read();
        v.write(tf.sub(old, tf.mul(tf.sub(old, batch), 1 - me.momentum)));
      }
      return y;
    });
  }
}
