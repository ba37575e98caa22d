import type { ActivityDeps } from './context';
import { datasetActivities } from './datasets';
import { doctorActivities } from './doctor';
import { encoderActivities } from './encoder';
import { generationActivities } from './generation';
import { rankerActivities } from './ranker';
import { recommendationActivities } from './recommendation';
import { trainingActivities } from './training';
import { campaignActivities } from './training-campaign';
import { transferabilityActivities } from './transferability';

export type { ActivityDeps } from './context';

/** Every activity of dlrec, bound to the worker's dependencies. Workers on both queues register all of them. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...datasetActivities(deps),
    ...doctorActivities(deps),
    ...encoderActivities(deps),
    ...generationActivities(deps),
    ...rankerActivities(deps),
    ...recommendationActivities(deps),
    ...trainingActivities(deps),
    ...campaignActivities(deps),
    ...transferabilityActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
