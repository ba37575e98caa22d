import { gunzipSync } from 'node:zlib';
import { DatasetError, labelArray, type ImageSet } from './types';

/** An IDX tensor (LeCun's MNIST format): big-endian header, then the data in row-major order. */
export interface IdxTensor {
  dims: number[];
  data: Uint8Array;
}

/** Undoes gzip when the buffer starts with its magic bytes (the official downloads are .gz). */
export function maybeGunzip(buf: Uint8Array): Buffer {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b ? gunzipSync(b) : b;
}

/** Parses an IDX file of unsigned bytes (type 0x08), the only type image datasets use. */
export function parseIdx(input: Uint8Array, what = 'IDX file'): IdxTensor {
  const buf = maybeGunzip(input);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new DatasetError(`${what}: not an IDX file (bad magic number)`);
  }
  if (buf[2] !== 0x08) {
    throw new DatasetError(
      `${what}: IDX element type 0x${buf[2].toString(16)} is unsupported; only ubyte (0x08)`,
    );
  }
  const rank = buf[3];
  if (rank < 1 || buf.length < 4 + 4 * rank) throw new DatasetError(`${what}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (buf.length !== start + size) {
    throw new DatasetError(`${what}: expected ${start + size} bytes for dims [${dims}], found ${buf.length}`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + start, size) };
}

/** An image set from an IDX image file (N×H×W or N×H×W×C) and its IDX label file (N). */
export function imageSetFromIdx(
  imagesFile: Uint8Array,
  labelsFile: Uint8Array,
  classNames?: string[],
  what = 'IDX',
): ImageSet {
  const img = parseIdx(imagesFile, `${what} images`);
  const lab = parseIdx(labelsFile, `${what} labels`);
  if (img.dims.length !== 3 && img.dims.length !== 4) {
    throw new DatasetError(`${what} images: expected 3 or 4 dimensions (N×H×W[×C]), got [${img.dims}]`);
  }
  const channels = img.dims[3] ?? 1;
  if (channels !== 1 && channels !== 3)
    throw new DatasetError(`${what} images: ${channels} channels unsupported`);
  if (lab.dims.length !== 1 || lab.dims[0] !== img.dims[0]) {
    throw new DatasetError(`${what}: ${img.dims[0]} images but labels have dims [${lab.dims}]`);
  }
  let maxLabel = 0;
  for (const l of lab.data) maxLabel = Math.max(maxLabel, l);
  const names = classNames ?? Array.from({ length: maxLabel + 1 }, (_, i) => String(i));
  if (maxLabel >= names.length)
    throw new DatasetError(`${what}: label ${maxLabel} ≥ ${names.length} classes`);
  const labels = labelArray(lab.data.length, names.length);
  labels.set(lab.data);
  return {
    images: new Uint8Array(img.data),
    labels,
    count: img.dims[0],
    height: img.dims[1],
    width: img.dims[2],
    channels,
    classNames: names,
  };
}

/** Writes an IDX ubyte tensor (used to export and by tests; the inverse of parseIdx). */
export function encodeIdx(dims: number[], data: Uint8Array): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, data]);
}
