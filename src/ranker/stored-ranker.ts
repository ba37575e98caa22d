// Where a trained ranker lives in the artifact store, and how `dlrec similarity` / `dlrec recommend` use it
// in-process (no Temporal): load ranker/current.json, read a folder/zip/name, sample, features, vote.
import { getJSON, type ArtifactStore } from '../../infra/store';
import { DEFAULT_SAMPLE_SIZE, loadImageSource, type ImageSet, type SplitPair } from '../datasets';
import { imageCounts, type ImageCounts } from '../datasets/folder';
import { startFeatureThreads } from '../features/threads';
import { RANKER_IMAGE_SIZE, sampleFeatures } from './image-features';
import { DatasetSimilarityRanker, type RankerJSON, type SimilarityResult } from './ranker';

export { CURRENT_RANKER_KEY } from '../store-layout';
import { CURRENT_RANKER_KEY, rankerKeys } from '../store-layout';
export const rankerKey = rankerKeys.ranker;

/** ranker/current.json: names the latest trained ranker. */
export interface CurrentRanker {
  id: string;
  key: string;
  datasets: string[];
  /** dataset name → family, so a similarity result can name the family without the registry */
  families: Record<string, string>;
  samples: number;
  profile: string;
  createdAt: string;
}

/** No ranker has been trained into this store yet. */
export class NoRankerError extends Error {
  override name = 'NoRankerError';
  constructor() {
    super('no dataset similarity ranker is trained yet: train one with `dlrec ranker train`');
  }
}

export interface LoadedRanker {
  current: CurrentRanker;
  ranker: DatasetSimilarityRanker;
}

export async function loadCurrentRanker(store: ArtifactStore): Promise<LoadedRanker> {
  if (!(await store.exists(CURRENT_RANKER_KEY))) throw new NoRankerError();
  return loadRanker(store, await getJSON<CurrentRanker>(store, CURRENT_RANKER_KEY));
}

// Parsed rankers of this process, by store, key and recorded sha256: a process that answers many queries
// (the bench's repeats, a service) reads and parses the 10+ MB JSON once; a changed object is read again.
const parsed = new Map<string, DatasetSimilarityRanker>();
const PARSED_KEPT = 2;

/** The ranker `current` names (e.g. the one a build recorded). */
export async function loadRanker(store: ArtifactStore, current: CurrentRanker): Promise<LoadedRanker> {
  const info = await store.head(current.key);
  const id = `${store.url}\0${current.key}\0${info?.sha256}`;
  let ranker = info && parsed.get(id);
  if (!ranker) {
    ranker = DatasetSimilarityRanker.fromJSON(await getJSON<RankerJSON>(store, current.key));
    if (info) {
      parsed.set(id, ranker);
      if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
    }
  }
  return { current, ranker };
}

export interface ImageSimilarity {
  /** the folder/zip path or dataset name that was scored */
  source: string;
  similarity: Record<string, number>;
  mostSimilar: string;
  family: string;
  samples: number;
  /** Images read (all of a folder or zip; both splits of a dataset) and files skipped, per kind of skip. */
  images: ImageCounts;
  /** Class folders (or the dataset's classes): what a prediction's chance level depends on. */
  classes: number;
  seconds: number;
  /** seconds per step: ranker load and image read (at once: each from the start), features, prediction */
  timings: { load: number; read: number; features: number; predict: number };
  /** per-member votes and held-out accuracies */
  members: SimilarityResult['members'];
  /** how much the members disagree about these images (bits; see memberDisagreement) */
  disagreement: number;
}

export interface SimilarityOptions {
  samples?: number;
  seed?: number;
  /** an already loaded (or loading) ranker, e.g. the build's own; default: ranker/current.json */
  loaded?: LoadedRanker | Promise<LoadedRanker>;
}

/** Similarity of a folder, zip or dataset name to the repository datasets of the current ranker. */
export async function similarityOfImages(
  store: ArtifactStore,
  source: string,
  opts: SimilarityOptions = {},
): Promise<ImageSimilarity> {
  const t0 = performance.now();
  // Feature threads start now, to be warm when the images are read.
  startFeatureThreads(RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE);
  // The ranker loads while the images are read (their file reads wait on the disk, its parse does not).
  const timed = async <T>(p: T | Promise<T>): Promise<[T, number]> => [await p, performance.now() - t0];
  const [[{ current, ranker }, loadMs], [loaded, readMs]] = await Promise.all([
    timed(opts.loaded ?? loadCurrentRanker(store)),
    timed(loadImageSource(store, source)),
  ]);
  // A folder or zip is split into train/test only by ingestion: sample from all it holds. A dataset: its train split.
  const set = loaded.fromPath ? concatSplits(loaded.pair) : loaded.pair.train;
  const t2 = performance.now();
  const { features } = await sampleFeatures(set, opts.samples ?? DEFAULT_SAMPLE_SIZE, opts.seed ?? 0);
  const t3 = performance.now();
  const res = ranker.similarity(features);
  const t4 = performance.now();
  const s = (ms: number) => Math.round(ms) / 1000;
  return {
    source,
    similarity: res.similarity,
    mostSimilar: res.mostSimilar,
    family: current.families[res.mostSimilar] ?? 'unknown',
    samples: res.samples,
    images: imageCounts(loaded.pair.train.count + loaded.pair.test.count, loaded.skippedFiles),
    classes: loaded.pair.train.classNames.length,
    seconds: s(t4 - t0),
    timings: { load: s(loadMs), read: s(readMs), features: s(t3 - t2), predict: s(t4 - t3) },
    members: res.members,
    disagreement: res.disagreement,
  };
}

function concatSplits({ train, test }: SplitPair): ImageSet {
  if (test.count === 0) return train;
  const images = new Uint8Array(train.images.length + test.images.length);
  images.set(train.images);
  images.set(test.images, train.images.length);
  const labels = new (train.labels.constructor as typeof Uint16Array)(train.count + test.count);
  labels.set(train.labels);
  labels.set(test.labels, train.count);
  return { ...train, images, labels, count: train.count + test.count };
}
