/**
 * One training job (spec + recipe + images, optionally pre-trained weights and a checkpoint to resume) run
 * on a pooled worker thread, or on the calling thread where a native TensorFlow backend is installed.
 *
 * Why a thread: a training step is up to seconds of synchronous CPU work. On the activity's thread it would
 * stall the Temporal worker (heartbeats, polling, the other activities), a process could use one core only,
 * and a wasm abort (a generated model too big for the 4 GB wasm heap) would take the whole worker down.
 * tfjs-node's native addon is not known to load in worker threads, so native backends train in-process.
 */
import path from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
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

type ThreadMessage =
  | { type: 'batch'; epoch: number; batch: number; loss: number }
  | { type: 'checkpoint'; epoch: number; bytes: Uint8Array }
  | { type: 'done'; output: TrainingJobOutput }
  | { type: 'error'; message: string; name: string };

/** Transfer lists for typed arrays that own their whole buffer (no copy across threads). */
function owned(...arrays: Uint8Array[]): ArrayBuffer[] {
  return arrays
    .filter((a) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength)
    .map((a) => a.buffer as ArrayBuffer);
}

/** The thread side: serves jobs one after another (the pool hands a thread one job at a time). */
export function serveTrainingThread(): void {
  const port = parentPort!;
  port.on('message', async (job: TrainingJob) => {
    const post = (m: ThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
    try {
      const output = await runTrainingJob(job, {
        onBatch: (epoch, batch, loss) => post({ type: 'batch', epoch, batch, loss }),
        onCheckpoint: (epoch, bytes) => post({ type: 'checkpoint', epoch, bytes }, owned(bytes)),
      });
      post({ type: 'done', output }, owned(output.saved.weightsBin));
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: 'error', message: err.message, name: err.name });
    }
  });
}

const idle: Worker[] = [];

function startThread(): Worker {
  const ext = path.extname(__filename);
  const entry = JSON.stringify(__filename);
  // Under tsx (development, tests) the thread needs the TypeScript loader too; compiled .js runs as is.
  const code = `${ext === '.ts' ? "require('tsx/cjs');" : ''} require(${entry}).serveTrainingThread();`;
  return new Worker(code, { eval: true });
}

/** Raised when the thread training a job failed; `name` is the original error's class name. */
export class TrainingJobError extends Error {
  constructor(
    message: string,
    readonly originalName: string,
  ) {
    super(message);
    this.name = 'TrainingJobError';
  }
}

/** Runs the job on a pooled thread; a thread that crashed (e.g. wasm abort) is discarded, not reused. */
export function runTrainingJobInThread(
  job: TrainingJob,
  events: TrainingJobEvents,
): Promise<TrainingJobOutput> {
  const worker = idle.pop() ?? startThread();
  worker.ref();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: ThreadMessage) => {
      if (m.type === 'batch') events.onBatch(m.epoch, m.batch, m.loss);
      else if (m.type === 'checkpoint') events.onCheckpoint(m.epoch, m.bytes);
      else {
        cleanup();
        worker.unref();
        idle.push(worker);
        if (m.type === 'done') resolve(m.output);
        else reject(new TrainingJobError(m.message, m.name));
      }
    };
    const onError = (e: Error) => {
      cleanup();
      void worker.terminate();
      reject(new TrainingJobError(`the training thread crashed: ${e.message}`, e.name));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new TrainingJobError(`the training thread exited (code ${code}) before finishing`, 'Error'));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    // Copied, not transferred: the caller caches the prepared image sets for the next job.
    worker.postMessage(job);
  });
}

/** Threads unless DLREC_TRAINING_THREADS=0, or a native TensorFlow package is installed (it trains in-process). */
export function trainingInThreads(): boolean {
  const env = process.env.DLREC_TRAINING_THREADS;
  if (env === '0' || env === 'false') return false;
  if (env === '1' || env === 'true') return true;
  const { probeBackends } = require('../src/training/backend') as typeof import('../src/training/backend');
  return !probeBackends().some(
    (b) => (b.name === 'tensorflow' || b.name === 'tensorflow-gpu') && b.available,
  );
}
