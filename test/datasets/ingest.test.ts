import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { FileArtifactStore } from '../../infra/store';
import { encodeCifarBinary } from '../../src/datasets/cifar';
import { encodeIdx } from '../../src/datasets/idx';
import { addDataset, ingestPath } from '../../src/datasets/ingest';
import { loadImageSource, loadDataset } from '../../src/datasets/repository';
import { readManifest } from '../../src/datasets/store';
import { ZipRejectedError } from '../../src/datasets/zip';
import { makeZip, tempDir } from './helpers';

/** A w×h image of one colour (or gray level) in the given format, made by sharp. */
async function solid(
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'tiff',
  rgb: [number, number, number] | number,
  w = 40,
  h = 30,
) {
  const channels = typeof rgb === 'number' ? 1 : 3;
  const px = Buffer.alloc(w * h * channels, 0);
  for (let i = 0; i < w * h; i++) {
    if (typeof rgb === 'number') px[i] = rgb;
    else px.set(rgb, i * 3);
  }
  const img = sharp(px, { raw: { width: w, height: h, channels } });
  return (channels === 1 ? img.toColourspace('b-w') : img).toFormat(format).toBuffer();
}

function write(dir: string, rel: string, data: Buffer | string) {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), data);
}

/** red/ (png, jpg, webp) and blue/ (gif, tiff, png) plus a corrupt png, a .bmp, a stray root file. */
async function colourFolder(dir: string) {
  write(dir, 'red/a.png', await solid('png', [250, 10, 10]));
  write(dir, 'red/b.jpg', await solid('jpeg', [240, 20, 20]));
  write(dir, 'red/c.webp', await solid('webp', [230, 0, 0]));
  write(dir, 'blue/a.gif', await solid('gif', [0, 0, 250]));
  write(dir, 'blue/b.tiff', await solid('tiff', [10, 10, 240]));
  write(dir, 'blue/c.png', await solid('png', [0, 0, 200]));
  write(
    dir,
    'blue/broken.png',
    Buffer.concat([(await solid('png', [0, 0, 1])).subarray(0, 40), Buffer.from('garbage')]),
  );
  write(dir, 'blue/notes.bmp', Buffer.from('BM not really'));
  write(dir, 'README.txt', 'hello');
  write(dir, '.DS_Store', 'junk');
}

test('folder ingest: real png/jpg/webp/gif/tiff decoded and resized; bad files skipped with reasons', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await colourFolder(dir);
    const ing = await ingestPath(dir, { testFraction: 0.34, seed: 1 });
    const { train, test } = ing.pair;
    assert.equal(ing.format, 'image-folder');
    assert.deepEqual(train.classNames, ['blue', 'red']);
    assert.equal(train.count + test.count, 6);
    assert.equal(test.count, 2, 'one image of each class held out');
    assert.equal(train.height, 32);
    assert.equal(train.channels, 3);
    for (const set of [train, test]) {
      for (let n = 0; n < set.count; n++) {
        const px = set.images.subarray(n * 3072 + 3 * 100, n * 3072 + 3 * 100 + 3);
        const isRed = set.classNames[set.labels[n]] === 'red';
        assert.ok(
          isRed ? px[0] > 180 && px[2] < 60 : px[2] > 180 && px[0] < 60,
          `pixel ${[...px]} of a ${isRed ? 'red' : 'blue'} image`,
        );
      }
    }
    const reasons = Object.fromEntries(ing.skipped.map((s) => [s.file, s.reason]));
    assert.match(reasons['blue/broken.png'], /corrupt or undecodable/);
    assert.match(reasons['blue/notes.bmp'], /unsupported file type '\.bmp'/);
    assert.match(reasons['README.txt'], /not inside a class folder/);
    assert.equal(ing.skipped.length, 3, '.DS_Store is ignored silently');
  } finally {
    cleanup();
  }
});

test('folder ingest: grayscale stays 1-channel, train/ and test/ folders are honoured, size is configurable', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [split, n] of [
      ['train', 3],
      ['test', 1],
    ] as const) {
      for (let i = 0; i < n; i++) {
        write(dir, `${split}/dark/${i}.png`, await solid('png', 20 + i));
        write(dir, `${split}/light/${i}.jpg`, await solid('jpeg', 220 - i));
      }
    }
    write(dir, 'train/dark/g.gif', await solid('gif', 40)); // GIF has no gray mode: stored as R = G = B
    const { pair } = await ingestPath(dir, { height: 16, width: 24 });
    assert.equal(pair.train.count, 7);
    assert.equal(pair.test.count, 2);
    assert.equal(pair.train.channels, 1);
    assert.equal(pair.train.images.length, 7 * 16 * 24);
    assert.deepEqual([...pair.test.labels], [0, 1]);
    assert.ok(Math.abs(pair.test.images[5] - 20) <= 2 && Math.abs(pair.test.images[16 * 24 + 5] - 220) <= 3);
  } finally {
    cleanup();
  }
});

test('empty, all-corrupt and single-class datasets are refused with a clear error', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(path.join(dir, 'empty'));
    await assert.rejects(ingestPath(path.join(dir, 'empty')), /is empty/);
    write(dir, 'bad/x/a.png', 'not a png');
    write(dir, 'bad/y/b.png', 'not a png either');
    await assert.rejects(ingestPath(path.join(dir, 'bad')), /no usable images \(2 files skipped\)/);
    write(dir, 'one/cats/a.png', await solid('png', [1, 2, 3]));
    write(dir, 'one/cats/b.png', await solid('png', [3, 2, 1]));
    await assert.rejects(ingestPath(path.join(dir, 'one')), /all images are in one class \('cats'\)/);
    await assert.rejects(ingestPath(path.join(dir, 'missing')), /no such file or folder/);
  } finally {
    cleanup();
  }
});

test('zip ingest: same result as the folder; wrapping folder stripped', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const red = await solid('png', [250, 0, 0]);
    const blue = await solid('jpeg', [0, 0, 250]);
    const zip = makeZip([
      { name: 'mydata/red/1.png', data: red },
      { name: 'mydata/red/2.png', data: red },
      { name: 'mydata/blue/1.jpg', data: blue, store: true },
      { name: 'mydata/blue/2.jpg', data: blue },
      { name: '__MACOSX/mydata/._1.png', data: Buffer.from('x') },
    ]);
    writeFileSync(path.join(dir, 'd.zip'), zip);
    const ing = await ingestPath(path.join(dir, 'd.zip'), { testFraction: 0.5 });
    assert.deepEqual(ing.pair.train.classNames, ['blue', 'red']);
    assert.equal(ing.pair.train.count + ing.pair.test.count, 4);
    assert.equal(ing.skipped.length, 0);
  } finally {
    cleanup();
  }
});

test('zip-slip names and decompression bombs reject the whole archive', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const png = await solid('png', [9, 9, 9]);
    for (const evil of ['../evil/a.png', 'a/../../b.png', '/etc/c.png', 'C:/d.png', 'x\\..\\e.png']) {
      const file = path.join(dir, 'slip.zip');
      writeFileSync(
        file,
        makeZip([
          { name: 'ok/a.png', data: png },
          { name: evil, data: png },
        ]),
      );
      await assert.rejects(
        ingestPath(file),
        (e: Error) => e instanceof ZipRejectedError && /zip-slip/.test(e.message),
        evil,
      );
    }
    const bomb = path.join(dir, 'bomb.zip');
    writeFileSync(
      bomb,
      makeZip([
        { name: 'a/zeros.png', data: Buffer.alloc(8 * 2 ** 20) },
        { name: 'b/x.png', data: png },
      ]),
    );
    await assert.rejects(ingestPath(bomb), /compresses \d+:1, a likely decompression bomb/);
    const many = path.join(dir, 'many.zip');
    writeFileSync(
      many,
      makeZip([
        { name: 'a/1.png', data: png },
        { name: 'b/2.png', data: png },
      ]),
    );
    const limits = { maxEntries: 100, maxEntryBytes: 2 ** 20, maxTotalBytes: png.length + 10, maxRatio: 100 };
    await assert.rejects(ingestPath(many, { zipLimits: limits }), /would inflate to more than/);
    await assert.rejects(
      ingestPath(many, { zipLimits: { ...limits, maxTotalBytes: 2 ** 20, maxEntryBytes: 10 } }),
      /would inflate to \d+ bytes/,
    );
    writeFileSync(path.join(dir, 'junk.zip'), 'PK not a zip');
    await assert.rejects(ingestPath(path.join(dir, 'junk.zip')), /not a readable zip archive/);
  } finally {
    cleanup();
  }
});

test('IDX and CIFAR-binary files ingest and are resized to the target size', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const px = Buffer.alloc(4 * 28 * 28, 128);
    write(dir, 'idx/train-images-idx3-ubyte', encodeIdx([4, 28, 28], px));
    write(dir, 'idx/train-labels-idx1-ubyte', encodeIdx([4], Buffer.from([0, 1, 0, 1])));
    write(dir, 'idx/t10k-images-idx3-ubyte', encodeIdx([2, 28, 28], px.subarray(0, 2 * 784)));
    write(dir, 'idx/t10k-labels-idx1-ubyte', encodeIdx([2], Buffer.from([1, 0])));
    const idx = await ingestPath(path.join(dir, 'idx'));
    assert.equal(idx.format, 'idx');
    assert.equal(idx.pair.train.count, 4);
    assert.equal(idx.pair.test.count, 2);
    assert.equal(idx.pair.train.width, 32);
    assert.ok(idx.pair.train.images.every((v) => v === 128));
    const set = {
      images: new Uint8Array(6 * 3072).map((_, i) => i % 251),
      labels: Uint8Array.from([0, 1, 2, 0, 1, 2]),
      count: 6,
      height: 32,
      width: 32,
      channels: 3,
      classNames: ['a', 'b', 'c'],
    };
    write(dir, 'cifar/data_batch_1.bin', encodeCifarBinary(set, 'cifar10'));
    write(dir, 'cifar/batches.meta.txt', 'plane\ncar\nbird\n');
    const c = await ingestPath(path.join(dir, 'cifar'), { testFraction: 0.34 });
    assert.equal(c.format, 'cifar10-binary');
    assert.deepEqual(c.pair.train.classNames.slice(0, 3), ['plane', 'car', 'bird']);
    assert.equal(c.pair.train.count + c.pair.test.count, 6);
    assert.equal(c.pair.test.count, 3, 'hold-out of one image per class');
  } finally {
    cleanup();
  }
});

test('addDataset stores tensors + manifest; loadImageSource reads a folder without registering it', async () => {
  const { dir, cleanup } = tempDir();
  try {
    await colourFolder(path.join(dir, 'src'));
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const before = await loadImageSource(store, path.join(dir, 'src'));
    assert.equal(before.fromPath, true);
    assert.equal(before.skipped, 3);
    assert.equal((await store.list('datasets/')).length, 0, 'nothing registered');
    const m = await addDataset(store, 'my-colours', path.join(dir, 'src'));
    assert.equal(m.kind, 'registered');
    assert.equal(m.splits.train.count + m.splits.test.count, 6);
    assert.deepEqual(m.classNames, ['blue', 'red']);
    assert.equal(m.skipped?.length, 3);
    assert.equal((await readManifest(store, 'my-colours'))?.sha256, m.sha256);
    const train = await loadDataset(store, 'my-colours', 'train');
    assert.deepEqual([...train.images], [...before.pair.train.images]);
    const byName = await loadImageSource(store, 'my-colours');
    assert.equal(byName.fromPath, false);
    assert.equal(byName.family, 'user');
    const again = await addDataset(store, 'my-colours', path.join(dir, 'src'));
    assert.equal(again.sha256, m.sha256, 'same content, same key');
    await assert.rejects(addDataset(store, 'mnist', path.join(dir, 'src')), /repository dataset/);
    await assert.rejects(addDataset(store, 'Bad Name', path.join(dir, 'src')), /invalid dataset name/);
  } finally {
    cleanup();
  }
});
