/**
 * Forward passes without training, for forward-pass transferability (LogME, LEEP): a model's penultimate
 * features (the input of its last Dense layer) and its outputs on a set of images, normalised as the model
 * was trained (per-channel mean/std).
 */
import * as tf from '@tensorflow/tfjs';
import { fillBatch, type ImageData } from './batches';

export interface ForwardOutputs {
  count: number;
  /** Row-major count × featureDim: what the classifier head's last Dense layer reads. */
  features: Float32Array;
  featureDim: number;
  /** Row-major count × outputDim: the model's output (probabilities or logits, see `probabilities`). */
  outputs: Float32Array;
  outputDim: number;
  /** True when every output row is a probability distribution (the model ends in a softmax). */
  probabilities: boolean;
}

export class ForwardPassError extends Error {
  override name = 'ForwardPassError';
}

/** The last Dense layer's input tensor: the penultimate representation of a classifier. */
function penultimate(model: tf.LayersModel): tf.SymbolicTensor {
  const dense = [...model.layers].reverse().find((l) => l.getClassName() === 'Dense');
  if (!dense) throw new ForwardPassError(`model '${model.name}' has no Dense layer: no penultimate features`);
  const input = dense.input;
  if (Array.isArray(input)) throw new ForwardPassError(`layer '${dense.name}' has several inputs`);
  return input;
}

/**
 * Runs `model` on every image of `data` in batches of `batchSize`, awaiting `between()` after each batch (a
 * caller's heartbeat or event-loop yield). The images must already have the model's input shape.
 */
export async function forwardOutputs(
  model: tf.LayersModel,
  data: ImageData,
  norm: { mean: number[]; std: number[] },
  opts: { batchSize?: number; between?: () => Promise<void> } = {},
): Promise<ForwardOutputs> {
  const shape = model.inputs[0].shape;
  if (shape[1] !== data.height || shape[2] !== data.width || shape[3] !== data.channels) {
    throw new ForwardPassError(
      `images are ${data.height}×${data.width}×${data.channels}, the model takes ${shape.slice(1).join('×')}: resize them first`,
    );
  }
  const probe = tf.model({ inputs: model.inputs, outputs: [penultimate(model), model.outputs[0]] });
  const featureDim = Number(probe.outputs[0].shape.slice(1).reduce((a, b) => (a ?? 1) * (b ?? 1), 1));
  const outputDim = Number(model.outputs[0].shape[model.outputs[0].shape.length - 1]);
  const features = new Float32Array(data.count * featureDim);
  const outputs = new Float32Array(data.count * outputDim);
  const B = opts.batchSize ?? 64;
  const per = data.height * data.width * data.channels;
  const norms = { ...norm, cropPadding: 0, horizontalFlip: false };
  for (let o = 0; o < data.count; o += B) {
    const n = Math.min(B, data.count - o);
    const buf = new Float32Array(n * per);
    fillBatch(
      data,
      Array.from({ length: n }, (_, i) => o + i),
      buf,
      norms,
    );
    const [f, y] = tf.tidy(() => {
      const x = tf.tensor4d(buf, [n, data.height, data.width, data.channels]);
      const [pf, py] = probe.predict(x) as tf.Tensor[];
      return [pf.dataSync().slice(), py.dataSync().slice()];
    });
    features.set(f as Float32Array, o * featureDim);
    outputs.set(y as Float32Array, o * outputDim);
    await opts.between?.();
  }
  return {
    count: data.count,
    features,
    featureDim,
    outputs,
    outputDim,
    probabilities: rowsAreDistributions(outputs, data.count, outputDim),
  };
}

function rowsAreDistributions(v: Float32Array, rows: number, cols: number): boolean {
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const x = v[i * cols + j];
      if (x < 0) return false;
      sum += x;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}
