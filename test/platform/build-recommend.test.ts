// The main job end to end on the smoke profile — `dlrec build` through a private Temporal dev server — then what a
// user does next, all from the stored artifacts: `recommend` on a folder of real PNGs, on a zip of it and on a
// registered dataset, `evaluate --json`, `report`; and a second `build` that resumes instead of redoing work.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROFILES } from '../../src/profiles';
import { makeZip } from '../datasets/helpers';
import { runCli } from '../helpers/cli';
import { writeDigitFolder, writeNoiseFolder } from '../helpers/images';
import { temporalForTests } from '../helpers/services';

const services = temporalForTests('build-e2e');
const { root } = services;

interface RecommendOutput {
  images: { read: number; skipped: number; skippedReasons: Record<string, number> };
  classes: number;
  mostSimilar: { dataset: string; similarity: number }[];
  warnings: { code: string; message: string; evidence: { disagreement: number; threshold: number } }[];
  recommendations: {
    model: string;
    modelId: string;
    architecture: string;
    arch: { name: string; family: string; description: string; depth: number; params: number; id: string };
    sourceDataset: string | null;
    predictedAccuracy: number;
    sourceMatters: boolean;
    sources: { dataset: string | null; predictedAccuracy: number }[];
    notes: string[];
    evidence: { params: number; nearestResults: { dataset: string; accuracy: number }[] };
  }[];
  exported?: { name: string; keras: string; spec: string }[];
  seconds: number;
}

function checkRecommendations(out: RecommendOutput, datasets: string[], top: number): void {
  assert.deepEqual(out.mostSimilar.map((m) => m.dataset).sort(), [...datasets].sort());
  const total = out.mostSimilar.reduce((s, m) => s + m.similarity, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `similarities sum to ${total}`);
  // One line per architecture, so at most as many as the smoke sweep trains (its zoo and generated models).
  const architectures = PROFILES.smoke.sweep.zoo.length + PROFILES.smoke.sweep.generated;
  assert.equal(out.recommendations.length, Math.min(top, architectures));
  assert.equal(new Set(out.recommendations.map((r) => r.modelId)).size, out.recommendations.length);
  const predicted = out.recommendations.map((r) => r.predictedAccuracy);
  assert.deepEqual(
    predicted,
    [...predicted].sort((a, b) => b - a),
    'ranked by predicted accuracy',
  );
  for (const r of out.recommendations) {
    assert.ok(r.predictedAccuracy >= 0 && r.predictedAccuracy <= 1, `${r.model}: ${r.predictedAccuracy}`);
    assert.ok(r.sourceDataset === null || datasets.includes(r.sourceDataset), String(r.sourceDataset));
    assert.ok(r.evidence.params > 0);
    assert.ok(r.predictedAccuracy >= 1 / out.classes || r.notes.length > 0, 'chance floor');
    assert.equal(r.arch.id, r.modelId);
    assert.ok(r.arch.depth > 0 && r.arch.params > 0, JSON.stringify(r.arch));
    assert.match(r.arch.description, /^(LeNet-5|generated CNN): \d+ conv /);
    assert.equal(r.sources[0].dataset, r.sourceDataset);
  }
  assert.ok(out.seconds > 0);
}

test('build --profile smoke → recommend (folder, zip, dataset) → evaluate → report; a re-run resumes', async () => {
  const env = { TEMPORAL_ADDRESS: services.temporal.address, DLREC_HOME: path.join(root, 'home') };
  const folder = path.join(root, 'digits');
  await writeDigitFolder(folder);

  const early = await runCli(['recommend', folder, '--json'], env);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /no repository has been built in .* yet: run 'dlrec build --profile mini'/);

  const built = await runCli(
    ['build', '--profile', 'smoke', '--report', path.join(root, 'report'), '--json'],
    env,
    900_000,
  );
  assert.equal(built.code, 0, built.stderr);
  const b = built.json<{
    datasets: string[];
    sweep: { done: number; failed: number; total: number };
    headline: { kendall: number; rows: number };
    report: string;
  }>();
  assert.ok(b.sweep.done > 0 && b.sweep.failed === 0, JSON.stringify(b.sweep));
  assert.equal(b.headline.rows, b.sweep.done);
  assert.ok(Number.isFinite(b.headline.kendall));
  assert.ok(fs.readFileSync(b.report, 'utf8').includes('<svg'), 'report has inline charts');

  const fromFolder = await runCli(['recommend', folder, '--top', '3', '--json'], env);
  assert.equal(fromFolder.code, 0, fromFolder.stderr);
  const f = fromFolder.json<RecommendOutput>();
  checkRecommendations(f, b.datasets, 3);
  assert.equal(f.mostSimilar[0].dataset, 'mnist', JSON.stringify(f.mostSimilar));
  assert.deepEqual(f.images, { read: 64, skipped: 0, skippedReasons: {} });
  assert.deepEqual(f.warnings, [], 'MNIST digits resemble the repository');

  // Random noise resembles nothing in the repository: said so, with the evidence; corrupt files are counted.
  const noise = path.join(root, 'noise');
  await writeNoiseFolder(noise);
  const exportDir = path.join(root, 'export');
  const fromNoise = await runCli(['recommend', noise, '--top', '2', '--export', exportDir, '--json'], env);
  assert.equal(fromNoise.code, 0, fromNoise.stderr);
  const n = fromNoise.json<RecommendOutput>();
  checkRecommendations(n, b.datasets, 2);
  assert.deepEqual(n.images, { read: 48, skipped: 2, skippedReasons: { corrupt: 2 } });
  assert.equal(n.classes, 3);
  assert.deepEqual(
    n.warnings.map((w) => w.code),
    ['low-confidence'],
    JSON.stringify(n.mostSimilar),
  );
  assert.ok(n.warnings[0].evidence.disagreement > n.warnings[0].evidence.threshold);
  assert.equal(n.exported?.length, 2);
  const keras = JSON.parse(fs.readFileSync(n.exported![0].keras, 'utf8')) as { class_name: string };
  assert.equal(keras.class_name, 'Model');
  const human = await runCli(['recommend', noise, '--top', '2'], env);
  assert.match(human.stdout, /^images: 48 read, 2 skipped \(2 corrupt\); 3 classes \(chance 33\.3%\)$/m);
  assert.match(human.stdout, /^WARNING \(low-confidence\): these images resemble no repository dataset/m);
  assert.match(human.stdout, /^1\. (LeNet-5|generated CNN): .* \[.+\]$/m);

  const zipPath = path.join(root, 'digits.zip');
  const entries = fs
    .readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((p) => p.endsWith('.png'))
    .map((p) => ({ name: p, data: fs.readFileSync(path.join(folder, p)) }));
  fs.writeFileSync(zipPath, makeZip(entries));
  const fromZip = await runCli(['recommend', zipPath, '--top', '3', '--json'], env);
  assert.equal(fromZip.code, 0, fromZip.stderr);
  // Same images, same sample: the same answer.
  assert.deepEqual(fromZip.json<RecommendOutput>().recommendations, f.recommendations);

  const byName = await runCli(['recommend', 'fashion-mnist', '--samples', '100', '--json'], env);
  assert.equal(byName.code, 0, byName.stderr);
  checkRecommendations(byName.json<RecommendOutput>(), b.datasets, 5);
  assert.deepEqual(byName.json<RecommendOutput>().warnings, [], 'a repository dataset is no stranger');

  const bad = await runCli(['recommend', path.join(root, 'missing'), '--json'], env);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');

  const evaluated = await runCli(['evaluate', '--json'], env, 600_000);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const e = evaluated.json<{
    build: { id: string; profile: string };
    loo: { mean: { kendall: number; mae: number; regret: number }; perDataset: Record<string, unknown> };
    regressor: { default: string; selected: { kendall: number }; ensemble: { kendall: number } };
    split8020: { perRegressor: Record<string, { mse: number }> };
    table1: {
      cells: unknown[];
      mean: { kendall: number; low: number; high: number };
      perTarget: { dataset: string; kendall: number; low: number; high: number }[];
    };
    baselines: Record<string, { mean: { kendall: number } }>;
    pairedTests: Record<string, { regret: { n: number; pValue: number | null } }>;
    looTransferability: { mean: { kendall: number } };
    similarity: { familyHitRate: number; probes: { name: string; hit: boolean }[] };
  }>();
  assert.equal(e.build.id, 'dlrec-build-smoke');
  assert.equal(e.build.profile, 'smoke');
  assert.ok(['selected', 'ensemble'].includes(e.regressor.default));
  assert.ok(Number.isFinite(e.regressor.ensemble.kendall));
  for (const name of ['architectureMean', 'bestOnMostSimilar', 'similarityWeightedRecord', 'largestModel'])
    assert.equal(e.pairedTests[name].regret.n, b.datasets.length, name);
  assert.ok(e.table1.mean.low <= e.table1.mean.kendall && e.table1.mean.kendall <= e.table1.mean.high);
  // The family probe: each dataset under four unseen variants plus the unseen emoji style.
  assert.equal(e.similarity.probes.length, 4 * b.datasets.length + 1);
  assert.ok(e.similarity.familyHitRate >= 0 && e.similarity.familyHitRate <= 1);
  assert.deepEqual(Object.keys(e.loo.perDataset).sort(), [...b.datasets].sort());
  assert.equal(e.loo.mean.kendall, b.headline.kendall);
  assert.ok(e.split8020.perRegressor.ridge.mse >= 0);
  assert.ok('architectureMean' in e.baselines && 'random' in e.baselines);
  // LogME and LEEP were computed for every trained model: a baseline each, and a variant with them as inputs.
  for (const b of ['score:logme', 'score:leep']) assert.ok(Number.isFinite(e.baselines[b]?.mean.kendall), b);
  assert.ok(Number.isFinite(e.looTransferability.mean.kendall));

  const reportDir = path.join(root, 'report2');
  const rep = await runCli(['report', '--out', reportDir, '--json'], env);
  assert.equal(rep.code, 0, rep.stderr);
  assert.ok(fs.existsSync(path.join(reportDir, 'index.html')));

  // The same build again attaches to the finished run and gives the same artifacts.
  const again = await runCli(['build', '--profile', 'smoke', '--json'], env, 900_000);
  assert.equal(again.code, 0, again.stderr);
  const a = again.json<{ evaluationKey: string; recommenderKey: string; sweep: { done: number } }>();
  const first = built.json<{ evaluationKey: string; recommenderKey: string }>();
  assert.equal(a.evaluationKey, first.evaluationKey);
  assert.equal(a.recommenderKey, first.recommenderKey);
  assert.equal(a.sweep.done, b.sweep.done);

  // Each build answers from its own artifacts; an unknown build id names the known ones.
  const unknown = await runCli(['recommend', folder, '--build', 'nope', '--json'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no build 'nope' .*known builds: dlrec-build-smoke/);
  const named = await runCli(
    ['recommend', folder, '--build', 'dlrec-build-smoke', '--top', '3', '--json'],
    env,
  );
  assert.equal(named.code, 0, named.stderr);
  assert.deepEqual(named.json<RecommendOutput>().recommendations, f.recommendations);

  // --verify: the top recommendation fine-tuned on the user's images, measured beside predicted; --add keeps it.
  const labelled = path.join(root, 'labelled');
  await writeDigitFolder(labelled, 300);
  const verify = await runCli(
    ['recommend', labelled, '--verify', '--top', '1', '--add', '--json'],
    env,
    600_000,
  );
  assert.equal(verify.code, 0, verify.stderr);
  const v = verify.json<{
    recommendations: {
      architecture: string;
      source: string | null;
      predictedAccuracy: number;
      measuredAccuracy: number;
    }[];
    verify: { dataset: string; train: number; test: number; items: { reused: boolean }[]; addedKey: string };
  }>();
  assert.equal(v.recommendations.length, 1);
  const m = v.recommendations[0].measuredAccuracy;
  assert.ok(m >= 0 && m <= 1, String(m));
  assert.equal(v.verify.train + v.verify.test, 300);
  assert.match(v.verify.addedKey, /^verified\/[0-9a-f]{64}\.json$/);
  // Interrupted or repeated: the measured pair is reused, not trained again.
  const again2 = await runCli(['recommend', labelled, '--verify', '--top', '1', '--json'], env, 600_000);
  assert.equal(again2.code, 0, again2.stderr);
  assert.equal(again2.json<typeof v>().verify.items[0].reused, true);
  assert.equal(again2.json<typeof v>().recommendations[0].measuredAccuracy, m);
  // The next build learns from the added row.
  const third = await runCli(['build', '--profile', 'smoke', '--json'], env, 900_000);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(third.json<{ headline: { rows: number } }>().headline.rows, b.headline.rows + 1);
});
