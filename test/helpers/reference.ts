import path from 'node:path';

/** A file of ../shared/reference (beside the project root, as on developer machines and in CI). */
export const referenceFile = (name: string): string =>
  path.resolve(__dirname, '..', '..', '..', 'shared', 'reference', name);
