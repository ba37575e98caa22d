import yauzl from 'yauzl';
import type { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
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

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

/** CRC-32 (IEEE) as zip stores it (node:zlib's crc32 needs Node 20.15). */
function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/**
 * A minimal PKZIP writer (local headers, deflate or store, central directory), used by the dataset mirror
 * (GTSRB's archives) and by tests that build archives a normal tool would refuse to write: '../' names and
 * highly compressible bombs.
 */
export function makeZip(entries: Array<{ name: string; data: Buffer; store?: boolean }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const body = e.store ? e.data : deflateRawSync(e.data);
    const method = e.store ? 0 : 8;
    const crc = crc32(e.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
