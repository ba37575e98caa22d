import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleImages, sampleIndices, stratifiedSplit } from '../../src/datasets/sampler';
import { resizeSet, toChannels } from '../../src/datasets/transforms';
import type { ImageSet } from '../../src/datasets/types';

function tinySet(count: number): ImageSet {
  return {
    images: Uint8Array.from({ length: count * 4 }, (_, i) => i % 256),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    height: 2,
    width: 2,
    channels: 1,
    classNames: ['a', 'b', 'c'],
  };
}

test('sampler: same seed, same sample; distinct, sorted, in range', () => {
  const a = sampleIndices(10_000, 512, 42);
  assert.deepEqual(a, sampleIndices(10_000, 512, 42));
  assert.notDeepEqual(a, sampleIndices(10_000, 512, 43));
  assert.equal(a.length, 512);
  assert.equal(new Set(a).size, 512);
  for (let i = 1; i < a.length; i++) assert.ok(a[i] > a[i - 1]);
  assert.ok(a[a.length - 1] < 10_000);
  assert.deepEqual([...sampleIndices(5, 512, 1)], [0, 1, 2, 3, 4], 's ≥ n takes everything');
  assert.throws(() => sampleIndices(10, 0, 1), /positive integer/);
});

test('sampler: uniform — every index is drawn about equally often over many seeds', () => {
  const n = 50;
  const s = 10;
  const seeds = 4000;
  const hits = new Array<number>(n).fill(0);
  for (let seed = 0; seed < seeds; seed++) for (const i of sampleIndices(n, s, seed)) hits[i]++;
  const expected = (seeds * s) / n; // 800
  // Chi-square with 49 degrees of freedom: 99.9th percentile ≈ 85.4.
  const chi2 = hits.reduce((acc, h) => acc + (h - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 85.4, `chi-square ${chi2.toFixed(1)} too large for a uniform sampler`);
});

test('sampleImages copies the chosen images with their labels', () => {
  const set = tinySet(100);
  const sample = sampleImages(set, 7, 3);
  const idx = sampleIndices(100, 7, 3);
  assert.equal(sample.count, 7);
  idx.forEach((i, k) => {
    assert.equal(sample.labels[k], set.labels[i]);
    assert.deepEqual(
      [...sample.images.subarray(4 * k, 4 * k + 4)],
      [...set.images.subarray(4 * i, 4 * i + 4)],
    );
  });
  assert.equal(sampleImages(set).count, 100, 'default 512 takes all of a smaller split');
});

test('toChannels: gray → RGB copies, RGB → gray uses BT.601 luma', () => {
  const gray = tinySet(2);
  const rgb = toChannels(gray, 3);
  assert.equal(rgb.channels, 3);
  assert.deepEqual([...rgb.images.subarray(0, 6)], [0, 0, 0, 1, 1, 1]);
  assert.equal(toChannels(gray, 1), gray);
  const colour: ImageSet = {
    ...gray,
    count: 1,
    labels: Uint8Array.of(0),
    channels: 3,
    height: 1,
    width: 2,
    images: Uint8Array.of(255, 0, 0, 10, 200, 30),
  };
  assert.deepEqual(
    [...toChannels(colour, 1).images],
    [76, Math.round((299 * 10 + 587 * 200 + 114 * 30) / 1000)],
  );
});

test('resizeSet: box average when shrinking, bilinear when growing, identity at the same size', () => {
  const set: ImageSet = {
    images: Uint8Array.of(0, 100, 200, 40),
    labels: Uint8Array.of(0),
    count: 1,
    height: 2,
    width: 2,
    channels: 1,
    classNames: ['a', 'b'],
  };
  assert.deepEqual([...resizeSet(set, 1, 1).images], [85]);
  const up = resizeSet(set, 4, 4);
  assert.equal(up.images.length, 16);
  assert.equal(up.images[0], 0, 'corner keeps its value');
  assert.equal(up.images[3], 100);
  assert.equal(up.images[1], 25, 'quarter of the way from 0 to 100');
  assert.equal(resizeSet(set, 2, 2), set);
  const big = {
    ...set,
    images: Uint8Array.from({ length: 96 * 96 * 3 }, (_, i) => (i % 3) * 100),
    height: 96,
    width: 96,
    channels: 3,
  };
  const small = resizeSet(big, 32, 32);
  assert.deepEqual([...small.images.subarray(0, 6)], [0, 100, 200, 0, 100, 200]);
});

test('stratifiedSplit: seeded per-class hold-out, disjoint and complete', () => {
  const set = tinySet(30); // labels cycle 0,1,2: ten images a class
  const a = stratifiedSplit(set, 0.2, 4);
  assert.deepEqual(stratifiedSplit(set, 0.2, 4), a);
  assert.equal(a.test.count, 6);
  assert.deepEqual(
    [0, 1, 2].map((c) => a.test.labels.filter((l) => l === c).length),
    [2, 2, 2],
  );
  const key = (s: typeof set, n: number) => s.images[4 * n + 0] * 1000 + s.images[4 * n + 1];
  const seen = new Set([...Array(a.train.count).keys()].map((n) => key(a.train, n)));
  for (let n = 0; n < a.test.count; n++) assert.ok(!seen.has(key(a.test, n)), 'test image also in train');
  assert.equal(a.train.count + a.test.count, 30);
  assert.equal(stratifiedSplit(set, 0, 4).test.count, 0);
  assert.notDeepEqual(stratifiedSplit(set, 0.2, 5).test.images, a.test.images);
});
