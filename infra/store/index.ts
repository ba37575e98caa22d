export * from './types';
export * from './json';
export { sha256Hex } from './keys';
export { FileArtifactStore } from './file-store';
export { openStore, type StoreOptions } from './open';
