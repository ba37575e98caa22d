/**
 * A model JSON with its encoded arrays ({dtype, b64}, see classifiers/matrix.ts) as raw bytes after a small
 * JSON header. The paper-profile ranker is 13.5 MB of JSON, three quarters base64: reading it took ~0.1 s of
 * `dlrec recommend`'s 0.5 s (utf-8 decoding, JSON.parse, base64 decoding), time its feature threads wanted.
 * Layout: "DLRPACK1", u32 LE header length, header JSON (arrays as {dtype, at, byteLength}, `at` from the
 * payload's start), zero padding to a multiple of 8, payload (each array 8-byte aligned).
 */
import { ClassifierInputError } from './classifiers/matrix';

const MAGIC = Buffer.from('DLRPACK1', 'latin1');

interface ArrayRef {
  dtype: string;
  at: number;
  byteLength: number;
}

const isEncoded = (v: unknown): v is { dtype: string; b64: string } =>
  typeof v === 'object' && v !== null && typeof (v as { b64?: unknown }).b64 === 'string' && 'dtype' in v;
const isRef = (v: unknown): v is ArrayRef =>
  typeof v === 'object' && v !== null && typeof (v as ArrayRef).at === 'number' && 'dtype' in v;

/** `value` (any JSON) with every encoded array moved into the payload. */
export function packJSON(value: unknown): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  const header = JSON.stringify(value, (_key, v: unknown) => {
    if (!isEncoded(v)) return v;
    const bytes = Buffer.from(v.b64, 'base64');
    const ref: ArrayRef = { dtype: v.dtype, at: size, byteLength: bytes.length };
    const padded = Math.ceil(bytes.length / 8) * 8;
    chunks.push(bytes, Buffer.alloc(padded - bytes.length));
    size += padded;
    return ref;
  });
  const head = Buffer.from(header, 'utf8');
  const prefix = MAGIC.length + 4 + head.length;
  const length = Buffer.alloc(4);
  length.writeUInt32LE(head.length);
  return Buffer.concat([MAGIC, length, head, Buffer.alloc(Math.ceil(prefix / 8) * 8 - prefix), ...chunks]);
}

/** The JSON packJSON packed; its arrays come back as {dtype, raw} (raw: a view of `packed`). */
export function unpackJSON<T>(packed: Buffer): T {
  if (packed.length < MAGIC.length + 4 || !packed.subarray(0, MAGIC.length).equals(MAGIC))
    throw new ClassifierInputError('packed model: not a dlrec packed model file; it is damaged');
  const headLength = packed.readUInt32LE(MAGIC.length);
  const prefix = MAGIC.length + 4 + headLength;
  const payload = Math.ceil(prefix / 8) * 8;
  if (payload > packed.length) throw new ClassifierInputError('packed model: truncated header');
  const header = packed.toString('utf8', MAGIC.length + 4, prefix);
  return JSON.parse(header, (_key, v: unknown) => {
    if (!isRef(v)) return v;
    const from = payload + v.at;
    if (from + v.byteLength > packed.length)
      throw new ClassifierInputError('packed model: truncated payload');
    return { dtype: v.dtype, raw: packed.subarray(from, from + v.byteLength) };
  }) as T;
}
