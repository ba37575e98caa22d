import { executeChild, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { profile, type ProfileName } from '../src/profiles';
import { PrepareDatasetsWorkflow } from './datasets';
import { EncoderWorkflow } from './encoder';
import { EvaluateWorkflow } from './evaluate';
import { validInput } from './failures';
import { GenerateModelsWorkflow } from './generate';
import { trackProgress } from './progress';
import { CPU_QUEUE, GPU_QUEUE } from './queues';
import { LeaveOneOutRankerWorkflow, TrainRankerWorkflow } from './ranker';
import { TrainingSweepWorkflow } from './training';

export interface BuildInput {
  profile: ProfileName;
}

const cpu = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3 },
});
const gpu = proxyActivities<Activities>({
  taskQueue: GPU_QUEUE,
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '5 minutes',
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
    args: [p.datasets],
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
      args: [{ generationPrefix: generation.prefix, profile: p.encoder }],
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
  // LogME/LEEP need only forward passes: an input and a baseline for the evaluation.
  const transferability = await gpu.scoreTransferability({
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
    transferabilityKey: transferability.key,
    familyProbeKey: ranker.trained.familyProbe.key,
    // Table 1's rows: the zoo models the profile pre-trains and fine-tunes everywhere.
    canonical: p.sweep.zoo,
  };
  const evaluation = await executeChild(EvaluateWorkflow, {
    workflowId: `${base}/evaluate`,
    args: [{ keys, meta: { profile: p.name, createdAt, workflowId: base } }],
  });
  progress.done++;

  const record = {
    workflowId: base,
    profile: p.name,
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
