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
 * imageSetFeatures on a query's feature threads (queryHelperCount), none of it on this thread, which has the
 * ranker to read meanwhile; the same values.
 */
export async function queryImageFeatures(set: ImageSet): Promise<Record<FeatureKind, FeatureMatrix>> {
  const s = resizeSet(set, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE);
  const threads = queryHelperCount() + 1;
  const all = await extractAllThreaded(
    s.images,
    s.count,
    s.height,
    s.width,
    s.channels,
    threads,
    FEATURE_KINDS,
    0,
  );
  return asMatrices(all, s.count);
}

function asMatrices(all: Record<FeatureKind, Float32Array>, n: number): Record<FeatureKind, FeatureMatrix> {
  const out = {} as Record<FeatureKind, FeatureMatrix>;
  for (const kind of FEATURE_KINDS) {
    out[kind] = { X: all[kind], n, d: featureDim(kind, RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE) };
  }
  return out;
}

/** Query features (queryImageFeatures) of a uniform seeded sample of `samples` images (all, when fewer). */
export async function sampleFeatures(set: ImageSet, samples: number, seed: number): Promise<SampleFeatures> {
  const sample = sampleImages(set, samples, seed);
  return { samples: sample.count, features: await queryImageFeatures(sample) };
}
