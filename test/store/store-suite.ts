import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { getJSON, putJSON, StoreError, type ArtifactStore } from '../../infra/store';
import { sha256Hex } from '../../infra/store';

/** One behavioural suite that every artifact-store backend must pass. */
export function storeSuite(
  name: string,
  open: () => ArtifactStore,
  corrupt: (store: ArtifactStore, key: string) => Promise<void>,
): void {
  test(`${name}: put/get/head/exists/delete round trip with sha256`, async () => {
    const store = open();
    const info = await store.put('a/b/hello.txt', 'hello');
    assert.equal(info.sha256, sha256Hex('hello'));
    assert.equal(info.size, 5);
    assert.equal((await store.get('a/b/hello.txt')).toString(), 'hello');
    assert.deepEqual(await store.head('a/b/hello.txt'), {
      key: 'a/b/hello.txt',
      size: 5,
      sha256: sha256Hex('hello'),
    });
    assert.equal(await store.exists('a/b/hello.txt'), true);
    await store.delete('a/b/hello.txt');
    assert.equal(await store.exists('a/b/hello.txt'), false);
    assert.equal(await store.head('a/b/hello.txt'), undefined);
  });

  test(`${name}: overwrite replaces content and checksum`, async () => {
    const store = open();
    await store.put('ow/x', 'one');
    await store.put('ow/x', 'two!');
    assert.equal((await store.get('ow/x')).toString(), 'two!');
    assert.equal((await store.head('ow/x'))?.sha256, sha256Hex('two!'));
  });

  test(`${name}: missing object is a not-found StoreError`, async () => {
    const store = open();
    await assert.rejects(
      store.get('nope/none.bin'),
      (e: unknown) => e instanceof StoreError && e.code === 'not-found',
    );
  });

  test(`${name}: list by prefix, sorted, with sizes`, async () => {
    const store = open();
    await store.put('lst/one/a.json', '1');
    await store.put('lst/one/b.json', '22');
    await store.put('lst/two/c.json', '333');
    await store.put('lstx/d.json', '4');
    const all = await store.list('lst/');
    assert.deepEqual(
      all.map((o) => [o.key, o.size]),
      [
        ['lst/one/a.json', 1],
        ['lst/one/b.json', 2],
        ['lst/two/c.json', 3],
      ],
    );
    assert.deepEqual(
      (await store.list('lst/one/')).map((o) => o.key),
      ['lst/one/a.json', 'lst/one/b.json'],
    );
  });

  test(`${name}: streams in and out, multipart-sized (9 MiB)`, async () => {
    const store = open();
    const big = Buffer.alloc(9 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const info = await store.putStream(
      'big/blob.bin',
      Readable.from([big.subarray(0, 5e6), big.subarray(5e6)]),
    );
    assert.equal(info.sha256, sha256Hex(big));
    assert.equal(info.size, big.length);
    const chunks: Buffer[] = [];
    for await (const c of await store.getStream('big/blob.bin')) chunks.push(c as Buffer);
    assert.equal(sha256Hex(Buffer.concat(chunks)), info.sha256);
    const direct = await store.put('big/blob2.bin', big);
    assert.equal(direct.sha256, info.sha256);
    assert.equal((await store.get('big/blob2.bin')).length, big.length);
  });

  test(`${name}: corrupted bytes are detected on read (buffer and stream)`, async () => {
    const store = open();
    await store.put('bad/obj.bin', 'original content');
    await corrupt(store, 'bad/obj.bin');
    await assert.rejects(
      store.get('bad/obj.bin'),
      (e: unknown) => e instanceof StoreError && e.code === 'checksum-mismatch',
    );
    await assert.rejects(async () => {
      for await (const _ of await store.getStream('bad/obj.bin')) void _;
    }, /corrupt/);
  });

  test(`${name}: JSON helpers and key validation`, async () => {
    const store = open();
    await putJSON(store, 'j/v.json', { a: [1, 2] });
    assert.deepEqual(await getJSON(store, 'j/v.json'), { a: [1, 2] });
    for (const bad of ['../x', '/abs', 'a//b', 'a/./b', '']) {
      await assert.rejects(
        store.put(bad, 'x'),
        (e: unknown) => e instanceof StoreError && e.code === 'bad-key',
      );
    }
  });
}
