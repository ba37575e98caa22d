import { StoreError } from './types';

export { sha256Hex } from '../../src/content-hash';

/** Keys are relative '/'-paths without '..', so a key can never escape the store's root. */
export function checkKey(key: string): string {
  if (
    !key ||
    key.startsWith('/') ||
    key.includes('\\') ||
    key.split('/').some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new StoreError(`invalid artifact key '${key}': use a relative path like 'a/b/c.json'`, 'bad-key');
  }
  return key;
}
