/**
 * In-memory uint8 images → normalised float batches, with the recipe's augmentation (random crop after
 * zero padding, horizontal flip). Done in JS on the raw bytes: one pass per batch, no tensor round trips.
 */

/** Images in HWC uint8 layout (the shape src/datasets' ImageSet has). */
export interface ImageData {
  images: Uint8Array;
  labels: ArrayLike<number>;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** Batches are drawn from the one seeded stream (src/random.ts), whose `state` checkpoints store. */
export { SeededRandom as TrainingRandom } from '../random';
import { SeededRandom as TrainingRandom } from '../random';

export function checkImageData(d: ImageData, what: string): void {
  const per = d.height * d.width * d.channels;
  if (!(d.count > 0) || d.images.length < d.count * per || d.labels.length < d.count) {
    throw new Error(
      `${what}: ${d.count} images of ${d.height}×${d.width}×${d.channels} need ${d.count * per} bytes and ` +
        `${d.count} labels, got ${d.images.length} bytes and ${d.labels.length} labels`,
    );
  }
}

/** Every label must name one of the model's classes (tf.oneHot would silently zero the others). */
export function checkLabels(d: ImageData, classes: number, what: string): void {
  for (let i = 0; i < d.count; i++) {
    const l = d.labels[i];
    if (!(Number.isInteger(l) && l >= 0 && l < classes)) {
      throw new Error(
        `${what}: label ${l} of image ${i} is not in 0..${classes - 1}; the model's head has ${classes} classes`,
      );
    }
  }
}

/** Per-channel mean and standard deviation of pixel values scaled to [0, 1]. */
export function channelStats(d: ImageData, indices: ArrayLike<number>): { mean: number[]; std: number[] } {
  const c = d.channels;
  const per = d.height * d.width * c;
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k] * per;
    for (let j = 0; j < per; j++) {
      const v = d.images[base + j];
      sum[j % c] += v;
      sq[j % c] += v * v;
    }
  }
  const n = indices.length * d.height * d.width;
  const mean = Array.from(sum, (s) => s / n / 255);
  const std = Array.from(sq, (s, i) => Math.max(1e-3, Math.sqrt(Math.max(0, s / n / 65025 - mean[i] ** 2))));
  return { mean, std };
}

export interface BatchOptions {
  mean: number[];
  std: number[];
  cropPadding: number;
  horizontalFlip: boolean;
  rng?: TrainingRandom;
}

/**
 * Writes images `indices` into a float NHWC buffer, normalised per channel. With an rng, each image is
 * shifted by a random crop of the zero-padded image (zero = padding in pixel space, as in the usual
 * CIFAR recipe) and flipped with probability ½.
 */
export function fillBatch(
  d: ImageData,
  indices: ArrayLike<number>,
  out: Float32Array,
  o: BatchOptions,
): void {
  const { height: H, width: W, channels: C } = d;
  const per = H * W * C;
  const scale = o.std.map((s) => 1 / (255 * s));
  const shift = o.mean.map((m, i) => -m / o.std[i]); // also a zero pixel after normalisation
  for (let b = 0; b < indices.length; b++) {
    let dy = 0;
    let dx = 0;
    let flip = false;
    if (o.rng) {
      const p = o.cropPadding;
      if (p > 0) {
        dy = o.rng.int(2 * p + 1) - p;
        dx = o.rng.int(2 * p + 1) - p;
      }
      flip = o.horizontalFlip && o.rng.next() < 0.5;
    }
    // Output column x reads source column sx = x + dx (flipped: W − 1 − x + dx); inside [x0, x1) it exists.
    const x0 = flip ? Math.max(0, dx) : Math.max(0, -dx);
    const x1 = flip ? Math.min(W, W + dx) : Math.min(W, W - dx);
    const step = flip ? -C : C;
    for (let y = 0; y < H; y++) {
      const sy = y + dy;
      const row = b * per + y * W * C;
      if (sy < 0 || sy >= H || x1 <= x0) {
        fillPadding(out, row, row + W * C, shift, C);
        continue;
      }
      fillPadding(out, row, row + x0 * C, shift, C);
      fillPadding(out, row + x1 * C, row + W * C, shift, C);
      const src = indices[b] * per + (sy * W + (flip ? W - 1 - x0 + dx : x0 + dx)) * C;
      normaliseRun(d.images, src, step, out, row + x0 * C, (x1 - x0) * C, scale, shift, C);
    }
  }
}

function fillPadding(out: Float32Array, from: number, to: number, value: number[], C: number): void {
  for (let q = from; q < to; q += C) for (let c = 0; c < C; c++) out[q + c] = value[c];
}

/** out[q..q+n) = pixels read from src with a stride of `step` per pixel, normalised; C = 1 and 3 unrolled. */
function normaliseRun(
  img: Uint8Array,
  src: number,
  step: number,
  out: Float32Array,
  q: number,
  n: number,
  scale: number[],
  shift: number[],
  C: number,
): void {
  const end = q + n;
  if (C === 3) {
    const [a0, a1, a2] = scale;
    const [b0, b1, b2] = shift;
    for (let s = src; q < end; q += 3, s += step) {
      out[q] = img[s] * a0 + b0;
      out[q + 1] = img[s + 1] * a1 + b1;
      out[q + 2] = img[s + 2] * a2 + b2;
    }
  } else if (C === 1) {
    const a = scale[0];
    const b = shift[0];
    for (let s = src; q < end; q++, s += step) out[q] = img[s] * a + b;
  } else {
    for (let s = src; q < end; q += C, s += step) {
      for (let c = 0; c < C; c++) out[q + c] = img[s + c] * scale[c] + shift[c];
    }
  }
}

/**
 * A seeded choice of at most `limit` (0 = all) of 0..count-1, split into (train, validation) index lists.
 * Random rather than the first N: some datasets are stored sorted by class.
 */
export function splitIndices(
  count: number,
  limit: number,
  validationSplit: number,
  seed: number,
): { train: Uint32Array; val: Uint32Array } {
  const perm = new TrainingRandom(seed ^ 0x5eed).permutation(count);
  const n = limit > 0 ? Math.min(limit, count) : count;
  const nVal = validationSplit > 0 ? Math.max(1, Math.round(n * validationSplit)) : 0;
  return { val: perm.slice(0, nVal).sort(), train: perm.slice(nVal, n).sort() };
}
