import { resizeSet } from './transforms';
import type { SourceFile } from './sources';
import { DatasetError, labelArray, type ImageSet } from './types';

/**
 * GTSRB's official archives: GTSRB_Final_Training_Images.zip (Final_Training/Images/000NN/*.ppm, NN = class),
 * GTSRB_Final_Test_Images.zip (Final_Test/Images/NNNNN.ppm) and GTSRB_Final_Test_GT.zip (GT-final_test.csv,
 * ';'-separated with a ClassId column). Images vary in size; each is resized to size×size.
 */
export interface Ppm {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Binary PPM (P6) or PGM (P5) with maxval < 256, comments allowed in the header. */
export function parsePpm(buf: Uint8Array, what = 'PPM'): Ppm {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const fields: string[] = [];
  let pos = 0;
  while (fields.length < 4 && pos < b.length) {
    const ch = b[pos];
    if (ch === 0x23)
      while (pos < b.length && b[pos] !== 0x0a) pos++; // '#' comment to end of line
    else if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) pos++;
    else {
      const start = pos;
      while (pos < b.length && ![0x20, 0x0a, 0x0d, 0x09].includes(b[pos])) pos++;
      fields.push(b.toString('latin1', start, pos));
    }
  }
  pos++; // the single whitespace byte before the raster
  const [magic, w, h, max] = fields;
  const channels = magic === 'P6' ? 3 : magic === 'P5' ? 1 : 0;
  const width = Number(w);
  const height = Number(h);
  if (!channels || !(width > 0) || !(height > 0) || Number(max) !== 255) {
    throw new DatasetError(`${what}: not a binary 8-bit PPM/PGM (header '${fields.join(' ')}')`);
  }
  const size = width * height * channels;
  if (b.length - pos < size)
    throw new DatasetError(`${what}: truncated raster (${b.length - pos} of ${size} bytes)`);
  return { width, height, channels, data: new Uint8Array(b.subarray(pos, pos + size)) };
}

async function toSet(
  items: Array<{ file: SourceFile; label: number }>,
  classNames: string[],
  size: number,
): Promise<ImageSet> {
  const per = size * size * 3;
  const images = new Uint8Array(items.length * per);
  const labels = labelArray(items.length, classNames.length);
  for (const [n, { file, label }] of items.entries()) {
    const ppm = parsePpm(await file.read(), file.path);
    const one: ImageSet = {
      images: ppm.data, labels: Uint8Array.of(0), count: 1, height: ppm.height, width: ppm.width,
      channels: ppm.channels, classNames,
    }; // prettier-ignore
    const small = resizeSet(one, size, size);
    if (small.channels === 3) images.set(small.images, n * per);
    else
      for (let p = 0; p < size * size; p++)
        images.fill(small.images[p], n * per + 3 * p, n * per + 3 * p + 3);
    labels[n] = label;
  }
  return { images, labels, count: items.length, height: size, width: size, channels: 3, classNames };
}

export async function gtsrbTrain(files: SourceFile[], classNames: string[], size = 32): Promise<ImageSet> {
  const items: Array<{ file: SourceFile; label: number }> = [];
  for (const f of files) {
    const m = /Final_Training\/Images\/(\d{5})\/[^/]+\.ppm$/i.exec(f.path);
    if (m) items.push({ file: f, label: Number(m[1]) });
  }
  if (items.length === 0)
    throw new DatasetError('GTSRB training archive: no Final_Training/Images/000NN/*.ppm inside');
  const bad = items.find((i) => i.label >= classNames.length);
  if (bad)
    throw new DatasetError(
      `GTSRB training archive: class folder ${bad.label} ≥ ${classNames.length} classes`,
    );
  return toSet(items, classNames, size);
}

export async function gtsrbTest(
  images: SourceFile[],
  gt: SourceFile[],
  classNames: string[],
  size = 32,
): Promise<ImageSet> {
  const csv = gt.find((f) => /GT-final_test\.csv$/i.test(f.path));
  if (!csv) throw new DatasetError('GTSRB test labels archive: no GT-final_test.csv inside');
  const rows = (await csv.read()).toString('utf8').split(/\r?\n/).filter(Boolean);
  const header = rows[0].split(';');
  const fileCol = header.indexOf('Filename');
  const classCol = header.indexOf('ClassId');
  if (fileCol < 0 || classCol < 0) throw new DatasetError('GT-final_test.csv: no Filename/ClassId columns');
  const labelOf = new Map(
    rows
      .slice(1)
      .map((r) => r.split(';'))
      .map((c) => [c[fileCol], Number(c[classCol])]),
  );
  const items: Array<{ file: SourceFile; label: number }> = [];
  for (const f of images) {
    const m = /Final_Test\/Images\/([^/]+\.ppm)$/i.exec(f.path);
    if (!m) continue;
    const label = labelOf.get(m[1]);
    if (label === undefined || !(label >= 0 && label < classNames.length)) {
      throw new DatasetError(`GT-final_test.csv: no valid ClassId for ${m[1]}`);
    }
    items.push({ file: f, label });
  }
  if (items.length === 0) throw new DatasetError('GTSRB test archive: no Final_Test/Images/*.ppm inside');
  return toSet(items, classNames, size);
}
