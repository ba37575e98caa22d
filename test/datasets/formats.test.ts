import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeCifarBinary, parseCifarBinary } from '../../src/datasets/cifar';
import { parsePpm } from '../../src/datasets/gtsrb';
import { imageSetFromIdx, parseIdx } from '../../src/datasets/idx';
import { parseStl10 } from '../../src/datasets/stl10';
import { parseMatV5, parseSvhnMat } from '../../src/datasets/svhn-mat';
import { readTarMembers } from '../../src/datasets/tar';
import { DatasetError } from '../../src/datasets/types';

const FIX = path.join(__dirname, '..', 'fixtures', 'datasets');

/** IDX bytes written out by hand from LeCun's spec: 0,0,type,rank, big-endian dims, data. */
function idxBytes(dims: number[], data: number[]): Buffer {
  const head = [0, 0, 0x08, dims.length];
  for (const d of dims) head.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Buffer.from([...head, ...data]);
}

test('IDX: images and labels, plain and gzipped, row-major', () => {
  // 3 images of 2×3: image n, row y, column x holds 10n + 3y + x.
  const pixels = [];
  for (let n = 0; n < 3; n++)
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) pixels.push(10 * n + 3 * y + x);
  const images = idxBytes([3, 2, 3], pixels);
  const labels = idxBytes([3], [2, 0, 1]);
  for (const [im, lb] of [
    [images, labels],
    [gzipSync(images), gzipSync(labels)],
  ]) {
    const set = imageSetFromIdx(im, lb);
    assert.equal(set.count, 3);
    assert.equal(set.height, 2);
    assert.equal(set.width, 3);
    assert.equal(set.channels, 1);
    assert.deepEqual([...set.labels], [2, 0, 1]);
    assert.deepEqual(set.classNames, ['0', '1', '2']);
    assert.equal(set.images[(2 * 2 + 1) * 3 + 2], 10 * 2 + 3 + 2); // image 2, y 1, x 2
  }
});

test('IDX: corrupt files are refused with a clear error', () => {
  assert.throws(() => parseIdx(Buffer.from([1, 2, 3, 4, 5])), /bad magic/);
  assert.throws(() => parseIdx(idxBytes([2, 2, 2], [1, 2, 3])), /expected 24 bytes .* found 19/);
  assert.throws(() => parseIdx(Buffer.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0])), /unsupported/);
  assert.throws(() => imageSetFromIdx(idxBytes([2, 1, 1], [1, 2]), idxBytes([3], [0, 1, 0])), DatasetError);
});

test('CIFAR-10 binary: label byte then R, G, B planes become HWC pixels', () => {
  // Two records; pixel p of plane c holds (c * 7 + p + record * 50) mod 256.
  const rec = (n: number, label: number) => {
    const b = Buffer.alloc(3073);
    b[0] = label;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < 1024; p++) b[1 + c * 1024 + p] = (c * 7 + p + n * 50) % 256;
    return b;
  };
  const file = Buffer.concat([rec(0, 6), rec(1, 9)]);
  const set = parseCifarBinary([file], { variant: 'cifar10' });
  assert.equal(set.count, 2);
  assert.deepEqual([...set.labels], [6, 9]);
  assert.equal(set.classNames[9], 'truck');
  const p = 5 * 32 + 17; // y 5, x 17
  assert.deepEqual(
    [...set.images.subarray(3072 + 3 * p, 3072 + 3 * p + 3)],
    [0, 7, 14].map((c) => (c + p + 50) % 256),
  );
  assert.deepEqual(encodeCifarBinary(set, 'cifar10'), file);
  assert.throws(
    () => parseCifarBinary([file.subarray(0, 3000)], { variant: 'cifar10' }),
    /multiple of the 3073-byte/,
  );
});

test('CIFAR-100 binary: coarse then fine label byte; fine is the default', () => {
  const b = Buffer.alloc(3074 * 2);
  b[0] = 4;
  b[1] = 77;
  b[3074] = 19;
  b[3075] = 3;
  assert.deepEqual([...parseCifarBinary([b], { variant: 'cifar100' }).labels], [77, 3]);
  assert.deepEqual([...parseCifarBinary([b], { variant: 'cifar100', labelKind: 'coarse' }).labels], [4, 19]);
  b[1] = 200;
  assert.throws(() => parseCifarBinary([b], { variant: 'cifar100' }), /label 200/);
});

test('MAT v5 (written by scipy.io.savemat): SVHN layout, plain and compressed', () => {
  const expected = JSON.parse(readFileSync(path.join(FIX, 'svhn-like.expected.json'), 'utf8'));
  for (const f of ['svhn-like.mat', 'svhn-like-compressed.mat']) {
    const buf = readFileSync(path.join(FIX, f));
    const set = parseSvhnMat(buf, f);
    assert.equal(set.height, expected.height);
    assert.equal(set.width, expected.width);
    assert.equal(set.count, expected.count);
    assert.deepEqual([...set.images], expected.images, f);
    assert.deepEqual([...set.labels], expected.labels, f);
    const extra = parseMatV5(buf).get('extra')!;
    assert.deepEqual(extra.dims, expected.extra.dims);
    assert.deepEqual([...extra.data], expected.extra.columnMajor);
    assert.ok(!parseMatV5(buf).has('note'), 'char arrays are not numeric variables');
  }
});

test('MAT v5: corrupt and unsupported files are refused', () => {
  const plain = readFileSync(path.join(FIX, 'svhn-like.mat'));
  const compressed = readFileSync(path.join(FIX, 'svhn-like-compressed.mat'));
  assert.throws(() => parseSvhnMat(plain.subarray(0, 100)), /too short/);
  assert.throws(() => parseSvhnMat(plain.subarray(0, plain.length - 40)), /runs past the end|truncated/);
  const badZlib = Buffer.from(compressed);
  badZlib.fill(0x55, 140, 180);
  assert.throws(() => parseSvhnMat(badZlib), /corrupt/);
  const hdf = Buffer.concat([Buffer.from('\x89HDF\r\n\x1a\n', 'latin1'), Buffer.alloc(200)]);
  assert.throws(() => parseSvhnMat(hdf), /v7\.3/);
  // A valid MAT file without X and y.
  const header = Buffer.alloc(128, 0x20);
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  assert.throws(() => parseSvhnMat(header), /expected variables 'X' and 'y'/);
});

test('STL-10 binary: column-major channel planes, labels 1..10', () => {
  const side = 96;
  const plane = side * side;
  const x = Buffer.alloc(2 * 3 * plane);
  // Image n, channel c, column-major (x * 96 + y) holds (n + 3c + 5x + y) mod 256.
  for (let n = 0; n < 2; n++)
    for (let c = 0; c < 3; c++)
      for (let xx = 0; xx < side; xx++)
        for (let y = 0; y < side; y++)
          x[n * 3 * plane + c * plane + xx * side + y] = (n + 3 * c + 5 * xx + y) % 256;
  const set = parseStl10(x, Buffer.from([1, 10]));
  assert.deepEqual([...set.labels], [0, 9]);
  assert.equal(set.classNames[9], 'truck');
  const at = (n: number, y: number, xx: number, c: number) =>
    set.images[n * 3 * plane + (y * side + xx) * 3 + c];
  assert.equal(at(1, 7, 40, 2), (1 + 6 + 200 + 7) % 256);
  assert.equal(at(0, 95, 0, 0), 95);
  assert.throws(() => parseStl10(x, Buffer.from([1])), /2 images but 1 labels/);
  assert.throws(() => parseStl10(x, Buffer.from([0, 3])), /outside 1\.\.10/);
  assert.throws(() => parseStl10(x.subarray(1), Buffer.from([1, 2])), /not a multiple/);
});

test('tar reader (archive made by GNU tar): wanted members only, long names, empty files', async () => {
  const sums = Object.fromEntries(
    readFileSync(path.join(FIX, 'sample.tar.sha256'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/).reverse()),
  );
  const members = await readTarMembers(path.join(FIX, 'sample.tar.gz'), (n) => !n.endsWith('names.txt'));
  const got = Object.fromEntries(
    [...members].map(([k, v]) => [
      k.replace('archive-dir/', ''),
      createHash('sha256').update(v).digest('hex'),
    ]),
  );
  const want = { ...sums };
  delete want['names.txt'];
  assert.deepEqual(got, want);
});

test('PPM (GTSRB): P6 and P5 with comments; corrupt headers and rasters are refused', () => {
  const p6 = Buffer.concat([Buffer.from('P6\n# c\n2 1\n255\n', 'latin1'), Buffer.from([1, 2, 3, 4, 5, 6])]);
  assert.deepEqual(parsePpm(p6), { width: 2, height: 1, channels: 3, data: Uint8Array.of(1, 2, 3, 4, 5, 6) });
  const p5 = Buffer.concat([Buffer.from('P5 1 2 255\n', 'latin1'), Buffer.from([7, 8])]);
  assert.deepEqual(parsePpm(p5).data, Uint8Array.of(7, 8));
  assert.throws(() => parsePpm(p6.subarray(0, p6.length - 1)), /truncated raster/);
  assert.throws(() => parsePpm(Buffer.from('P3\n1 1\n255\n1 2 3')), /not a binary 8-bit/);
  assert.throws(() => parsePpm(Buffer.from('P6\n1 1\n65535\n')), /not a binary 8-bit/);
});
