/**
 * tfjs-node's backend as dlrec calls TensorFlow ops on it by name (native-kernels.ts, fused-batchnorm.ts,
 * training-loss.ts): the binding's attribute codes and the two execute methods.
 */
import * as tf from '@tensorflow/tfjs';

export interface NativeBackend {
  binding: Record<'TF_ATTR_TYPE' | 'TF_ATTR_BOOL' | 'TF_ATTR_FLOAT' | 'TF_ATTR_STRING' | 'TF_FLOAT', number>;
  executeSingleOutput(name: string, attrs: unknown[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: unknown[],
    inputs: tf.TensorInfo[],
    outputs: number,
  ): tf.Tensor[];
}

/** The type attribute `name` (default 'T') set to float32, which most ops take. */
export function floatType(be: NativeBackend, name = 'T') {
  return { name, type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
}

/** The active backend when it is tfjs-node's (CPU or GPU), else null. */
export function activeNativeBackend(): NativeBackend | null {
  return tf.getBackend() === 'tensorflow' ? (tf.backend() as unknown as NativeBackend) : null;
}
