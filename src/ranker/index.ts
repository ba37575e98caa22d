// Public surface of the dataset similarity ranker.
export * from './classifier';
export * from './matrix';
export * from './profiles';
export * from './member';
export * from './ranker';
export * from './leaveOneOut';
export * from './image-features';
export * from './stored-ranker';
export { fitMemberInThread, fitMembersInThread, type MemberJob } from './member-thread';
export { MultinomialNaiveBayes } from './naiveBayes';
export { RandomForest } from './randomForest';
export { GradientBoostedTrees } from './gradientBoosting';
export { Mlp } from './mlp';
export { LinearSvm } from './linearSvm';
