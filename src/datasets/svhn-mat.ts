import { deflateSync, inflateSync } from 'node:zlib';
import { DatasetError, labelArray, type ImageSet } from './types';

/**
 * A reader for the subset of MATLAB level-5 MAT-files that datasets use: numeric (non-complex, non-sparse)
 * matrices, plain or zlib-compressed (miCOMPRESSED), little-endian. SVHN's cropped digits ship this way.
 */
export interface MatArray {
  name: string;
  /** MATLAB dims, column-major. */
  dims: number[];
  /** Values in MATLAB's column-major order. */
  data: Float64Array | Uint8Array;
}

const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
};
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]); // mxDOUBLE..mxUINT64
const MX_DOUBLE = 6;
const MX_UINT8 = 9;

interface Element {
  type: number;
  data: Buffer;
  next: number;
}

function readElement(buf: Buffer, pos: number, what: string): Element {
  if (pos + 8 > buf.length) throw new DatasetError(`${what}: truncated data element at byte ${pos}`);
  const first = buf.readUInt32LE(pos);
  if (first >>> 16 !== 0) {
    // Small data element: type and size share the first word, data sits in the second.
    const size = first >>> 16;
    if (size > 4) throw new DatasetError(`${what}: malformed small data element at byte ${pos}`);
    return { type: first & 0xffff, data: buf.subarray(pos + 4, pos + 4 + size), next: pos + 8 };
  }
  const size = buf.readUInt32LE(pos + 4);
  const end = pos + 8 + size;
  if (end > buf.length)
    throw new DatasetError(`${what}: data element at byte ${pos} runs past the end of the file`);
  // Compressed elements are not padded; every other element is padded to 8 bytes.
  const next = first === MI.COMPRESSED ? end : pos + 8 + Math.ceil(size / 8) * 8;
  return { type: first, data: buf.subarray(pos + 8, end), next };
}

function numbers(el: Element, what: string): Float64Array | Uint8Array {
  const d = el.data;
  const out = (n: number, get: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => get(i));
  switch (el.type) {
    case MI.UINT8:
      return new Uint8Array(d);
    case MI.INT8:
      return out(d.length, (i) => d.readInt8(i));
    case MI.INT16:
      return out(d.length / 2, (i) => d.readInt16LE(2 * i));
    case MI.UINT16:
      return out(d.length / 2, (i) => d.readUInt16LE(2 * i));
    case MI.INT32:
      return out(d.length / 4, (i) => d.readInt32LE(4 * i));
    case MI.UINT32:
      return out(d.length / 4, (i) => d.readUInt32LE(4 * i));
    case MI.SINGLE:
      return out(d.length / 4, (i) => d.readFloatLE(4 * i));
    case MI.DOUBLE:
      return out(d.length / 8, (i) => d.readDoubleLE(8 * i));
    default:
      throw new DatasetError(`${what}: numeric data of MAT type ${el.type} is unsupported`);
  }
}

function parseMatrix(m: Buffer, what: string): MatArray | undefined {
  const flags = readElement(m, 0, what);
  const mxClass = flags.data.readUInt32LE(0) & 0xff;
  const complex = (flags.data.readUInt32LE(0) & 0x800) !== 0;
  const dimsEl = readElement(m, flags.next, what);
  const dims = Array.from({ length: dimsEl.data.length / 4 }, (_, i) => dimsEl.data.readInt32LE(4 * i));
  const nameEl = readElement(m, dimsEl.next, what);
  const name = nameEl.data.toString('latin1');
  if (!NUMERIC_CLASSES.has(mxClass) || complex) return undefined; // cells, structs, chars: not image data
  const real = readElement(m, nameEl.next, what);
  const values = numbers(real, `${what} variable '${name}'`);
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new DatasetError(`${what}: variable '${name}' has ${values.length} values for dims [${dims}]`);
  }
  // uint8 class data is kept as bytes (SVHN's X); everything else as doubles.
  const data = mxClass === MX_UINT8 && values instanceof Uint8Array ? values : Float64Array.from(values);
  return { name, dims, data };
}

/** All numeric variables of a MAT v5 file, by name. */
export function parseMatV5(input: Uint8Array, what = 'MAT file'): Map<string, MatArray> {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 128) throw new DatasetError(`${what}: too short for a MAT v5 header`);
  if (
    buf.subarray(0, 6).toString('latin1') === 'HDF\r\n\x1a' ||
    buf.subarray(0, 4).toString('latin1') === '\x89HDF'
  ) {
    throw new DatasetError(
      `${what}: MAT v7.3 (HDF5) files are unsupported; save with -v7 or use the v5 download`,
    );
  }
  const endian = buf.subarray(126, 128).toString('latin1');
  if (endian === 'MI') throw new DatasetError(`${what}: big-endian MAT files are unsupported`);
  if (endian !== 'IM' || buf.readUInt16LE(124) !== 0x0100) {
    throw new DatasetError(`${what}: not a MATLAB level-5 MAT-file (bad header)`);
  }
  const vars = new Map<string, MatArray>();
  const walk = (b: Buffer, start: number) => {
    for (let pos = start; pos + 8 <= b.length;) {
      const el = readElement(b, pos, what);
      if (el.type === MI.COMPRESSED) {
        let inflated: Buffer;
        try {
          inflated = inflateSync(el.data);
        } catch {
          throw new DatasetError(`${what}: a compressed variable is corrupt (zlib could not inflate it)`);
        }
        walk(inflated, 0);
      } else if (el.type === MI.MATRIX && el.data.length > 0) {
        const arr = parseMatrix(el.data, what);
        if (arr) vars.set(arr.name, arr);
      }
      pos = el.next;
    }
  };
  walk(buf, 128);
  return vars;
}

/** One variable to write: MATLAB dims (column-major data); uint8 data is written as a uint8 matrix, doubles as double. */
export interface MatVariable {
  name: string;
  dims: number[];
  data: Uint8Array | Float64Array;
}

/** A data element: tag + payload, padded to 8 bytes; payloads of up to 4 bytes use the small element format. */
function element(type: number, payload: Buffer): Buffer {
  if (payload.length > 0 && payload.length <= 4) {
    const small = Buffer.alloc(8);
    small.writeUInt32LE(((payload.length << 16) | type) >>> 0, 0);
    payload.copy(small, 4);
    return small;
  }
  const out = Buffer.alloc(8 + Math.ceil(payload.length / 8) * 8);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}

function matrixElement(v: MatVariable): Buffer {
  const expected = v.dims.reduce((a, b) => a * b, 1);
  if (v.data.length !== expected)
    throw new DatasetError(`MAT variable '${v.name}': ${v.data.length} values for dims [${v.dims}]`);
  const uint8 = v.data instanceof Uint8Array;
  const flags = Buffer.alloc(8);
  flags.writeUInt32LE(uint8 ? MX_UINT8 : MX_DOUBLE, 0);
  const dims = Buffer.alloc(4 * v.dims.length);
  v.dims.forEach((d, i) => dims.writeInt32LE(d, 4 * i));
  const real = uint8
    ? Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength)
    : Buffer.from(new Float64Array(v.data).buffer); // a copy: little-endian on every platform Node runs on
  const body = Buffer.concat([
    element(MI.UINT32, flags),
    element(MI.INT32, dims),
    element(MI.INT8, Buffer.from(v.name, 'latin1')),
    element(uint8 ? MI.UINT8 : MI.DOUBLE, real),
  ]);
  const tag = Buffer.alloc(8);
  tag.writeUInt32LE(MI.MATRIX, 0);
  tag.writeUInt32LE(body.length, 4);
  return Buffer.concat([tag, body]);
}

/**
 * Writes a MATLAB level-5 MAT-file (little-endian) of numeric variables, each zlib-compressed (miCOMPRESSED,
 * as MATLAB's default -v7 and SVHN's downloads) unless `compress` is false. The inverse of parseMatV5.
 */
export function encodeMatV5(
  vars: MatVariable[],
  opts: { compress?: boolean; description?: string } = {},
): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write(
    (opts.description ?? 'MATLAB 5.0 MAT-file, Platform: GLNXA64, Created by: dlrec').slice(0, 116),
    0,
    'latin1',
  );
  header.fill(0, 116, 124); // no subsystem data
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const parts: Buffer[] = [header];
  for (const v of vars) {
    const m = matrixElement(v);
    if (opts.compress === false) parts.push(m);
    else {
      const z = deflateSync(m);
      const tag = Buffer.alloc(8);
      tag.writeUInt32LE(MI.COMPRESSED, 0);
      tag.writeUInt32LE(z.length, 4);
      parts.push(tag, z);
    }
  }
  return Buffer.concat(parts);
}

/** SVHN's train_32x32.mat / test_32x32.mat layout from an HWC RGB set: X uint8 H×W×3×N, y uint8 N×1 (10 for '0'). */
export function encodeSvhnMat(set: ImageSet, opts: { compress?: boolean } = {}): Buffer {
  if (set.channels !== 3) throw new DatasetError('SVHN .mat: images must be RGB');
  const { height: h, width: w, count } = set;
  const per = h * w * 3;
  const X = new Uint8Array(count * per);
  for (let n = 0; n < count; n++)
    for (let c = 0; c < 3; c++)
      for (let x = 0; x < w; x++)
        for (let yy = 0; yy < h; yy++)
          X[yy + h * (x + w * (c + 3 * n))] = set.images[n * per + (yy * w + x) * 3 + c];
  const y = Uint8Array.from(set.labels, (l) => (l === 0 ? 10 : l));
  return encodeMatV5(
    [
      { name: 'X', dims: [h, w, 3, count], data: X },
      { name: 'y', dims: [count, 1], data: y },
    ],
    opts,
  );
}

export const SVHN_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** SVHN cropped digits (train_32x32.mat / test_32x32.mat): X is 32×32×3×N uint8, y is N×1 with 10 meaning '0'. */
export function parseSvhnMat(input: Uint8Array, what = 'SVHN .mat'): ImageSet {
  const vars = parseMatV5(input, what);
  const X = vars.get('X');
  const y = vars.get('y');
  if (!X || !y)
    throw new DatasetError(`${what}: expected variables 'X' and 'y', found [${[...vars.keys()]}]`);
  if (X.dims.length !== 4 || X.dims[2] !== 3 || !(X.data instanceof Uint8Array)) {
    throw new DatasetError(`${what}: 'X' must be uint8 H×W×3×N, got dims [${X.dims}]`);
  }
  const [h, w, , count] = X.dims;
  if (y.data.length !== count) throw new DatasetError(`${what}: ${count} images but ${y.data.length} labels`);
  const labels = labelArray(count, 10);
  for (let i = 0; i < count; i++) {
    const v = y.data[i];
    if (!Number.isInteger(v) || v < 1 || v > 10)
      throw new DatasetError(`${what}: label ${v} of image ${i} not in 1..10`);
    labels[i] = v % 10;
  }
  const per = h * w * 3;
  const images = new Uint8Array(count * per);
  const src = X.data;
  for (let n = 0; n < count; n++) {
    for (let c = 0; c < 3; c++) {
      for (let x = 0; x < w; x++) {
        for (let yy = 0; yy < h; yy++)
          images[n * per + (yy * w + x) * 3 + c] = src[yy + h * (x + w * (c + 3 * n))];
      }
    }
  }
  return { images, labels, count, height: h, width: w, channels: 3, classNames: SVHN_CLASSES };
}
