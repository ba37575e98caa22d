/**
 * writeGeneration on several threads: worker threads generate and render shards, the main thread
 * writes them in shard order through the same GenerationWriter, so the files are byte-identical to
 * the single-threaded writeGeneration's.
 */
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  GenerationWriter,
  runOptions,
  writeGeneration,
  type GenerationManifest,
  type RenderedShard,
} from './generation-files';
import { MAX_TOP_UPS, shardCounts, SHARD_SIZE, topUpFailure, type GenerateOptions } from './generator';

/** Threads worth using here: one per core, at most 4 (the main thread's writing is light). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
}

function startWorker(opts: GenerateOptions): Worker {
  const ext = path.extname(__filename);
  const entry = path.join(__dirname, `generation-worker${ext}`);
  // Under tsx (development) the worker needs the TypeScript loader too; compiled .js runs as is.
  const code =
    ext === '.ts'
      ? `require('tsx/cjs'); require(${JSON.stringify(entry)});`
      : `require(${JSON.stringify(entry)});`;
  return new Worker(code, { eval: true, workerData: opts });
}

export async function writeGenerationParallel(
  outDir: string,
  options: GenerateOptions,
  workers = defaultWorkers(),
  onShard?: (modelsDone: number, total: number) => void,
): Promise<GenerationManifest> {
  const counts = shardCounts(options.count, options.shardSize ?? SHARD_SIZE);
  if (workers <= 1 || counts.length <= 1) return writeGeneration(outDir, options, onShard);
  const opts = runOptions(options);
  const writer = new GenerationWriter(outDir, opts);
  const pool = Array.from({ length: Math.min(workers, counts.length) }, () =>
    startWorker({ ...opts, dagShare: options.dagShare }),
  );
  const run = (worker: Worker, shardIndex: number, count: number): Promise<RenderedShard> =>
    new Promise((resolve, reject) => {
      const onMessage = (msg: RenderedShard | { error: string }): void => {
        worker.off('error', onError);
        if ('error' in msg) reject(new Error(msg.error));
        else resolve(msg);
      };
      const onError = (err: Error): void => {
        worker.off('message', onMessage);
        reject(err);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ shardIndex, count });
    });
  try {
    // Each worker takes every n-th shard; results are written strictly in shard order.
    const pending = new Map<number, Promise<RenderedShard>>();
    const chains = pool.map(() => Promise.resolve<unknown>(undefined));
    counts.forEach((count, i) => {
      const w = i % pool.length;
      const p = chains[w].then(() => run(pool[w], i, count));
      chains[w] = p.catch(() => undefined);
      pending.set(i, p);
    });
    for (let i = 0; i < counts.length; i++) {
      writer.addRendered(await (pending.get(i) as Promise<RenderedShard>));
      pending.delete(i);
      onShard?.(writer.written, opts.count);
    }
    // Top-up shards (for cross-shard duplicates) depend on what was written: one at a time.
    for (let i = counts.length; writer.missing > 0; i++) {
      if (i >= counts.length + MAX_TOP_UPS) throw new Error(topUpFailure(opts.count, writer.written));
      writer.addRendered(await run(pool[0], i, writer.missing));
      onShard?.(writer.written, opts.count);
    }
    return writer.finish();
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
