import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ArtifactStore } from '../../infra/store';
import { parseCifarBinary } from './cifar';
import { DEFAULT_IMAGE_FOLDER_OPTIONS, ingestImageFolder, type ImageFolderOptions } from './folder';
import { imageSetFromIdx } from './idx';
import { findEntry } from './registry';
import { listFolder, type SourceFile } from './sources';
import { saveDataset, type DatasetManifest, type SkippedFile } from './store';
import { resizeSet } from './transforms';
import { stratifiedSplit } from './sampler';
import { DatasetError, type SplitPair } from './types';
import { DEFAULT_ZIP_LIMITS, listZip, type ZipLimits } from './zip';

/** Turns a user's folder, zip, IDX or CIFAR-binary files into a train/test pair (nothing is stored here). */
export interface IngestOptions extends Partial<ImageFolderOptions> {
  zipLimits?: ZipLimits;
}

export type IngestFormat = 'image-folder' | 'idx' | 'cifar10-binary' | 'cifar100-binary';

export interface Ingested {
  pair: SplitPair;
  skipped: SkippedFile[];
  format: IngestFormat;
  source: string;
}

const base = (f: SourceFile) => f.path.split('/').pop()!.toLowerCase();
const IDX_RE = /idx[13]-ubyte(\.gz)?$|\.idx[13](\.gz)?$/;

async function ingestIdx(
  files: SourceFile[],
  source: string,
  opts: typeof DEFAULT_IMAGE_FOLDER_OPTIONS,
): Promise<SplitPair> {
  const idx = files.filter((f) => IDX_RE.test(base(f)));
  const find = (kind: RegExp, split: RegExp) => idx.find((f) => kind.test(base(f)) && split.test(base(f)));
  const trainImages = find(/idx3/, /train/);
  const trainLabels = find(/idx1/, /train/);
  if (!trainImages || !trainLabels) {
    throw new DatasetError(
      `${source}: IDX files found but no train images/labels pair (names like train-images-idx3-ubyte and train-labels-idx1-ubyte)`,
    );
  }
  const train = imageSetFromIdx(
    await trainImages.read(),
    await trainLabels.read(),
    undefined,
    `${source} train`,
  );
  const testImages = find(/idx3/, /t10k|test/);
  const testLabels = find(/idx1/, /t10k|test/);
  let pair: SplitPair;
  if (testImages && testLabels) {
    const test = imageSetFromIdx(
      await testImages.read(),
      await testLabels.read(),
      undefined,
      `${source} test`,
    );
    const n = Math.max(train.classNames.length, test.classNames.length);
    const names = Array.from({ length: n }, (_, i) => String(i));
    pair = { train: { ...train, classNames: names }, test: { ...test, classNames: names } };
  } else pair = stratifiedSplit(train, opts.testFraction, opts.seed);
  return pair;
}

async function ingestCifar(
  files: SourceFile[],
  source: string,
  opts: typeof DEFAULT_IMAGE_FOLDER_OPTIONS,
): Promise<{ pair: SplitPair; format: IngestFormat }> {
  const bins = files.filter((f) => base(f).endsWith('.bin'));
  const c10train = bins.filter((f) => /^data_batch_\d+\.bin$/.test(base(f)));
  const c10test = bins.filter((f) => base(f) === 'test_batch.bin');
  const namesFrom = async (file: string) => {
    const f = files.find((x) => base(x) === file);
    return f
      ? (await f.read())
          .toString('utf8')
          .split(/\r?\n/)
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  };
  const read = (fs: SourceFile[]) => Promise.all(fs.map((f) => f.read()));
  if (c10train.length > 0) {
    const classNames = await namesFrom('batches.meta.txt');
    const o = { variant: 'cifar10' as const, classNames };
    const train = parseCifarBinary(await read(c10train), o, `${source} train`);
    const pair = c10test.length
      ? { train, test: parseCifarBinary(await read(c10test), o, `${source} test`) }
      : stratifiedSplit(train, opts.testFraction, opts.seed);
    return { pair, format: 'cifar10-binary' };
  }
  const train100 = bins.find((f) => base(f) === 'train.bin');
  if (!train100)
    throw new DatasetError(
      `${source}: .bin files found but none named data_batch_N.bin (CIFAR-10) or train.bin (CIFAR-100)`,
    );
  const o = { variant: 'cifar100' as const, classNames: await namesFrom('fine_label_names.txt') };
  const train = parseCifarBinary([await train100.read()], o, `${source} train`);
  const test100 = bins.find((f) => base(f) === 'test.bin');
  const pair = test100
    ? { train, test: parseCifarBinary([await test100.read()], o, `${source} test`) }
    : stratifiedSplit(train, opts.testFraction, opts.seed);
  return { pair, format: 'cifar100-binary' };
}

/** Reads a folder or .zip (class sub-folders of images, IDX files or CIFAR binaries) into memory. */
export async function ingestPath(source: string, options: IngestOptions = {}): Promise<Ingested> {
  const opts = { ...DEFAULT_IMAGE_FOLDER_OPTIONS, ...options };
  let stat;
  try {
    stat = await fs.stat(source);
  } catch {
    throw new DatasetError(
      `${source}: no such file or folder; give a folder of class sub-folders or a .zip of one`,
    );
  }
  let files: SourceFile[];
  if (stat.isDirectory()) files = await listFolder(source);
  else if (source.toLowerCase().endsWith('.zip'))
    files = await listZip(source, options.zipLimits ?? DEFAULT_ZIP_LIMITS);
  else if (IDX_RE.test(path.basename(source).toLowerCase()) || source.endsWith('.bin'))
    files = await listFolder(path.dirname(source));
  else
    throw new DatasetError(
      `${source}: unsupported; give a folder of class sub-folders, a .zip of one, or IDX/CIFAR-binary files`,
    );
  if (files.length === 0)
    throw new DatasetError(`${source}: is empty; expected class sub-folders like <path>/<class>/<image>.png`);
  const size = (s: SplitPair) => ({
    train: resizeSet(s.train, opts.height, opts.width),
    test: resizeSet(s.test, opts.height, opts.width),
  });
  const refuseSingle = (pair: SplitPair) => {
    const present = new Set(pair.train.labels);
    if (present.size < 2)
      throw new DatasetError(
        `${source}: the training images are all of one class; a dataset needs at least two`,
      );
    return pair;
  };
  if (files.some((f) => IDX_RE.test(base(f)))) {
    return {
      pair: refuseSingle(size(await ingestIdx(files, source, opts))),
      skipped: [],
      format: 'idx',
      source,
    };
  }
  if (files.some((f) => /^(data_batch_\d+|test_batch|train|test)\.bin$/.test(base(f)))) {
    const { pair, format } = await ingestCifar(files, source, opts);
    return { pair: refuseSingle(size(pair)), skipped: [], format, source };
  }
  const { pair, skipped } = await ingestImageFolder(files, opts, source);
  return { pair, skipped, format: 'image-folder', source };
}

export const USER_DATASET_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Ingests a user's dataset and stores it under datasets/<name>/ (kind 'registered'). */
export async function addDataset(
  store: ArtifactStore,
  name: string,
  source: string,
  options: IngestOptions = {},
): Promise<DatasetManifest> {
  if (!USER_DATASET_NAME.test(name)) {
    throw new DatasetError(
      `invalid dataset name '${name}': use lower-case letters, digits, '.', '_' or '-' (at most 64)`,
    );
  }
  if (findEntry(name))
    throw new DatasetError(`'${name}' is a repository dataset; choose another name for your dataset`);
  const ing = await ingestPath(source, options);
  return saveDataset(store, name, ing.pair, {
    family: 'user',
    kind: 'registered',
    source: `${ing.format}: ${path.resolve(source)}`,
    recipe: { format: ing.format, height: ing.pair.train.height, width: ing.pair.train.width },
    skipped: ing.skipped,
  });
}
