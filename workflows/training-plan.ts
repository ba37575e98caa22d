// Pure mapping shared by TrainingSweepWorkflow and the campaign summary (workflow code may import it: no I/O).
import type { CampaignInput, PlanItem } from '../activities/training-campaign';
import type { TrainModelInput } from '../activities/training';

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
