/**
 * One training job (spec + recipe + images, optionally pre-trained weights and a checkpoint to resume). The
 * trainModel activity runs it on a pooled worker thread (activities/threads.ts, task 'trainModel'), or with
 * DLREC_TRAINING_THREADS=0 on the calling thread.
 */
import type { ArchitectureSpec } from '../src/arch/spec';
import type { BackendName } from '../src/training/backend';
import type { ImageData } from '../src/training/batches';
import type { Recipe } from '../src/training/recipe';
import type { SavedModel } from '../src/training/saved-model';
import type { TrainResult } from '../src/training/trainer';

export interface TrainingJob {
  spec: ArchitectureSpec;
  recipe: Recipe;
  train: ImageData;
  test: ImageData;
  backend?: BackendName | 'auto';
  /** Fine-tuning: the source model (TF.js format) and the layers that keep fresh weights (the head). */
  pretrained?: { saved: SavedModel; skipLayers: string[] };
  /** Checkpoint bytes (encodeState) to continue from. */
  resume?: Uint8Array;
}

export interface TrainingJobEvents {
  onBatch(epoch: number, batch: number, loss: number): void;
  /** After every epoch: the full training state (weights, optimiser slots, epoch, RNG) as bytes. */
  onCheckpoint(epoch: number, bytes: Uint8Array): void;
}

export interface TrainingJobOutput {
  result: TrainResult;
  saved: SavedModel;
  /** Weights copied from the pre-trained model, and those left fresh (fine-tuning only). */
  transferred: number;
  fresh: number;
}

/** Runs the job on this thread. Yields to the event loop about once a second so heartbeats still go out. */
export async function runTrainingJob(
  job: TrainingJob,
  events: TrainingJobEvents,
): Promise<TrainingJobOutput> {
  // Loaded on first use: a worker process that never trains in-process never loads TensorFlow.js.
  const { Trainer } = require('../src/training/trainer') as typeof import('../src/training/trainer');
  const { encodeState } = require('../src/training/state') as typeof import('../src/training/state');
  const { savedWeights } =
    require('../src/training/saved-model') as typeof import('../src/training/saved-model');
  let lastYield = Date.now();
  const trainer = await Trainer.create(job.spec, job.recipe, {
    backend: job.backend,
    hooks: {
      onBatch: async (epoch, batch, loss) => {
        events.onBatch(epoch, batch, loss);
        if (Date.now() - lastYield > 1000) {
          await new Promise((r) => setImmediate(r));
          lastYield = Date.now();
        }
      },
      onEpochEnd: (state) => events.onCheckpoint(state.epoch, encodeState(state)),
    },
  });
  try {
    let transferred = 0;
    let fresh = 0;
    if (job.resume) await trainer.resumeFrom(job.resume);
    else if (job.pretrained) {
      const copied = trainer.loadPretrained(savedWeights(job.pretrained.saved), job.pretrained.skipLayers);
      transferred = copied.transferred.length;
      fresh = copied.fresh.length;
    }
    const result = await trainer.train(job.train, job.test);
    return { result, saved: await trainer.save(), transferred, fresh };
  } finally {
    trainer.dispose();
  }
}
