// Public surface of the dataset similarity ranker (its classifiers are the learning kit's, src/ml).
export * from './errors';
export * from './profiles';
export * from './member';
export * from './ranker';
export * from './leaveOneOut';
export * from './image-features';
export * from './stored-ranker';
export { fitMemberInThread, fitMembersInThread, type MemberJob } from './member-thread';
export type { FeatureMatrix } from '../ml/classifiers/matrix';
