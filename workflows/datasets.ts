import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PreparedDataset } from '../activities/datasets';
import type { DatasetsProfile } from '../src/profiles';
import { trackProgress } from './progress';
import { CPU_QUEUE } from './queues';

const act = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '2 hours',
  // Downloads and conversions heartbeat (at least every 10 s); a worker that died is noticed within this.
  heartbeatTimeout: '2 minutes',
  // A failed download (network, short file, sha256 mismatch) is retried and resumes what it had.
  retry: { maximumAttempts: 3, initialInterval: '5s' },
});

/**
 * Materialises every repository dataset of a profile in the store; datasets already stored are reused. Datasets
 * that need downloading (and all that `datasets.mirror` lists) are fetched, checked and converted here.
 */
export async function PrepareDatasetsWorkflow(datasets: DatasetsProfile): Promise<PreparedDataset[]> {
  const progress = trackProgress('prepare datasets', datasets.names.length);
  const out: PreparedDataset[] = [];
  // One at a time: each is CPU- and memory-heavy, and a worker may serve other stages meanwhile.
  for (const name of datasets.names) {
    out.push(await act.prepareDataset({ name, datasets }));
    progress.done++;
  }
  return out;
}
