// Where a trained ranker lives in the artifact store, and how `dlrec similarity` / `dlrec recommend` use it
// in-process (no Temporal): load ranker/current.json, read a folder/zip/name, sample, features, vote.
import { getJSON, type ArtifactStore } from '../../infra/store';
import { DEFAULT_SAMPLE_SIZE, loadImageSource, type ImageSet, type SplitPair } from '../datasets';
import { imageCounts, type ImageCounts } from '../datasets/folder';
import { startQueryThreads } from './query-threads';
import { sampleFeatures } from './image-features';
import { readPackedRanker, storePackedRanker } from './packed-ranker';
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
  return loadRanker(store, await currentRanker(store));
}

/** ranker/current.json: the record of the store's latest ranker. */
export async function currentRanker(store: ArtifactStore): Promise<CurrentRanker> {
  if (!(await store.exists(CURRENT_RANKER_KEY))) throw new NoRankerError();
  return getJSON<CurrentRanker>(store, CURRENT_RANKER_KEY);
}

// Parsed rankers of this process, by store, key and recorded sha256: a process that answers many queries
// (the bench's repeats, a service) reads and parses it once; a changed object is read again.
const parsed = new Map<string, DatasetSimilarityRanker>();
const PARSED_KEPT = 2;

/**
 * The ranker `current` names (e.g. the one a build recorded), from its packed form where the store has one
 * (src/ranker/packed-ranker.ts). With `parseAfter`, its bytes are read at once but parsed only once that has
 * settled: a query first hands its images to the feature threads.
 */
export async function loadRanker(
  store: ArtifactStore,
  current: CurrentRanker,
  parseAfter?: Promise<unknown>,
): Promise<LoadedRanker> {
  const info = await store.head(current.key);
  const id = `${store.url}\0${current.key}\0${info?.sha256}`;
  let ranker = info && parsed.get(id);
  if (!ranker) {
    const packed =
      info && (await readPackedRanker(store, current.key, info.sha256, parseAfter).catch(() => undefined));
    const bytes = packed ? undefined : await store.get(current.key);
    await parseAfter?.catch(() => undefined);
    const json = packed ?? (JSON.parse(bytes!.toString('utf8')) as RankerJSON);
    ranker = DatasetSimilarityRanker.fromJSON(json);
    // A store built before the packed form: leave one for the next query (a read-only store keeps none).
    if (info && !packed)
      await storePackedRanker(store, current.key, info.sha256, json).catch(() => undefined);
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
  /**
   * seconds per step: image read and ranker load (each from the start: the ranker's bytes are read with the
   * images, and parsed while the feature threads work), features (from the hand-over), prediction
   */
  timings: { load: number; read: number; features: number; predict: number };
  /** per-member votes and held-out accuracies */
  members: SimilarityResult['members'];
  /** how much the members disagree about these images (bits; see memberDisagreement) */
  disagreement: number;
}

export interface SimilarityOptions {
  samples?: number;
  seed?: number;
  /** the ranker to use, e.g. the one a build recorded; default: ranker/current.json's */
  ranker?: CurrentRanker;
}

/** Similarity of a folder, zip or dataset name to the repository datasets of the current ranker. */
export async function similarityOfImages(
  store: ArtifactStore,
  source: string,
  opts: SimilarityOptions = {},
): Promise<ImageSimilarity> {
  const t0 = performance.now();
  startQueryThreads();
  // The images are read while the ranker's bytes are; once the images are with the feature threads, this
  // thread parses the ranker (each from t0: timings.read, timings.load).
  let dispatched!: () => void;
  const afterDispatch = new Promise<void>((resolve) => (dispatched = resolve));
  const since = (p: Promise<unknown>) => p.then(() => performance.now() - t0);
  const rankerLoad = (async () =>
    loadRanker(store, opts.ranker ?? (await currentRanker(store)), afterDispatch))();
  rankerLoad.catch(() => undefined); // awaited below; an early failure must not be an unhandled rejection
  let loaded: Awaited<ReturnType<typeof loadImageSource>>;
  try {
    loaded = await loadImageSource(store, source);
  } finally {
    dispatched();
  }
  const readMs = performance.now() - t0;
  // A folder or zip is split into train/test only by ingestion: sample from all it holds. A dataset: its train split.
  const set = loaded.fromPath ? concatSplits(loaded.pair) : loaded.pair.train;
  const t2 = performance.now();
  const featuresDone = sampleFeatures(set, opts.samples ?? DEFAULT_SAMPLE_SIZE, opts.seed ?? 0);
  const featuresMs = since(featuresDone);
  featuresMs.catch(() => undefined); // as rankerLoad
  const [{ current, ranker }, loadMs] = await Promise.all([rankerLoad, since(rankerLoad)]);
  const { features } = await featuresDone;
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
    timings: {
      load: s(loadMs),
      read: s(readMs),
      features: s((await featuresMs) - (t2 - t0)),
      predict: s(t4 - t3),
    },
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
