export * from './base';
export * from './matrix';
export { RidgeRegressor, type RidgeParams } from './ridge';
export { SvrRegressor, solveEpsilonSvr, type SvrParams, type SvrKernel } from './svr';
export { LinearSvrRegressor, type LinearSvrParams } from './linear-svr';
export { MlpRegressor, type MlpParams } from './mlp';
export { RandomForestRegressor, type RandomForestParams } from './forest';
export {
  GradientBoostingRegressor,
  AdaBoostRegressor,
  type GradientBoostingParams,
  type AdaBoostParams,
} from './boosting';
export { RegressionTree, sortColumns } from './tree';
export * from './factory';
export * from './selection';
export * from './features';
