import { existsSync } from 'node:fs';
import path from 'node:path';
import { getJSON, putJSON, type ArtifactStore } from '../../infra/store';
import { datasetKeys } from '../store-layout';
import { derivedGenerator, type PerClass } from './derived';
import { emojiEnvironment, loadEmojiOffline } from './emoji';
import { ingestPath, type IngestOptions } from './ingest';
import { loadFashionMnistOffline, loadMnistOffline, packageDir } from './offline';
import { availability, findEntry, offlineNames, type RegistryEntry } from './registry';
import {
  readManifest,
  readSplit,
  datasetRecipeHash,
  saveDataset,
  type DatasetManifest,
  type SkippedFile,
} from './store';
import { DatasetError, type ImageSet, type Split, type SplitPair } from './types';

/** Options that pick a version of a derived dataset: the build profiles use small (smoke) and larger (mini) ones. */
export interface EnsureOptions {
  perClass?: PerClass;
  seed?: number;
}

/** Bumped when an offline loader's output changes, so stored versions are rebuilt. */
const OFFLINE_LOADER_VERSION = 1;

function packageVersion(pkg: string): string {
  return (require(path.join(packageDir(pkg), 'package.json')) as { version: string }).version;
}

function recipeFor(entry: RegistryEntry, opts: EnsureOptions): Record<string, unknown> | undefined {
  if (entry.derived) {
    const gen = derivedGenerator(entry.derived.generator);
    return {
      generator: gen.name,
      version: gen.version,
      perClass: opts.perClass ?? entry.derived.perClass,
      seed: opts.seed ?? entry.derived.seed,
      environment: gen.environment(),
    };
  }
  if (entry.offline)
    return {
      package: entry.offline.package,
      version: packageVersion(entry.offline.package),
      loader: OFFLINE_LOADER_VERSION,
      ...(entry.format === 'emoji-png' ? { environment: emojiEnvironment() } : {}),
    };
  return undefined;
}

async function build(entry: RegistryEntry, recipe: Record<string, unknown>): Promise<SplitPair> {
  if (entry.derived)
    return derivedGenerator(entry.derived.generator).generate(
      recipe.perClass as PerClass,
      recipe.seed as number,
    );
  if (entry.name === 'mnist') return loadMnistOffline();
  if (entry.name === 'fashion-mnist') return loadFashionMnistOffline();
  if (entry.format === 'emoji-png' && entry.offline) return loadEmojiOffline(entry.offline.package);
  throw new DatasetError(`no offline loader for '${entry.name}'`);
}

function notAvailable(name: string): DatasetError {
  return new DatasetError(
    `dataset '${name}' is not in the store: run 'dlrec datasets fetch ${name}' (needs internet), or use an offline dataset (${offlineNames().join(', ')})`,
  );
}

/**
 * Makes sure a dataset is in the store and returns its manifest. Offline and derived datasets are built on
 * first use and found again by their recipe (source, parameters, versions) afterwards; downloaded and user
 * datasets must have been stored by `datasets fetch` / `datasets add`.
 */
export async function ensureDataset(
  store: ArtifactStore,
  name: string,
  opts: EnsureOptions = {},
): Promise<DatasetManifest> {
  const entry = findEntry(name);
  if (!entry) {
    const m = await readManifest(store, name);
    if (!m)
      throw new DatasetError(
        `unknown dataset '${name}': not in the registry and not added; see 'dlrec datasets list'`,
      );
    return m;
  }
  // A version fetched from a mirror (src/datasets/mirror.ts, activities/datasets.ts) replaces the offline copy.
  if (!opts.perClass && opts.seed === undefined) {
    const current = await readManifest(store, name);
    if (current?.kind === 'fetched') return current;
  }
  const recipe = recipeFor(entry, opts);
  if (!recipe) {
    if (opts.perClass)
      throw new DatasetError(`dataset '${name}' has no recipe; perClass applies to derived datasets only`);
    const m = await readManifest(store, name);
    if (!m) throw notAvailable(name);
    return m;
  }
  const pointer = datasetKeys(name).recipe(datasetRecipeHash(recipe));
  if (await store.exists(pointer)) {
    const m = await readManifest(store, name, (await getJSON<{ sha256: string }>(store, pointer)).sha256);
    if (m) return m;
  }
  const pair = await build(entry, recipe);
  const isDefault = !opts.perClass && opts.seed === undefined;
  const manifest = await saveDataset(store, name, pair, {
    family: entry.family,
    kind: availability(entry) === 'derived' ? 'derived' : 'offline',
    source: entry.source,
    recipe,
    makeCurrent: isDefault,
  });
  await putJSON(store, pointer, { sha256: manifest.sha256 });
  return manifest;
}

/** One split of a dataset, materialising it first when it is offline or derived. */
export async function loadDataset(
  store: ArtifactStore,
  name: string,
  split: Split,
  opts: EnsureOptions = {},
): Promise<ImageSet> {
  return readSplit(store, await ensureDataset(store, name, opts), split);
}

export interface LoadedSource {
  /** The dataset's name, or the path it was read from. */
  name: string;
  family: string;
  pair: SplitPair;
  /** Whether it came from a folder or zip (not registered) rather than the store. */
  fromPath: boolean;
  skipped: number;
  /** The files behind `skipped`, each with its reason (a dataset name: those its ingestion recorded). */
  skippedFiles: SkippedFile[];
}

/**
 * A folder, zip or IDX/CIFAR path read straight into memory WITHOUT registering it, or else a dataset name
 * (repository or added). This is what `dlrec similarity` and `dlrec recommend` take.
 */
export async function loadImageSource(
  store: ArtifactStore,
  ref: string,
  opts: IngestOptions = {},
): Promise<LoadedSource> {
  const looksLikePath = ref.includes('/') || ref.includes(path.sep) || ref.toLowerCase().endsWith('.zip');
  if (existsSync(ref) && (looksLikePath || !findEntry(ref))) {
    const { pair, skipped } = await ingestPath(ref, opts);
    return {
      name: ref,
      family: 'unknown',
      pair,
      fromPath: true,
      skipped: skipped.length,
      skippedFiles: skipped,
    };
  }
  if (looksLikePath) throw new DatasetError(`${ref}: no such file or folder`);
  const m = await ensureDataset(store, ref);
  const [train, test] = await Promise.all([readSplit(store, m, 'train'), readSplit(store, m, 'test')]);
  return {
    name: ref,
    family: m.family,
    pair: { train, test },
    fromPath: false,
    skipped: m.skipped?.length ?? 0,
    skippedFiles: m.skipped ?? [],
  };
}
