import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { derivedGenerator } from '../../src/datasets/derived';
import { installedFontFamilies, renderGlyphs } from '../../src/datasets/derived/glyphs';
import { SeededRandom } from '../../src/random';
import { resizeSet, toChannels } from '../../src/datasets/transforms';
import { checkImageSet, type ImageSet } from '../../src/datasets/types';

const digest = (s: ImageSet) => createHash('sha256').update(s.images).update(s.labels).digest('hex');

/**
 * Nearest-centroid accuracy on colour-invariant features (luma edge magnitude, 8×8, L2-normalised): well above
 * chance only when the class decides what is drawn. Shuffled labels score at chance, so this can fail.
 */
function centroidAccuracy(train: ImageSet, test: ImageSet): number {
  const feats = (set: ImageSet) => {
    const g = toChannels(set, 1);
    const S = g.width;
    const edges = new Uint8Array(g.images.length);
    for (let n = 0; n < g.count; n++) {
      const o = n * S * S;
      for (let y = 1; y < S - 1; y++)
        for (let x = 1; x < S - 1; x++) {
          const gx = g.images[o + y * S + x + 1] - g.images[o + y * S + x - 1];
          const gy = g.images[o + (y + 1) * S + x] - g.images[o + (y - 1) * S + x];
          edges[o + y * S + x] = Math.min(255, Math.hypot(gx, gy));
        }
    }
    const small = resizeSet({ ...g, images: edges }, 8, 8);
    return Array.from({ length: g.count }, (_, n) => {
      const v = [...small.images.subarray(n * 64, (n + 1) * 64)];
      const norm = Math.hypot(...v) || 1;
      return v.map((x) => x / norm);
    });
  };
  const ft = feats(train);
  const K = train.classNames.length;
  const centroids = Array.from({ length: K }, () => new Array<number>(64).fill(0));
  ft.forEach((f, i) => f.forEach((v, d) => (centroids[train.labels[i]][d] += v)));
  let correct = 0;
  feats(test).forEach((f, i) => {
    let best = 0;
    let bestDist = Infinity;
    centroids.forEach((c, k) => {
      const d = f.reduce((acc, v, j) => acc + (v - c[j] / (train.count / K)) ** 2, 0);
      if (d < bestDist) [best, bestDist] = [k, d];
    });
    if (best === test.labels[i]) correct++;
  });
  return correct / test.count;
}

for (const name of ['colour-digits', 'glyphs', 'shapes']) {
  test(`derived '${name}': deterministic, ≥10 balanced classes, train/test, seed-dependent`, async () => {
    const gen = derivedGenerator(name);
    const perClass = { train: 30, test: 10 };
    const a = await gen.generate(perClass, 5);
    const b = await gen.generate(perClass, 5);
    const c = await gen.generate(perClass, 6);
    assert.ok(gen.classNames.length >= 10);
    for (const split of ['train', 'test'] as const) {
      checkImageSet(a[split], `${name} ${split}`);
      assert.equal(a[split].count, perClass[split] * gen.classNames.length);
      assert.equal(a[split].height, 32);
      assert.equal(digest(a[split]), digest(b[split]), `${name} ${split} differs between two runs`);
      assert.notEqual(digest(a[split]), digest(c[split]), `${name} ${split} ignores the seed`);
      const counts = gen.classNames.map((_, k) => a[split].labels.filter((l) => l === k).length);
      assert.ok(counts.every((n) => n === perClass[split]));
    }
    assert.notEqual(digest(a.train), digest(a.test));
    const accuracy = centroidAccuracy(a.train, a.test);
    assert.ok(
      accuracy > 2.5 / gen.classNames.length,
      `${name}: classes barely differ (centroid accuracy ${accuracy})`,
    );
  });
}

test('glyphs: stroke fallback when no font is installed draws every letter, deterministically', async () => {
  const a = await renderGlyphs(6, new SeededRandom(9), []);
  const b = await renderGlyphs(6, new SeededRandom(9), []);
  assert.equal(digest(a), digest(b));
  assert.equal(a.channels, 1);
  const per = 32 * 32;
  for (let n = 0; n < a.count; n++) {
    const img = a.images.subarray(n * per, (n + 1) * per);
    assert.ok(Math.max(...img) - Math.min(...img) > 80, `glyph ${n} (${a.classNames[a.labels[n]]}) is blank`);
  }
  const test2 = await renderGlyphs(3, new SeededRandom(10), []);
  assert.ok(centroidAccuracy(a, test2) > 2.5 / a.classNames.length);
});

test('glyphs: fonts come from fontconfig (recorded in the recipe)', () => {
  const fonts = installedFontFamilies();
  assert.deepEqual(derivedGenerator('glyphs').environment(), { fonts });
  assert.deepEqual([...fonts].sort(), fonts);
});
