/**
 * A fast path for the commonest small input: an 8-bit PNG already at the working size. sharp costs ~0.3 ms a
 * call however small the image (thread hand-off, pipeline set-up): 512 PNGs of 32×32 take 0.2 s there and
 * 0.02 s here. Only PNGs that sharp's pipeline would pass through unchanged come this way — 8 bits per sample,
 * exactly the working size, no colour-management or orientation chunk (iCCP, sRGB, gAMA, cHRM, eXIf…) — so
 * the pixels are the bytes sharp gives (test/datasets/plain-png.test.ts compares every colour type with
 * sharp). Anything else, a PNG pngjs refuses included, goes to sharp, which also words the errors.
 */
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
  for (let at = 8; ;) {
    if (at + 8 > bytes.length) return undefined;
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!PLAIN_CHUNKS.has(type)) return undefined;
    if (type === 'IEND') break;
    at += 12 + bytes.readUInt32BE(at);
  }
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
