import { createHash } from 'node:crypto';
import { StoreError } from './types';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

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
