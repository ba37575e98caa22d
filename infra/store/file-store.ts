import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, sha256Hex } from './keys';
import { StoreError, type ArtifactStore, type ObjectInfo } from './types';

/**
 * A folder as artifact store: {sha256,size} under meta/<key>.json, the bytes under blobs/<key>@<sha256>.
 * A write goes to tmp/, then its blob is renamed into place (beside the previous version, untouched), then its meta:
 * that rename is the commit. A process killed at any point leaves the key at its old or its new version, never a
 * meta that names other bytes (which an overwrite in place did: new bytes, old meta, until the key was deleted by
 * hand), and at most an orphan blob. Stores written before this layout keep their bytes under objects/<key>.
 */
export class FileArtifactStore implements ArtifactStore {
  readonly url: string;
  constructor(readonly root: string) {
    this.url = 'file://' + path.resolve(root);
  }

  /** Where a store written before the blobs/ layout keeps a key's bytes. */
  private legacyPath(key: string): string {
    return path.join(this.root, 'objects', checkKey(key));
  }
  private blobPath(key: string, sha256: string): string {
    return path.join(this.root, 'blobs', `${checkKey(key)}@${sha256}`);
  }
  /** The file with the bytes the meta names (the blob, or a legacy object). */
  private async bytesPath(info: ObjectInfo): Promise<string> {
    const blob = this.blobPath(info.key, info.sha256);
    try {
      await fs.access(blob);
      return blob;
    } catch {
      return this.legacyPath(info.key);
    }
  }
  private metaPath(key: string): string {
    return path.join(this.root, 'meta', checkKey(key) + '.json');
  }
  private async tempPath(): Promise<string> {
    const dir = path.join(this.root, 'tmp');
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, `${process.pid}-${randomBytes(6).toString('hex')}`);
  }

  private async commit(key: string, tmpObject: string, info: ObjectInfo): Promise<ObjectInfo> {
    const blob = this.blobPath(key, info.sha256);
    const meta = this.metaPath(key);
    const previous = await this.head(key).catch(() => undefined);
    await fs.mkdir(path.dirname(blob), { recursive: true });
    await fs.mkdir(path.dirname(meta), { recursive: true });
    const tmpMeta = await this.tempPath();
    await fs.writeFile(tmpMeta, JSON.stringify({ sha256: info.sha256, size: info.size }));
    await fs.rename(tmpObject, blob);
    await fs.rename(tmpMeta, meta); // the commit
    if (previous && previous.sha256 !== info.sha256)
      await fs.rm(this.blobPath(key, previous.sha256), { force: true });
    if (previous) await fs.rm(this.legacyPath(key), { force: true });
    return info;
  }

  async put(key: string, data: Uint8Array | string): Promise<ObjectInfo> {
    checkKey(key);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const tmp = await this.tempPath();
    await fs.writeFile(tmp, bytes);
    return this.commit(key, tmp, { key, size: bytes.byteLength, sha256: sha256Hex(bytes) });
  }

  async putStream(key: string, body: Readable): Promise<ObjectInfo> {
    checkKey(key);
    const tmp = await this.tempPath();
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, tap, createWriteStream(tmp));
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
    return this.commit(key, tmp, { key, size, sha256: hash.digest('hex') });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const meta = JSON.parse(await fs.readFile(this.metaPath(key), 'utf8')) as {
        sha256: string;
        size: number;
      };
      return { key, sha256: meta.sha256, size: meta.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  private async requireHead(key: string): Promise<ObjectInfo> {
    const info = await this.head(key);
    if (!info) throw new StoreError(`artifact '${key}' not found in ${this.url}`, 'not-found');
    return info;
  }

  async get(key: string): Promise<Buffer> {
    const info = await this.requireHead(key);
    const bytes = await fs.readFile(await this.bytesPath(info));
    const actual = sha256Hex(bytes);
    if (actual !== info.sha256) throw checksumError(this.url, key, info.sha256, actual);
    return bytes;
  }

  async getStream(key: string): Promise<Readable> {
    const info = await this.requireHead(key);
    return verifyingStream(createReadStream(await this.bytesPath(info)), this.url, info);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const metaRoot = path.join(this.root, 'meta');
    const out: ObjectInfo[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) await walk(full);
        else if (e.name.endsWith('.json')) {
          const key = path.relative(metaRoot, full).split(path.sep).join('/').slice(0, -'.json'.length);
          if (key.startsWith(prefix)) {
            const info = await this.head(key);
            if (info) out.push(info);
          }
        }
      }
    };
    // Walk only the folder that can hold the prefix.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    await walk(path.join(metaRoot, dirPart));
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    const info = await this.head(key).catch(() => undefined);
    await fs.rm(this.metaPath(key), { force: true });
    if (info) await fs.rm(this.blobPath(key, info.sha256), { force: true });
    await fs.rm(this.legacyPath(key), { force: true });
  }
}

export function checksumError(url: string, key: string, expected: string, actual: string): StoreError {
  return new StoreError(
    `artifact '${key}' in ${url} is corrupt: sha256 ${actual} does not match the recorded ${expected}; delete it and re-run the step that writes it`,
    'checksum-mismatch',
  );
}

/** Passes bytes through and fails at the end if their sha256 differs from the recorded one. */
export function verifyingStream(source: Readable, url: string, info: ObjectInfo): Readable {
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const actual = hash.digest('hex');
      cb(actual === info.sha256 ? null : checksumError(url, info.key, info.sha256, actual));
    },
  });
  source.on('error', (err) => check.destroy(err));
  return source.pipe(check);
}
