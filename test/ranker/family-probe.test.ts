import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageSet } from '../../src/datasets/types';
import { augmentSample } from '../../src/ranker/augment';
import { PROBE_VARIANTS, probeImages, scoreProbes } from '../../src/ranker/family-probe';

/** 20 grey 28×28 images: a bright square on black, as MNIST-like sets look. */
function greySquares(): ImageSet {
  const count = 20;
  const images = new Uint8Array(count * 28 * 28);
  for (let n = 0; n < count; n++)
    for (let y = 8; y < 20; y++) for (let x = 8 + (n % 4); x < 20; x++) images[n * 784 + y * 28 + x] = 255;
  return {
    images,
    labels: new Uint8Array(count),
    count,
    height: 28,
    width: 28,
    channels: 1,
    classNames: ['x'],
  };
}

test('probeImages: every variant gives 32×32 RGB images, the same for the same seed, changed from the original', () => {
  const set = greySquares();
  for (const v of PROBE_VARIANTS) {
    const a = probeImages(set, v, 10, 5);
    assert.deepEqual([a.count, a.height, a.width, a.channels], [10, 32, 32, 3], v);
    assert.deepEqual(a.images, probeImages(set, v, 10, 5).images, `${v}: deterministic`);
    assert.notDeepEqual(a.images, probeImages(set, v, 10, 6).images, `${v}: seed matters`);
  }
  // Recolouring a grey image gives colour; the ink stays brighter than the paper.
  const rec = probeImages(set, 'recolour', 1, 1).images;
  const centre = (16 * 32 + 16) * 3;
  assert.ok(rec[0] !== rec[1] || rec[1] !== rec[2] || rec[centre] !== rec[centre + 1], 'not grey');
  const lum = (i: number) => rec[i] + rec[i + 1] + rec[i + 2];
  assert.ok(lum(centre) > lum(0));
  // Zoom-out fills the border with the corner colour (black here) and keeps the square smaller.
  const zoom = probeImages(set, 'zoom-out', 1, 1).images;
  const bright = zoom.filter((v) => v > 128).length;
  const original = probeImages(set, 'noise', 1, 1).images.filter((v) => v > 128).length;
  assert.ok(bright < original, `${bright} vs ${original}`);
});

test('scoreProbes: a hit is a top dataset of the probe family; rate and per-family counts', () => {
  const families = { mnist: 'digits', 'colour-digits': 'digits', 'fashion-mnist': 'clothing' };
  const img = probeImages(greySquares(), 'noise', 2, 1);
  const votes: Record<string, Record<string, number>> = {
    p1: { mnist: 0.2, 'colour-digits': 0.5, 'fashion-mnist': 0.3 },
    p2: { mnist: 0.1, 'colour-digits': 0.2, 'fashion-mnist': 0.7 },
  };
  const probes = [
    { name: 'p1', family: 'digits', images: img },
    { name: 'p2', family: 'digits', images: { ...img, classNames: ['p2'] } },
  ];
  let i = 0;
  const r = scoreProbes(probes, families, () => votes[`p${++i}`]);
  assert.equal(r.familyHitRate, 0.5);
  assert.deepEqual(r.perFamily.digits, { hits: 1, probes: 2 });
  assert.equal(r.probes[0].mostSimilar, 'colour-digits');
  assert.ok(Math.abs(r.probes[0].familyShare - 0.7) < 1e-12);
  assert.equal(r.probes[1].predictedFamily, 'clothing');
});

test('augmentSample: every second image changed, the others kept, the same for the same seed', () => {
  const set = greySquares();
  const a = augmentSample(set, 3);
  assert.deepEqual([a.count, a.height, a.width, a.channels], [20, 32, 32, 3]);
  assert.deepEqual(a.images, augmentSample(set, 3).images);
  const per = 32 * 32 * 3;
  let changed = 0;
  for (let n = 0; n < a.count; n++) {
    const img = a.images.subarray(n * per, (n + 1) * per);
    const base = new Uint8Array(per);
    // A one-image set's only image (index 0) is never changed: its 32×32 RGB version is the reference.
    base.set(
      augmentSample({ ...set, images: set.images.subarray(n * 784, (n + 1) * 784), count: 1 }, 3).images,
    );
    if (n % 2 === 0) assert.deepEqual(img, base, `image ${n} is kept`);
    else if (!img.every((v, i) => v === base[i])) changed++;
  }
  assert.equal(changed, a.count / 2);
});
