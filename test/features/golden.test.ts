/**
 * Our features against committed golden vectors (test/fixtures/features/golden.json, made by
 * scripts/fixtures/make_feature_fixtures.py): LBP, HOG and DAISY from scikit-image 0.26, GIST from an
 * independent full-FFT numpy transcription of lear-gist.
 *
 * Tolerances: our vectors are Float32Array, so a value v can only be within ~6e-8·|v| of the float64
 * reference. LBP must give exactly the same integer histogram (counts = value × pixels). HOG, DAISY and GIST
 * must agree to 1e-6 × the vector's largest value (measured worst case: 5e-8 — float32 rounding).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractAll, FEATURE_KINDS, featureDim, type FeatureKind } from '../../src/features';
import { toGray } from '../../src/features/gray';

interface GoldenCase {
  name: string;
  height: number;
  width: number;
  channels: number;
  pixels: string;
  gray: string;
  lbp: string;
  hog: string;
  daisy: string;
  gist: string;
}

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'features', 'golden.json');
const cases: GoldenCase[] = JSON.parse(readFileSync(FIXTURE, 'utf8')).cases;

function float64s(b64: string): Float64Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
}

function pixels(c: GoldenCase): Uint8Array {
  return new Uint8Array(Buffer.from(c.pixels, 'base64'));
}

test('the fixture covers grey and RGB, 32×32 and other sizes', () => {
  assert.ok(cases.length >= 10);
  assert.ok(cases.some((c) => c.channels === 1) && cases.some((c) => c.channels === 3));
  assert.ok(cases.some((c) => c.height !== 32 || c.width !== 32));
  assert.ok(cases.some((c) => c.height !== c.width));
});

test('grey conversion is bit-identical to the fixture (img_as_float and rgb2gray weights)', () => {
  for (const c of cases) {
    const expected = float64s(c.gray);
    const got = new Float64Array(c.height * c.width);
    toGray(pixels(c), 0, c.height * c.width, c.channels, got);
    assert.deepEqual(got, expected, c.name);
  }
});

for (const c of cases) {
  test(`golden features: ${c.name} (${c.height}×${c.width}×${c.channels})`, () => {
    const got = extractAll(pixels(c), 1, c.height, c.width, c.channels);
    for (const kind of FEATURE_KINDS) {
      const expected = float64s(c[kind]);
      assert.equal(got[kind].length, expected.length, `${kind} length`);
      assert.equal(featureDim(kind, c.height, c.width), expected.length, `${kind} featureDim`);
      if (kind === 'lbp') {
        const n = c.height * c.width;
        const counts = Array.from(got.lbp, (v) => Math.round(v * n));
        assert.deepEqual(
          counts,
          Array.from(expected, (v) => Math.round(v * n)),
          'LBP histogram counts',
        );
        assert.ok(Math.abs(counts.reduce((a, b) => a + b, 0) - n) === 0, 'LBP counts every pixel once');
        continue;
      }
      assertClose(kind, got[kind], expected);
    }
  });
}

function assertClose(kind: FeatureKind, got: Float32Array, expected: Float64Array): void {
  let scale = 0;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  assert.ok(scale > 0, `${kind}: reference vector is all zeros`);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(got[i] - expected[i]);
    if (!(diff <= 1e-6 * scale)) {
      assert.fail(`${kind}[${i}] = ${got[i]}, expected ${expected[i]} (|diff| ${diff.toExponential(2)})`);
    }
  }
}

test('a batch gives each image the same vector as alone (buffers are reused safely)', () => {
  const batch = cases.filter((c) => c.height === 32 && c.width === 32 && c.channels === 3);
  assert.ok(batch.length >= 3);
  const all = new Uint8Array(batch.length * 32 * 32 * 3);
  batch.forEach((c, i) => all.set(pixels(c), i * 32 * 32 * 3));
  const together = extractAll(all, batch.length, 32, 32, 3);
  batch.forEach((c, i) => {
    const alone = extractAll(pixels(c), 1, 32, 32, 3);
    for (const kind of FEATURE_KINDS) {
      const dim = featureDim(kind, 32, 32);
      assert.deepEqual(together[kind].subarray(i * dim, (i + 1) * dim), alone[kind], `${c.name} ${kind}`);
    }
  });
});
