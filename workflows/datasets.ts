import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { PreparedDataset } from '../activities/datasets';
import type { DatasetsProfile } from '../src/profiles';
import { trackProgress } from './progress';
import { CPU_QUEUE } from './queues';

const act = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '2 hours',
  retry: { maximumAttempts: 3, initialInterval: '5s' },
});

/** Materialises every repository dataset of a profile in the store; datasets already stored are reused. */
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
