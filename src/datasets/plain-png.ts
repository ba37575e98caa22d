/**
 * A fast path for the commonest small input: an 8-bit PNG already at the working size. sharp costs ~0.3 ms a
 * call however small the image (thread hand-off, pipeline set-up): 512 PNGs of 32×32 take 0.2 s there and
 * 0.02 s here. Only PNGs that sharp's pipeline would pass through unchanged come this way — 8 bits per sample,
 * exactly the working size, no colour-management or orientation chunk (iCCP, sRGB, gAMA, cHRM, eXIf…) — so
 * the pixels are the bytes sharp gives (test/datasets/plain-png.test.ts compares every colour type with
 * sharp). Anything else, a PNG that fails its checks included, goes to sharp, which also words the errors.
 * Non-interlaced files are inflated and unfiltered here (pngjs's stream machinery cost 0.15 ms a file, most of
 * the 512-image read of `dlrec recommend`); pngjs decodes the interlaced ones.
 */
import { crc32, inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunks that change nothing sharp decodes here (alpha is dropped, metadata ignored). */
const PLAIN_CHUNKS = new Set([
  'IHDR',
  'PLTE',
  'tRNS',
  'IDAT',
  'IEND',
  'tEXt',
  'zTXt',
  'iTXt',
  'pHYs',
  'tIME',
]);

/** Interleaved RGB (height·width·3) of a plain 8-bit PNG of exactly width × height; undefined otherwise. */
export function decodePlainPng(bytes: Buffer, width: number, height: number): Buffer | undefined {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(SIGNATURE)) return undefined;
  if (bytes.readUInt32BE(16) !== width || bytes.readUInt32BE(20) !== height || bytes[24] !== 8)
    return undefined;
  const colourType = bytes[25];
  const interlaced = bytes[28] !== 0;
  const data: Buffer[] = [];
  let palette: Buffer | undefined;
  for (let at = 8; ;) {
    if (at + 12 > bytes.length) return undefined;
    const length = bytes.readUInt32BE(at);
    const end = at + 12 + length;
    if (end > bytes.length) return undefined;
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!PLAIN_CHUNKS.has(type)) return undefined;
    if (HAS_CRC32 && bytes.readUInt32BE(end - 4) !== crc32(bytes.subarray(at + 4, end - 4))) return undefined;
    const body = bytes.subarray(at + 8, end - 4);
    if (type === 'IDAT') data.push(body);
    else if (type === 'PLTE') palette = body;
    else if (type === 'IEND') break;
    at = end;
  }
  if (interlaced || !HAS_CRC32) return viaPngjs(bytes, width, height);
  const channels = CHANNELS[colourType];
  if (!channels || (colourType === 3 && !palette)) return undefined;
  let raw: Buffer;
  try {
    raw = inflateSync(data.length === 1 ? data[0] : Buffer.concat(data));
  } catch {
    return undefined;
  }
  const stride = width * channels;
  if (raw.length < height * (stride + 1) || !unfilter(raw, height, stride, channels)) return undefined;
  return toRgb(raw, width, height, channels, palette);
}

// zlib.crc32 arrived in Node 20.15; on an older Node pngjs checks the chunks instead.
const HAS_CRC32 = typeof crc32 === 'function';

/** Samples per pixel of each 8-bit colour type: grey, RGB, palette index, grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Undoes the per-scanline filters in place (each line: filter byte, then stride bytes). */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): boolean {
  for (let y = 0; y < height; y++) {
    const line = y * (stride + 1) + 1;
    const up = line - stride - 1; // the previous line's first sample (unused on the first line)
    const filter = raw[line - 1];
    const hasUp = y > 0;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? raw[line + x - bpp] : 0;
      const b = hasUp ? raw[up + x] : 0;
      let v = raw[line + x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const c = hasUp && x >= bpp ? raw[up + x - bpp] : 0;
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) return false;
      raw[line + x] = v; // a Buffer stores v mod 256
    }
  }
  return true;
}

/** RGB of unfiltered scanlines: grey is repeated, a palette index looked up, alpha dropped (as sharp does). */
function toRgb(
  raw: Buffer,
  width: number,
  height: number,
  channels: number,
  palette?: Buffer,
): Buffer | undefined {
  const rgb = Buffer.allocUnsafe(width * height * 3);
  const colours = palette ? Math.floor(palette.length / 3) : 0;
  for (let y = 0, q = 0; y < height; y++) {
    let p = y * (width * channels + 1) + 1;
    for (let x = 0; x < width; x++, p += channels, q += 3) {
      if (palette) {
        const i = raw[p];
        if (i >= colours) return undefined;
        rgb[q] = palette[3 * i];
        rgb[q + 1] = palette[3 * i + 1];
        rgb[q + 2] = palette[3 * i + 2];
      } else if (channels < 3) {
        rgb[q] = rgb[q + 1] = rgb[q + 2] = raw[p];
      } else {
        rgb[q] = raw[p];
        rgb[q + 1] = raw[p + 1];
        rgb[q + 2] = raw[p + 2];
      }
    }
  }
  return rgb;
}

/** pngjs's decoding of an interlaced (Adam7) file, alpha dropped. */
function viaPngjs(bytes: Buffer, width: number, height: number): Buffer | undefined {
  let rgba: Buffer;
  try {
    rgba = PNG.sync.read(bytes).data;
  } catch {
    return undefined;
  }
  if (rgba.length !== width * height * 4) return undefined;
  const rgb = Buffer.allocUnsafe(width * height * 3);
  for (let p = 0, q = 0; q < rgb.length; p += 4, q += 3) {
    rgb[q] = rgba[p];
    rgb[q + 1] = rgba[p + 1];
    rgb[q + 2] = rgba[p + 2];
  }
  return rgb;
}
