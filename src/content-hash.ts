/** The content hashes of dlrec: what names artifacts, workflow ids and pair keys (equal content, equal name). */
import { createHash } from 'node:crypto';

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a value's JSON text, hex, its first `length` characters (all 64 by default). */
export function jsonHash(value: unknown, length = 64): string {
  return sha256Hex(JSON.stringify(value)).slice(0, length);
}

/** jsonHash of the value with every object's keys sorted: equal content in any key order, equal hash. */
export function canonicalJsonHash(value: unknown, length = 64): string {
  const canon = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
        )
      : v;
  return jsonHash(canon(value), length);
}
