// Classifier settings per profile, and the factory that builds a classifier by name.
//   paper: the paper's settings (random forest depth 25 × 250 trees, boosted trees 250 × depth 25, MLP 256-128 L-BFGS).
//   mini:  same model families, fewer trees/rounds/epochs: trains on the offline repository in about a minute.
//   smoke: tiny models for CI tests (seconds).
import type { Classifier, ClassifierJSON } from '../ml/classifiers/classifier';
import { RankerInputError } from './errors';
import { GradientBoostedTrees, type GradientBoostingOptions } from '../ml/classifiers/gradient-boosting';
import { LinearSvm, type LinearSvmOptions } from '../ml/classifiers/linear-svm';
import { Mlp, type MlpOptions } from '../ml/classifiers/mlp';
import { MultinomialNaiveBayes, type NaiveBayesOptions } from '../ml/classifiers/naive-bayes';
import { RandomForest, type RandomForestOptions } from '../ml/classifiers/random-forest';

export const CLASSIFIER_NAMES = [
  'naive-bayes',
  'random-forest',
  'gradient-boosting',
  'mlp',
  'linear-svm',
] as const;
export type ClassifierName = (typeof CLASSIFIER_NAMES)[number];

export interface ClassifierSettings {
  'naive-bayes': NaiveBayesOptions;
  'random-forest': RandomForestOptions;
  'gradient-boosting': GradientBoostingOptions;
  mlp: MlpOptions;
  'linear-svm': LinearSvmOptions;
}

export const PROFILE_NAMES = ['smoke', 'mini', 'paper'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const PROFILES: Record<ProfileName, ClassifierSettings> = {
  smoke: {
    'naive-bayes': { alpha: 1 },
    'random-forest': { nEstimators: 10, maxDepth: 10 },
    'gradient-boosting': { nRounds: 10, maxDepth: 3, learningRate: 0.3, colsample: 0.3 },
    mlp: { hidden: [32, 16], epochs: 15, batchSize: 64, learningRate: 3e-3 },
    'linear-svm': { epochs: 5 },
  },
  mini: {
    'naive-bayes': { alpha: 1 },
    'random-forest': { nEstimators: 60, maxDepth: 25 },
    'gradient-boosting': { nRounds: 40, maxDepth: 3, learningRate: 0.2, colsample: 0.3 },
    mlp: { hidden: [256, 128], epochs: 15, batchSize: 64 },
    'linear-svm': { epochs: 15 },
  },
  paper: {
    'naive-bayes': { alpha: 1 },
    'random-forest': { nEstimators: 250, maxDepth: 25 },
    // sklearn HistGradientBoostingClassifier(max_iter=250, max_depth=25): ≤ 31 leaves best-first, ≥ 20 rows and a
    // hessian sum ≥ 1e-3 a leaf, no L2 on leaf values (full Newton steps)
    'gradient-boosting': {
      nRounds: 250,
      maxDepth: 25,
      maxLeafNodes: 31,
      minSamplesLeaf: 20,
      minChildHessian: 1e-3,
      lambda: 0,
      learningRate: 0.1,
    },
    // sklearn MLPClassifier((256, 128), solver='lbfgs', max_iter=200)
    mlp: { hidden: [256, 128], solver: 'lbfgs', epochs: 200 },
    'linear-svm': { epochs: 50 },
  },
};

export function isClassifierName(name: string): name is ClassifierName {
  return (CLASSIFIER_NAMES as readonly string[]).includes(name);
}

export function settingsFor(
  profile: ProfileName | string,
  overrides: Partial<ClassifierSettings> = {},
): ClassifierSettings {
  if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new RankerInputError(`unknown ranker profile '${profile}'; use one of ${PROFILE_NAMES.join(', ')}`);
  }
  const base = PROFILES[profile as ProfileName];
  const out = { ...base } as ClassifierSettings;
  for (const name of CLASSIFIER_NAMES)
    Object.assign(out, { [name]: { ...base[name], ...(overrides[name] ?? {}) } });
  return out;
}

export function createClassifier<N extends ClassifierName>(
  name: N,
  options: ClassifierSettings[N] = {},
): Classifier {
  switch (name) {
    case 'naive-bayes':
      return new MultinomialNaiveBayes(options as NaiveBayesOptions);
    case 'random-forest':
      return new RandomForest(options as RandomForestOptions);
    case 'gradient-boosting':
      return new GradientBoostedTrees(options as GradientBoostingOptions);
    case 'mlp':
      return new Mlp(options as MlpOptions);
    case 'linear-svm':
      return new LinearSvm(options as LinearSvmOptions);
  }
  throw new RankerInputError(`unknown classifier '${name}'; use one of ${CLASSIFIER_NAMES.join(', ')}`);
}

export function classifierFromJSON(json: ClassifierJSON): Classifier {
  switch (json?.type) {
    case 'naive-bayes':
      return MultinomialNaiveBayes.fromJSON(json);
    case 'random-forest':
      return RandomForest.fromJSON(json);
    case 'gradient-boosting':
      return GradientBoostedTrees.fromJSON(json);
    case 'mlp':
      return Mlp.fromJSON(json);
    case 'linear-svm':
      return LinearSvm.fromJSON(json);
  }
  throw new RankerInputError(`model JSON has unknown classifier type '${json?.type}'`);
}
