import assert from 'node:assert/strict';
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
  async (_store, key) => fs.writeFile(path.join(root, 'objects', key), 'tampered!'),
);

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
