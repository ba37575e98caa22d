import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileArtifactStore } from '../../infra/store';
import { encodeCifarBinary } from '../../src/datasets/cifar';
import { storeFetched } from '../../src/datasets/convert';
import type { FetchedFile } from '../../src/datasets/fetch';
import { encodeIdx } from '../../src/datasets/idx';
import { getEntry } from '../../src/datasets/registry';
import { readSplit } from '../../src/datasets/store';
import { makeTar, makeZip, tempDir } from './helpers';

const FIX = path.join(__dirname, '..', 'fixtures', 'datasets');

function fetched(dir: string, role: string, name: string, data: Buffer): FetchedFile {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return {
    role,
    url: `https://example.invalid/${name}`,
    path: p,
    size: data.length,
    sha256: '0'.repeat(64),
    check: 'verified',
    resumedFrom: 0,
  };
}

test('downloaded CIFAR-10 archive (tar.gz of batches) is converted into the store', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const mk = (count: number, offset: number) => ({
      images: Uint8Array.from({ length: count * 3072 }, (_, i) => (i + offset) % 256),
      labels: Uint8Array.from({ length: count }, (_, i) => (i + offset) % 10),
      count,
      height: 32,
      width: 32,
      channels: 3,
      classNames: [] as string[],
    });
    const tar = makeTar([
      {
        name: 'cifar-10-batches-bin/batches.meta.txt',
        data: Buffer.from('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n'),
      },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', data: encodeCifarBinary(mk(3, 7), 'cifar10') },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', data: encodeCifarBinary(mk(2, 1), 'cifar10') },
      { name: 'cifar-10-batches-bin/test_batch.bin', data: encodeCifarBinary(mk(4, 3), 'cifar10') },
    ]);
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const m = await storeFetched(store, getEntry('cifar-10'), [
      fetched(dir, 'archive', 'c.tar.gz', gzipSync(tar)),
    ]);
    assert.equal(m.kind, 'fetched');
    assert.equal(m.splits.train.count, 5);
    assert.equal(m.splits.test.count, 4);
    const train = await readSplit(store, m, 'train');
    assert.deepEqual([...train.labels], [1, 2, 7, 8, 9], 'batches in name order');
    assert.equal(train.classNames[1], 'automobile');
  } finally {
    cleanup();
  }
});

test('downloaded SVHN .mat files and gzipped IDX files are converted', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const mat = readFileSync(path.join(FIX, 'svhn-like-compressed.mat'));
    const svhn = await storeFetched(store, getEntry('svhn'), [
      fetched(dir, 'train', 'a.mat', mat),
      fetched(dir, 'test', 'b.mat', mat),
    ]);
    assert.equal(svhn.splits.train.count, 3);
    assert.equal(svhn.height, 4);
    const px = Buffer.alloc(2 * 28 * 28, 9);
    const idx = await storeFetched(store, getEntry('fashion-mnist'), [
      fetched(dir, 'train-images', 'ti.gz', gzipSync(encodeIdx([2, 28, 28], px))),
      fetched(dir, 'train-labels', 'tl.gz', gzipSync(encodeIdx([2], Buffer.from([9, 0])))),
      fetched(dir, 'test-images', 'si.gz', gzipSync(encodeIdx([1, 28, 28], px.subarray(0, 784)))),
      fetched(dir, 'test-labels', 'sl.gz', gzipSync(encodeIdx([1], Buffer.from([3])))),
    ]);
    assert.equal(idx.classNames[9], 'ankle boot');
    assert.deepEqual(idx.splits.train.classCounts, [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  } finally {
    cleanup();
  }
});

/** A binary PPM (P6) of one colour, with a header comment as GTSRB's files may have. */
function ppm(w: number, h: number, rgb: number[]): Buffer {
  const px = Buffer.alloc(w * h * 3);
  for (let i = 0; i < w * h; i++) px.set(rgb, 3 * i);
  return Buffer.concat([Buffer.from(`P6\n# made by a test\n${w} ${h}\n255\n`, 'latin1'), px]);
}

test('downloaded GTSRB archives (PPM images in zips + GT csv) are converted and resized to 32×32', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const train = makeZip([
      { name: 'GTSRB/Final_Training/Images/00000/00000_00000.ppm', data: ppm(40, 45, [200, 0, 0]) },
      { name: 'GTSRB/Final_Training/Images/00000/GT-00000.csv', data: Buffer.from('Filename;ClassId\n') },
      { name: 'GTSRB/Final_Training/Images/00042/00000_00001.ppm', data: ppm(30, 28, [0, 0, 200]) },
    ]);
    const testImages = makeZip([
      { name: 'GTSRB/Final_Test/Images/00000.ppm', data: ppm(50, 50, [0, 200, 0]) },
      { name: 'GTSRB/Final_Test/Images/00001.ppm', data: ppm(33, 31, [9, 9, 9]) },
    ]);
    const gt = makeZip([
      {
        name: 'GT-final_test.csv',
        data: Buffer.from(
          'Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n00000.ppm;50;50;5;5;45;45;17\n00001.ppm;33;31;5;5;28;26;3\n',
        ),
      },
    ]);
    const m = await storeFetched(store, getEntry('gtsrb'), [
      fetched(dir, 'train', 'train.zip', train),
      fetched(dir, 'test-images', 'test.zip', testImages),
      fetched(dir, 'test-labels', 'gt.zip', gt),
    ]);
    assert.equal(m.height, 32);
    const tr = await readSplit(store, m, 'train');
    assert.deepEqual([...tr.labels], [0, 42]);
    assert.deepEqual([...tr.images.subarray(0, 3)], [200, 0, 0]);
    const te = await readSplit(store, m, 'test');
    assert.deepEqual([...te.labels], [17, 3]);
    assert.deepEqual([...te.images.subarray(3072 + 600, 3072 + 603)], [9, 9, 9]);
  } finally {
    cleanup();
  }
});

test('downloaded STL-10 archive (tar.gz, unlabelled pool skipped) is converted', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const image = (v: number) => Buffer.alloc(96 * 96 * 3, v);
    const tar = makeTar([
      {
        name: 'stl10_binary/class_names.txt',
        data: Buffer.from('airplane\nbird\ncar\ncat\ndeer\ndog\nhorse\nmonkey\nship\ntruck\n'),
      },
      { name: 'stl10_binary/train_X.bin', data: Buffer.concat([image(1), image(2)]) },
      { name: 'stl10_binary/train_y.bin', data: Buffer.from([1, 8]) },
      { name: 'stl10_binary/test_X.bin', data: image(3) },
      { name: 'stl10_binary/test_y.bin', data: Buffer.from([10]) },
      { name: 'stl10_binary/unlabeled_X.bin', data: image(4) },
    ]);
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const m = await storeFetched(store, getEntry('stl-10'), [
      fetched(dir, 'archive', 's.tar.gz', gzipSync(tar)),
    ]);
    assert.deepEqual([m.height, m.splits.train.count, m.splits.test.count], [96, 2, 1]);
    const tr = await readSplit(store, m, 'train');
    assert.deepEqual([...tr.labels], [0, 7]);
    assert.equal(tr.classNames[7], 'monkey');
    assert.equal(tr.images[96 * 96 * 3], 2);
  } finally {
    cleanup();
  }
});
