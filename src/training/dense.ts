/**
 * Dense as a plain matrix product on tfjs-node. TF.js' layer runs its fused matMul, which reshapes both
 * operands to one-batch 3-D tensors and back, forward and in the gradient: six eager ops around each of
 * the three products a Dense layer costs per step (LeNet-5: ~50 of ~150 ops per training step). A rank-2
 * matMul is one TensorFlow MatMul (native-kernels.ts), and so are its gradients. Other backends, where the
 * fused kernel is one call, and inputs of other ranks keep TF.js' path. The class name stays 'Dense', so
 * saved models are standard Keras layers.
 */
import * as tf from '@tensorflow/tfjs';

const DenseBase = Object.getPrototypeOf(tf.layers.dense({ units: 1 })).constructor as {
  new (args: Parameters<typeof tf.layers.dense>[0]): tf.layers.Layer;
};

interface DenseInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  activation: { getClassName(): string };
}

export class PlainDense extends DenseBase {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const me = this as unknown as DenseInternals;
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    if (tf.getBackend() !== 'tensorflow' || x.rank !== 2 || me.activation.getClassName() !== 'linear') {
      return super.call(inputs, kwargs);
    }
    return tf.tidy(() => {
      const y = tf.matMul(x as tf.Tensor2D, me.kernel.read() as tf.Tensor2D);
      return me.bias ? tf.add(y, me.bias.read()) : y;
    });
  }
}
