// The main job end to end on the smoke profile — `dlrec build` through a private Temporal dev server — then what a
// user does next, all from the stored artifacts: `recommend` on a folder of real PNGs, on a zip of it and on a
// registered dataset, `evaluate --json`, `report`; and a second `build` that resumes instead of redoing work.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { makeZip } from '../datasets/helpers';
import { runCli } from '../helpers/cli';
import { writeDigitFolder } from '../helpers/images';
import { startTemporalServer, type TemporalDevServer } from '../helpers/services';

let temporal: TemporalDevServer;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-build-e2e-'));
before(async () => {
  temporal = await startTemporalServer();
});
after(async () => {
  await temporal?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

interface RecommendOutput {
  mostSimilar: { dataset: string; similarity: number }[];
  recommendations: {
    model: string;
    architecture: string;
    sourceDataset: string | null;
    predictedAccuracy: number;
    evidence: { params: number; nearestResults: { dataset: string; accuracy: number }[] };
  }[];
  seconds: number;
}

function checkRecommendations(out: RecommendOutput, datasets: string[], top: number): void {
  assert.deepEqual(out.mostSimilar.map((m) => m.dataset).sort(), [...datasets].sort());
  const total = out.mostSimilar.reduce((s, m) => s + m.similarity, 0);
  assert.ok(Math.abs(total - 1) < 1e-9, `similarities sum to ${total}`);
  assert.equal(out.recommendations.length, top);
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
  }
  assert.ok(out.seconds > 0);
}

test('build --profile smoke → recommend (folder, zip, dataset) → evaluate → report; a re-run resumes', async () => {
  const env = { TEMPORAL_ADDRESS: temporal.address, DLREC_HOME: path.join(root, 'home') };
  const folder = path.join(root, 'digits');
  await writeDigitFolder(folder);

  const early = await runCli(['recommend', folder, '--json'], env);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /no recommender .* yet: run 'dlrec build --profile mini'/);

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

  const bad = await runCli(['recommend', path.join(root, 'missing'), '--json'], env);
  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');

  const evaluated = await runCli(['evaluate', '--json'], env, 600_000);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const e = evaluated.json<{
    loo: { mean: { kendall: number; mae: number; regret: number }; perDataset: Record<string, unknown> };
    split8020: { perRegressor: Record<string, { mse: number }> };
    table1: { cells: unknown[] };
    baselines: Record<string, { mean: { kendall: number } }>;
    looTransferability: { mean: { kendall: number } };
  }>();
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
});
