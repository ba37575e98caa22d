/**
 * Worker-thread entry for writeGenerationParallel: generates and renders the shards it is sent.
 * Messages in: {shardIndex, count}; out: RenderedShard (or {error}).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { renderShard } from './generation-files';
import { generateShard, type GenerateOptions } from './generator';

const opts = workerData as GenerateOptions;
parentPort?.on('message', (task: { shardIndex: number; count: number }) => {
  try {
    parentPort?.postMessage(renderShard(generateShard({ ...opts, ...task })));
  } catch (err) {
    parentPort?.postMessage({ error: (err as Error).message });
  }
});
