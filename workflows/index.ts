// Every workflow the workers serve. Workflow code is deterministic and does no I/O: it only orchestrates.
export { DoctorWorkflow } from './doctor';
export { GenerateModelsWorkflow } from './generate';
export { EncoderWorkflow } from './encoder';
export { RepositoryBuildWorkflow } from './build';
export { PrepareDatasetsWorkflow } from './datasets';
export { EvaluateWorkflow } from './evaluate';
export { TrainRankerWorkflow, LeaveOneOutRankerWorkflow } from './ranker';
export { TrainingSweepWorkflow, TrainModelWorkflow } from './training';
export { VerifyRecommendationsWorkflow } from './verify';
