import { executeChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { profile, type ProfileName } from '../src/profiles';
import { PrepareDatasetsWorkflow } from './datasets';
import { GenerateModelsWorkflow } from './generate';
import { trackProgress } from './progress';

export interface BuildInput {
  profile: ProfileName;
}

/**
 * The main job: every stage of a repository build as a child workflow, in dependency order.
 * Child ids derive from this run's id, so a restarted build re-attaches to finished stages
 * (each stage is itself idempotent on its artifacts) and continues where it stopped.
 */
export async function RepositoryBuildWorkflow(input: BuildInput) {
  const p = profile(input.profile);
  const stages = ['datasets', 'generate'] as const;
  const progress = trackProgress('starting', stages.length);
  const base = workflowInfo().workflowId;
  const setStage = (stage: string) => {
    progress.stage = stage;
    upsertSearchAttributes({ DlrecProfile: [p.name], DlrecStage: [stage] });
  };

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

  setStage('done');
  return {
    profile: p.name,
    datasets,
    generation: { prefix: generation.prefix, models: generation.manifest.models },
  };
}
