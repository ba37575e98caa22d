import { createHash } from 'node:crypto';
import { getJSON, putJSON, type ArtifactStore } from '../../infra/store';
import {
  checkImageSet,
  DatasetError,
  labelArray,
  SPLITS,
  type ImageSet,
  type Split,
  type SplitPair,
} from './types';
import { canonicalJsonHash, sha256Hex as sha } from '../content-hash';

/**
 * Datasets in the artifact store, keyed by content hash:
 *   datasets/<name>/<sha>/{train,test}.u8        pixels (HWC uint8, see types.ts)
 *   datasets/<name>/<sha>/{train,test}.labels    labels, 1 byte each, or 2 (little-endian) past 256 classes
 *   datasets/<name>/<sha>/manifest.json          DatasetManifest
 *   datasets/<name>/current.json                 { sha } of the version `loadDataset` reads by default
 *   datasets/<name>/recipes/<datasetRecipeHash>.json    { sha } of the version a recipe (source + parameters) produced
 */
export type DatasetKind = 'offline' | 'derived' | 'registered' | 'fetched';

export interface SplitManifest {
  count: number;
  classCounts: number[];
  imagesKey: string;
  labelsKey: string;
  imagesSha256: string;
  labelsSha256: string;
}

/** What kind of problem kept a file out, so that skips can be counted; `reason` carries the detail. */
export type SkipKind =
  'corrupt' | 'too-large' | 'unsupported-format' | 'not-in-class-folder' | 'outside-splits';

export interface SkippedFile {
  file: string;
  reason: string;
  /** Absent in manifests written before kinds existed. */
  kind?: SkipKind;
}

export interface DatasetManifest {
  name: string;
  family: string;
  kind: DatasetKind;
  /** Content hash of both splits (shape, class names, pixels, labels). */
  sha256: string;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  labelBytes: 1 | 2;
  splits: Record<Split, SplitManifest>;
  source: string;
  recipe?: Record<string, unknown>;
  skipped?: SkippedFile[];
  createdAt: string;
}

export { DATASETS_PREFIX } from '../store-layout';
import { DATASETS_PREFIX, datasetKeys } from '../store-layout';

function labelBytesOf(classes: number): 1 | 2 {
  return classes > 256 ? 2 : 1;
}

function labelsToBytes(labels: Uint8Array | Uint16Array): Uint8Array {
  if (labels instanceof Uint8Array) return labels;
  const out = Buffer.alloc(labels.length * 2);
  labels.forEach((l, i) => out.writeUInt16LE(l, 2 * i));
  return out;
}

/** The content hash of a pair of splits: equal data gives an equal key, whatever produced it. */
export function contentHash(pair: SplitPair): string {
  const h = createHash('sha256');
  const { train } = pair;
  h.update(JSON.stringify([train.height, train.width, train.channels, train.classNames]));
  for (const s of SPLITS) {
    h.update(`|${s}:${pair[s].count}|`);
    h.update(pair[s].images);
    h.update(labelsToBytes(pair[s].labels));
  }
  return h.digest('hex');
}

function checkPair(pair: SplitPair, name: string): void {
  for (const s of SPLITS) checkImageSet(pair[s], `dataset '${name}' ${s} split`);
  const { train, test } = pair;
  if (train.height !== test.height || train.width !== test.width || train.channels !== test.channels) {
    throw new DatasetError(`dataset '${name}': train and test splits differ in image shape`);
  }
  if (JSON.stringify(train.classNames) !== JSON.stringify(test.classNames)) {
    throw new DatasetError(`dataset '${name}': train and test splits differ in class names`);
  }
}

export interface SaveOptions {
  family: string;
  kind: DatasetKind;
  source: string;
  recipe?: Record<string, unknown>;
  skipped?: SkippedFile[];
  /** Point datasets/<name>/current.json at this version (default true). */
  makeCurrent?: boolean;
}

/** Writes both splits and the manifest; rewrites nothing that is already stored under the same hash. */
export async function saveDataset(
  store: ArtifactStore,
  name: string,
  pair: SplitPair,
  opts: SaveOptions,
): Promise<DatasetManifest> {
  checkPair(pair, name);
  const hash = contentHash(pair);
  const keys = datasetKeys(name);
  const { train } = pair;
  const splits = {} as Record<Split, SplitManifest>;
  for (const s of SPLITS) {
    const set = pair[s];
    const labelBytes = labelsToBytes(set.labels);
    const classCounts = new Array<number>(set.classNames.length).fill(0);
    for (const l of set.labels) classCounts[l]++;
    splits[s] = {
      count: set.count,
      classCounts,
      imagesKey: keys.split(hash, s, 'u8'),
      labelsKey: keys.split(hash, s, 'labels'),
      imagesSha256: sha(set.images),
      labelsSha256: sha(labelBytes),
    };
    if (!(await store.exists(splits[s].imagesKey))) await store.put(splits[s].imagesKey, set.images);
    if (!(await store.exists(splits[s].labelsKey))) await store.put(splits[s].labelsKey, labelBytes);
  }
  const manifest: DatasetManifest = {
    name,
    family: opts.family,
    kind: opts.kind,
    sha256: hash,
    height: train.height,
    width: train.width,
    channels: train.channels,
    classNames: train.classNames,
    labelBytes: labelBytesOf(train.classNames.length),
    splits,
    source: opts.source,
    ...(opts.recipe ? { recipe: opts.recipe } : {}),
    ...(opts.skipped ? { skipped: opts.skipped } : {}),
    createdAt: new Date().toISOString(),
  };
  await putJSON(store, keys.manifest(hash), manifest);
  if (opts.makeCurrent !== false) await putJSON(store, keys.current, { sha256: hash });
  return manifest;
}

export async function readManifest(
  store: ArtifactStore,
  name: string,
  hash?: string,
): Promise<DatasetManifest | undefined> {
  let h = hash;
  if (!h) {
    const ptr = datasetKeys(name).current;
    if (!(await store.exists(ptr))) return undefined;
    h = (await getJSON<{ sha256: string }>(store, ptr)).sha256;
  }
  const key = datasetKeys(name).manifest(h);
  return (await store.exists(key)) ? getJSON<DatasetManifest>(store, key) : undefined;
}

/** Reads one split of a stored dataset (the store verifies each object's sha256). */
export async function readSplit(
  store: ArtifactStore,
  manifest: DatasetManifest,
  split: Split,
): Promise<ImageSet> {
  const sm = manifest.splits[split];
  const [pixels, labelBuf] = await Promise.all([store.get(sm.imagesKey), store.get(sm.labelsKey)]);
  const labels = labelArray(sm.count, manifest.classNames.length);
  if (manifest.labelBytes === 2) for (let i = 0; i < sm.count; i++) labels[i] = labelBuf.readUInt16LE(2 * i);
  else labels.set(labelBuf.subarray(0, sm.count));
  const set: ImageSet = {
    images: new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
    labels,
    count: sm.count,
    height: manifest.height,
    width: manifest.width,
    channels: manifest.channels,
    classNames: manifest.classNames,
  };
  return checkImageSet(set, `stored dataset '${manifest.name}' ${split} split`);
}

/** Names of every dataset with a current version in the store. */
export async function storedDatasetNames(store: ArtifactStore): Promise<string[]> {
  const objs = await store.list(DATASETS_PREFIX);
  const names = new Set<string>();
  for (const o of objs) {
    const m = /^datasets\/([^/]+)\/current\.json$/.exec(o.key);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** Hash of a dataset recipe (its source and parameters, keys sorted): the name of its recipes/ pointer. */
export function datasetRecipeHash(recipe: Record<string, unknown>): string {
  return canonicalJsonHash(recipe);
}
