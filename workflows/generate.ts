import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { GenerationRunOptions } from '../activities/generation';
import { failRun } from './failures';
import { trackProgress } from './progress';
import { CPU_QUEUE } from './queues';

const act = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 5, initialInterval: '2s', backoffCoefficient: 2 },
});

/** Parallel shard activities in flight at once (each is CPU-bound). */
const PARALLEL_SHARDS = 4;
const MAX_TOP_UPS = 50;

/**
 * Generates `count` models in shards of ≤ shardSize as activities (each shard's seed derives from the run
 * seed), then merges them. Shards already stored are skipped, so re-running the same id resumes.
 */
export async function GenerateModelsWorkflow(options: GenerationRunOptions) {
  const counts: number[] = [];
  for (let done = 0; done < options.count; done += options.shardSize)
    counts.push(Math.min(options.shardSize, options.count - done));
  const progress = trackProgress('generate shards', counts.length);
  let next = 0;
  const worker = async () => {
    while (next < counts.length) {
      const i = next++;
      progress.running++;
      await act.generateModelsShard({ options, shardIndex: i, count: counts[i] });
      progress.running--;
      progress.done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_SHARDS, counts.length) }, worker));
  progress.stage = 'merge';
  let shards = counts.length;
  for (;;) {
    const merged = await act.mergeGeneration({ options, shards });
    if (merged.missing === 0) return { prefix: merged.prefix, manifest: merged.manifest! };
    if (shards >= counts.length + MAX_TOP_UPS)
      failRun(
        `could not reach ${options.count} distinct models after ${MAX_TOP_UPS} top-up shards: the grammar's options allow fewer; ask for fewer models or widen the options`,
        'DlrecGenerationExhausted',
      );
    progress.total++;
    await act.generateModelsShard({ options, shardIndex: shards, count: merged.missing });
    progress.done++;
    shards++;
  }
}
