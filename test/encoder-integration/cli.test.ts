// `dlrec encoder train` (EncoderWorkflow through the real CLI, private Temporal dev server) at the default
// CI-fast sizes and 512-d, then `dlrec encode` on NLDS, Keras and spec files and `dlrec encoder eval`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { zooModel } from '../../src/arch';
import { runCli } from '../helpers/cli';
import { temporalForTests } from '../helpers/services';

// The paper implementation's NLDS example, shipped in the repository (test/fixtures/reference, Apache-2.0).
const NLDS = path.join('test', 'fixtures', 'reference', 'nlds-example.json');
const KERAS = path.join('test', 'fixtures', 'arch', 'keras2-sequential.json');

const services = temporalForTests('encoder-cli');
const { root } = services;

test('encoder train (default: smoke corpus, 512-d) → encode NLDS/Keras/spec files → encoder eval', async () => {
  const env = { TEMPORAL_ADDRESS: services.temporal.address, DLREC_HOME: path.join(root, 'home') };
  assert.ok(fs.existsSync(NLDS), `${NLDS} must be in the repository`);
  const spec = path.join(root, 'vgg16.json');
  fs.writeFileSync(spec, JSON.stringify(zooModel('vgg16')));

  const none = await runCli(['encode', NLDS, '--json'], env);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /no encoder is trained yet.*dlrec encoder train/);

  const started = Date.now();
  const trained = await runCli(['encoder', 'train', '--json'], env);
  assert.equal(trained.code, 0, trained.stderr);
  const t = trained.json<{
    encoderKey: string;
    dim: number;
    epochs: number;
    perplexity: number;
    unigramPerplexity: number;
    experimentKey: string;
    vggVsRandom: { knnPurity: number; silhouette: number };
  }>();
  assert.equal(t.dim, 512);
  assert.equal(t.epochs, 1);
  assert.ok(Number.isFinite(t.perplexity) && t.unigramPerplexity > 1);
  assert.ok(t.vggVsRandom.knnPurity > 0.5, `purity ${t.vggVsRandom.knnPurity}`);
  process.stderr.write(`encoder train (smoke, 512-d) took ${(Date.now() - started) / 1000} s\n`);

  const encoded = await runCli(['encode', NLDS, KERAS, spec, '--json'], env);
  assert.equal(encoded.code, 0, encoded.stderr);
  const rows =
    encoded.json<Array<{ file: string; format: string; vector: number[]; unknownTokens: number }>>();
  assert.deepEqual(
    rows.map((r) => r.file),
    [NLDS, KERAS, spec],
  );
  assert.deepEqual(
    rows.map((r) => r.format),
    ['nlds', 'keras', 'spec'],
  );
  for (const r of rows) {
    assert.equal(r.vector.length, 512);
    assert.ok(r.vector.every(Number.isFinite) && r.vector.some((x) => x !== 0));
    assert.ok(Number.isInteger(r.unknownTokens) && r.unknownTokens >= 0);
  }
  assert.notDeepEqual(rows[0].vector, rows[2].vector);

  const bad = await runCli(['encode', path.join(root, 'missing.json')], env);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /missing\.json.*no such file/);

  const evaluated = await runCli(['encoder', 'eval', '--json'], env);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const e = evaluated.json<{
    perplexity: number;
    unigramPerplexity: number;
    vggVsRandom: { knnPurity: number; silhouette: number };
    plot: string;
  }>();
  assert.equal(e.perplexity, t.perplexity);
  assert.equal(e.unigramPerplexity, t.unigramPerplexity);
  assert.deepEqual(
    { knnPurity: e.vggVsRandom.knnPurity, silhouette: e.vggVsRandom.silhouette },
    { knnPurity: t.vggVsRandom.knnPurity, silhouette: t.vggVsRandom.silhouette },
  );
  assert.ok(e.plot.startsWith(path.join(root, 'home', 'reports')), e.plot);
  assert.match(fs.readFileSync(e.plot, 'utf8'), /^<svg /);
});
