/**
 * The tasks activities/threads.ts runs on worker threads: each takes a structured-cloneable input and an
 * `emit` for progress events, and returns its result. They load what they need (TensorFlow.js, the regressors)
 * inside the thread.
 */
import type { ProbeSet } from '../src/ranker/family-probe';
import type { RankerJSON } from '../src/ranker/ranker';
import type {
  EpochReport,
  LanguageModelConfig,
  LanguageModelEncoder,
  LanguageModelJSON,
} from '../src/encoder/language-model';
import type { EncoderCorpus, EncoderEvaluation, EvaluateOptions } from '../src/encoder/experiment';
import type {
  Word2VecConfig,
  Word2VecFitResult,
  Word2VecJSON,
  Word2VecProgress,
} from '../src/encoder/word2vec';
import type { CampaignResult, EvaluationSummary, SimilarityTable } from '../src/recommendation';
import type { EvaluationPart, EvaluationPartResult } from '../src/recommendation/evaluate';
import type { RecommenderJSON } from '../src/recommendation/recommender';
import type { RegressorKind } from '../src/recommendation/rows';
import type { TransferabilityScores } from '../src/transferability';
import type { ArchitectureSpec } from '../src/arch';
import type { ImageData } from '../src/training/batches';
import { runTrainingJob, type TrainingJob, type TrainingJobOutput } from './training-job';

export type TrainEvent =
  | { type: 'batch'; epoch: number; batch: number; loss: number }
  | { type: 'checkpoint'; epoch: number; bytes: Uint8Array };

export interface LanguageModelFitInput {
  /** The model to continue from (fresh from word2vec, or a checkpoint), as LanguageModelEncoder.toJSON(). */
  model: LanguageModelJSON;
  train: string[];
  heldOut: string[];
  epochs: number;
}
export type LanguageModelEvent =
  | { type: 'batch'; batch: number; batches: number }
  | { type: 'epoch'; report: EpochReport; model: LanguageModelJSON };

export interface EncoderEvaluationInput {
  model: LanguageModelJSON;
  corpus: EncoderCorpus;
  options: EvaluateOptions;
}

export interface Word2VecFitInput {
  config: Partial<Word2VecConfig>;
  sentences: string[];
  /** Threads training at once (Word2VecFitOptions.threads; 1 is deterministic). */
  threads?: number;
}

/** What the regressor fits of activities/recommendation.ts read from the store, as the fits take it. */
export interface RepositoryData {
  results: CampaignResult[];
  encodings: Map<string, Float32Array>;
  table: SimilarityTable;
  transferability?: Record<string, TransferabilityScores>;
}
export interface EvaluationInput extends RepositoryData {
  canonical?: string[];
}
export interface EvaluationPartInput extends EvaluationInput {
  part: EvaluationPart;
  /** For the LogME/LEEP folds: the kind the first parts chose. */
  defaultKind?: RegressorKind;
}
export interface RecommenderFitInput extends RepositoryData {
  kind: RegressorKind;
}
/** A named stage of the evaluation; `part`/`parts` count the evaluation's parts done and in all. */
export interface EvaluationEvent {
  step: string;
  part?: number;
  parts?: number;
}

export interface ProbeFamiliesInput {
  ranker: RankerJSON;
  probes: ProbeSet[];
  families: Record<string, string>;
}

export interface EncodeModelsInput {
  model: LanguageModelJSON;
  /** Lines of a models JSONL file (src/encoder/encodings-file.ts: modelSentences). */
  lines: string[];
}
export interface EncodedModels {
  ids: string[];
  vectors: Float32Array[];
  unknown: number[];
}

/**
 * A language model on this thread's TensorFlow backend for the length of `use`, then disposed: restored from its
 * JSON, or made by a function of the class (e.g. fresh from word2vec).
 */
async function withLanguageModel<T>(
  source: LanguageModelJSON | ((encoder: typeof LanguageModelEncoder) => LanguageModelEncoder),
  use: (model: LanguageModelEncoder) => Promise<T> | T,
): Promise<T> {
  const { initBackend } = require('../src/training/backend') as typeof import('../src/training/backend');
  const encoder = (require('../src/encoder/language-model') as typeof import('../src/encoder/language-model'))
    .LanguageModelEncoder;
  await initBackend();
  const model = typeof source === 'function' ? source(encoder) : encoder.fromJSON(source);
  try {
    return await use(model);
  } finally {
    model.dispose();
  }
}

/** One model to score on a dataset's sampled images: fresh at a seeded initialisation, or stored trained weights. */
export type TransferabilityJob = { pairId: string; norm: { mean: number[]; std: number[] } } & (
  { spec: ArchitectureSpec; seed: number } | { modelJson: Record<string, unknown>; weightsBin: Uint8Array }
);
export interface TransferabilityInput {
  images: ImageData;
  jobs: TransferabilityJob[];
}

export const THREAD_TASKS = {
  /** The ranker's family probe: features and similarity of every probe set (seconds to minutes of CPU). */
  probeFamilies(input: ProbeFamiliesInput, emit: (e: { probed: number; of: number }) => void) {
    const { DatasetSimilarityRanker } =
      require('../src/ranker/ranker') as typeof import('../src/ranker/ranker');
    const { imageSetFeatures } =
      require('../src/ranker/image-features') as typeof import('../src/ranker/image-features');
    const { scoreProbes } =
      require('../src/ranker/family-probe') as typeof import('../src/ranker/family-probe');
    const ranker = DatasetSimilarityRanker.fromJSON(input.ranker);
    let probed = 0;
    return Promise.resolve(
      scoreProbes(input.probes, input.families, (images) => {
        emit({ probed: ++probed, of: input.probes.length });
        return ranker.similarity(imageSetFeatures(images)).similarity;
      }),
    );
  },

  trainModel(job: TrainingJob, emit: (e: TrainEvent) => void): Promise<TrainingJobOutput> {
    return runTrainingJob(job, {
      onBatch: (epoch, batch, loss) => emit({ type: 'batch', epoch, batch, loss }),
      onCheckpoint: (epoch, bytes) => emit({ type: 'checkpoint', epoch, bytes }),
    });
  },

  /** LogME and LEEP of each job's model on the images (forward passes only); an event per scored model. */
  async scoreTransferability(
    input: TransferabilityInput,
    emit: (e: { scored: number }) => void,
  ): Promise<Record<string, TransferabilityScores>> {
    const { initBackend } = require('../src/training/backend') as typeof import('../src/training/backend');
    const { buildModel } =
      require('../src/training/model-builder') as typeof import('../src/training/model-builder');
    const { loadModel } =
      require('../src/training/saved-model') as typeof import('../src/training/saved-model');
    const { forwardOutputs } = require('../src/training/forward') as typeof import('../src/training/forward');
    const { transferabilityScores } =
      require('../src/transferability') as typeof import('../src/transferability');
    await initBackend();
    const scores: Record<string, TransferabilityScores> = {};
    for (const job of input.jobs) {
      const model =
        'spec' in job
          ? buildModel(job.spec, { seed: job.seed }).model
          : await loadModel({ modelJson: job.modelJson, weightsBin: job.weightsBin });
      try {
        scores[job.pairId] = transferabilityScores(
          await forwardOutputs(model, input.images, job.norm),
          input.images.labels,
        );
      } finally {
        model.dispose();
      }
      emit({ scored: Object.keys(scores).length });
    }
    return scores;
  },

  /** Trains to `epochs`; every epoch's full state is emitted (the caller stores checkpoints). */
  fitLanguageModel(
    input: LanguageModelFitInput,
    emit: (e: LanguageModelEvent) => void,
  ): Promise<LanguageModelJSON> {
    return withLanguageModel(input.model, async (model) => {
      await model.fit(input.train, {
        epochs: input.epochs,
        heldOut: input.heldOut,
        onBatch: (batch, batches) => emit({ type: 'batch', batch, batches }),
        onEpoch: (report, m) => emit({ type: 'epoch', report, model: m.toJSON() }),
      });
      return model.toJSON();
    });
  },

  /** A fresh language model from word2vec's embeddings (its first LSTM weights are drawn on TensorFlow). */
  initLanguageModel(
    input: { word2vec: Word2VecJSON; config: Partial<LanguageModelConfig> },
    _emit: (e: never) => void,
  ): Promise<LanguageModelJSON> {
    const { Word2Vec } = require('../src/encoder/word2vec') as typeof import('../src/encoder/word2vec');
    return withLanguageModel(
      (encoder) => encoder.fromWord2Vec(Word2Vec.fromJSON(input.word2vec), input.config),
      (model) => model.toJSON(),
    );
  },

  /** Encodes models (LSTM inference, ~10 ms each at 512-d) off the activity's event loop. */
  encodeModels(
    input: EncodeModelsInput,
    emit: (e: { encoded: number; total: number }) => void,
  ): Promise<EncodedModels> {
    const { modelSentences } =
      require('../src/encoder/encodings-file') as typeof import('../src/encoder/encodings-file');
    return withLanguageModel(input.model, (model) => {
      const out: EncodedModels = { ids: [], vectors: [], unknown: [] };
      let lastEmit = performance.now();
      input.lines.forEach((line, i) => {
        const m = modelSentences(line, i + 1);
        out.ids.push(m.id);
        out.vectors.push(model.encode(m.sentences));
        out.unknown.push(model.unknownTokens(m.sentences));
        if (performance.now() - lastEmit > 1_000) {
          emit({ encoded: i + 1, total: input.lines.length });
          lastEmit = performance.now();
        }
      });
      return out;
    });
  },

  /**
   * The encoder experiment (src/encoder/experiment.ts: perplexities, generator floor, t-SNE): minutes of language
   * model inference and t-SNE at paper size, which on the activity's thread blocked a worker for 206 s.
   */
  evaluateEncoder(
    input: EncoderEvaluationInput,
    emit: (e: { step: string }) => void,
  ): Promise<EncoderEvaluation> {
    const { evaluateEncoder } =
      require('../src/encoder/experiment') as typeof import('../src/encoder/experiment');
    return withLanguageModel(input.model, (model) => {
      emit({ step: 'evaluating' });
      return evaluateEncoder(model, input.corpus, input.options);
    });
  },

  /** Skip-gram word2vec (src/encoder/word2vec.ts): the same fit as in-process (bit for bit with one thread). */
  async fitWord2Vec(
    input: Word2VecFitInput,
    emit: (e: Word2VecProgress) => void,
  ): Promise<{ model: Word2VecJSON; fit: Word2VecFitResult }> {
    const { Word2Vec } = require('../src/encoder/word2vec') as typeof import('../src/encoder/word2vec');
    const word2vec = new Word2Vec(input.config);
    const fit = word2vec.fit(input.sentences, {
      onProgress: emit,
      progressEveryMs: 1_000,
      threads: input.threads,
    });
    return { model: word2vec.toJSON(), fit };
  },

  /** One part of the repository's evaluation (src/recommendation/evaluate.ts): an 80/20 regressor or a fold. */
  async evaluationPart(
    input: EvaluationPartInput,
    emit: (e: EvaluationEvent) => void,
  ): Promise<EvaluationPartResult> {
    const { RepositoryEvaluation } =
      require('../src/recommendation/evaluate') as typeof import('../src/recommendation/evaluate');
    emit({ step: input.part.id });
    return new RepositoryEvaluation(input.results, input.encodings, input.table, input).run(
      input.part,
      input.defaultKind,
    );
  },

  /** The evaluation's summary from its stored parts: Table 1, the baselines, the joined leave-one-out. */
  async summariseEvaluation(
    input: EvaluationInput & { parts: Record<string, EvaluationPartResult> },
    emit: (e: EvaluationEvent) => void,
  ): Promise<EvaluationSummary> {
    const { RepositoryEvaluation } =
      require('../src/recommendation/evaluate') as typeof import('../src/recommendation/evaluate');
    emit({ step: 'table 1 and baselines' });
    return new RepositoryEvaluation(input.results, input.encodings, input.table, input).summarise(
      new Map(Object.entries(input.parts)),
    );
  },

  /** The recommender's accuracy regressor fitted on the whole repository, as Recommender.toJSON(). */
  async fitRecommender(
    input: RecommenderFitInput,
    emit: (e: EvaluationEvent) => void,
  ): Promise<RecommenderJSON> {
    const { Recommender } =
      require('../src/recommendation/recommender') as typeof import('../src/recommendation/recommender');
    emit({ step: 'fit recommender' });
    return new Recommender().fit(input.results, input.encodings, input.table, 0, input.kind).toJSON();
  },
};

export type ThreadTasks = typeof THREAD_TASKS;
export type ThreadTaskName = keyof ThreadTasks;
