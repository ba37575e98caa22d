/**
 * Conv2D for layers that read the model input. TF.js' layer runs a fused conv whose custom gradient always
 * computes the input gradient too — for the first layer a full backward convolution nobody uses (~10% of a
 * LeNet-5 step). Plain conv2d + add registers per-op gradients, which the tape prunes when the input is
 * not trainable. The class name stays 'Conv2D', so saved models are standard Keras layers.
 */
import * as tf from '@tensorflow/tfjs';

const Conv2DBase = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as {
  new (args: Parameters<typeof tf.layers.conv2d>[0]): tf.layers.Layer;
};

interface ConvInternals {
  kernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
  strides: [number, number];
  padding: 'same' | 'valid';
  dilationRate: [number, number];
  activation: { apply(t: tf.Tensor): tf.Tensor; getClassName(): string };
}

export class InputConv2D extends Conv2DBase {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const me = this as unknown as ConvInternals;
    if (me.activation.getClassName() !== 'linear') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = tf.conv2d(
        x,
        me.kernel.read() as tf.Tensor4D,
        me.strides,
        me.padding,
        'NHWC',
        me.dilationRate,
      );
      return me.bias ? tf.add(y, me.bias.read()) : y;
    });
  }
}
