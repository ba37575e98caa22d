import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { nativeThreadsPerJob } from '../activities/threads';
import type { ArtifactStore } from '../infra/store';
import { connectWorker, type TemporalTarget } from '../infra/temporal';
import { CPU_QUEUE, GPU_QUEUE } from '../workflows/queues';
import { workflowBundle } from './bundle';

export type QueueChoice = 'cpu' | 'gpu' | 'all';

export interface WorkerOptions {
  target: TemporalTarget;
  store: ArtifactStore;
  queue: QueueChoice;
  /** Concurrent activities per queue (GPU workers: one per GPU). */
  concurrency?: number;
  /** How long in-flight activities may run on after a shutdown signal before they are cancelled. */
  shutdownGraceMs?: number;
  /** Install SIGINT/SIGTERM handlers that drain the workers (the `dlrec worker` process); off for in-process use. */
  handleSignals?: boolean;
  /**
   * Refuse to start unless TensorFlow uses a GPU (src/training/gpu.ts). Default: on for a worker serving the
   * GPU queue with DLREC_BACKEND=tensorflow-gpu, which is what the GPU image sets.
   */
  requireGpu?: boolean;
}

export interface RunningWorkers {
  queues: string[];
  /** Resolves when every worker has stopped. */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;

export async function startWorkers(opts: WorkerOptions): Promise<RunningWorkers> {
  const queues =
    opts.queue === 'all' ? [CPU_QUEUE, GPU_QUEUE] : [opts.queue === 'cpu' ? CPU_QUEUE : GPU_QUEUE];
  const gpuSlots = opts.concurrency ?? defaultTrainingSlots(opts.queue);
  if (queues.includes(GPU_QUEUE)) {
    // Before anything else: TensorFlow's pools are sized when its first context is made, and a GPU worker
    // without a GPU must fail before it installs the Temporal runtime or polls.
    nativeThreadsPerJob(gpuSlots);
    if (opts.requireGpu ?? process.env.DLREC_BACKEND === 'tensorflow-gpu') {
      const { requireGpu } = require('../src/training/gpu') as typeof import('../src/training/gpu');
      const facts = await requireGpu();
      process.stderr.write(`[dlrec worker] GPU: ${JSON.stringify(facts)}\n`);
    }
  }
  if (!runtimeInstalled) {
    Runtime.install({
      shutdownSignals: opts.handleSignals ? ['SIGINT', 'SIGTERM'] : [],
      logger: quietLogger(),
      // Native (core) logs print to stdout by default; forward them to the logger above (stderr) so that
      // --json output stays one document.
      telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
    });
    runtimeInstalled = true;
  }
  const connection: NativeConnection = await connectWorker(opts.target);
  const bundle = await workflowBundle();
  const activities = createActivities({ store: opts.store });
  const workers = await Promise.all(
    queues.map((taskQueue) =>
      Worker.create({
        connection,
        namespace: opts.target.namespace,
        taskQueue,
        workflowBundle: bundle,
        activities,
        maxConcurrentActivityTaskExecutions: taskQueue === GPU_QUEUE ? gpuSlots : (opts.concurrency ?? 2),
        shutdownGraceTime: opts.shutdownGraceMs ?? 30_000,
      }),
    ),
  );
  const stopHealth = touchHealthFile(process.env.DLREC_HEALTH_FILE);
  const stopWatch = watchEventLoop();
  const done = Promise.all(workers.map((w) => w.run())).then(async () => {
    stopHealth();
    stopWatch();
    await connection.close();
  });
  return {
    queues,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

/**
 * Concurrent activities on dlrec-gpu when not given: one per GPU for a GPU worker; for the in-process worker of a
 * CPU machine (`dlrec build`, `npm start`) two, since training runs on threads: the language model and a
 * training, or two trainings, then overlap instead of queueing behind one slot (the sweep keeps ≤ its own
 * concurrency in flight, 2 in the mini profile).
 */
function defaultTrainingSlots(queue: QueueChoice): number {
  return queue === 'all' && process.env.DLREC_BACKEND !== 'tensorflow-gpu' ? 2 : 1;
}

/** Runs `fn` with in-process workers serving both queues, then drains them. */
export async function withWorkers<T>(opts: Omit<WorkerOptions, 'queue'>, fn: () => Promise<T>): Promise<T> {
  const running = await startWorkers({ ...opts, queue: 'all' });
  try {
    return await fn();
  } finally {
    await running.shutdown();
  }
}

/**
 * Liveness for containers: touches $DLREC_HEALTH_FILE every 10 s while the workers run. A stale file means
 * a wedged process; a Temporal or S3 outage does not make it stale (restarting would not fix those).
 *
 * Touched from this (the main) thread on purpose, not from a thread of its own: this is the thread that polls
 * Temporal, runs the activities' async code and sends their heartbeats, so the file is fresh exactly while those
 * can happen. A thread touching it would keep a wedged worker "alive". What keeps it fresh under load is that no
 * activity runs minutes of synchronous work here: word2vec, the language model, training and the regressor fits
 * run on worker threads (activities/threads.ts), and watchEventLoop names any stall that slips back in.
 */
function touchHealthFile(file: string | undefined): () => void {
  if (!file) return () => undefined;
  const touch = () => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      writeFileSync(file, String(process.pid));
    }
  };
  touch();
  const timer = setInterval(touch, 10_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(file, { force: true });
  };
}

/**
 * Event-loop watchdog: a synchronous stall of the main thread longer than DLREC_LOOP_STALL_WARN_MS (default 2 s)
 * is reported on stderr with its length. Such a stall holds back heartbeats, polling and the health file (above);
 * the long steps belong on a worker thread (activities/threads.ts). 0 turns it off.
 */
function watchEventLoop(): () => void {
  const warnMs = Number(process.env.DLREC_LOOP_STALL_WARN_MS ?? 2_000);
  if (!(warnMs > 0)) return () => undefined;
  const everyMs = 500;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const stall = now - last - everyMs;
    last = now;
    if (stall > warnMs)
      process.stderr.write(
        `[dlrec worker] the event loop was blocked for ${(stall / 1000).toFixed(1)} s: heartbeats, polling and ` +
          'the health file waited (a long synchronous step on the main thread? see activities/threads.ts)\n',
      );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Temporal's core logs go to stderr, warnings and up only, so --json stdout stays clean. */
function quietLogger() {
  const level = process.env.DLREC_LOG_LEVEL ?? 'WARN';
  const order = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
  const min = order.indexOf(level);
  const log = (lvl: string) => (message: string, meta?: Record<string, unknown>) => {
    if (order.indexOf(lvl) >= min)
      process.stderr.write(
        `[temporal ${lvl.toLowerCase()}] ${message}${meta ? ' ' + JSON.stringify(meta) : ''}\n`,
      );
  };
  return {
    log: (lvl: string, message: string, meta?: Record<string, unknown>) => log(lvl)(message, meta),
    trace: log('TRACE'),
    debug: log('DEBUG'),
    info: log('INFO'),
    warn: log('WARN'),
    error: log('ERROR'),
  };
}
