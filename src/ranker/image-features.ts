// Ranker features of an image set: a seeded sample, resized to the common 32×32 layout, all four feature kinds.
// Training (per repository dataset) and scoring (a user's folder) go through this one function, so both see
// images prepared the same way.
import { resizeSet, sampleImages, type ImageSet } from '../datasets';
import { extractAll, featureDim, FEATURE_KINDS, type FeatureKind } from '../features';
import { extractAllThreaded } from '../features/threads';
import type { FeatureMatrix } from '../ml/classifiers/matrix';

/** Side of the square the features are computed on (the paper's 32×32). */
export const RANKER_IMAGE_SIZE = 32;

export interface SampleFeatures {
  samples: number;
  features: Record<FeatureKind, FeatureMatrix>;
}

/** Features of every image of `set` (any size, 1 or 3 channels: the features work on grey), at 32×32. */
export function imageSetFeatures(set: ImageSet): Record<FeatureKind, FeatureMatrix> {
  const s = resizeSet(set, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE);
  return asMatrices(extractAll(s.images, s.count, s.height, s.width, s.channels), s.count);
}

/** imageSetFeatures with the images split over `threads` threads (default: one per core, ≤ 4); same values. */
export async function imageSetFeaturesThreaded(
  set: ImageSet,
  threads?: number,
): Promise<Record<FeatureKind, FeatureMatrix>> {
  const s = resizeSet(set, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE);
  return asMatrices(
    await extractAllThreaded(s.images, s.count, s.height, s.width, s.channels, threads),
    s.count,
  );
}

function asMatrices(all: Record<FeatureKind, Float32Array>, n: number): Record<FeatureKind, FeatureMatrix> {
  const out = {} as Record<FeatureKind, FeatureMatrix>;
  for (const kind of FEATURE_KINDS) {
    out[kind] = { X: all[kind], n, d: featureDim(kind, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE) };
  }
  return out;
}

/** Features of a uniform seeded sample of `samples` images (the whole set when it is smaller), on all cores. */
export async function sampleFeatures(set: ImageSet, samples: number, seed: number): Promise<SampleFeatures> {
  const sample = sampleImages(set, samples, seed);
  return { samples: sample.count, features: await imageSetFeaturesThreaded(sample) };
}
