/**
 * The tasks activities/threads.ts runs on worker threads: each takes a structured-cloneable input and an
 * `emit` for progress events, and returns its result. They load TensorFlow.js inside the thread.
 */
import type { EpochReport, LanguageModelJSON } from '../src/encoder/language-model';
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

export const THREAD_TASKS = {
  trainModel(job: TrainingJob, emit: (e: TrainEvent) => void): Promise<TrainingJobOutput> {
    return runTrainingJob(job, {
      onBatch: (epoch, batch, loss) => emit({ type: 'batch', epoch, batch, loss }),
      onCheckpoint: (epoch, bytes) => emit({ type: 'checkpoint', epoch, bytes }),
    });
  },

  /** Trains to `epochs`; every epoch's full state is emitted (the caller stores checkpoints). */
  async fitLanguageModel(
    input: LanguageModelFitInput,
    emit: (e: LanguageModelEvent) => void,
  ): Promise<LanguageModelJSON> {
    const { initBackend } = require('../src/training/backend') as typeof import('../src/training/backend');
    const { LanguageModelEncoder } =
      require('../src/encoder/language-model') as typeof import('../src/encoder/language-model');
    await initBackend();
    const model = LanguageModelEncoder.fromJSON(input.model);
    try {
      await model.fit(input.train, {
        epochs: input.epochs,
        heldOut: input.heldOut,
        onBatch: (batch, batches) => emit({ type: 'batch', batch, batches }),
        onEpoch: (report, m) => emit({ type: 'epoch', report, model: m.toJSON() }),
      });
      return model.toJSON();
    } finally {
      model.dispose();
    }
  },
};

export type ThreadTasks = typeof THREAD_TASKS;
export type ThreadTaskName = keyof ThreadTasks;
