/**
 * The training stage.
 *
 * TrainingSweepWorkflow(input: SweepWorkflowInput) → SweepResult
 *   input:  { campaignId, sweep: SweepProfile (src/profiles.ts `sweep`), datasets: string[] (the repository),
 *             generationPrefix?: 'generations/<run>' (GenerateModelsWorkflow's prefix; else `generation` options
 *             are generated first as a child), derived?: { perClass, seed } (the build's datasets section) }
 *   output: { campaignId, resultsKey, modelsKey, summaryKey, failedKey, total, done, failed }
 *           results.jsonl holds one CampaignResult (src/recommendation/types.ts) per trained pair.
 *   planCampaign → pages of the plan → trainModel on GPU_QUEUE (≤ sweep.concurrency in flight; phase 2, the
 *   fine-tunes, starts after every phase-1 pair) → summarizeCampaign. A pair whose retries are spent is
 *   recorded as failed, never dropped. The workflow continues as new (carrying offset + counters) before its
 *   history grows past sweep.historyLimit. Re-running a campaign id re-uses every trained pair (trainModel is
 *   idempotent on spec, dataset, recipe and source).
 *
 * TrainModelWorkflow(input: TrainModelInput & { heartbeatTimeoutSeconds?, attempts? }) → TrainModelResult
 *   One pair (what `dlrec train` runs).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  executeChild,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TrainModelInput } from '../activities/training';
import type { CampaignInput, CampaignPlan, PlanItem } from '../activities/training-campaign';
import type { GenerationRunOptions } from '../activities/generation';
import { failRun } from './failures';
import { GenerateModelsWorkflow } from './generate';
import { progressQuery, trackProgress, type WorkflowProgress } from './progress';
import { CPU_QUEUE, GPU_QUEUE } from './queues';
import { scheduleToStart } from './timeouts';
import { trainInputFor } from '../src/training/sweep-plan';

export interface SweepWorkflowInput extends CampaignInput {
  /** Generation options, used when generationPrefix is absent and the sweep draws generated models. */
  generation?: GenerationRunOptions;
  /** A lost worker is noticed after this long without a heartbeat (default 120 s). */
  heartbeatTimeoutSeconds?: number;
  /** A pair that no GPU worker starts within this fails (0 or absent: wait for ever). */
  scheduleToStartMinutes?: number;
  /**
   * The sweep stops (the run fails with the last error) once more than this share of its finished pairs failed,
   * counted after at least `MIN_FAILURES_TO_STOP` failures: a broken worker image or a missing dataset must not
   * record every pair of a campaign as failed. Default 0.5; 1 never stops.
   */
  maxFailureShare?: number;
  /** Carried across continue-as-new. */
  state?: {
    offset: number;
    done: number;
    failed: number;
    elapsedSeconds: number;
    /** The plan, carried so that a continued run does not wait for a CPU slot to read it again. */
    plan?: CampaignPlan;
  };
}

const cpu = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes', // planCampaign and summarizeCampaign beat every 5 s
  retry: { maximumAttempts: 5, initialInterval: '2s', backoffCoefficient: 2 },
});

// Reads and writes of one small store object. As local activities (in the worker running this workflow) they
// need no activity slot: on a CPU pool busy with long activities (the ranker's leave-one-out) the sweep's next
// page otherwise waited for one while the GPUs idled. A lost attempt times out and is retried within a minute.
const storeStepOptions = {
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10, initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '30s' },
} as const;
const localStoreSteps = proxyLocalActivities<Activities>(storeStepOptions);
// Runs started before: the same steps as activities on the CPU queue.
const queuedStoreSteps = proxyActivities<Activities>({ taskQueue: CPU_QUEUE, ...storeStepOptions });

const MIN_FAILURES_TO_STOP = 10;

function trainer(attempts: number, heartbeatTimeoutSeconds = 120, scheduleToStartMinutes = 0) {
  return proxyActivities<Activities>({
    taskQueue: GPU_QUEUE,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: `${heartbeatTimeoutSeconds} seconds`,
    ...scheduleToStart(scheduleToStartMinutes),
    retry: { maximumAttempts: attempts, initialInterval: '5s', backoffCoefficient: 2 },
  });
}

function failureMessage(e: unknown): string {
  const err = e instanceof ActivityFailure && e.cause ? e.cause : e;
  // An activity's error arrives as an ApplicationFailure whose type is the original error's class name.
  const name = err instanceof ApplicationFailure && err.type ? err.type : (err as Error)?.name;
  return err instanceof Error ? `${name}: ${err.message}` : String(err);
}

export async function TrainingSweepWorkflow(input: SweepWorkflowInput) {
  const { sweep } = input;
  const state = input.state ?? { offset: 0, done: 0, failed: 0, elapsedSeconds: 0 };
  const runStart = Date.now();
  const progress: WorkflowProgress = {
    stage: 'plan',
    total: 0,
    done: state.done,
    failed: state.failed,
    running: 0,
    etaSeconds: null,
  };
  // Own handler (not trackProgress): the ETA must count the time spent in earlier runs of the chain.
  setHandler(progressQuery, () => {
    const finished = progress.done + progress.failed;
    const elapsed = state.elapsedSeconds + (Date.now() - runStart) / 1000;
    const eta =
      finished > 0 ? Math.round((elapsed / finished) * Math.max(0, progress.total - finished)) : null;
    return { ...progress, etaSeconds: eta, detail: { campaignId: input.campaignId, offset: state.offset } };
  });

  let generationPrefix = input.generationPrefix;
  if (!generationPrefix && sweep.generated > 0 && input.generation) {
    progress.stage = 'generate models';
    const g = await executeChild(GenerateModelsWorkflow, {
      workflowId: `${workflowInfo().workflowId}/generate`,
      args: [input.generation],
    });
    generationPrefix = g.prefix;
  }
  const campaign: CampaignInput = {
    campaignId: input.campaignId,
    sweep,
    datasets: input.datasets,
    generationPrefix,
    derived: input.derived,
    ...(input.simulate ? { simulate: input.simulate } : {}),
  };
  const plan = state.plan ?? (await cpu.planCampaign(campaign));
  progress.total = plan.total;
  // The progress query needs a live worker; the memo (page by page) lets `dlrec sweep status` and the Temporal UI
  // answer while none is left. Runs started before it replay without it.
  const memoProgress = () => {
    if (patched('sweep-progress-memo'))
      upsertMemo({
        progress: { total: plan.total, done: state.done, failed: state.failed, offset: state.offset },
      });
  };
  memoProgress();
  const gpu = trainer(sweep.attempts, input.heartbeatTimeoutSeconds, input.scheduleToStartMinutes);
  const quick = patched('sweep-local-store-steps') ? localStoreSteps : queuedStoreSteps;
  const maxFailureShare = input.maxFailureShare ?? 0.5;
  let lastError = '';

  const trainOne = async (item: PlanItem) => {
    progress.running++;
    try {
      await gpu.trainModel(trainInputFor(item, campaign));
      state.done++;
      progress.done++;
    } catch (e) {
      lastError = failureMessage(e);
      await quick.recordPairFailure({ campaignId: input.campaignId, item, error: lastError });
      state.failed++;
      progress.failed++;
    } finally {
      progress.running--;
    }
  };
  const tooManyFailures = () =>
    state.failed >= MIN_FAILURES_TO_STOP && state.failed > maxFailureShare * (state.done + state.failed);

  // Events one pair adds to this run's history (measured per page): the run continues as new *before* a page could
  // carry it past historyLimit. Runs started before this rule replay with the old check (after the page).
  const budgeted = patched('sweep-history-budget');
  let eventsPerPair = 0;
  while (state.offset < plan.total) {
    const eventsBefore = workflowInfo().historyLength;
    const page = await quick.campaignPage({
      planKey: plan.planKey,
      offset: state.offset,
      limit: sweep.pageSize,
    });
    if (page.length === 0)
      failRun(
        `the plan ${plan.planKey} ends before its total ${plan.total}: the stored plan is damaged; start the sweep with a new campaign id`,
        'DlrecDamagedPlan',
      );
    progress.stage = page[0].phase === 1 ? 'train from scratch' : 'fine-tune';
    let next = 0;
    const lane = async () => {
      while (next < page.length && !tooManyFailures()) await trainOne(page[next++]);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(sweep.concurrency, page.length)) }, lane));
    if (tooManyFailures())
      failRun(
        `campaign ${input.campaignId} stopped: ${state.failed} of ${state.done + state.failed} finished pairs failed ` +
          `(more than ${Math.round(maxFailureShare * 100)}%); the last error: ${lastError}. Fix the cause and start ` +
          'the sweep again with the same campaign id: trained pairs are kept, failed ones are retried',
        'DlrecSweepFailing',
      );
    state.offset += page.length;
    memoProgress();
    const info = workflowInfo();
    eventsPerPair = Math.max(eventsPerPair, (info.historyLength - eventsBefore) / page.length);
    const full = budgeted
      ? info.historyLength + 1.25 * eventsPerPair * sweep.pageSize + 20 > sweep.historyLimit
      : info.historyLength > sweep.historyLimit;
    if (state.offset < plan.total && (full || info.continueAsNewSuggested)) {
      state.elapsedSeconds += (Date.now() - runStart) / 1000;
      await continueAsNew<typeof TrainingSweepWorkflow>({
        ...input,
        generationPrefix,
        state: { ...state, plan },
      });
    }
  }

  progress.stage = 'summarize';
  const summary = await cpu.summarizeCampaign(campaign);
  progress.stage = 'done';
  return {
    campaignId: input.campaignId,
    resultsKey: summary.resultsKey,
    modelsKey: summary.modelsKey,
    summaryKey: summary.summaryKey,
    failedKey: summary.failedKey,
    total: summary.total,
    done: summary.done,
    failed: summary.failed,
  };
}

export async function TrainModelWorkflow(
  input: TrainModelInput & { heartbeatTimeoutSeconds?: number; attempts?: number },
) {
  const progress = trackProgress('train', 1);
  const { heartbeatTimeoutSeconds, attempts, ...pair } = input;
  progress.running = 1;
  const result = await trainer(attempts ?? 3, heartbeatTimeoutSeconds).trainModel(pair);
  progress.running = 0;
  progress.done = 1;
  return result;
}
