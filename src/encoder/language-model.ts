/**
 * LanguageModelEncoder: a 3-layer LSTM next-token model over architecture sentences whose input
 * and output embeddings are one tied matrix initialised from word2vec. Trained with truncated
 * back-propagation through time and Adam; the architecture vector is the top layer's final hidden
 * state after reading [BOS, t1..tn] from a zero state, averaged over a model's path sentences.
 *
 * The TF.js backend is the caller's choice (tf.setBackend before fit); the cpu backend works
 * everywhere, a backend lacking UnsortedSegmentSum (the gather gradient) cannot train.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeFloat32, encodeFloat32 } from './float-codec';
import { LstmInference } from './lstm-inference';
import { type LstmState, type LstmWeights, maskedNll, runLstm, variableList, zeroState } from './lstm-graph';
import { type Batch, chunksOf, clipByGlobalNorm, makeBatches } from './lm-batches';
import { SeededRandom } from '../random';
import { Vocabulary } from './vocabulary';
import type { Word2Vec } from './word2vec';

export interface LanguageModelConfig {
  dim: number;
  layers: number;
  /** Truncated BPTT: gradients flow back at most this many steps; state carries across chunks. */
  bpttSteps: number;
  batchSize: number;
  learningRate: number;
  /** Gradients are rescaled when their global L2 norm exceeds this. */
  clipNorm: number;
  seed: number;
}

export const DEFAULT_LM_CONFIG: LanguageModelConfig = {
  dim: 512,
  layers: 3,
  bpttSteps: 20,
  batchSize: 32,
  learningRate: 2e-3,
  clipNorm: 5,
  seed: 1,
};

export interface EpochReport {
  epoch: number;
  /** Mean per-token training NLL (nats). */
  trainLoss: number;
  /** exp(mean held-out NLL); NaN without held-out sentences. */
  heldOutPerplexity: number;
  tokensPerSecond: number;
  seconds: number;
}

export interface LanguageModelFitOptions {
  /** Train until this many epochs in total (a resumed model continues from its epoch). */
  epochs: number;
  heldOut?: string[];
  /** Called after every epoch, e.g. to store `model.toJSON()` as a checkpoint. */
  onEpoch?: (report: EpochReport, model: LanguageModelEncoder) => void | Promise<void>;
  /**
   * Called after every truncated-BPTT step with the batch count so far (awaited: a caller inside an
   * event loop, e.g. an activity, yields there so heartbeats and its other work get through).
   */
  onBatch?: (done: number, total: number) => void | Promise<void>;
}

interface SavedTensor {
  name: string;
  shape: number[];
  data: string;
}

export interface LanguageModelJSON {
  format: 'dlrec.language-model';
  version: 1;
  config: LanguageModelConfig;
  tokens: string[];
  epoch: number;
  rngState: number;
  history: EpochReport[];
  weights: { embedding: string; layers: { w: string; bias: string }[]; outBias: string };
  /** Adam's iteration count and moments as of the last completed epoch (null before training). */
  optimizer: SavedTensor[] | null;
}

export class LanguageModelEncoder {
  readonly config: LanguageModelConfig;
  readonly vocabulary: Vocabulary;
  epoch = 0;
  history: EpochReport[] = [];
  private readonly weights: LstmWeights;
  private readonly rng: SeededRandom;
  private optimizer: tf.AdamOptimizer | null = null;
  private savedOptimizer: SavedTensor[] | null = null;
  private inference: LstmInference | null = null;

  private constructor(config: LanguageModelConfig, vocabulary: Vocabulary, initial: LstmWeights<tf.Tensor>) {
    this.config = config;
    this.vocabulary = vocabulary;
    this.rng = new SeededRandom(config.seed);
    this.weights = {
      embedding: tf.variable(initial.embedding),
      layers: initial.layers.map((l) => ({ w: tf.variable(l.w), bias: tf.variable(l.bias) })),
      outBias: tf.variable(initial.outBias),
    };
    tf.dispose([initial.embedding, initial.outBias, ...initial.layers.flatMap((l) => [l.w, l.bias])]);
  }

  /** A fresh model whose tied embedding rows are the word2vec vectors (specials start small and random). */
  static fromWord2Vec(word2vec: Word2Vec, config: Partial<LanguageModelConfig> = {}): LanguageModelEncoder {
    const c = validateConfig({ ...DEFAULT_LM_CONFIG, dim: word2vec.dim, ...config });
    if (c.dim !== word2vec.dim) {
      throw new Error(
        `language model dim ${c.dim} must equal the word2vec dim ${word2vec.dim} (tied embeddings)`,
      );
    }
    const vocabulary = Vocabulary.withSpecials(word2vec.vocabulary);
    const rng = new SeededRandom(c.seed ^ 0x5eed);
    const d = c.dim;
    const embedding = new Float32Array(vocabulary.size * d);
    vocabulary.tokens.forEach((token, i) => {
      const v = word2vec.vector(token);
      if (v) embedding.set(v, i * d);
      else for (let k = 0; k < d; k++) embedding[i * d + k] = rng.normal() * 0.1;
    });
    const bound = 1 / Math.sqrt(d);
    const uniform = (n: number) => Float32Array.from({ length: n }, () => (2 * rng.next() - 1) * bound);
    const layers = Array.from({ length: c.layers }, () => {
      const bias = new Float32Array(4 * d);
      bias.fill(1, d, 2 * d); // forget-gate bias 1: remember by default early in training
      return { w: tf.tensor2d(uniform(4 * d * 2 * d), [4 * d, 2 * d]), bias: tf.tensor2d(bias, [4 * d, 1]) };
    });
    return new LanguageModelEncoder(c, vocabulary, {
      embedding: tf.tensor2d(embedding, [vocabulary.size, d]),
      layers,
      outBias: tf.zeros([vocabulary.size]),
    });
  }

  async fit(sentences: string[], options: LanguageModelFitOptions): Promise<EpochReport[]> {
    if (sentences.length === 0) throw new Error('language model fit needs at least one training sentence');
    await this.restoreOptimizer();
    const encoded = sentences.map((s) => this.vocabulary.encodeSentence(s));
    const reports: EpochReport[] = [];
    while (this.epoch < options.epochs) {
      const started = Date.now();
      let nll = 0;
      let tokens = 0;
      const batches = makeBatches(encoded, this.config.batchSize, this.vocabulary.eos, this.rng);
      for (let b = 0; b < batches.length; b++) {
        const r = await this.trainBatch(batches[b], () => options.onBatch?.(b, batches.length));
        nll += r.nll;
        tokens += r.tokens;
        await options.onBatch?.(b + 1, batches.length);
      }
      this.inference = null;
      const seconds = (Date.now() - started) / 1000;
      const report: EpochReport = {
        epoch: this.epoch + 1,
        trainLoss: nll / Math.max(tokens, 1),
        heldOutPerplexity: options.heldOut?.length ? this.perplexity(options.heldOut) : NaN,
        tokensPerSecond: tokens / Math.max(seconds, 1e-3),
        seconds,
      };
      this.epoch++;
      this.history.push(report);
      this.savedOptimizer = await this.snapshotOptimizer();
      reports.push(report);
      await options.onEpoch?.(report, this);
    }
    return reports;
  }

  /** exp(mean next-token NLL) over the sentences, EOS prediction included. */
  perplexity(sentences: string[]): number {
    const encoded = sentences.map((s) => this.vocabulary.encodeSentence(s));
    let nll = 0;
    let tokens = 0;
    for (const batch of makeBatches(encoded, this.config.batchSize, this.vocabulary.eos)) {
      let state = zeroState(this.config.layers, batch.rows, this.config.dim);
      for (const chunk of chunksOf(batch, this.config.bpttSteps)) {
        const [chunkNll, ...next] = tf.tidy(() => {
          const r = runLstm(this.weights, chunk.ids, batch.rows, state);
          return [maskedNll(this.weights, r.outputs, chunk.targets, chunk.mask), ...r.state.h, ...r.state.c];
        });
        nll += chunkNll.dataSync()[0];
        tokens += chunk.count;
        tf.dispose([chunkNll, chunk.ids, chunk.targets, chunk.mask, ...state.h, ...state.c]);
        const layers = this.config.layers;
        state = { h: next.slice(0, layers) as tf.Tensor2D[], c: next.slice(layers) as tf.Tensor2D[] };
      }
      tf.dispose([...state.h, ...state.c]);
    }
    return Math.exp(nll / Math.max(tokens, 1));
  }

  /** The architecture vector: mean over path sentences of the top layer's final hidden state. */
  encode(sentences: string[]): Float32Array {
    if (sentences.length === 0)
      throw new Error('encode needs at least one sentence (one per path of the model)');
    const inference = this.inferenceEngine();
    const mean = new Float32Array(this.config.dim);
    for (const s of sentences) {
      const h = inference.finalHidden(this.vocabulary.encodeSentence(s));
      for (let k = 0; k < h.length; k++) mean[k] += h[k] / sentences.length;
    }
    return mean;
  }

  /** Same vector as encode(), computed with TF.js ops on the current backend (reference path). */
  encodeWithGraph(sentences: string[]): Float32Array {
    const vectors = sentences.map((s) =>
      tf.tidy(() => {
        const ids = this.vocabulary.encodeSentence(s);
        const zero = zeroState(this.config.layers, 1, this.config.dim);
        const { state } = runLstm(this.weights, tf.tensor1d(ids, 'int32'), 1, zero);
        return state.h[this.config.layers - 1].dataSync() as Float32Array;
      }),
    );
    const mean = new Float32Array(this.config.dim);
    for (const v of vectors) for (let k = 0; k < v.length; k++) mean[k] += v[k] / vectors.length;
    return mean;
  }

  /** Tokens of the sentences that are not in the vocabulary (they are read as UNK). */
  unknownTokens(sentences: string[]): number {
    return sentences.reduce((n, s) => n + this.vocabulary.countUnknown(s), 0);
  }

  toJSON(): LanguageModelJSON {
    const data = (t: tf.Tensor) => encodeFloat32(t.dataSync() as Float32Array);
    return {
      format: 'dlrec.language-model',
      version: 1,
      config: this.config,
      tokens: [...this.vocabulary.tokens],
      epoch: this.epoch,
      rngState: this.rng.getState(),
      history: this.history,
      weights: {
        embedding: data(this.weights.embedding),
        layers: this.weights.layers.map((l) => ({ w: data(l.w), bias: data(l.bias) })),
        outBias: data(this.weights.outBias),
      },
      optimizer: this.savedOptimizer,
    };
  }

  static fromJSON(json: unknown): LanguageModelEncoder {
    const j = json as Partial<LanguageModelJSON>;
    if (
      !j ||
      j.format !== 'dlrec.language-model' ||
      j.version !== 1 ||
      !j.config ||
      !j.tokens ||
      !j.weights
    ) {
      throw new Error('not a dlrec language model (expected format "dlrec.language-model", version 1)');
    }
    const c = validateConfig(j.config);
    const v = j.tokens.length;
    const d = c.dim;
    if (j.weights.layers.length !== c.layers)
      throw new Error('corrupt language model: layer count differs from config');
    const model = new LanguageModelEncoder(c, new Vocabulary(j.tokens), {
      embedding: tf.tensor2d(decodeFloat32(j.weights.embedding, v * d), [v, d]),
      layers: j.weights.layers.map((l) => ({
        w: tf.tensor2d(decodeFloat32(l.w, 4 * d * 2 * d), [4 * d, 2 * d]),
        bias: tf.tensor2d(decodeFloat32(l.bias, 4 * d), [4 * d, 1]),
      })),
      outBias: tf.tensor1d(decodeFloat32(j.weights.outBias, v)),
    });
    model.epoch = j.epoch ?? 0;
    model.history = j.history ?? [];
    model.rng.setState(j.rngState ?? c.seed);
    model.savedOptimizer = j.optimizer ?? null;
    return model;
  }

  /** Frees the TF.js variables (tensors are not garbage-collected). */
  dispose(): void {
    tf.dispose(variableList(this.weights));
    this.optimizer?.dispose();
    this.optimizer = null;
  }

  private inferenceEngine(): LstmInference {
    if (!this.inference) {
      const read = (t: tf.Tensor) => t.dataSync() as Float32Array;
      this.inference = new LstmInference(
        read(this.weights.embedding),
        this.weights.layers.map((l) => ({ w: read(l.w), bias: read(l.bias) })),
        this.config.dim,
      );
    }
    return this.inference;
  }

  private async trainBatch(
    batch: Batch,
    afterStep: () => void | Promise<void>,
  ): Promise<{ nll: number; tokens: number }> {
    const vars = variableList(this.weights);
    this.optimizer ??= tf.train.adam(this.config.learningRate);
    let state: LstmState = zeroState(this.config.layers, batch.rows, this.config.dim);
    let nll = 0;
    let tokens = 0;
    for (const chunk of chunksOf(batch, this.config.bpttSteps)) {
      let next: LstmState = state;
      const { value, grads } = tf.variableGrads(() => {
        const r = runLstm(this.weights, chunk.ids, batch.rows, state);
        next = { h: r.state.h.map((t) => tf.keep(t)), c: r.state.c.map((t) => tf.keep(t)) };
        return tf.div(
          maskedNll(this.weights, r.outputs, chunk.targets, chunk.mask),
          chunk.count,
        ) as tf.Scalar;
      }, vars);
      const clipped = clipByGlobalNorm(grads, this.config.clipNorm);
      this.optimizer.applyGradients(clipped as Record<string, tf.Variable>);
      nll += value.dataSync()[0] * chunk.count;
      tokens += chunk.count;
      tf.dispose([
        value,
        ...Object.values(grads),
        ...Object.values(clipped),
        chunk.ids,
        chunk.targets,
        chunk.mask,
      ]);
      tf.dispose([...state.h, ...state.c]);
      state = next;
      await afterStep();
    }
    tf.dispose([...state.h, ...state.c]);
    return { nll, tokens };
  }

  private async restoreOptimizer(): Promise<void> {
    if (this.optimizer || !this.savedOptimizer) return;
    this.optimizer = tf.train.adam(this.config.learningRate);
    const named = this.savedOptimizer.map((s) => ({
      name: s.name,
      tensor: tf.tensor(decodeFloat32(s.data), s.shape),
    }));
    await this.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }

  private async snapshotOptimizer(): Promise<SavedTensor[] | null> {
    if (!this.optimizer) return null;
    const weights = await this.optimizer.getWeights();
    const saved = weights.map((w) => ({
      name: w.name,
      shape: w.tensor.shape,
      data: encodeFloat32(Float32Array.from(w.tensor.dataSync())),
    }));
    tf.dispose(weights[0].tensor); // the iteration count is a fresh scalar; the moments are live variables
    return saved;
  }
}

function validateConfig(c: LanguageModelConfig): LanguageModelConfig {
  for (const key of ['dim', 'layers', 'bpttSteps', 'batchSize'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new Error(`language model ${key} must be a positive integer`);
  }
  if (!(c.learningRate > 0)) throw new Error('language model learningRate must be > 0');
  if (!(c.clipNorm > 0)) throw new Error('language model clipNorm must be > 0');
  return c;
}
