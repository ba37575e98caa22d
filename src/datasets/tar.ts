import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { DatasetError } from './types';

/**
 * Streams a (gzipped) ustar archive and keeps only the regular files `want` accepts, so a 2.6 GB archive
 * (STL-10) never sits in memory whole. Returns basename-independent full paths → contents.
 */
export async function readTarMembers(
  file: string,
  want: (name: string) => boolean,
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const stream = createReadStream(file).pipe(createGunzip());
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0; // bytes of the current member's data (plus padding) still to consume
  let keep: Buffer[] | undefined;
  let keepSize = 0;
  let kept = 0;
  let current = '';
  let longName: string | undefined;
  let collectingLongName: Buffer[] | undefined;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let pos = 0;
    while (true) {
      if (remaining > 0) {
        const take = Math.min(remaining, pending.length - pos);
        if (take === 0) break;
        const part = pending.subarray(pos, pos + take);
        const sink = keep ?? collectingLongName;
        if (sink && kept < keepSize) {
          const piece = part.subarray(0, Math.min(take, keepSize - kept));
          sink.push(Buffer.from(piece));
          kept += piece.length;
        }
        pos += take;
        remaining -= take;
        if (remaining === 0) {
          if (keep) out.set(current, Buffer.concat(keep));
          if (collectingLongName)
            longName = Buffer.concat(collectingLongName).toString('utf8').replace(/\0.*$/s, '');
          keep = undefined;
          collectingLongName = undefined;
        }
        continue;
      }
      if (pending.length - pos < 512) break;
      const header = pending.subarray(pos, pos + 512);
      pos += 512;
      if (header.every((b) => b === 0)) continue; // end-of-archive blocks
      const str = (o: number, n: number) =>
        header
          .subarray(o, o + n)
          .toString('utf8')
          .replace(/\0.*$/s, '');
      const size = parseInt(str(124, 12).trim() || '0', 8);
      if (!Number.isFinite(size)) throw new DatasetError(`${file}: corrupt tar header`);
      const type = String.fromCharCode(header[156] || 48);
      const prefix = str(345, 155);
      const name = longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100));
      if (type !== 'L') longName = undefined;
      remaining = Math.ceil(size / 512) * 512;
      keepSize = size;
      kept = 0;
      current = name;
      if (type === 'L') collectingLongName = [];
      else if ((type === '0' || type === '\0') && want(name)) keep = [];
      if (remaining === 0 && keep) {
        out.set(current, Buffer.alloc(0));
        keep = undefined;
      }
    }
    pending = pending.subarray(pos);
  }
  return out;
}

/**
 * A minimal ustar writer (regular files only), laid out like the official dataset archives (CIFAR, STL-10):
 * the dataset mirror (src/datasets/mirror.ts) and tests build their archives with it. Names up to 100 bytes.
 */
export function makeTar(files: Array<{ name: string; data: Buffer }>): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    if (Buffer.byteLength(f.name) > 100) throw new DatasetError(`tar member name too long: ${f.name}`);
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(f.data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
