/**
 * In-memory image sets. Pixels are uint8, row-major, channels interleaved (HWC):
 * pixel (y, x, c) of image i is images[((i * height + y) * width + x) * channels + c].
 */
export interface ImageSet {
  images: Uint8Array;
  /** One label per image, 0-based; Uint16Array only when there are more than 256 classes. */
  labels: Uint8Array | Uint16Array;
  count: number;
  height: number;
  width: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  classNames: string[];
}

export type Split = 'train' | 'test';
export const SPLITS: readonly Split[] = ['train', 'test'];

export interface SplitPair {
  train: ImageSet;
  test: ImageSet;
}

/** Bad or unsupported dataset input; the message names the problem and the fix. */
export class DatasetError extends Error {
  override name = 'DatasetError';
}

export function labelArray(count: number, classes: number): Uint8Array | Uint16Array {
  if (classes > 65536) throw new DatasetError(`too many classes (${classes}); at most 65536 are supported`);
  return classes > 256 ? new Uint16Array(count) : new Uint8Array(count);
}

export function imageBytes(set: Pick<ImageSet, 'height' | 'width' | 'channels'>): number {
  return set.height * set.width * set.channels;
}

/** Checks the invariants every consumer relies on; throws a DatasetError naming the broken one. */
export function checkImageSet(set: ImageSet, what = 'image set'): ImageSet {
  const per = imageBytes(set);
  if (set.channels !== 1 && set.channels !== 3) {
    throw new DatasetError(`${what}: channels must be 1 or 3, got ${set.channels}`);
  }
  if (set.images.length !== set.count * per) {
    throw new DatasetError(
      `${what}: ${set.images.length} pixel bytes for ${set.count} images of ${per} bytes`,
    );
  }
  if (set.labels.length !== set.count) {
    throw new DatasetError(`${what}: ${set.labels.length} labels for ${set.count} images`);
  }
  for (let i = 0; i < set.count; i++) {
    if (set.labels[i] >= set.classNames.length) {
      throw new DatasetError(
        `${what}: label ${set.labels[i]} of image ${i} ≥ ${set.classNames.length} classes`,
      );
    }
  }
  return set;
}

/** The images at the given indices, in that order. */
export function subset(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const per = imageBytes(set);
  const images = new Uint8Array(indices.length * per);
  const labels = labelArray(indices.length, set.classNames.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    images.set(set.images.subarray(i * per, (i + 1) * per), k * per);
    labels[k] = set.labels[i];
  }
  return { ...set, images, labels, count: indices.length };
}
