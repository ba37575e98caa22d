/**
 * Properties that hold by definition: GIST's orientation tuning and grid layout on synthetic gratings
 * (Oliva & Torralba), the FFT against a naive DFT, degenerate images, and input validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  extractAll,
  extractFeatures,
  FEATURE_KINDS,
  featureDim,
  FeatureInputError,
  type FeatureKind,
} from '../../src/features';
import { ComplexTransform } from '../../src/features/fft';

const SIZE = 32;

/** Grey sinusoidal grating whose intensity varies along direction φ (radians from the x axis). */
function grating(
  phi: number,
  period: number,
  mask: (y: number, x: number) => boolean = () => true,
): Uint8Array {
  const img = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = Math.sin((2 * Math.PI * (x * Math.cos(phi) + y * Math.sin(phi))) / period);
      img[y * SIZE + x] = mask(y, x) ? Math.round(127.5 + 120 * v) : 128;
    }
  }
  return img;
}

/** Energy of each of GIST's 32 filters summed over the 4×4 grid. */
function filterEnergy(gist: Float32Array): number[] {
  return Array.from({ length: 32 }, (_, f) => gist.subarray(f * 16, f * 16 + 16).reduce((a, b) => a + b, 0));
}

function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

test('GIST has 4 scales × 8 orientations × 4×4 blocks = 512 values for any size', () => {
  assert.equal(featureDim('gist', 32, 32), 512);
  assert.equal(featureDim('gist', 28, 28), 512);
  assert.equal(featureDim('gist', 36, 40), 512);
});

test('GIST is orientation selective: a grating excites the filter of its orientation', () => {
  // Filter j (θ = π·j/8) peaks at spectrum angle −θ: j = 0 for intensity varying along x, j = 4 along y.
  const expected: [number, number][] = [
    [0, 0],
    [Math.PI / 2, 4],
    [Math.PI / 4, 6],
    [-Math.PI / 4, 2],
    [Math.PI / 8, 7],
  ];
  for (const [phi, orientation] of expected) {
    const energy = filterEnergy(extractFeatures('gist', grating(phi, 4), 1, SIZE, SIZE, 1));
    const finest = energy.slice(0, 8); // scale 1: centre frequency 0.3 cycles/pixel, the grating has 0.25
    assert.equal(argmax(finest), orientation, `φ = ${phi.toFixed(3)}: ${finest.map((e) => e.toFixed(2))}`);
    // Selectivity: the orthogonal filter responds far less.
    assert.ok(finest[(orientation + 4) % 8] < 0.2 * finest[orientation], 'orthogonal filter is weak');
  }
});

test('GIST is scale selective: a coarse grating excites a coarser scale than a fine one', () => {
  const scaleOf = (period: number) => {
    const energy = filterEnergy(extractFeatures('gist', grating(0, period), 1, SIZE, SIZE, 1));
    return argmax([0, 1, 2, 3].map((s) => energy[s * 8])); // orientation 0 at each scale
  };
  assert.equal(scaleOf(3.3), 0); // ≈ 0.3 cycles/pixel
  assert.ok(scaleOf(11) >= 2, 'a period of 11 pixels (0.09 cycles/pixel) belongs to scale 3');
});

test('GIST grid is column-major like LMgist: value k·4 + l is grid column k, grid row l', () => {
  const leftOnly = extractFeatures(
    'gist',
    grating(0, 4, (_y, x) => x < 16),
    1,
    SIZE,
    SIZE,
    1,
  );
  const topOnly = extractFeatures(
    'gist',
    grating(0, 4, (y) => y < 16),
    1,
    SIZE,
    SIZE,
    1,
  );
  const block = (v: Float32Array, k: number, l: number) => v[k * 4 + l]; // filter 0
  for (let l = 0; l < 4; l++) assert.ok(block(leftOnly, 0, l) > 3 * block(leftOnly, 3, l), 'left columns');
  for (let k = 0; k < 4; k++) assert.ok(block(topOnly, k, 0) > 3 * block(topOnly, k, 3), 'top rows');
});

test('GIST of a translated periodic grating changes little (energy is phase invariant)', () => {
  const a = extractFeatures('gist', grating(0, 4), 1, SIZE, SIZE, 1);
  const b = extractFeatures('gist', shiftedGrating(1), 1, SIZE, SIZE, 1);
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  let diff = 0;
  for (let i = 0; i < 512; i++) diff += (a[i] - b[i]) ** 2;
  assert.ok(Math.sqrt(diff) < 0.1 * norm(a), `relative change ${(Math.sqrt(diff) / norm(a)).toFixed(3)}`);
});

function shiftedGrating(dx: number): Uint8Array {
  const img = new Uint8Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++)
      img[y * SIZE + x] = Math.round(127.5 + 120 * Math.sin((2 * Math.PI * (x + dx)) / 4));
  }
  return img;
}

test('the FFT matches a naive DFT for power-of-two and other lengths, both directions', () => {
  for (const n of [1, 2, 4, 8, 16, 32, 64, 6, 28]) {
    const t = new ComplexTransform(n);
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.3) + 0.1 * i);
    const im = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 0.7));
    for (const inverse of [false, true]) {
      const r = re.slice();
      const m = im.slice();
      t.transform(r, m, inverse);
      const sign = inverse ? 1 : -1;
      for (let k = 0; k < n; k++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
          sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
          si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
        }
        assert.ok(
          Math.abs(sr - r[k]) < 1e-12 && Math.abs(si - m[k]) < 1e-12,
          `n=${n} k=${k} inverse=${inverse}`,
        );
      }
    }
    // Bit-reversed input (ordered = false) gives the same result.
    if (t.pow2) {
      const r = Float64Array.from(t.rev, (i) => re[i]);
      const m = Float64Array.from(t.rev, (i) => im[i]);
      const r2 = re.slice();
      const m2 = im.slice();
      t.transform(r, m, true, false);
      t.transform(r2, m2, true);
      for (let k = 0; k < n; k++) assert.ok(Math.abs(r[k] - r2[k]) < 1e-12 && Math.abs(m[k] - m2[k]) < 1e-12);
    }
  }
});

test('flat images give finite, well-defined vectors', () => {
  for (const value of [0, 255]) {
    const out = extractAll(new Uint8Array(SIZE * SIZE * 3).fill(value), 1, SIZE, SIZE, 3);
    for (const kind of FEATURE_KINDS)
      assert.ok(out[kind].every(Number.isFinite), `${kind} finite for ${value}`);
    // All neighbours equal the centre → the all-ones uniform pattern (code P = 16) — except that skimage
    // reads zeros outside the image, so for 255 the 2-pixel border differs.
    assert.equal(out.lbp[16], value === 0 ? 1 : (28 * 28) / (32 * 32));
    assert.ok(out.hog.every((v) => v === 0));
    assert.ok(
      out.daisy.every((v) => Math.abs(v - 1 / 56) < 1e-7),
      'DAISY: +1e-10 then L1 → uniform',
    );
    // Whitening removes a constant up to the dropped prefilter taps (< 1e-9 of the centre tap).
    assert.ok(out.gist.every((v) => Math.abs(v) < 1e-8));
  }
});

test('an empty batch gives empty matrices', () => {
  const out = extractAll(new Uint8Array(0), 0, SIZE, SIZE, 1);
  for (const kind of FEATURE_KINDS) assert.equal(out[kind].length, 0);
});

test('bad input is refused with one clear error', () => {
  const img = new Uint8Array(SIZE * SIZE);
  const cases: [() => unknown, RegExp][] = [
    [() => extractFeatures('gist', img, 2, SIZE, SIZE, 1), /holds 1024 bytes.*2×32×32×1 = 2048/],
    [() => extractFeatures('lbp', img, 1, SIZE, SIZE, 2), /channels must be 1 \(grey\) or 3 \(RGB\)/],
    [() => extractFeatures('lbp', img, 1.5, SIZE, SIZE, 1), /count must be a non-negative integer/],
    [
      () => extractFeatures('hog', new Uint8Array(16 * 16), 1, 16, 16, 1),
      /HOG needs images of at least 24×24/,
    ],
    [() => extractFeatures('daisy', new Uint8Array(10 * 10), 1, 10, 10, 1), /DAISY .* larger than 10×10/],
    [() => extractFeatures('gist', new Uint8Array(4 * 4), 1, 4, 4, 1), /GIST needs images of at least 8×8/],
    [() => extractFeatures('sift' as FeatureKind, img, 1, SIZE, SIZE, 1), /unknown feature kind 'sift'/],
    [() => featureDim('lbp', 32.5, 32), /image size must be positive integers, got 32.5×32/],
  ];
  for (const [fn, message] of cases)
    assert.throws(fn, (e: unknown) => e instanceof FeatureInputError && message.test(e.message));
});
