/**
 * What the training sweep hands each trainModel activity, and the pure mapping from a plan item to it. Shared by
 * TrainingSweepWorkflow, the verify workflow and the campaign's activities: no I/O, so workflow code may import it.
 */
import type { ProfileName, SweepProfile } from '../profiles';
import type { Recipe } from './recipe';
import type { SimulatedTraining } from './simulation';

export type ModelRef = { zoo: string } | { specKey: string; id: string };
export interface DerivedVersion {
  perClass: { train: number; test: number };
  seed: number;
}
/** Caps on top of the recipe profile (0 or absent: the recipe's own). */
export interface TrainingLimits {
  epochs?: number;
  trainImages?: number;
  testImages?: number;
}
export interface TrainModelInput {
  pairId: string;
  model: ModelRef;
  dataset: string;
  source: string | null;
  recipe: { profile: ProfileName; overrides?: Partial<Recipe> };
  limits?: TrainingLimits;
  /** A fine-tune's limits for training its source from scratch (default `limits`): the sweep's phase-1 pair. */
  sourceLimits?: TrainingLimits;
  /** The version of derived datasets (the build profile's datasets section). */
  derived?: DerivedVersion;
  /** Keep checkpoints/<pairKey>/latest.bin after success (default: delete it; the weights are kept). */
  keepCheckpoint?: boolean;
  /** Train with the simulated trainer (src/training/simulation.ts): no GPU work, the accuracy from its law. */
  simulate?: Partial<SimulatedTraining>;
}

export interface CampaignInput {
  campaignId: string;
  sweep: SweepProfile;
  datasets: string[];
  /** generations/<run>: where the generated models come from (needed when sweep.generated > 0). */
  generationPrefix?: string;
  derived?: DerivedVersion;
  /** Every pair trained by the simulated trainer (src/training/simulation.ts). */
  simulate?: Partial<SimulatedTraining>;
}

export interface PlanItem {
  index: number;
  pairId: string;
  phase: 1 | 2;
  model: ModelRef;
  dataset: string;
  source: string | null;
}

/** The trainModel input of a plan item: the sweep's recipe, limits and dataset versions. */
export function trainInputFor(item: PlanItem, input: CampaignInput): TrainModelInput {
  return {
    pairId: item.pairId,
    model: item.model,
    dataset: item.dataset,
    source: item.source,
    recipe: input.sweep.recipe,
    limits: item.source ? { ...input.sweep.limits, ...input.sweep.fineTuneLimits } : input.sweep.limits,
    ...(item.source ? { sourceLimits: input.sweep.limits } : {}),
    derived: input.derived,
    keepCheckpoint: input.sweep.keepCheckpoints,
    ...(input.simulate ? { simulate: input.simulate } : {}),
  };
}
