import type { Readable } from 'node:stream';

/** What the store knows of one object; sha256 is of the object's bytes, recorded at write time. */
export interface ObjectInfo {
  key: string;
  size: number;
  sha256: string;
}

/**
 * The artifact store every stage reads and writes. Keys are '/'-separated relative paths
 * (`datasets/mnist/<sha>/train.u8`). Every read verifies the sha256 recorded at write time.
 */
export interface ArtifactStore {
  readonly url: string;
  put(key: string, data: Uint8Array | string): Promise<ObjectInfo>;
  putStream(key: string, body: Readable): Promise<ObjectInfo>;
  get(key: string): Promise<Buffer>;
  /** A stream of the object; it errors at its end if the bytes do not match the recorded sha256. */
  getStream(key: string): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  exists(key: string): Promise<boolean>;
  list(prefix: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
}

/** Raised for anything the user must fix (bad credentials, missing bucket, corrupt object). */
export class StoreError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'not-found'
      | 'checksum-mismatch'
      | 'unreachable'
      | 'access-denied'
      | 'no-bucket'
      | 'bad-url'
      | 'bad-key',
  ) {
    super(message);
    this.name = 'StoreError';
  }
}
