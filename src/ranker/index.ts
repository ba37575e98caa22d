// Public surface of the dataset similarity ranker.
export * from './classifier';
export * from './matrix';
export * from './profiles';
export * from './member';
export * from './ranker';
export * from './leaveOneOut';
export { MultinomialNaiveBayes } from './naiveBayes';
export { RandomForest } from './randomForest';
export { GradientBoostedTrees } from './gradientBoosting';
export { Mlp } from './mlp';
export { LinearSvm } from './linearSvm';
