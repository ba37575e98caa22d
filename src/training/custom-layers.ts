/**
 * Layers the ArchitectureSpec has and TF.js Layers lacks (Caffe's LRN, Power, AbsVal and opaque UNK layers).
 * They are registered for (de)serialisation, so a saved model.json loads again in Node once this module is
 * imported; a browser needs the same four small classes.
 */
import * as tf from '@tensorflow/tfjs';

type Kwargs = Record<string, unknown>;
type LayerArgs = ConstructorParameters<typeof tf.layers.Layer>[0];

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** Caffe across-channel LRN: x / (k + α/n · Σ x²)^β over n neighbouring channels. */
export class LocalResponseNormalization extends tf.layers.Layer {
  static readonly className = 'DlrecLRN';
  readonly size: number;
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(args: LayerArgs & { size: number; alpha?: number; beta?: number; k?: number }) {
    super(args);
    this.size = args.size;
    this.alpha = args.alpha ?? 1e-4;
    this.beta = args.beta ?? 0.75;
    this.k = args.k ?? 1;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    // TF sums over depthRadius channels either side and does not divide α by the window: rescale it.
    return tf.localResponseNormalization(
      single(inputs) as tf.Tensor4D,
      Math.floor(this.size / 2),
      this.k,
      this.alpha / this.size,
      this.beta,
    );
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), size: this.size, alpha: this.alpha, beta: this.beta, k: this.k };
  }
}

/** Caffe Power: (shift + scale · x)^power. */
export class PowerLayer extends tf.layers.Layer {
  static readonly className = 'DlrecPower';
  readonly power: number;
  readonly scale: number;
  readonly shift: number;
  constructor(args: LayerArgs & { power?: number; scale?: number; shift?: number }) {
    super(args);
    this.power = args.power ?? 1;
    this.scale = args.scale ?? 1;
    this.shift = args.shift ?? 0;
  }
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      let y = single(inputs);
      if (this.scale !== 1) y = tf.mul(y, this.scale);
      if (this.shift !== 0) y = tf.add(y, this.shift);
      if (this.power === 1) return this.scale === 1 && this.shift === 0 ? tf.clone(y) : y;
      return this.power === 2 ? tf.square(y) : tf.pow(y, tf.scalar(this.power));
    });
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), power: this.power, scale: this.scale, shift: this.shift };
  }
}

/** |x| (Caffe AbsVal). */
export class AbsoluteValue extends tf.layers.Layer {
  static readonly className = 'DlrecAbsoluteValue';
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.abs(single(inputs));
  }
}

/** A layer type dlrec cannot model (UNK in the spec): kept in the graph as the identity. */
export class Identity extends tf.layers.Layer {
  static readonly className = 'DlrecIdentity';
  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.clone(single(inputs));
  }
}

for (const cls of [LocalResponseNormalization, PowerLayer, AbsoluteValue, Identity]) {
  tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.layers.Layer>);
}
