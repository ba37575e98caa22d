/**
 * Long synchronous computations — training a CNN, fitting the language model or word2vec, the regressor fits of
 * the evaluation and the recommender — on pooled worker threads.
 *
 * Why: a training step is up to seconds of synchronous CPU work on every backend (tfjs-node runs each native
 * op on the calling thread too), and word2vec or a regressor fit is minutes of plain JavaScript. On the activity's
 * thread it would stall the Temporal worker (heartbeats, polling, queries, the other activities, the health file
 * of workers/worker.ts), and a wasm abort (a generated model too big for the 4 GB wasm heap) would take the whole
 * worker down. Each thread loads TensorFlow.js once and keeps its backend; tfjs-node
 * gives each thread a TensorFlow context of its own (test/training/native-backend.test.ts).
 *
 * A task runs in the thread as `THREAD_TASKS[name](input, emit)` (activities/thread-tasks.ts); its events
 * reach the caller's `onEvent` as they happen, its result resolves the promise.
 */
import path from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import { THREAD_TASKS, type ThreadTaskName, type ThreadTasks } from './thread-tasks';

type Input<N extends ThreadTaskName> = Parameters<ThreadTasks[N]>[0];
type Output<N extends ThreadTaskName> = Awaited<ReturnType<ThreadTasks[N]>>;
type Event<N extends ThreadTaskName> = Parameters<Parameters<ThreadTasks[N]>[1]>[0];

type ThreadMessage =
  | { type: 'event'; event: unknown }
  | { type: 'done'; output: unknown }
  | { type: 'error'; message: string; name: string };

/** Raised when the task failed in its thread; `originalName` is the original error's class name. */
export class ThreadTaskError extends Error {
  constructor(
    message: string,
    readonly originalName: string,
  ) {
    super(message);
    this.name = 'ThreadTaskError';
  }
}

/** Buffers of the byte arrays in `value` (two levels deep) that own their whole buffer: moved, not copied. */
function transferable(value: unknown): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, depth: number) => {
    if (v instanceof Uint8Array) {
      if (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength) out.add(v.buffer as ArrayBuffer);
    } else if (depth > 0 && v && typeof v === 'object' && !Array.isArray(v))
      for (const x of Object.values(v)) visit(x, depth - 1);
  };
  visit(value, 2);
  return [...out];
}

/** The thread side: serves tasks one after another (the pool hands a thread one task at a time). */
export function serveThread(): void {
  const port = parentPort!;
  port.on('message', async ({ task, input }: { task: ThreadTaskName; input: never }) => {
    const post = (m: ThreadMessage, value: unknown) => port.postMessage(m, transferable(value));
    try {
      const emit = (event: unknown) => post({ type: 'event', event }, event);
      const output = await THREAD_TASKS[task](input, emit);
      post({ type: 'done', output }, output);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', message: err.message, name: err.name });
    }
  });
}

const idle: Worker[] = [];

function startThread(): Worker {
  const ext = path.extname(__filename);
  const entry = JSON.stringify(__filename);
  // Under tsx (development, tests) the thread needs the TypeScript loader too; compiled .js runs as is.
  const code = `${ext === '.ts' ? "require('tsx/cjs');" : ''} require(${entry}).serveThread();`;
  return new Worker(code, { eval: true });
}

/** Runs a task on a pooled thread; a thread that crashed (e.g. wasm abort) is discarded, not reused. */
export function runOnThread<N extends ThreadTaskName>(
  task: N,
  input: Input<N>,
  onEvent: (event: Event<N>) => void,
): Promise<Output<N>> {
  const worker = idle.pop() ?? startThread();
  worker.ref();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (m: ThreadMessage) => {
      if (m.type === 'event') return onEvent(m.event as Event<N>);
      cleanup();
      worker.unref();
      idle.push(worker);
      if (m.type === 'done') resolve(m.output as Output<N>);
      else reject(new ThreadTaskError(m.message, m.name));
    };
    const onError = (e: Error) => {
      cleanup();
      void worker.terminate();
      reject(new ThreadTaskError(`the ${task} thread crashed: ${e.message}`, e.name));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new ThreadTaskError(`the ${task} thread exited (code ${code}) before finishing`, 'Error'));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    // Copied, not transferred: callers may keep their inputs (e.g. cached image sets for the next job).
    worker.postMessage({ task, input });
  });
}

/** Runs a task on a pooled thread, or on this one with DLREC_TRAINING_THREADS=0 (debugging: one stack, one heap). */
export function runTask<N extends ThreadTaskName>(
  task: N,
  input: Input<N>,
  onEvent: (event: Event<N>) => void,
): Promise<Output<N>> {
  const env = process.env.DLREC_TRAINING_THREADS;
  if (env !== '0' && env !== 'false') return runOnThread(task, input, onEvent);
  const run = THREAD_TASKS[task] as unknown as (i: Input<N>, e: (ev: Event<N>) => void) => Promise<Output<N>>;
  return run(input, onEvent);
}

/**
 * TensorFlow's intra-/inter-op pools default to every core for each context, so two training slots on a
 * 2-core worker would each start 2+ threads and fight. Set once per process before the first thread loads
 * TensorFlow (it reads the C environment at context creation); an operator's own values win.
 */
export function nativeThreadsPerJob(slots: number): void {
  const cores = require('node:os').availableParallelism() as number;
  const perJob = String(Math.max(1, Math.floor(cores / Math.max(1, slots))));
  process.env.TF_NUM_INTRAOP_THREADS ??= perJob;
  process.env.TF_NUM_INTEROP_THREADS ??= '1';
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2'; // threads read the C environment: set it here, not in them
}
