import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RepositoryKeys } from '../activities/recommendation';
import { validInput } from './failures';
import { trackProgress } from './progress';
import { CPU_QUEUE } from './queues';
import { resolveTimeouts, type BuildTimeouts } from './timeouts';

export interface EvaluateInput {
  keys: RepositoryKeys;
  meta: { profile: string; createdAt: string; workflowId?: string; temporalUi?: string };
  /** heartbeatSeconds bounds the silence of the regressor fits (evaluation, recommender). */
  timeouts?: BuildTimeouts;
}

/**
 * Fits the recommender's accuracy regressor, evaluates the repository (80/20, honest leave-one-dataset-out,
 * Table 1, baselines) and renders the report. Input: keys of the campaign results, encodings and the
 * leave-one-out similarity matrix; output: the keys of what it stored and the headline numbers.
 */
export async function EvaluateWorkflow(input: EvaluateInput) {
  const { heartbeatSeconds } = validInput(() => resolveTimeouts(input.timeouts));
  const options = {
    taskQueue: CPU_QUEUE,
    startToCloseTimeout: '2 hours',
    retry: { maximumAttempts: 3, initialInterval: '5s' },
  } as const;
  // The fits run on worker threads and heartbeat { step, part, parts } every ≤ 2 s: a lost worker is noticed
  // within heartbeatSeconds (default 2 minutes).
  const fit = proxyActivities<Activities>({ ...options, heartbeatTimeout: `${heartbeatSeconds} seconds` });
  // The report does not heartbeat: 5 minutes at least, as before.
  const report = proxyActivities<Activities>({
    ...options,
    heartbeatTimeout: `${Math.max(300, heartbeatSeconds)} seconds`,
  });
  // Evaluation first: its leave-one-out decides which regressor kind (selected or ensemble) the recommender uses.
  const progress = trackProgress('evaluate', 3);
  const { evaluationKey, headline, regressor } = await fit.evaluateRepository(input.keys);
  progress.done++;
  progress.stage = 'fit recommender';
  const { recommenderKey } = await fit.fitRecommender(input.keys, regressor);
  progress.done++;
  progress.stage = 'report';
  const { reportKey } = await report.renderRepositoryReport({
    keys: input.keys,
    evaluationKey,
    meta: input.meta,
  });
  progress.done++;
  return { recommenderKey, evaluationKey, reportKey, headline };
}
