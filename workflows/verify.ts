/**
 * VerifyRecommendationsWorkflow(input: VerifyInput) → VerifyResult: `dlrec recommend FOLDER --verify`.
 * Fine-tunes each recommended (architecture, source) on the user's dataset with the repository's own recipe, so
 * a user sees the measured accuracy beside the predicted one before committing to a choice. trainModel reuses
 * the build's stored source weights (same spec, source dataset version and recipe: same pair key) and is
 * idempotent, so an interrupted verify run resumes where it stopped. With `add`, the measured rows are stored
 * (verified/<datasetSha>.json) and the next repository build learns from them.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ModelRef } from '../activities/training';
import type { DerivedVersion } from '../activities/ranker';
import type { SweepProfile } from '../src/profiles';
import { failRun } from './failures';
import { trackProgress } from './progress';
import { CPU_QUEUE, GPU_QUEUE } from './queues';
import { trainInputFor } from '../src/training/sweep-plan';

export interface VerifyItem {
  architecture: string;
  model: ModelRef;
  source: string | null;
  predictedAccuracy: number;
}

export interface VerifyInput {
  /** The user's dataset, already ingested into the store. */
  dataset: string;
  items: VerifyItem[];
  /** The build's sweep (recipe, limits, fine-tune limits, attempts) and derived-dataset version. */
  sweep: SweepProfile;
  derived?: DerivedVersion;
  /** Record the measured rows for the next build: the user's similarity vector and the build they came from. */
  add?: { similarity: Record<string, number>; buildId: string };
}

const cpu = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3 },
});

export async function VerifyRecommendationsWorkflow(input: VerifyInput) {
  if (input.items.length === 0) failRun('nothing to verify: the recommendation list is empty');
  const progress = trackProgress('fine-tune', input.items.length);
  const gpu = proxyActivities<Activities>({
    taskQueue: GPU_QUEUE,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: '120 seconds',
    retry: { maximumAttempts: input.sweep.attempts, initialInterval: '5s', backoffCoefficient: 2 },
  });
  const campaign = {
    campaignId: `verify-${input.dataset}`,
    sweep: input.sweep,
    datasets: [],
    derived: input.derived,
  };
  let next = 0;
  const measured: Array<Awaited<ReturnType<Activities['trainModel']>>> = new Array(input.items.length);
  const lane = async () => {
    while (next < input.items.length) {
      const i = next++;
      const it = input.items[i];
      const item = {
        index: i,
        pairId: `verify:${it.architecture}:${input.dataset}${it.source ? `<-${it.source}` : ''}`,
        phase: (it.source ? 2 : 1) as 1 | 2,
        model: it.model,
        dataset: input.dataset,
        source: it.source,
      };
      progress.running++;
      measured[i] = await gpu.trainModel(trainInputFor(item, campaign));
      progress.running--;
      progress.done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.sweep.concurrency, input.items.length) }, lane));
  const items = input.items.map((it, i) => ({
    architecture: it.architecture,
    source: it.source,
    predictedAccuracy: it.predictedAccuracy,
    measuredAccuracy: measured[i].accuracy,
    testImages: measured[i].testImages,
    seconds: measured[i].seconds,
    pairKey: measured[i].pairKey,
    reused: measured[i].reused ?? false,
  }));
  let addedKey: string | undefined;
  if (input.add) {
    progress.stage = 'add to the repository';
    addedKey = (
      await cpu.recordVerifiedResults({
        dataset: input.dataset,
        similarity: input.add.similarity,
        buildId: input.add.buildId,
        results: measured,
      })
    ).key;
  }
  progress.stage = 'done';
  return { dataset: input.dataset, items, ...(addedKey ? { addedKey } : {}) };
}
