/**
 * extractAll split by images over this thread and helper threads. The 512-image sample of `dlrec recommend`
 * is ~0.45 s of features on one core (GIST most of it); each image's features depend on that image alone,
 * so the split gives the same bytes as one thread. Helpers are started ahead (startFeatureThreads, while the
 * images are still being read), warm their extractors on a few images, and stay for the next call of a
 * long-running process; they are unref'd between calls, so they never keep a process alive. A helper that
 * dies has its share computed here instead.
 */
import os from 'node:os';
import path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import { checkBatch } from './gray';
import { extractAll, FEATURE_KINDS, type FeatureKind } from './index';

interface Job {
  id: number;
  images: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  kinds: readonly FeatureKind[];
}
type Reply = { id: number; features: Record<FeatureKind, Float32Array> } | { id: number; error: string };

interface Helper {
  worker: Worker;
  pending: Map<number, { resolve: (r: Reply) => void }>;
  stopping: boolean;
}

const helpers: Helper[] = [];
let nextId = 0;

/** Helper threads beside this one: one per further core, at most 3 (the split stops paying beyond that). */
export function featureHelperCount(): number {
  return Math.max(0, Math.min(3, os.availableParallelism() - 1));
}

/**
 * Helpers for a query (`dlrec recommend`), whose own thread has other work meanwhile (parsing the ranker):
 * one per core, at most 4, and this thread computes none of the features. Its extractors would be JIT-cold:
 * its first 5 images took 0.10 s, and 154 images 0.26–0.31 s where a warm helper takes 0.8 ms an image.
 */
export function queryHelperCount(): number {
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/** The helper side: warms up on a few images of the expected size, then serves jobs in order. */
export function serveFeatureThread(warm: { height: number; width: number }): void {
  const port = parentPort!;
  const n = 8;
  const noise = Uint8Array.from({ length: n * warm.height * warm.width }, (_, i) => (i * 2654435761) >>> 24);
  extractAll(noise, n, warm.height, warm.width, 1);
  port.on('message', (job: Job) => {
    try {
      const features = extractAll(job.images, job.count, job.height, job.width, job.channels, job.kinds);
      // Copied, not transferred: detaching a buffer makes V8 check every typed-array access in this thread
      // from then on, and the next job ran 25% slower (290 vs 232 ms for 256 images).
      port.postMessage({ id: job.id, features });
    } catch (e) {
      port.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
}

function startHelper(height: number, width: number): Helper {
  // Under tsx (development, tests, bin/dlrec.js) the thread needs the TypeScript loader too.
  const loader = path.extname(__filename) === '.ts' ? "require('tsx/cjs');" : '';
  const code = `${loader} require(${JSON.stringify(__filename)}).serveFeatureThread(require('node:worker_threads').workerData);`;
  const worker = new Worker(code, { eval: true, workerData: { height, width } });
  const helper: Helper = { worker, pending: new Map(), stopping: false };
  const fail = (message: string) => {
    const at = helpers.indexOf(helper);
    if (at >= 0) helpers.splice(at, 1);
    for (const [id, p] of helper.pending) p.resolve({ id, error: message });
    helper.pending.clear();
  };
  helper.worker.on('message', (r: Reply) => {
    helper.pending.get(r.id)?.resolve(r);
    helper.pending.delete(r.id);
    if (helper.pending.size === 0 && !helper.stopping) helper.worker.unref();
  });
  helper.worker.on('error', (e) => fail(`feature thread failed: ${e.message}`));
  helper.worker.on('exit', (code) => fail(`feature thread exited (code ${code})`));
  helper.worker.unref();
  return helper;
}

/** Starts up to `count` helper threads now, warmed for images of height × width. */
export function startFeatureThreads(height: number, width: number, count = featureHelperCount()): void {
  while (helpers.length < count) helpers.push(startHelper(height, width));
}

/** Helper threads running now (tests, diagnostics). */
export function featureThreadCount(): number {
  return helpers.length;
}

/** Ends the helper threads (tests; a process exits without it). */
export async function stopFeatureThreads(): Promise<void> {
  for (const h of helpers) {
    h.stopping = true;
    h.worker.ref(); // until it has exited: an unref'd thread's exit would not keep the caller's await alive
  }
  await Promise.all(helpers.splice(0).map((h) => h.worker.terminate()));
}

function runOn(helper: Helper, job: Omit<Job, 'id'>): Promise<Reply> {
  const id = nextId++;
  return new Promise((resolve) => {
    helper.pending.set(id, { resolve });
    helper.worker.ref(); // a pending reply must keep the process alive
    helper.worker.postMessage({ ...job, id });
  });
}

/**
 * extractAll(images, …) with the images split over this thread and up to `threads − 1` helpers. `ownShare`
 * is this thread's share of the images (default: an equal one; 0: all to the helpers, when there are any).
 */
export async function extractAllThreaded(
  images: Uint8Array,
  count: number,
  height: number,
  width: number,
  channels: number,
  threads = featureHelperCount() + 1,
  kinds: readonly FeatureKind[] = FEATURE_KINDS,
  ownShare?: number,
): Promise<Record<FeatureKind, Float32Array>> {
  checkBatch(images, count, height, width, channels);
  startFeatureThreads(height, width, Math.min(threads - 1, Math.max(0, count - 1)));
  const parts = Math.min(threads, helpers.length + 1, Math.max(1, count));
  if (parts === 1) return extractAll(images, count, height, width, channels, kinds);
  const per = height * width * channels;
  // This thread takes the first `own` images, the helpers the rest in equal parts.
  const own = Math.max(0, Math.min(count - parts + 1, Math.round(count * (ownShare ?? 1 / parts))));
  const bounds = Array.from({ length: parts + 1 }, (_, p) =>
    p === 0 ? 0 : own + Math.round(((p - 1) * (count - own)) / (parts - 1)),
  );
  const slice = (p: number) => images.slice(bounds[p] * per, bounds[p + 1] * per);
  const job = (p: number) => ({ count: bounds[p + 1] - bounds[p], height, width, channels, kinds });
  const replies = helpers
    .slice(0, parts - 1)
    .map((h, i) => runOn(h, { ...job(i + 1), images: slice(i + 1) }));
  const results: Array<Record<FeatureKind, Float32Array> | undefined> = [
    own > 0 ? extractAll(images.subarray(0, own * per), own, height, width, channels, kinds) : undefined,
  ];
  for (let p = 1; p < parts; p++) {
    const r = await replies[p - 1];
    results.push(
      'features' in r ? r.features : extractAll(slice(p), job(p).count, height, width, channels, kinds),
    );
  }
  const out = {} as Record<FeatureKind, Float32Array>;
  for (const k of kinds) {
    const dim = results[1]![k].length / job(1).count;
    out[k] = new Float32Array(dim * count);
    results.forEach((r, p) => r && out[k].set(r[k], dim * bounds[p]));
  }
  return out;
}
