/**
 * Activation gradients on tfjs-node (CPU or GPU) as TensorFlow's one-op gradient kernels. TF.js writes them
 * as several eager ops, each a full pass over the activations (and a fresh output buffer):
 * - ReLU: dy·step(x), where tfjs-node's Step alone is six ops (isNaN, greater, ones, fill, two selects):
 *   ~160 ms of a ~575 ms ResNet-20 training step at batch 128 (tf.profile);
 * - tanh: dy·(1 − y²), three ops (0.97 ms against TanhGrad's 0.52 ms on a LeNet-5 activation);
 * - sigmoid: dy·y·(1 − y), three ops.
 * Other backends keep TF.js' own gradients. BatchNormalization's native path is in fused-batchnorm.ts.
 *
 * Also a matrix product of one batch (every Dense layer, forward and backward) as TensorFlow's MatMul rather
 * than BatchMatMulV2, which costs 0.12–0.32 ms in eager mode where MatMul costs 0.03 ms on the same 128×84
 * by 84×10 product (TF 2.21, both with TensorFlow's Python API): ~2 ms of a 20 ms LeNet-5 step.
 */
import * as tf from '@tensorflow/tfjs';
import { floatType, type NativeBackend } from './native-ops';

/** TF.js kernel → TensorFlow's gradient op, which takes (saved tensor, dy) or (dy, saved tensor). */
const GRADIENT_OPS = [
  { kernel: 'Relu', op: 'ReluGrad', dyFirst: true }, // ReluGrad(gradients, features = x)
  { kernel: 'Tanh', op: 'TanhGrad', dyFirst: false }, // TanhGrad(y, dy)
  { kernel: 'Sigmoid', op: 'SigmoidGrad', dyFirst: false }, // SigmoidGrad(y, dy)
] as const;

let registered = false;

/** tfjs-node's BatchMatMul kernel, kept for products of several batches and for other dtypes. */
function registerTwoDimensionalMatMul(): void {
  const own = tf.getKernel('BatchMatMul', 'tensorflow');
  if (!own) return;
  tf.unregisterKernel('BatchMatMul', 'tensorflow');
  tf.registerKernel({
    ...own,
    kernelFunc: ((args: {
      inputs: Record<'a' | 'b', tf.TensorInfo>;
      backend: unknown;
      attrs: { transposeA: boolean; transposeB: boolean };
    }) => {
      const { a, b } = args.inputs;
      const rank = a.shape.length;
      const oneBatch = rank === 2 || (rank === 3 && a.shape[0] === 1 && b.shape[0] === 1);
      if (!oneBatch || b.shape.length !== rank || a.dtype !== 'float32')
        return own.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]);
      const be = args.backend as NativeBackend;
      const bool = (name: string, value: boolean) => ({ name, type: be.binding.TF_ATTR_BOOL, value });
      const matMul = (x: tf.TensorInfo, y: tf.TensorInfo) =>
        be.executeSingleOutput(
          'MatMul',
          [
            floatType(be),
            bool('transpose_a', args.attrs.transposeA),
            bool('transpose_b', args.attrs.transposeB),
          ],
          [x, y],
        );
      if (rank === 2) return matMul(a, b);
      const drop = (m: tf.TensorInfo) =>
        tf.engine().runKernel('Reshape', { x: m as tf.Tensor }, { shape: m.shape.slice(1) }) as tf.Tensor;
      return tf.tidy(() => tf.expandDims(matMul(drop(a), drop(b)), 0));
    }) as unknown as tf.KernelFunc,
  });
}

/** Registers the kernels and re-registers the three gradients once (safe before any backend is chosen). */
export function registerNativeKernels(): void {
  if (registered) return;
  registered = true;
  registerTwoDimensionalMatMul();
  for (const { kernel, op, dyFirst } of GRADIENT_OPS) {
    const kernelName = `Dlrec${op}`;
    tf.registerKernel({
      kernelName,
      backendName: 'tensorflow',
      kernelFunc: (({ inputs, backend }: { inputs: Record<string, tf.TensorInfo>; backend: unknown }) => {
        const b = backend as NativeBackend;
        const attrs = [floatType(b)];
        const args = dyFirst ? [inputs.dy, inputs.saved] : [inputs.saved, inputs.dy];
        return b.executeSingleOutput(op, attrs, args);
      }) as unknown as tf.KernelFunc,
    });
    const own = tf.getGradient(kernel); // Relu saves its input x, Tanh and Sigmoid their output y
    tf.registerGradient({
      ...own,
      gradFunc: (dy, saved, attrs) =>
        tf.getBackend() === 'tensorflow' && (dy as tf.Tensor).dtype === 'float32'
          ? {
              x: () =>
                tf.engine().runKernel(kernelName, { saved: saved[0], dy: dy as tf.Tensor }) as tf.Tensor,
            }
          : own.gradFunc(dy, saved, attrs),
    });
  }
}
