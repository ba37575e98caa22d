import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { leep, logme, TransferabilityInputError } from '../../src/transferability';

// Golden values from scripts/fixtures/make_transferability_fixtures.py (numpy transcription of the papers' code).
const fx = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/transferability/golden.json'), 'utf8'),
);

test('LogME matches the numpy reference (N > D, N < D, and pure-noise features)', () => {
  for (const c of fx.logme) {
    const r = logme(Float64Array.from(c.features), c.labels);
    assert.ok(Math.abs(r.score - c.logme) < 1e-6, `${c.name}: ${r.score} vs ${c.logme}`);
    r.perClass.forEach((e, k) => assert.ok(Math.abs(e - c.perClass[k]) < 1e-6, `${c.name} class ${k}`));
  }
});

test('LogME ranks separable features above noise', () => {
  const byName = Object.fromEntries(
    fx.logme.map((c: { name: string; features: number[]; labels: number[] }) => [c.name, c]),
  );
  assert.ok(
    logme(Float64Array.from(byName.tall.features), byName.tall.labels).score >
      logme(Float64Array.from(byName.noise.features), byName.noise.labels).score,
  );
});

test('LEEP matches the numpy reference', () => {
  for (const c of fx.leep) {
    const v = leep(Float64Array.from(c.logits), c.labels);
    assert.ok(Math.abs(v - c.leep) < 1e-9, `${c.name}: ${v} vs ${c.leep}`);
  }
  const [informative, uninformative] = fx.leep;
  assert.ok(informative.leep > uninformative.leep);
});

test('LEEP by hand: a source model that is certain and right scores log 1 = 0', () => {
  // Two images, two source classes, θ one-hot and identical to the target labels: P(y|z) is the identity.
  const probs = Float32Array.from([1, 0, 0, 1]);
  assert.equal(leep(probs, [0, 1], { probabilities: true }), 0);
  // Uniform θ over 2 source classes, balanced labels: P(y|z) = ½ everywhere, so LEEP = log ½.
  assert.ok(
    Math.abs(leep(Float32Array.from([0.5, 0.5, 0.5, 0.5]), [0, 1], { probabilities: true }) - Math.log(0.5)) <
      1e-12,
  );
});

test('bad inputs get one clear error', () => {
  assert.throws(() => logme(new Float32Array(5), [0, 1]), TransferabilityInputError);
  assert.throws(() => leep(new Float32Array(4), [0, 1.5]), /not a class index/);
  assert.throws(
    () => leep(Float32Array.from([0.9, 0.9, 0.5, 0.5]), [0, 1], { probabilities: true }),
    /sums to/,
  );
});

test('LogME of all-zero features (a dead network) is the noise-only evidence, not NaN', () => {
  const labels = [0, 0, 1, 1, 1, 2];
  const N = labels.length;
  // No feature direction: β = N/|y|² per class, and the evidence per sample is ½·log β − ½ − ½·log 2π.
  const expected =
    [2, 3, 1]
      .map((n) => 0.5 * Math.log(N / (n + 1e-5)) - 0.5 - 0.5 * Math.log(2 * Math.PI))
      .reduce((a, b) => a + b) / 3;
  for (const D of [4, 40]) {
    const r = logme(new Float32Array(N * D), labels);
    assert.ok(Math.abs(r.score - expected) < 1e-9, `D=${D}: ${r.score} vs ${expected}`);
  }
});
