/**
 * Datasets: the registry, offline and derived sources, user datasets, and the sampler.
 *
 * In memory a dataset split is an `ImageSet` (uint8 HWC pixels + labels, see types.ts).
 *
 *   loadDataset(store, name, split, opts?)   one split of a repository/derived/added dataset (materialises
 *                                            offline and derived ones into the store on first use)
 *   ensureDataset(store, name, opts?)        idempotently store a dataset; returns its DatasetManifest.
 *                                            opts.perClass/seed pick a smaller or larger derived version
 *   loadImageSource(store, pathOrName)       a folder/zip/IDX/CIFAR path read into memory WITHOUT registering,
 *                                            or a dataset name: what `similarity` and `recommend` accept
 *   addDataset(store, name, path, opts?)     ingest a user dataset and store it (kind 'registered')
 *   ingestPath(path, opts?)                  ingest without storing (returns the pair and skipped files)
 *   sampleImages(set, s = 512, seed = 0)     uniform seeded sample of s images; sampleIndices(n, s, seed)
 *   stratifiedSplit(set, fraction, seed)     seeded per-class train/test hold-out
 *   toChannels(set, 1 | 3)                   grayscale → RGB (or RGB → luma) for models that need it
 *   resizeSet(set, h, w)                     box/bilinear resize of every image
 *   registryEntries(), getEntry(name), availability(entry), offlineNames()
 *   fetchDataset(name, opts?) + storeFetched(store, entry, files)   official downloads (online only)
 *   storedDatasetNames(store), readManifest(store, name)
 *   loadEmojiSet(style)                      an emoji style (google/apple/twitter) with each image's code points
 *   parseIdx / imageSetFromIdx, parseCifarBinary, parseSvhnMat / parseMatV5, parseStl10: format readers
 */
export * from './types';
export { registryEntries, getEntry, findEntry, availability, offlineNames } from './registry';
export type { RegistryEntry, DownloadFile, Availability, DatasetFormat } from './registry';
export {
  loadDataset,
  ensureDataset,
  loadImageSource,
  type EnsureOptions,
  type LoadedSource,
} from './repository';
export { addDataset, ingestPath, type IngestOptions, type Ingested } from './ingest';
export { sampleImages, sampleIndices, stratifiedSplit, DEFAULT_SAMPLE_SIZE } from './sampler';
export { toChannels, resizeSet } from './transforms';
export {
  fetchDataset,
  fetchFiles,
  downloadFile,
  downloadDir,
  OfflineError,
  type FetchedFile,
  type FetchOptions,
} from './fetch';
export { storeFetched } from './convert';
export { storedDatasetNames, readManifest, readSplit, saveDataset, contentHash } from './store';
export type { DatasetManifest, DatasetKind, SkippedFile } from './store';
export { parseIdx, imageSetFromIdx, encodeIdx } from './idx';
export { parseCifarBinary, encodeCifarBinary } from './cifar';
export { parseSvhnMat, parseMatV5 } from './svhn-mat';
export { parseStl10 } from './stl10';
export { ZipRejectedError, DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip';
export { SeededRandom } from '../random';
export { loadEmojiSet, type EmojiSet, type EmojiStyle } from './emoji';
