/**
 * Trains an ArchitectureSpec on in-memory uint8 images with a Recipe: SGD with momentum, L2 weight decay,
 * linear warm-up, augmentation, early stopping on a validation split (best weights restored), then test
 * accuracy. Checkpointable at every epoch end (weights + momentum slots + epoch + RNG state) and resumable,
 * so a killed worker loses at most the current epoch.
 */
import * as tf from '@tensorflow/tfjs';
import type { ArchitectureSpec } from '../arch/spec';
import { initBackend, type BackendInfo, type BackendName } from './backend';
import {
  checkImageData,
  checkLabels,
  channelStats,
  fillBatch,
  splitIndices,
  TrainingRandom,
  type ImageData,
} from './batches';
import { buildModel, type BuiltModel } from './model-builder';
import { validateRecipe, type Recipe } from './recipe';
import { decodeState, encodeState, type NamedArray, type TrainingState } from './state';
import { saveModel, type SavedModel } from './saved-model';
import {
  copyMatchingWeights,
  readOptimizer,
  readWeights,
  variableOf,
  writeOptimizer,
  writeWeights,
} from './model-weights';
import { addWeightDecay, crossEntropyFromLogits, weightDecayLoss } from './training-loss';

export interface TrainingHooks {
  /** After every batch (heartbeats). */
  onBatch?(epoch: number, batch: number, loss: number): void | Promise<void>;
  /** After every epoch with the full state (checkpoints); `encodeState(state)` gives the bytes. */
  onEpochEnd?(state: TrainingState): void | Promise<void>;
  /** Between the slices of a batch when recipe.microBatch splits it (heartbeats for slow steps). */
  onMicroBatch?(): void | Promise<void>;
}

export interface TrainerOptions {
  backend?: BackendName | 'auto';
  hooks?: TrainingHooks;
}

export interface TrainResult {
  /** Test accuracy in [0, 1] with the kept (best-validation) weights. */
  accuracy: number;
  /** Test loss (cross-entropy, without the weight-decay term). */
  loss: number;
  lossCurve: number[];
  valLossCurve: number[];
  valAccuracyCurve: number[];
  epochs: number;
  stoppedEarly: boolean;
  /** The loss became NaN/∞: training stopped; accuracy is that of the best (or last) weights. */
  diverged: boolean;
  /** Training seconds (all epochs, resumed ones included) and training images per second. */
  seconds: number;
  imagesPerSecond: number;
  backend: BackendName;
  params: number;
  flops: number;
  trainImages: number;
  testImages: number;
}

export class Trainer {
  readonly recipe: Recipe;
  readonly built: BuiltModel;
  private optimizer: tf.MomentumOptimizer;
  private state: TrainingState | null = null;

  private constructor(
    readonly spec: ArchitectureSpec,
    recipe: Recipe,
    readonly backend: BackendInfo,
    private readonly hooks: TrainingHooks,
  ) {
    this.recipe = validateRecipe(recipe);
    this.built = buildModel(spec, { seed: recipe.seed });
    this.optimizer = tf.train.momentum(recipe.learningRate, recipe.momentum);
  }

  /** Chooses the backend (fastest available unless told) and builds the model. */
  static async create(spec: ArchitectureSpec, recipe: Recipe, opts: TrainerOptions = {}): Promise<Trainer> {
    const backend = await initBackend(opts.backend ?? 'auto');
    return new Trainer(spec, recipe, backend, opts.hooks ?? {});
  }

  get model(): tf.LayersModel {
    return this.built.model;
  }

  /**
   * Transfer learning: copies pre-trained weights whose name and shape match (everything but the head
   * when the class count differs); `skipLayers` (e.g. the head's id) keeps fresh weights regardless.
   * All layers stay trainable (full fine-tuning).
   */
  loadPretrained(
    weights: NamedArray[],
    skipLayers: string[] = [],
  ): { transferred: string[]; fresh: string[] } {
    return copyMatchingWeights(this.model, weights, skipLayers);
  }

  /** Continues from a checkpoint (state or its bytes) at the next epoch boundary. */
  async resumeFrom(state: TrainingState | Uint8Array): Promise<void> {
    const s = state instanceof Uint8Array ? decodeState(state) : state;
    writeWeights(this.model, s.weights);
    await writeOptimizer(this.model, this.optimizer, s.optimizer);
    this.state = s;
  }

  /** The current state (a deep copy), as onEpochEnd sees it. */
  async snapshot(): Promise<TrainingState> {
    if (!this.state) throw new Error('nothing to snapshot: train() has not started');
    const s = this.state;
    return {
      ...s,
      lossCurve: [...s.lossCurve],
      valLossCurve: [...s.valLossCurve],
      valAccuracyCurve: [...s.valAccuracyCurve],
      mean: [...s.mean],
      std: [...s.std],
      weights: readWeights(this.model),
      optimizer: await readOptimizer(this.model, this.optimizer),
    };
  }

  async train(train: ImageData, test: ImageData): Promise<TrainResult> {
    checkImageData(train, 'training images');
    checkImageData(test, 'test images');
    checkLabels(train, this.spec.classes, 'training images');
    const r = this.recipe;
    const split = splitIndices(train.count, r.trainLimit, r.validationSplit, r.seed);
    const s = (this.state ??= this.freshState(train, split.train));
    const rng = new TrainingRandom(s.rngState);
    const adapt = this.inputAdapter(train);
    const classes = this.spec.classes;
    const B = r.batchSize;

    while (
      !s.diverged &&
      s.epoch < r.maxEpochs &&
      !(r.validationSplit > 0 && r.patience > 0 && s.epochsSinceBest >= r.patience)
    ) {
      const t0 = performance.now();
      const order = rng.permutation(split.train.length);
      const batches = Math.ceil(order.length / B);
      let lossSum = 0;
      for (let b = 0; b < batches; b++) {
        const idx = Array.from(order.subarray(b * B, (b + 1) * B), (k) => split.train[k]);
        const lr =
          r.warmupBatches > 0 ? r.learningRate * Math.min(1, (s.step + 1) / r.warmupBatches) : r.learningRate;
        this.optimizer.setLearningRate(lr);
        const loss = await this.step(train, idx, rng, adapt, classes);
        s.step++;
        if (!Number.isFinite(loss)) {
          // A model that does not train with this recipe is a result (the paper's campaign has them), not a
          // crash: stop, keep the best weights seen (if any) and report it as diverged.
          s.diverged = true;
          break;
        }
        lossSum += loss * idx.length;
        await this.hooks.onBatch?.(s.epoch, b, loss);
      }
      s.trainSeconds += (performance.now() - t0) / 1000;
      if (s.diverged) break;
      s.imagesSeen += order.length;
      s.lossCurve.push(lossSum / order.length);
      s.epoch++;
      if (split.val.length > 0) {
        const v = this.evaluateIndices(train, split.val, adapt);
        s.valLossCurve.push(v.loss);
        s.valAccuracyCurve.push(v.accuracy);
        if (s.bestValLoss === null || v.loss < s.bestValLoss) {
          s.bestValLoss = v.loss;
          s.epochsSinceBest = 0;
          s.bestWeights = readWeights(this.model);
        } else s.epochsSinceBest++;
      }
      s.rngState = rng.state;
      if (this.hooks.onEpochEnd) await this.hooks.onEpochEnd(await this.snapshot());
    }
    const stoppedEarly = !s.diverged && s.epoch < r.maxEpochs;
    if (s.bestWeights && (s.epochsSinceBest > 0 || s.diverged)) writeWeights(this.model, s.bestWeights);
    const testIdx = splitIndices(test.count, r.testLimit, 0, r.seed + 1).train;
    const t = this.evaluateIndices(test, testIdx, this.inputAdapter(test), true);
    return {
      accuracy: t.accuracy,
      loss: t.loss,
      lossCurve: s.lossCurve,
      valLossCurve: s.valLossCurve,
      valAccuracyCurve: s.valAccuracyCurve,
      epochs: s.epoch,
      stoppedEarly,
      diverged: s.diverged,
      seconds: s.trainSeconds,
      imagesPerSecond: s.trainSeconds > 0 ? s.imagesSeen / s.trainSeconds : 0,
      backend: this.backend.name,
      params: this.built.params,
      flops: this.built.flops,
      trainImages: split.train.length,
      testImages: testIdx.length,
    };
  }

  /** Test-time metrics on a whole image set (first `limit` images). */
  evaluate(data: ImageData, limit = data.count): { accuracy: number; loss: number } {
    if (!this.state) throw new Error('evaluate() needs the normalisation of a train() or resumeFrom() first');
    const n = Math.min(limit, data.count);
    return this.evaluateIndices(
      data,
      Uint32Array.from({ length: n }, (_, i) => i),
      this.inputAdapter(data),
      true,
    );
  }

  /** The trained model in TensorFlow.js format (model.json + weights.bin), with normalisation metadata. */
  async save(): Promise<SavedModel> {
    const s = this.state;
    return saveModel(this.model, {
      classes: this.spec.classes,
      input: this.spec.input,
      mean: s?.mean ?? [],
      std: s?.std ?? [],
    });
  }

  dispose(): void {
    this.model.dispose();
    this.optimizer.dispose();
  }

  // ---- internals ----

  private freshState(train: ImageData, trainIdx: ArrayLike<number>): TrainingState {
    const { mean, std } = channelStats(train, trainIdx);
    return {
      epoch: 0,
      weights: [],
      optimizer: [],
      bestWeights: null,
      rngState: this.recipe.seed >>> 0,
      step: 0,
      bestValLoss: null,
      epochsSinceBest: 0,
      diverged: false,
      lossCurve: [],
      valLossCurve: [],
      valAccuracyCurve: [],
      trainSeconds: 0,
      imagesSeen: 0,
      mean,
      std,
    };
  }

  private batchTensor(
    data: ImageData,
    idx: ArrayLike<number>,
    rng: TrainingRandom | undefined,
    adapt: (x: tf.Tensor4D) => tf.Tensor4D,
  ): tf.Tensor4D {
    const s = this.state!;
    const buf = new Float32Array(idx.length * data.height * data.width * data.channels);
    fillBatch(data, idx, buf, {
      mean: s.mean,
      std: s.std,
      cropPadding: this.recipe.augment.cropPadding,
      horizontalFlip: this.recipe.augment.horizontalFlip,
      rng,
    });
    return adapt(tf.tensor4d(buf, [idx.length, data.height, data.width, data.channels]));
  }

  /** What the loss reads: the logits where the model has them (its Softmax's input), else its output. */
  private scores(x: tf.Tensor, training: boolean): tf.Tensor {
    return (this.built.logits ?? this.model).apply(x, { training }) as tf.Tensor;
  }

  /** Mean cross-entropy of `scores` (see `scores`) against one-hot labels, without weight decay. */
  private lossOf(scores: tf.Tensor, onehot: tf.Tensor): tf.Scalar {
    if (this.built.logits) return crossEntropyFromLogits(onehot, scores);
    return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.log(tf.clipByValue(scores, 1e-7, 1))), -1))) as tf.Scalar;
  }

  /** The cross-entropy of (x, y) scaled by `share` (a micro-batch's part of the batch). */
  private dataLoss(x: tf.Tensor, y: tf.Tensor, share: number): tf.Scalar {
    const loss = this.lossOf(this.scores(x, true), y);
    return (share === 1 ? loss : tf.mul(loss, share)) as tf.Scalar;
  }

  /**
   * One SGD step on the batch `idx`. With recipe.microBatch, gradients are accumulated over slices of the
   * batch (same images and augmentation; BatchNorm then sees the slices), and `onMicroBatch` runs between
   * them: a large model's step on the CPU can outlast an activity's heartbeat interval.
   */
  private async step(
    data: ImageData,
    idx: number[],
    rng: TrainingRandom,
    adapt: (x: tf.Tensor4D) => tf.Tensor4D,
    classes: number,
  ): Promise<number> {
    const trainables = this.model.trainableWeights.map(variableOf);
    const x = tf.tidy(() => this.batchTensor(data, idx, rng, adapt));
    const y = oneHot(
      idx.map((i) => data.labels[i]),
      classes,
    );
    const micro = this.recipe.microBatch;
    const decayed = this.built.decayed.map(variableOf);
    const wd = this.recipe.weightDecay;
    // The loss reported includes the decay term (of the weights before this update), as the step's objective.
    const update = (grads: tf.NamedTensorMap, loss: tf.Scalar) =>
      tf.tidy(() => {
        const total = tf.add(loss, weightDecayLoss(decayed, wd));
        this.optimizer.applyGradients(addWeightDecay(grads, decayed, wd));
        return total.dataSync()[0];
      });
    try {
      if (!(micro > 0 && micro < idx.length)) {
        return tf.tidy(() => {
          const { value, grads } = tf.variableGrads(() => this.dataLoss(x, y, 1), trainables);
          return update(grads, value);
        });
      }
      let total = 0;
      let acc: tf.NamedTensorMap | null = null;
      for (let start = 0; start < idx.length; start += micro) {
        const n = Math.min(micro, idx.length - start);
        const { value, grads } = tf.tidy(() => {
          const xs = x.slice([start, 0, 0, 0], [n, -1, -1, -1]);
          const ys = y.slice([start, 0], [n, -1]);
          return tf.variableGrads(() => this.dataLoss(xs, ys, n / idx.length), trainables);
        });
        total += value.dataSync()[0];
        value.dispose();
        if (acc === null) acc = grads;
        else {
          const prev: tf.NamedTensorMap = acc;
          acc = tf.tidy(() =>
            Object.fromEntries(Object.keys(prev).map((k) => [k, tf.add(prev[k], grads[k])])),
          );
          tf.dispose([Object.values(prev), Object.values(grads)]);
        }
        await this.hooks.onMicroBatch?.();
      }
      total += update(acc!, tf.scalar(0));
      tf.dispose(Object.values(acc!));
      return total;
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  private evaluateIndices(
    data: ImageData,
    idx: Uint32Array,
    adapt: (x: tf.Tensor4D) => tf.Tensor4D,
    checkLabels = false,
  ): { accuracy: number; loss: number } {
    let correct = 0;
    let lossSum = 0;
    const B = 256;
    for (let o = 0; o < idx.length; o += B) {
      const part = Array.from(idx.subarray(o, o + B));
      const labels = part.map((i) => data.labels[i]);
      if (checkLabels && labels.some((l) => l >= this.spec.classes)) {
        throw new Error(
          `a label ≥ ${this.spec.classes} classes: the model's head does not match this dataset`,
        );
      }
      const [pred, loss] = tf.tidy(() => {
        const out = this.scores(this.batchTensor(data, part, undefined, adapt), false);
        const y = oneHot(labels, this.spec.classes);
        return [tf.argMax(out, -1).dataSync(), this.lossOf(out, y).dataSync()[0]];
      });
      for (let k = 0; k < part.length; k++) if (pred[k] === labels[k]) correct++;
      lossSum += loss * part.length;
    }
    return { accuracy: idx.length ? correct / idx.length : 0, loss: idx.length ? lossSum / idx.length : 0 };
  }

  /** Resizes (bilinear) and converts channels (grey ↔ RGB) when the images differ from the model's input. */
  private inputAdapter(data: ImageData): (x: tf.Tensor4D) => tf.Tensor4D {
    const { height, width, channels } = this.spec.input;
    if (data.channels !== channels && !(data.channels === 1 || channels === 1)) {
      throw new Error(`cannot feed ${data.channels}-channel images to a ${channels}-channel model`);
    }
    if (data.height === height && data.width === width && data.channels === channels) return (x) => x;
    return (x) => {
      let y = x;
      if (data.channels === 1 && channels > 1) y = tf.tile(y, [1, 1, 1, channels]);
      else if (data.channels > 1 && channels === 1) y = tf.mean(y, -1, true);
      if (data.height !== height || data.width !== width) y = tf.image.resizeBilinear(y, [height, width]);
      return y;
    };
  }
}

/** Float one-hot rows, built in JS (no op; tfjs-backend-wasm's oneHot writes a float32 result as int bits). */
function oneHot(labels: number[], classes: number): tf.Tensor2D {
  const rows = new Float32Array(labels.length * classes);
  labels.forEach((l, i) => (rows[i * classes + l] = 1));
  return tf.tensor2d(rows, [labels.length, classes]);
}

export { encodeState, decodeState };
