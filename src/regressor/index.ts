// Public surface of the accuracy regressor: candidate regressors by name, model selection and the ensemble
// (the regressors themselves are the learning kit's, src/ml).
export * from './factory';
export * from './selection';
export * from './features';
export type { Regressor, RegressorJSON, RegressorKind } from '../ml/regressors/regressor';
export { RegressorInputError, type FeatureInput } from '../ml/regressors/matrix';
