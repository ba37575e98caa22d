/** Bad input to the ranker itself (datasets, members, profiles); the classifiers throw ClassifierInputError. */
export class RankerInputError extends Error {
  override name = 'RankerInputError';
}
