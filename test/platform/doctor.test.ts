import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli';
import {
  freePort,
  startS3Server,
  startTemporalServer,
  type S3Server,
  type TemporalDevServer,
} from '../helpers/services';

let temporal: TemporalDevServer;
let s3: S3Server;
before(async () => {
  [temporal, s3] = await Promise.all([startTemporalServer(), startS3Server()]);
});
after(async () => {
  await temporal?.stop();
  await s3?.stop();
});

const home = () => mkdtempSync(path.join(os.tmpdir(), 'dlrec-doctor-'));

test('doctor --json: external Temporal + file store → ok', async () => {
  const r = await runCli(['doctor', '--json'], { TEMPORAL_ADDRESS: temporal.address, DLREC_HOME: home() });
  const doc = r.json<{
    ok: boolean;
    temporal: { ok: boolean; address: string };
    store: { ok: boolean; url: string };
  }>();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(doc.ok, true);
  assert.equal(doc.temporal.address, temporal.address);
  assert.match(doc.store.url, /^file:\/\//);
  assert.equal(doc.store.ok, true);
});

test('doctor --json: S3 store on versitygw → ok', async () => {
  const r = await runCli(['doctor', '--json', '--s3-endpoint', s3.endpoint], {
    TEMPORAL_ADDRESS: temporal.address,
    DLREC_HOME: home(),
    DLREC_STORE: `s3://${s3.bucket}/doctor`,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  });
  const doc = r.json<{ ok: boolean; store: { ok: boolean; url: string } }>();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(doc.store.url, `s3://${s3.bucket}/doctor`);
  assert.equal(doc.ok, true);
});

test('doctor: wrong S3 credentials → exit 1 naming the credentials', async () => {
  const r = await runCli(['doctor', '--json', '--s3-endpoint', s3.endpoint], {
    TEMPORAL_ADDRESS: temporal.address,
    DLREC_HOME: home(),
    DLREC_STORE: `s3://${s3.bucket}/doctor`,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'not-the-secret',
  });
  const doc = r.json<{ ok: boolean; failures: string[] }>();
  assert.equal(r.code, 1);
  assert.equal(doc.ok, false);
  assert.ok(
    doc.failures.some((f) => /credentials/.test(f)),
    doc.failures.join('\n'),
  );
});

test('doctor: unreachable TEMPORAL_ADDRESS → exit 1 naming the address, no server started', async () => {
  const port = await freePort();
  const h = home();
  const r = await runCli(['doctor', '--json'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, DLREC_HOME: h });
  const doc = r.json<{ ok: boolean; failures: string[]; store: { ok: boolean } }>();
  assert.equal(r.code, 1);
  assert.ok(
    doc.failures.some((f) => f.includes(`127.0.0.1:${port}`)),
    doc.failures.join('\n'),
  );
  assert.equal(doc.store.ok, true, 'the store is still checked without Temporal');
  const status = await runCli(['server', 'status', '--json'], {
    DLREC_HOME: h,
    DLREC_TEMPORAL_PORT: String(port),
  });
  assert.equal(status.json<{ running: boolean }>().running, false);
});
