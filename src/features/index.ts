/**
 * Image features for the dataset-similarity ranker: GIST, DAISY, LBP and HOG over batches of uint8 images
 * (count × height × width × channels, interleaved, 1 or 3 channels; RGB is turned to grey like
 * skimage.color.rgb2gray). Extractors precompute their filters and tables once per image size and reuse
 * their buffers, so a batch allocates only its output.
 */
import { DaisyFeature } from './daisy';
import { GistFeature } from './gist';
import { checkBatch, FeatureInputError, toGray } from './gray';
import { HogFeature } from './hog';
import { LbpFeature } from './lbp';
import type { ImageFeature } from './types';

export { FeatureInputError } from './gray';
export type { ImageFeature } from './types';

export const FEATURE_KINDS = ['gist', 'daisy', 'lbp', 'hog'] as const;
export type FeatureKind = (typeof FEATURE_KINDS)[number];

const FACTORIES: Record<FeatureKind, (h: number, w: number) => ImageFeature> = {
  gist: (h, w) => new GistFeature(h, w),
  daisy: (h, w) => new DaisyFeature(h, w),
  lbp: (h, w) => new LbpFeature(h, w),
  hog: (h, w) => new HogFeature(h, w),
};

const cache = new Map<string, ImageFeature>();

/** The (cached) extractor of `kind` for images of height × width. */
export function featureExtractor(kind: FeatureKind, height: number, width: number): ImageFeature {
  if (!FEATURE_KINDS.includes(kind)) {
    throw new FeatureInputError(
      `unknown feature kind '${String(kind)}'; use one of ${FEATURE_KINDS.join(', ')}`,
    );
  }
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new FeatureInputError(`image size must be positive integers, got ${height}×${width}`);
  }
  const key = `${kind}:${height}x${width}`;
  let extractor = cache.get(key);
  if (!extractor) {
    extractor = FACTORIES[kind](height, width);
    cache.set(key, extractor);
  }
  return extractor;
}

/** Length of one image's vector: 512 (GIST), 224 / 18 / 324 (DAISY / LBP / HOG) at 32×32. */
export function featureDim(kind: FeatureKind, height: number, width: number): number {
  return featureExtractor(kind, height, width).dim;
}

/** All requested features of a batch, each row-major count × dim; grey conversion is done once per image. */
export function extractAll<K extends FeatureKind = FeatureKind>(
  images: Uint8Array,
  count: number,
  height: number,
  width: number,
  channels: number,
  kinds: readonly K[] = FEATURE_KINDS as unknown as readonly K[],
): Record<K, Float32Array> {
  checkBatch(images, count, height, width, channels);
  const extractors = kinds.map((k) => featureExtractor(k, height, width));
  const outs = extractors.map((e) => new Float32Array(count * e.dim));
  const gray = new Float64Array(height * width);
  for (let i = 0; i < count; i++) {
    toGray(images, i, height * width, channels, gray);
    for (let k = 0; k < extractors.length; k++) extractors[k].compute(gray, outs[k], i * extractors[k].dim);
  }
  const result = {} as Record<K, Float32Array>;
  kinds.forEach((k, i) => (result[k] = outs[i]));
  return result;
}

/** One feature of a batch: a row-major count × featureDim(kind, height, width) matrix. */
export function extractFeatures(
  kind: FeatureKind,
  images: Uint8Array,
  count: number,
  height: number,
  width: number,
  channels: number,
): Float32Array {
  return extractAll(images, count, height, width, channels, [kind])[kind];
}
