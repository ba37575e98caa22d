import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileArtifactStore, openStore, StoreError } from '../../infra/store';
import { storeSuite } from './store-suite';

const root = mkdtempSync(path.join(os.tmpdir(), 'dlrec-filestore-'));

storeSuite(
  'file store',
  () => new FileArtifactStore(root),
  async (_store, key) => {
    const { sha256 } = JSON.parse(await fs.readFile(path.join(root, 'meta', `${key}.json`), 'utf8'));
    await fs.writeFile(path.join(root, 'blobs', `${key}@${sha256}`), 'tampered!');
  },
);

test('file store: an overwrite killed before its commit leaves the old version readable, then replaces it', async () => {
  const store = new FileArtifactStore(root);
  await store.put('crash/checkpoint.json', 'epoch 1');
  // What a kill between the blob's rename and the meta's leaves: the new blob beside the old, the old meta.
  const newer = createHash('sha256').update('epoch 2').digest('hex');
  await fs.writeFile(path.join(root, 'blobs', `crash/checkpoint.json@${newer}`), 'epoch 2');
  assert.equal((await store.get('crash/checkpoint.json')).toString(), 'epoch 1');
  await store.put('crash/checkpoint.json', 'epoch 3');
  assert.equal((await store.get('crash/checkpoint.json')).toString(), 'epoch 3');
  const left = await fs.readdir(path.join(root, 'blobs', 'crash'));
  assert.ok(
    !left.some((f) => f.includes(createHash('sha256').update('epoch 1').digest('hex'))),
    'old blob removed',
  );
});

test('file store: a store written with the old layout (objects/<key>) still reads, and a put moves the key', async () => {
  const store = new FileArtifactStore(root);
  const sha256 = createHash('sha256').update('legacy').digest('hex');
  await fs.mkdir(path.join(root, 'objects', 'old'), { recursive: true });
  await fs.mkdir(path.join(root, 'meta', 'old'), { recursive: true });
  await fs.writeFile(path.join(root, 'objects', 'old', 'a.txt'), 'legacy');
  await fs.writeFile(path.join(root, 'meta', 'old', 'a.txt.json'), JSON.stringify({ sha256, size: 6 }));
  assert.equal((await store.get('old/a.txt')).toString(), 'legacy');
  await store.put('old/a.txt', 'new');
  assert.equal((await store.get('old/a.txt')).toString(), 'new');
  await assert.rejects(fs.access(path.join(root, 'objects', 'old', 'a.txt')));
  await store.delete('old/a.txt');
  assert.equal(await store.exists('old/a.txt'), false);
});

test('file store: an object without its meta (a crash mid-write) does not exist', async () => {
  const store = new FileArtifactStore(root);
  await fs.mkdir(path.join(root, 'objects', 'half'), { recursive: true });
  await fs.writeFile(path.join(root, 'objects', 'half', 'written.bin'), 'partial');
  assert.equal(await store.exists('half/written.bin'), false);
  await store.put('half/written.bin', 'complete');
  assert.equal((await store.get('half/written.bin')).toString(), 'complete');
});

test('openStore picks the backend from the URL', () => {
  assert.ok(openStore({ url: 'file://' + root }) instanceof FileArtifactStore);
  assert.equal(openStore({ url: root }).url, 'file://' + root);
  assert.equal(openStore({ url: 's3://bucket/some/prefix/' }).url, 's3://bucket/some/prefix');
  assert.throws(
    () => openStore({ url: 'gs://x/y' }),
    (e: unknown) => e instanceof StoreError && e.code === 'bad-url',
  );
  assert.throws(
    () => openStore({ url: 's3:///nobucket' }),
    (e: unknown) => e instanceof StoreError && e.code === 'bad-url',
  );
});
