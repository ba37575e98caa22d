/**
 * The tied-embedding LSTM language model as TF.js core ops (used for training and as the
 * reference forward pass). Backend-agnostic: whoever calls it picks the TF.js backend.
 *
 * Shapes: embedding E [V, D]; layer l has W [4D, 2D] acting on [x; h] and b [4D, 1], gate blocks
 * of rows ordered (input, forget, cell, output); logits = h_top · Eᵀ + outBias, so input and
 * output embeddings are the same variable (hidden size = embedding size makes the tie possible).
 *
 * States are kept transposed ([D, B], one column per sequence) because TF.js's cpu and wasm
 * backends slice and split slowly along inner axes (unstack, column splits): transposed, every
 * per-gate block is a contiguous run of rows and each step is a single 2-D matMul.
 */
import * as tf from '@tensorflow/tfjs';

export interface LstmWeights<T extends tf.Tensor = tf.Variable> {
  embedding: T;
  layers: { w: T; bias: T }[];
  outBias: T;
}

/** Per layer, hidden and cell states as [D, B]. */
export interface LstmState {
  h: tf.Tensor2D[];
  c: tf.Tensor2D[];
}

/** Flat, fixed order of the trainable variables (the optimizer's slots follow this order). */
export function variableList(w: LstmWeights): tf.Variable[] {
  return [w.embedding, ...w.layers.flatMap((l) => [l.w, l.bias]), w.outBias];
}

export function zeroState(layers: number, batch: number, dim: number): LstmState {
  return {
    h: Array.from({ length: layers }, () => tf.zeros([dim, batch]) as tf.Tensor2D),
    c: Array.from({ length: layers }, () => tf.zeros([dim, batch]) as tf.Tensor2D),
  };
}

/**
 * a · b whose gradient also uses only untransposed products (with explicit transposes): the wasm
 * backend runs matMul with a transpose flag about 6× slower than a transpose followed by a plain one.
 */
export const matMulPlain = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * Embedding columns [D, B] for ids [B]. tf.gather's gradient needs the UnsortedSegmentSum kernel;
 * on a backend without it (stock wasm) the lookup is a one-hot product, whose gradient is a matMul.
 */
export function embedColumns(embedding: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (tf.getKernel('UnsortedSegmentSum', tf.getBackend())) return tf.transpose(tf.gather(embedding, ids));
  return matMulPlain(
    tf.transpose(embedding),
    tf.transpose(tf.oneHot(ids, embedding.shape[0]).toFloat() as tf.Tensor2D),
  );
}

/**
 * Runs the stack over `steps` = ids.length / batch steps; ids are time-major (row t*batch + b).
 * Returns the top layer's outputs [D, steps*batch] (column t*batch + b) and the final state.
 */
export function runLstm(
  w: LstmWeights<tf.Tensor>,
  ids: tf.Tensor1D,
  batch: number,
  state: LstmState,
): { outputs: tf.Tensor2D; state: LstmState } {
  const steps = ids.shape[0] / batch;
  const h = [...state.h];
  const c = [...state.c];
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < steps; t++) {
    let x = embedColumns(w.embedding as tf.Tensor2D, tf.slice(ids, [t * batch], [batch]));
    w.layers.forEach((layer, l) => {
      const z = tf.add(matMulPlain(layer.w as tf.Tensor2D, tf.concat([x, h[l]], 0)), layer.bias);
      const [i, f, g, o] = tf.split(z, 4, 0) as tf.Tensor2D[];
      c[l] = tf.add(tf.mul(tf.sigmoid(f), c[l]), tf.mul(tf.sigmoid(i), tf.tanh(g)));
      h[l] = tf.mul(tf.sigmoid(o), tf.tanh(c[l]));
      x = h[l];
    });
    outs.push(x);
  }
  return { outputs: outs.length === 1 ? outs[0] : tf.concat(outs, 1), state: { h, c } };
}

/** Summed next-token negative log-likelihood of outputs [D, N] over positions where mask = 1. */
export function maskedNll(
  w: LstmWeights<tf.Tensor>,
  outputs: tf.Tensor2D,
  targets: tf.Tensor1D,
  mask: tf.Tensor1D,
): tf.Scalar {
  const vocab = w.embedding.shape[0] as number;
  const logits = tf.add(
    matMulPlain(tf.transpose(outputs), tf.transpose(w.embedding as tf.Tensor2D)),
    w.outBias,
  );
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, vocab)), 1);
  return tf.neg(tf.sum(tf.mul(picked, mask))) as tf.Scalar;
}
