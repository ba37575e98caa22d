import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { downloadFile, OfflineError } from '../../src/datasets/fetch';
import { tempDir } from './helpers';

const BODY = randomBytes(300_000);
const SHA = createHash('sha256').update(BODY).digest('hex');

/** A local file server honouring Range: bytes=N- (and recording what it was asked). */
async function server(): Promise<{
  url: string;
  ranges: Array<string | undefined>;
  close: () => Promise<void>;
}> {
  const ranges: Array<string | undefined> = [];
  const srv = http.createServer((req, res) => {
    ranges.push(req.headers.range);
    if (req.url === '/moved') {
      res.writeHead(302, { location: '/data.bin' });
      return res.end();
    }
    if (req.url !== '/data.bin') {
      res.writeHead(404);
      return res.end();
    }
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (start >= BODY.length) {
      res.writeHead(416);
      return res.end();
    }
    res.writeHead(m ? 206 : 200, { 'content-length': BODY.length - start });
    res.end(BODY.subarray(start));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, ranges, close: () => new Promise((r) => srv.close(() => r())) };
}

test('download: full file verified against its sha256, following a redirect', async () => {
  const { dir, cleanup } = tempDir();
  const srv = await server();
  try {
    const dest = path.join(dir, 'data.bin');
    const got = await downloadFile(
      { role: 'a', url: `${srv.url}/moved`, size: BODY.length, sha256: SHA },
      dest,
    );
    assert.equal(got.check, 'verified');
    assert.equal(got.sha256, SHA);
    assert.equal(got.resumedFrom, 0);
    assert.deepEqual(readFileSync(dest), BODY);
    assert.ok(!existsSync(`${dest}.part`));
    const again = await downloadFile(
      { role: 'a', url: `${srv.url}/data.bin`, size: BODY.length, sha256: SHA },
      dest,
    );
    assert.equal(again.check, 'verified');
    assert.equal(srv.ranges.length, 2, 'an existing verified file is not downloaded again');
  } finally {
    await srv.close();
    cleanup();
  }
});

test('download: resumes a partial file with an HTTP Range request', async () => {
  const { dir, cleanup } = tempDir();
  const srv = await server();
  try {
    const dest = path.join(dir, 'data.bin');
    writeFileSync(`${dest}.part`, BODY.subarray(0, 123_456));
    const got = await downloadFile(
      { role: 'a', url: `${srv.url}/data.bin`, size: BODY.length, sha256: SHA },
      dest,
    );
    assert.equal(got.resumedFrom, 123_456);
    assert.deepEqual(srv.ranges, ['bytes=123456-']);
    assert.deepEqual(readFileSync(dest), BODY);
  } finally {
    await srv.close();
    cleanup();
  }
});

test('download: a checksum mismatch deletes the file; a missing checksum is computed and reported', async () => {
  const { dir, cleanup } = tempDir();
  const srv = await server();
  try {
    const dest = path.join(dir, 'data.bin');
    const wrong = 'f'.repeat(64);
    await assert.rejects(
      downloadFile({ role: 'a', url: `${srv.url}/data.bin`, size: null, sha256: wrong }, dest),
      /does not match the registry's f{64}; the file was deleted/,
    );
    assert.ok(!existsSync(dest) && !existsSync(`${dest}.part`));
    const got = await downloadFile({ role: 'a', url: `${srv.url}/data.bin`, size: null, sha256: null }, dest);
    assert.equal(got.check, 'unverified');
    assert.equal(got.sha256, SHA);
    await assert.rejects(
      downloadFile({ role: 'a', url: `${srv.url}/nothing`, size: null, sha256: null }, path.join(dir, 'n')),
      /HTTP 404/,
    );
  } finally {
    await srv.close();
    cleanup();
  }
});

test('offline: fails at once, naming the URL and the offline alternatives', async () => {
  const { dir, cleanup } = tempDir();
  const srv = await server();
  const url = `${srv.url}/data.bin`;
  await srv.close(); // nothing listens on that port any more
  try {
    const t0 = Date.now();
    await assert.rejects(
      downloadFile({ role: 'a', url, size: null, sha256: null }, path.join(dir, 'd.bin'), {
        connectTimeoutMs: 2000,
      }),
      (e: Error) =>
        e instanceof OfflineError &&
        e.message.includes(url) &&
        /Copy that file to .*d\.bin.*offline dataset: mnist, fashion-mnist/.test(e.message),
    );
    assert.ok(Date.now() - t0 < 2500);
  } finally {
    cleanup();
  }
});
