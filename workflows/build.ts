import { executeChild, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { profile, type DatasetsProfile, type ProfileName } from '../src/profiles';
import { simulationSettings, type SimulatedTraining } from '../src/training/simulation-settings';
import { PrepareDatasetsWorkflow } from './datasets';
import { EncoderWorkflow } from './encoder';
import { EvaluateWorkflow } from './evaluate';
import { validInput } from './failures';
import { GenerateModelsWorkflow } from './generate';
import { trackProgress } from './progress';
import { CPU_QUEUE, GPU_QUEUE } from './queues';
import { LeaveOneOutRankerWorkflow, TrainRankerWorkflow } from './ranker';
import { resolveTimeouts, scheduleToStart, type BuildTimeouts } from './timeouts';
import { TrainingSweepWorkflow } from './training';

export interface BuildInput {
  profile: ProfileName;
  /**
   * Train with the simulated trainer (src/training/simulation.ts): the sweep's pairs and the language model's
   * training steps; everything else runs for real. LogME/LEEP are skipped (they need trained weights).
   */
  simulate?: Partial<SimulatedTraining>;
  /** Download the datasets from this mirror instead of the registry's URLs (tests, simulations, a local copy). */
  mirror?: DatasetsProfile['mirror'];
  timeouts?: BuildTimeouts;
}

const cpu = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3 },
});

/**
 * The main job: every stage of a repository build as a child workflow, in dependency order
 * (datasets → generation → encoder ∥ training sweep ∥ ranker + its leave-one-out → encodings and LogME/LEEP
 * → evaluation and report). Child ids derive from this run's id, so a restarted build re-attaches to its stages, and
 * every activity is idempotent on its artifacts: an interrupted build continues where it stopped.
 */
export async function RepositoryBuildWorkflow(input: BuildInput) {
  const p = validInput(() => profile(input.profile));
  const timeouts = validInput(() => resolveTimeouts(input.timeouts));
  if (input.simulate) validInput(() => simulationSettings(input.simulate));
  const simulate = input.simulate ? { simulate: input.simulate } : {};
  const gpu = proxyActivities<Activities>({
    taskQueue: GPU_QUEUE,
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: `${Math.max(300, timeouts.heartbeatSeconds)} seconds`,
    ...scheduleToStart(timeouts.scheduleToStartMinutes),
    retry: { maximumAttempts: 3 },
  });
  const progress = trackProgress('starting', 6);
  const base = workflowInfo().workflowId;
  const createdAt = new Date().toISOString();
  const setStage = (stage: string) => {
    progress.stage = stage;
    upsertSearchAttributes({ DlrecProfile: [p.name], DlrecStage: [stage] });
  };
  const derived = { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed };
  const names = p.datasets.names;

  setStage('datasets');
  const datasets = await executeChild(PrepareDatasetsWorkflow, {
    workflowId: `${base}/datasets`,
    args: [input.mirror ? { ...p.datasets, mirror: input.mirror } : p.datasets],
  });
  progress.done++;

  setStage('generate');
  const generation = await executeChild(GenerateModelsWorkflow, {
    workflowId: `${base}/generate`,
    args: [p.generation],
  });
  progress.done++;

  setStage('encoder, sweep, ranker');
  const [encoder, sweep, ranker] = await Promise.all([
    executeChild(EncoderWorkflow, {
      workflowId: `${base}/encoder`,
      args: [{ generationPrefix: generation.prefix, profile: p.encoder, timeouts, ...simulate }],
    }),
    executeChild(TrainingSweepWorkflow, {
      workflowId: `${base}/sweep`,
      args: [
        {
          campaignId: `${p.name}-${base.replace(/[^A-Za-z0-9_-]/g, '_')}`,
          sweep: p.sweep,
          datasets: names,
          generationPrefix: generation.prefix,
          derived,
          heartbeatTimeoutSeconds: timeouts.heartbeatSeconds,
          scheduleToStartMinutes: timeouts.scheduleToStartMinutes,
          ...simulate,
        },
      ],
    }),
    (async () => {
      const trained = await executeChild(TrainRankerWorkflow, {
        workflowId: `${base}/ranker`,
        args: [{ datasets: names, ranker: p.ranker, derived }],
      });
      const loo = await executeChild(LeaveOneOutRankerWorkflow, {
        workflowId: `${base}/ranker-loo`,
        args: [{ datasets: names, ranker: p.ranker, derived }],
      });
      return { trained, loo };
    })(),
  ]);
  progress.done += 2;

  setStage('encode models, transferability');
  const encodings = await gpu.encodeModels({ encoderKey: encoder.encoderKey, modelsKey: sweep.modelsKey });
  // LogME/LEEP need only forward passes: an input and a baseline for the evaluation (not for simulated weights).
  const transferability = input.simulate
    ? null
    : await gpu.scoreTransferability({
        resultsKey: sweep.resultsKey,
        modelsKey: sweep.modelsKey,
        derived,
        samples: p.ranker.samples,
        seed: p.datasets.seed,
      });
  progress.done++;

  setStage('evaluate');
  const verifiedKeys = await cpu.listVerifiedResults();
  const keys = {
    ...(verifiedKeys.length ? { verifiedKeys } : {}),
    resultsKey: sweep.resultsKey,
    encodingsKey: encodings.key,
    looKey: ranker.loo.key,
    encoderExperimentKey: encoder.experimentKey,
    ...(transferability ? { transferabilityKey: transferability.key } : {}),
    familyProbeKey: ranker.trained.familyProbe.key,
    // Table 1's rows: the zoo models the profile pre-trains and fine-tunes everywhere.
    canonical: p.sweep.zoo,
  };
  const evaluation = await executeChild(EvaluateWorkflow, {
    workflowId: `${base}/evaluate`,
    args: [{ keys, meta: { profile: p.name, createdAt, workflowId: base }, timeouts }],
  });
  progress.done++;

  const record = {
    workflowId: base,
    profile: p.name,
    ...(input.simulate ? { simulated: input.simulate } : {}),
    createdAt,
    keys,
    rankerKey: ranker.trained.key,
    ranker: ranker.trained,
    recommenderKey: evaluation.recommenderKey,
    evaluationKey: evaluation.evaluationKey,
    reportKey: evaluation.reportKey,
    headline: evaluation.headline,
    datasets: datasets.map((d) => d.name),
    generation: { prefix: generation.prefix, models: generation.manifest.models },
    encoder: {
      encoderKey: encoder.encoderKey,
      perplexity: encoder.perplexity,
      unigramPerplexity: encoder.unigramPerplexity,
      floor: encoder.floor,
    },
    sweep: { campaignId: sweep.campaignId, total: sweep.total, done: sweep.done, failed: sweep.failed },
  };
  await cpu.recordBuild(record);
  setStage('done');
  return record;
}
