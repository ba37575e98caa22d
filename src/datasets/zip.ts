import yauzl from 'yauzl';
import type { Readable } from 'node:stream';
import { isClutter, type SourceFile } from './sources';
import { DatasetError } from './types';

/** Limits that keep a hostile archive (zip bomb) from exhausting memory or disk. */
export interface ZipLimits {
  maxEntries: number;
  /** Largest uncompressed size of one entry. */
  maxEntryBytes: number;
  /** Largest total uncompressed size of all entries. */
  maxTotalBytes: number;
  /** Largest uncompressed:compressed ratio for an entry over 1 MiB (images hardly compress; bombs do 1000:1). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 200_000,
  maxEntryBytes: 256 * 2 ** 20,
  maxTotalBytes: 2 * 2 ** 30,
  maxRatio: 100,
};

export class ZipRejectedError extends DatasetError {
  override name = 'ZipRejectedError';
}

/** A zip-slip name: absolute, drive-letter, backslash or '..' paths that would escape an extraction folder. */
export function isUnsafeZipPath(name: string): boolean {
  return (
    name.includes('\\') ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.includes('\0') ||
    name.split('/').some((p) => p === '..')
  );
}

function open(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (err, zip) =>
        err || !zip
          ? reject(new DatasetError(`${file}: not a readable zip archive (${err?.message})`))
          : resolve(zip),
    ),
  );
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream?: Readable) => {
      if (err || !stream) return reject(new DatasetError(`zip entry '${name}': ${err?.message}`));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        // yauzl also checks sizes against the header; this guards the header lying low.
        if (size > limit)
          stream.destroy(new ZipRejectedError(`zip entry '${name}' inflates past its declared size`));
        else chunks.push(c);
      });
      stream.on('error', (e) =>
        reject(e instanceof DatasetError ? e : new DatasetError(`zip entry '${name}': ${e.message}`)),
      );
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
  });
}

/**
 * The files of a zip archive, read into memory after every entry's name and sizes pass the checks. Rejects the
 * whole archive on a zip-slip name or anything that looks like a decompression bomb.
 */
export async function listZip(file: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<SourceFile[]> {
  const zip = await open(file);
  const entries: Array<{ entry: yauzl.Entry; name: string }> = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) =>
        reject(e instanceof DatasetError ? e : new DatasetError(`${file}: ${e.message}`)),
      );
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        const raw = entry.fileName as unknown as Buffer | string;
        const name = typeof raw === 'string' ? raw : raw.toString('utf8');
        const fail = (why: string) => {
          zip.close();
          reject(new ZipRejectedError(`${file}: ${why}; the archive was rejected`));
        };
        if (isUnsafeZipPath(name)) return fail(`entry '${name}' points outside the archive (zip-slip)`);
        if (entries.length >= limits.maxEntries) return fail(`more than ${limits.maxEntries} entries`);
        if (!name.endsWith('/') && !isClutter(name)) {
          const size = entry.uncompressedSize;
          if (size > limits.maxEntryBytes)
            return fail(
              `entry '${name}' would inflate to ${size} bytes (limit ${limits.maxEntryBytes}), a likely decompression bomb`,
            );
          total += size;
          if (total > limits.maxTotalBytes)
            return fail(
              `entries would inflate to more than ${limits.maxTotalBytes} bytes, a likely decompression bomb`,
            );
          if (size > 2 ** 20 && size > limits.maxRatio * Math.max(1, entry.compressedSize)) {
            return fail(
              `entry '${name}' compresses ${Math.round(size / Math.max(1, entry.compressedSize))}:1, a likely decompression bomb`,
            );
          }
          entries.push({ entry, name });
        }
        zip.readEntry();
      });
      zip.readEntry();
    });
    const files: SourceFile[] = [];
    for (const { entry, name } of entries) {
      const data = await readEntry(zip, entry, name, entry.uncompressedSize);
      files.push({ path: name, size: data.length, read: async () => data });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } finally {
    zip.close();
  }
}
