/**
 * Test oracle: builds a spec as a TensorFlow.js model so that tfjs's own shape inference and
 * countParams() check ours independently. Layers tfjs lacks (LRN, Power, AbsoluteValue) are
 * parameter-free and shape-preserving, so they become identity activations here.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveInputs, type ArchitectureSpec, type LayerSpec } from '../../src/arch';

function layerFor(l: LayerSpec): tf.layers.Layer {
  switch (l.type) {
    case 'Convolution2D':
      return tf.layers.conv2d({
        filters: l.params.filters,
        kernelSize: l.params.kernel,
        strides: l.params.strides,
        padding: l.params.padding === 'SAME' ? 'same' : 'valid',
      });
    case 'Pooling2D': {
      const args = {
        poolSize: l.params.kernel,
        strides: l.params.strides,
        padding: l.params.padding === 'SAME' ? ('same' as const) : ('valid' as const),
      };
      return l.params.func === 'MAX' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    }
    case 'Dense':
      return tf.layers.dense({ units: l.params.units });
    case 'Dropout':
      return tf.layers.dropout({ rate: l.params.rate });
    case 'BatchNormalization':
      return tf.layers.batchNormalization();
    case 'ReLU':
      return tf.layers.reLU();
    case 'Tanh':
    case 'Sigmoid':
      return tf.layers.activation({ activation: l.type === 'Tanh' ? 'tanh' : 'sigmoid' });
    case 'Softmax':
      return tf.layers.softmax();
    case 'Flatten':
      return tf.layers.flatten();
    case 'GlobalAveragePooling2D':
      return tf.layers.globalAveragePooling2d({});
    case 'Eltwise':
      return l.params.op === 'SUM'
        ? tf.layers.add()
        : l.params.op === 'PROD'
          ? tf.layers.multiply()
          : tf.layers.maximum();
    case 'Concat':
      return tf.layers.concatenate();
    default:
      return tf.layers.activation({ activation: 'linear' });
  }
}

export function tfjsOracle(spec: ArchitectureSpec): { params: number; shapes: number[][] } {
  const inputs = resolveInputs(spec);
  const x = tf.input({ shape: [spec.input.height, spec.input.width, spec.input.channels] });
  const tensors: tf.SymbolicTensor[] = [];
  spec.layers.forEach((l, i) => {
    const ins = inputs[i].map((k) => (k < 0 ? x : tensors[k]));
    tensors.push(layerFor(l).apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor);
  });
  const model = tf.model({ inputs: x, outputs: tensors[tensors.length - 1] });
  const params = model.countParams();
  model.dispose();
  return { params, shapes: tensors.map((t) => t.shape.slice(1) as number[]) };
}
