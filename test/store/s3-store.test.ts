import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { openStore, StoreError, type ArtifactStore } from '../../infra/store';
import { S3ArtifactStore } from '../../infra/store/s3-store';
import { freePort, startS3Server, useS3Credentials, type S3Server } from '../helpers/services';
import { storeSuite } from './store-suite';

let s3: S3Server;
before(async () => {
  s3 = await startS3Server();
  useS3Credentials(s3);
});
after(async () => s3?.stop());

const open = (): ArtifactStore => openStore({ url: `s3://${s3.bucket}/suite`, s3Endpoint: s3.endpoint });

storeSuite('s3 store (versitygw)', open, async (store, key) => {
  const s = store as S3ArtifactStore;
  const recorded = (await s.head(key))!.sha256;
  await s.client.send(
    new PutObjectCommand({
      Bucket: s.bucket,
      Key: `${s.prefix}/${key}`,
      Body: 'tampered!',
      Metadata: { sha256: recorded },
    }),
  );
});

test('s3 store: missing bucket is named', async () => {
  const store = openStore({ url: 's3://no-such-bucket-here/x', s3Endpoint: s3.endpoint });
  await assert.rejects(
    store.put('k', 'v'),
    (e: unknown) =>
      e instanceof StoreError && e.code === 'no-bucket' && /no-such-bucket-here/.test(e.message),
  );
});

test('s3 store: wrong credentials are named', async () => {
  const store = new S3ArtifactStore(s3.bucket, 'x', { endpoint: s3.endpoint, maxAttempts: 1 });
  const saved = process.env.AWS_SECRET_ACCESS_KEY;
  process.env.AWS_SECRET_ACCESS_KEY = 'wrong-secret';
  try {
    const fresh = new S3ArtifactStore(s3.bucket, 'x', { endpoint: s3.endpoint, maxAttempts: 1 });
    await assert.rejects(
      fresh.put('k', 'v'),
      (e: unknown) => e instanceof StoreError && e.code === 'access-denied' && /credentials/.test(e.message),
    );
  } finally {
    process.env.AWS_SECRET_ACCESS_KEY = saved;
  }
  await store.put('k', 'v');
});

test('s3 store: endpoint down is named, after bounded retries', async () => {
  const port = await freePort();
  const store = new S3ArtifactStore(s3.bucket, 'x', { endpoint: `http://127.0.0.1:${port}`, maxAttempts: 2 });
  await assert.rejects(
    store.put('k', 'v'),
    (e: unknown) => e instanceof StoreError && e.code === 'unreachable' && e.message.includes(String(port)),
  );
});
