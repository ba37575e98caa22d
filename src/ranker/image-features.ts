// Ranker features of an image set: a seeded sample, resized to the common 32×32 layout, all four feature kinds.
// Training (per repository dataset) and scoring (a user's folder) go through this one function, so both see
// images prepared the same way.
import { resizeSet, sampleImages, type ImageSet } from '../datasets';
import { extractAll, featureDim, FEATURE_KINDS, type FeatureKind } from '../features';
import { extractAllThreaded, queryHelperCount } from '../features/threads';
import type { FeatureMatrix } from '../ml/classifiers/matrix';

export { RANKER_IMAGE_SIZE } from './query-threads';
import { RANKER_IMAGE_SIZE } from './query-threads';

export interface SampleFeatures {
  samples: number;
  features: Record<FeatureKind, FeatureMatrix>;
}

/** Features of every image of `set` (any size, 1 or 3 channels: the features work on grey), at 32×32. */
export function imageSetFeatures(set: ImageSet): Record<FeatureKind, FeatureMatrix> {
  const s = resizeSet(set, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE);
  return asMatrices(extractAll(s.images, s.count, s.height, s.width, s.channels), s.count);
}

/**
 * imageSetFeatures with the images split over threads (default: this one and one helper per further core, ≤ 4
 * in all); same values. `query`: all to the query helpers (queryHelperCount), none on this thread.
 */
export async function imageSetFeaturesThreaded(
  set: ImageSet,
  threads?: number,
  query = false,
): Promise<Record<FeatureKind, FeatureMatrix>> {
  const s = resizeSet(set, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE);
  const all = query
    ? await extractAllThreaded(
        s.images,
        s.count,
        s.height,
        s.width,
        s.channels,
        queryHelperCount() + 1,
        FEATURE_KINDS,
        0,
      )
    : await extractAllThreaded(s.images, s.count, s.height, s.width, s.channels, threads);
  return asMatrices(all, s.count);
}

function asMatrices(all: Record<FeatureKind, Float32Array>, n: number): Record<FeatureKind, FeatureMatrix> {
  const out = {} as Record<FeatureKind, FeatureMatrix>;
  for (const kind of FEATURE_KINDS) {
    out[kind] = { X: all[kind], n, d: featureDim(kind, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE) };
  }
  return out;
}

/**
 * Features of a uniform seeded sample of `samples` images (the whole set when it is smaller), on all cores
 * (`query`: on the query helpers only, see imageSetFeaturesThreaded).
 */
export async function sampleFeatures(
  set: ImageSet,
  samples: number,
  seed: number,
  query = false,
): Promise<SampleFeatures> {
  const sample = sampleImages(set, samples, seed);
  return { samples: sample.count, features: await imageSetFeaturesThreaded(sample, undefined, query) };
}
