/**
 * The training loss in few ops: cross-entropy from the logits, and L2 weight decay applied to the gradients
 * rather than recorded on the tape.
 *
 * On tfjs-node every eager op costs a dispatch, so op count is step time for small models (LeNet-5: ~230
 * ops per step). Keras-style kernel regularisers cost ~12 ops per kernel (square, sum, scale, add, and
 * their gradients); cross-entropy on Softmax outputs ~25 (clip, log, mean and the Softmax gradient). Here
 * decay is λw added to each kernel's gradient (two ops, the same gradient bit for bit: the regulariser's
 * is (λ/2)·2w) and its loss term is reported without a gradient; the cross-entropy is TensorFlow's
 * SoftmaxCrossEntropyWithLogits, which returns the loss and its gradient in one op.
 */
import * as tf from '@tensorflow/tfjs';
import { activeNativeBackend, floatType } from './native-ops';

/** Mean softmax cross-entropy of `logits` [batch, classes] against one-hot `labels`. */
export function crossEntropyFromLogits(labels: tf.Tensor, logits: tf.Tensor): tf.Scalar {
  const be = activeNativeBackend();
  if (!be || logits.rank !== 2 || logits.dtype !== 'float32') {
    return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
  }
  const n = logits.shape[0];
  const y = labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32');
  const loss = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [rows, backprop] = be.executeMultipleOutputs(
      'SoftmaxCrossEntropyWithLogits',
      [floatType(be)],
      [z, y],
      2,
    );
    save([backprop]);
    return { value: tf.mean(rows), gradFunc: (dy, [g]) => tf.mul(g, tf.div(dy, n)) };
  });
  return loss(logits) as tf.Scalar;
}

/**
 * λ/2 · Σ‖w‖² over `kernels`, the weight-decay term of the loss, for reporting: on tfjs-node its L2Loss ops
 * are not on the tape (the trainer adds the gradient with addWeightDecay).
 */
export function weightDecayLoss(kernels: tf.Tensor[], lambda: number): tf.Scalar {
  if (kernels.length === 0 || lambda === 0) return tf.scalar(0);
  const be = activeNativeBackend();
  const halves = kernels.map((w) =>
    be ? be.executeSingleOutput('L2Loss', [floatType(be)], [w]) : tf.mul(tf.sum(tf.square(w)), 0.5),
  );
  return tf.mul(halves.length === 1 ? halves[0] : tf.addN(halves), lambda) as tf.Scalar;
}

/** Adds λw to the gradient of each decayed variable (by name): the gradient of `weightDecayLoss`. */
export function addWeightDecay(
  grads: tf.NamedTensorMap,
  decayed: readonly tf.Variable[],
  lambda: number,
): tf.NamedTensorMap & Record<string, tf.Variable> {
  const out = { ...grads } as tf.NamedTensorMap & Record<string, tf.Variable>;
  if (lambda === 0) return out;
  for (const v of decayed) if (out[v.name]) out[v.name] = tf.add(out[v.name], tf.mul(v, lambda));
  return out;
}
