import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { CPU_QUEUE } from './queues';

const { storeRoundTrip } = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 1 },
});

/** The smallest real round trip: a workflow whose activity writes, verifies and deletes an artifact. */
export async function DoctorWorkflow(token: string): ReturnType<Activities['storeRoundTrip']> {
  return storeRoundTrip(token);
}
