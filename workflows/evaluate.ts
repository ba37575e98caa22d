import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RepositoryKeys } from '../activities/recommendation';
import { trackProgress } from './progress';
import { CPU_QUEUE } from './queues';

const act = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '5 minutes',
  retry: { maximumAttempts: 3, initialInterval: '5s' },
});

export interface EvaluateInput {
  keys: RepositoryKeys;
  meta: { profile: string; createdAt: string; workflowId?: string; temporalUi?: string };
}

/**
 * Fits the recommender's accuracy regressor, evaluates the repository (80/20, honest leave-one-dataset-out,
 * Table 1, baselines) and renders the report. Input: keys of the campaign results, encodings and the
 * leave-one-out similarity matrix; output: the keys of what it stored and the headline numbers.
 */
export async function EvaluateWorkflow(input: EvaluateInput) {
  // Evaluation first: its leave-one-out decides which regressor kind (selected or ensemble) the recommender uses.
  const progress = trackProgress('evaluate', 3);
  const { evaluationKey, headline, regressor } = await act.evaluateRepository(input.keys);
  progress.done++;
  progress.stage = 'fit recommender';
  const { recommenderKey } = await act.fitRecommender(input.keys, regressor);
  progress.done++;
  progress.stage = 'report';
  const { reportKey } = await act.renderRepositoryReport({
    keys: input.keys,
    evaluationKey,
    meta: input.meta,
  });
  progress.done++;
  return { recommenderKey, evaluationKey, reportKey, headline };
}
