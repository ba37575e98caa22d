/**
 * ArchitectureSpec → tf.LayersModel through the functional API (sequential specs and DAGs alike).
 * The spec is validated first (src/arch/shapes), so a bad spec fails with the arch module's message naming
 * the layer, not with a TF.js shape error deep inside a build.
 */
import * as tf from '@tensorflow/tfjs';
import type { ArchitectureSpec, LayerSpec } from '../arch/spec';
import { analyze } from '../arch/shapes';
import { INPUT_INDEX, resolveInputs, sinks } from '../arch/graph';
import { AbsoluteValue, Identity, LocalResponseNormalization, PowerLayer } from './custom-layers';
import { FastBatchNormalization } from './fused-batchnorm';
import { registerNativeKernels } from './native-kernels';
import { InputConv2D } from './input-conv';
import { PlainDense } from './dense';

export interface BuildOptions {
  /** Seed for weight initialisers, for reproducible runs. */
  seed?: number;
}

export interface BuiltModel {
  model: tf.LayersModel;
  /** True when the model ends in Softmax (outputs probabilities), false when it outputs logits. */
  outputsProbabilities: boolean;
  /**
   * The model up to its logits, for the training loss: the same layers without the final Softmax, `model`
   * itself when it outputs logits, null when its Softmax reads the input directly.
   */
  logits: tf.LayersModel | null;
  /** The conv and dense kernels, which SGD weight decay applies to (src/training/training-loss.ts). */
  decayed: tf.LayerVariable[];
  /** The spec's parameter count (src/arch/shapes), including conv biases the build leaves out before BN. */
  params: number;
  /** Forward FLOPs per image (multiply-add = 2), from src/arch/shapes. */
  flops: number;
}

const INITIALIZERS: Record<string, string> = {
  glorot_uniform: 'glorotUniform',
  glorot_normal: 'glorotNormal',
  he_uniform: 'heUniform',
  he_normal: 'heNormal',
  random_uniform: 'randomUniform',
  random_normal: 'randomNormal',
  lecun_uniform: 'leCunUniform',
  lecun_normal: 'leCunNormal',
  zeros: 'zeros',
};

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;

function initializer(name: string | undefined, seed: number | undefined): Initializer {
  const key = INITIALIZERS[name ?? 'glorot_uniform'];
  if (!key) {
    throw new Error(
      `Dense init '${name}' is not supported; use one of ${Object.keys(INITIALIZERS).join(', ')}`,
    );
  }
  const make = (tf.initializers as unknown as Record<string, (a: object) => Initializer>)[key];
  return make(key === 'zeros' ? {} : { seed });
}

/**
 * Layers whose output only BatchNormalization layers read. Such a conv's bias is redundant: BN subtracts the
 * batch mean in training (the bias's gradient is zero) and a moving mean that includes it at inference. Left
 * out as Keras' ResNets do (use_bias=False), it saves an activation-sized add and its gradient's reduction
 * (~9% of a ResNet-20 step on tfjs-node). The spec's parameter count still includes it.
 */
function readOnlyByBatchNorm(spec: ArchitectureSpec, edges: number[][]): Set<number> {
  const readers = edges.map(() => [] as number[]);
  edges.forEach((list, i) => list.forEach((k) => k >= 0 && readers[k].push(i)));
  const out = new Set<number>();
  readers.forEach((r, k) => {
    if (r.length > 0 && r.every((i) => spec.layers[i].type === 'BatchNormalization')) out.add(k);
  });
  return out;
}

function layerFor(
  spec: LayerSpec,
  opts: BuildOptions,
  seedOffset: number,
  readsInput: boolean,
  beforeBatchNorm: boolean,
): tf.layers.Layer {
  const name = `l_${spec.id}`;
  const seed = opts.seed === undefined ? undefined : opts.seed + seedOffset;
  switch (spec.type) {
    case 'Convolution2D': {
      const args = {
        name,
        filters: spec.params.filters,
        kernelSize: spec.params.kernel,
        strides: spec.params.strides,
        padding: (spec.params.padding === 'SAME' ? 'same' : 'valid') as 'same' | 'valid',
        kernelInitializer: tf.initializers.heNormal({ seed }),
        useBias: !beforeBatchNorm,
      };
      return readsInput ? new InputConv2D(args) : tf.layers.conv2d(args);
    }
    case 'Pooling2D': {
      const args = {
        name,
        poolSize: spec.params.kernel,
        strides: spec.params.strides,
        padding: (spec.params.padding === 'SAME' ? 'same' : 'valid') as 'same' | 'valid',
      };
      return spec.params.func === 'MAX' ? tf.layers.maxPooling2d(args) : tf.layers.averagePooling2d(args);
    }
    case 'Dense':
      return new PlainDense({
        name,
        units: spec.params.units,
        kernelInitializer: initializer(spec.params.init, seed),
      });
    case 'Dropout':
      // No seed: tf.js would then draw the same mask on every batch.
      return tf.layers.dropout({ name, rate: spec.params.rate });
    case 'LRN':
      return new LocalResponseNormalization({ name, size: spec.params.size });
    case 'Power':
      return new PowerLayer({ name, ...spec.params });
    case 'Eltwise': {
      const make = { SUM: tf.layers.add, PROD: tf.layers.multiply, MAX: tf.layers.maximum }[spec.params.op];
      return make({ name });
    }
    case 'Concat':
      return tf.layers.concatenate({ name, axis: -1 });
    case 'UNK':
      return new Identity({ name });
    case 'BatchNormalization':
      return new FastBatchNormalization({ name, axis: -1, momentum: 0.9, epsilon: 1e-5 });
    case 'ReLU':
      return tf.layers.reLU({ name });
    case 'Tanh':
      return tf.layers.activation({ name, activation: 'tanh' });
    case 'Sigmoid':
      return tf.layers.activation({ name, activation: 'sigmoid' });
    case 'Softmax':
      return tf.layers.softmax({ name });
    case 'AbsoluteValue':
      return new AbsoluteValue({ name });
    case 'Flatten':
      return tf.layers.flatten({ name });
    case 'GlobalAveragePooling2D':
      return tf.layers.globalAveragePooling2d({ name });
    default:
      throw new Error(
        `layer type '${(spec as { type: string }).type}' cannot be built by dlrec's model builder`,
      );
  }
}

/** Builds the spec as a fresh, randomly initialised model. Throws the arch module's error for an invalid spec. */
export function buildModel(spec: ArchitectureSpec, opts: BuildOptions = {}): BuiltModel {
  registerNativeKernels(); // activation gradients as one op each on tfjs-node
  const { params, flops } = analyze(spec);
  const edges = resolveInputs(spec);
  const { height, width, channels } = spec.input;
  const input = tf.input({ shape: [height, width, channels], name: 'input' });
  const outputs: tf.SymbolicTensor[] = [];
  const beforeBatchNorm = readOnlyByBatchNorm(spec, edges);
  const decayed: tf.LayerVariable[] = [];
  spec.layers.forEach((layer, i) => {
    const ins = edges[i].map((k) => (k < 0 ? input : outputs[k]));
    const built = layerFor(layer, opts, i, edges[i].includes(INPUT_INDEX), beforeBatchNorm.has(i));
    outputs.push(built.apply(ins.length === 1 ? ins[0] : ins) as tf.SymbolicTensor);
    if (layer.type === 'Convolution2D' || layer.type === 'Dense') {
      decayed.push((built as unknown as { kernel: tf.LayerVariable }).kernel);
    }
  });
  const out = sinks(edges)[0];
  const name = sanitize(spec.name ?? 'dlrec_model');
  const model = tf.model({ inputs: input, outputs: outputs[out], name });
  const outputsProbabilities = spec.layers[out].type === 'Softmax';
  const before = edges[out][0];
  const logits = !outputsProbabilities
    ? model
    : before >= 0
      ? tf.model({ inputs: input, outputs: outputs[before], name: `${name}_logits` })
      : null;
  return { model, outputsProbabilities, logits, decayed, params, flops };
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_');
}
