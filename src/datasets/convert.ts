import { promises as fs } from 'node:fs';
import type { ArtifactStore } from '../../infra/store';
import { parseCifarBinary } from './cifar';
import type { FetchedFile } from './fetch';
import { gtsrbTest, gtsrbTrain } from './gtsrb';
import { imageSetFromIdx } from './idx';
import type { RegistryEntry } from './registry';
import { parseStl10 } from './stl10';
import { saveDataset, type DatasetManifest } from './store';
import { parseSvhnMat } from './svhn-mat';
import { readTarMembers } from './tar';
import { DatasetError, type SplitPair } from './types';
import { listZip } from './zip';

/** Converts a repository dataset's downloaded files into the store's uint8 tensors (kind 'fetched'). */
async function toPair(entry: RegistryEntry, files: FetchedFile[]): Promise<SplitPair> {
  const byRole = (role: string) => {
    const f = files.find((x) => x.role === role);
    if (!f) throw new DatasetError(`dataset '${entry.name}': the '${role}' download is missing`);
    return f.path;
  };
  const names = entry.classNames;
  const lines = (b: Buffer | undefined) =>
    b
      ?.toString('utf8')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter(Boolean);
  switch (entry.format) {
    case 'idx': {
      const read = (r: string) => fs.readFile(byRole(r));
      return {
        train: imageSetFromIdx(
          await read('train-images'),
          await read('train-labels'),
          names,
          `${entry.name} train`,
        ),
        test: imageSetFromIdx(
          await read('test-images'),
          await read('test-labels'),
          names,
          `${entry.name} test`,
        ),
      };
    }
    case 'svhn-mat':
      return {
        train: parseSvhnMat(await fs.readFile(byRole('train'))),
        test: parseSvhnMat(await fs.readFile(byRole('test'))),
      };
    case 'cifar10-binary': {
      const m = await readTarMembers(byRole('archive'), (n) =>
        /(data_batch_\d+|test_batch)\.bin$|batches\.meta\.txt$/.test(n),
      );
      const get = (re: RegExp) =>
        [...m.keys()]
          .filter((k) => re.test(k))
          .sort()
          .map((k) => m.get(k)!);
      const classNames = lines(get(/batches\.meta\.txt$/)[0]) ?? names;
      const o = { variant: 'cifar10' as const, classNames };
      return {
        train: parseCifarBinary(get(/data_batch_\d+\.bin$/), o),
        test: parseCifarBinary(get(/test_batch\.bin$/), o),
      };
    }
    case 'cifar100-binary': {
      const m = await readTarMembers(byRole('archive'), (n) =>
        /\/(train|test)\.bin$|fine_label_names\.txt$/.test(n),
      );
      const get = (re: RegExp) => [...m.keys()].filter((k) => re.test(k)).map((k) => m.get(k)!);
      const o = {
        variant: 'cifar100' as const,
        classNames: lines(get(/fine_label_names\.txt$/)[0]) ?? names,
      };
      return {
        train: parseCifarBinary(get(/\/train\.bin$/), o),
        test: parseCifarBinary(get(/\/test\.bin$/), o),
      };
    }
    case 'stl10-binary': {
      const m = await readTarMembers(byRole('archive'), (n) =>
        /(train|test)_[Xy]\.bin$|class_names\.txt$/.test(n),
      );
      const get = (suffix: string) => {
        const k = [...m.keys()].find((x) => x.endsWith(suffix));
        if (!k)
          throw new DatasetError(`${byRole('archive')}: no ${suffix} inside; the archive may be damaged`);
        return m.get(k)!;
      };
      const classNames = lines([...m.entries()].find(([k]) => k.endsWith('class_names.txt'))?.[1]) ?? names;
      return {
        train: parseStl10(get('train_X.bin'), get('train_y.bin'), classNames),
        test: parseStl10(get('test_X.bin'), get('test_y.bin'), classNames),
      };
    }
    case 'gtsrb-ppm-zip': {
      const zip = (role: string) => listZip(byRole(role));
      return {
        train: await gtsrbTrain(await zip('train'), names, entry.width),
        test: await gtsrbTest(await zip('test-images'), await zip('test-labels'), names, entry.width),
      };
    }
    default:
      throw new DatasetError(
        `dataset '${entry.name}': converting its ${entry.format} downloads is not implemented; the files are kept in ${files[0]?.path ?? 'the download folder'}`,
      );
  }
}

export async function storeFetched(
  store: ArtifactStore,
  entry: RegistryEntry,
  files: FetchedFile[],
): Promise<DatasetManifest> {
  const pair = await toPair(entry, files);
  return saveDataset(store, entry.name, pair, {
    family: entry.family,
    kind: 'fetched',
    source: entry.source,
    recipe: { files: files.map((f) => ({ url: f.url, sha256: f.sha256 })) },
  });
}
