import path from 'node:path';

/**
 * A file of the paper implementation's reference data (Apache-2.0, see test/fixtures/reference/README.md and
 * its LICENSE), copied into the repository so a clone passes its tests with nothing beside it.
 */
export const referenceFile = (name: string): string =>
  path.resolve(__dirname, '..', 'fixtures', 'reference', name);
