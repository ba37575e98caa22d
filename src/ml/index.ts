// The learning kit that the ranker (classifiers) and the regressor (regressors) share: see README.md.
export * from './classifiers/classifier';
export * from './classifiers/matrix';
export { MultinomialNaiveBayes, type NaiveBayesOptions } from './classifiers/naive-bayes';
export { RandomForest, type RandomForestOptions } from './classifiers/random-forest';
export { GradientBoostedTrees, type GradientBoostingOptions } from './classifiers/gradient-boosting';
export { Mlp, type MlpOptions } from './classifiers/mlp';
export { LinearSvm, type LinearSvmOptions } from './classifiers/linear-svm';
export * from './regressors/regressor';
export * from './regressors/matrix';
export { RidgeRegressor, type RidgeParams } from './regressors/ridge';
export { SvrRegressor, solveEpsilonSvr, type SvrParams, type SvrKernel } from './regressors/svr';
export { LinearSvrRegressor, type LinearSvrParams } from './regressors/linear-svr';
export { MlpRegressor, type MlpParams } from './regressors/mlp';
export { RandomForestRegressor, type RandomForestParams } from './regressors/random-forest';
export {
  GradientBoostingRegressor,
  AdaBoostRegressor,
  type GradientBoostingParams,
  type AdaBoostParams,
} from './regressors/boosting';
export { RegressionTree, sortColumns } from './regressors/tree';
export { softmaxRows } from './softmax';
