import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../infra/store';
import type { ActivityDeps } from './context';
import { doctorProbeKey } from '../src/store-layout';

export interface StoreRoundTrip {
  ok: boolean;
  url: string;
  key: string;
  bytes: number;
  sha256: string;
  error?: string;
}

/** Writes a random artifact, reads it back with its sha256 verified, and deletes it. */
export function doctorActivities({ store }: ActivityDeps) {
  return {
    async storeRoundTrip(token: string): Promise<StoreRoundTrip> {
      const key = doctorProbeKey(token);
      const payload = randomBytes(4096);
      const expected = sha256Hex(payload);
      try {
        const written = await store.put(key, payload);
        const back = await store.get(key);
        const ok = written.sha256 === expected && sha256Hex(back) === expected;
        await store.delete(key);
        const gone = !(await store.exists(key));
        return {
          ok: ok && gone,
          url: store.url,
          key,
          bytes: back.length,
          sha256: expected,
          error: gone ? undefined : 'delete did not remove the object',
        };
      } catch (err) {
        return { ok: false, url: store.url, key, bytes: 0, sha256: expected, error: (err as Error).message };
      }
    },
  };
}
