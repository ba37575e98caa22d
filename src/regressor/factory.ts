/** Regressors by name, and deserialisation of any stored regressor. */
import type { Regressor, RegressorJSON } from '../ml/regressors/regressor';
import { AdaBoostRegressor, GradientBoostingRegressor } from '../ml/regressors/boosting';
import { RandomForestRegressor } from '../ml/regressors/random-forest';
import { MlpRegressor } from '../ml/regressors/mlp';
import { RidgeRegressor } from '../ml/regressors/ridge';
import { LinearSvrRegressor } from '../ml/regressors/linear-svr';
import { SvrRegressor } from '../ml/regressors/svr';

export const REGRESSOR_NAMES = [
  'ridge',
  'svr-rbf',
  'svr-linear',
  'svr-poly',
  'mlp',
  'random-forest',
  'gradient-boosting',
  'adaboost',
] as const;
export type RegressorName = (typeof REGRESSOR_NAMES)[number];

export interface RegressorSpec {
  name: RegressorName;
  params?: Record<string, unknown>;
}

export function createRegressor(name: RegressorName, params: Record<string, unknown> = {}): Regressor {
  switch (name) {
    case 'ridge':
      return new RidgeRegressor(params);
    case 'svr-rbf':
      return new SvrRegressor({ ...params, kernel: 'rbf' });
    // liblinear's solver (scikit-learn's LinearSVR): SVR's linear kernel is n² in memory and far slower at 7,000 rows.
    case 'svr-linear':
      return new LinearSvrRegressor(params);
    case 'svr-poly':
      return new SvrRegressor({ ...params, kernel: 'poly' });
    case 'mlp':
      return new MlpRegressor(params);
    case 'random-forest':
      return new RandomForestRegressor(params);
    case 'gradient-boosting':
      return new GradientBoostingRegressor(params);
    case 'adaboost':
      return new AdaBoostRegressor(params);
    default:
      throw new RangeError(
        `unknown regressor '${String(name)}': choose one of ${REGRESSOR_NAMES.join(', ')}`,
      );
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function regressorFromJSON(json: RegressorJSON<any, any>): Regressor {
  switch (json?.kind) {
    case 'ridge':
      return RidgeRegressor.fromJSON(json);
    case 'svr':
      return SvrRegressor.fromJSON(json);
    case 'linear-svr':
      return LinearSvrRegressor.fromJSON(json);
    case 'mlp':
      return MlpRegressor.fromJSON(json);
    case 'random-forest':
      return RandomForestRegressor.fromJSON(json);
    case 'gradient-boosting':
      return GradientBoostingRegressor.fromJSON(json);
    case 'adaboost':
      return AdaBoostRegressor.fromJSON(json);
    default:
      throw new RangeError(
        `not a serialised dlrec regressor (kind '${String(json?.kind)}'): re-fit and save it again`,
      );
  }
}

/**
 * Candidate regressors for model selection. 'mini' keeps the whole selection to about a minute on
 * ~1,000 rows × ~600 features on two cores; 'full' is a wider grid for the paper-scale campaign.
 */
export function candidateGrid(profile: 'mini' | 'full' = 'mini'): RegressorSpec[] {
  if (profile === 'mini') {
    return [
      { name: 'ridge', params: { alpha: 1 } },
      { name: 'ridge', params: { alpha: 100 } },
      // Near-zero corrections: lets selection keep a prior (AccuracyRegressor.priorColumn) when nothing beats it.
      { name: 'ridge', params: { alpha: 1e4 } },
      { name: 'svr-rbf', params: { C: 1, epsilon: 0.01 } },
      { name: 'svr-linear', params: { C: 0.01, epsilon: 0.01 } },
      { name: 'svr-poly', params: { C: 1, epsilon: 0.01, degree: 2, coef0: 1 } },
      { name: 'mlp', params: { hiddenLayers: [32], maxEpochs: 40, alpha: 1e-3 } },
      { name: 'random-forest', params: { nEstimators: 30, maxFeatures: 0.2, minSamplesLeaf: 2 } },
      {
        name: 'gradient-boosting',
        params: { nEstimators: 60, maxDepth: 3, subsample: 0.8, maxFeatures: 0.3 },
      },
      { name: 'adaboost', params: { nEstimators: 30, maxDepth: 4, maxFeatures: 0.3 } },
    ];
  }
  const out: RegressorSpec[] = [];
  for (const alpha of [0.1, 1, 10, 100, 1000, 1e4, 1e5]) out.push({ name: 'ridge', params: { alpha } });
  for (const C of [0.1, 1, 10]) {
    for (const epsilon of [0.005, 0.02]) {
      out.push({ name: 'svr-rbf', params: { C, epsilon } });
      out.push({ name: 'svr-poly', params: { C, epsilon, degree: 2, coef0: 1 } });
    }
  }
  for (const C of [0.001, 0.01, 0.1]) out.push({ name: 'svr-linear', params: { C, epsilon: 0.01 } });
  for (const hiddenLayers of [[64], [128, 64]])
    out.push({ name: 'mlp', params: { hiddenLayers, alpha: 1e-3 } });
  out.push({ name: 'random-forest', params: { nEstimators: 200, maxFeatures: 1 / 3 } });
  for (const maxDepth of [3, 5]) {
    out.push({
      name: 'gradient-boosting',
      params: { nEstimators: 300, learningRate: 0.05, maxDepth, subsample: 0.8 },
    });
  }
  out.push({ name: 'adaboost', params: { nEstimators: 100, maxDepth: 5 } });
  return out;
}
