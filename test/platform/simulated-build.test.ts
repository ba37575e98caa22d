// `dlrec build --simulate` end to end on the smoke profile: the simulated trainer for the sweep and the language
// model, everything else for real, through the report — which shows how well the regressor recovers the law —
// and the guard that keeps simulated and real builds out of one home.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FileArtifactStore } from '../../infra/store';
import { runCli } from '../helpers/cli';
import { temporalForTests } from '../helpers/services';

const services = temporalForTests('simulated-build');
const { root } = services;

test('a simulated smoke build runs to its report, which measures the recovery of the law', async () => {
  const env = { TEMPORAL_ADDRESS: services.temporal.address, DLREC_HOME: path.join(root, 'sim') };
  const built = await runCli(
    [
      'build',
      '--profile',
      'smoke',
      '--simulate',
      '--failure-rate',
      '0.2',
      '--epoch-seconds',
      '0.05',
      '--json',
    ],
    env,
    600_000,
  );
  assert.equal(built.code, 0, built.stderr);
  const record = built.json<{
    workflowId: string;
    simulated: { failureRate: number };
    sweep: { total: number; done: number; failed: number };
    evaluationKey: string;
    report: string;
  }>();
  assert.equal(record.workflowId, 'dlrec-build-smoke-simulated');
  assert.equal(record.simulated.failureRate, 0.2);
  assert.equal(record.sweep.done, record.sweep.total, 'retries carry every pair past the injected faults');
  const html = fs.readFileSync(record.report, 'utf8');
  assert.match(html, /Simulated build: does the regressor recover the law\?/);
  const evaluation = await runCli(['evaluate', '--json'], env, 300_000);
  assert.equal(evaluation.code, 0, evaluation.stderr);
  const summary = evaluation.json<{
    lawRecovery?: { kendall: number; measuredKendall: number; perTarget: Record<string, unknown> };
  }>();
  assert.ok(summary.lawRecovery, 'the evaluation of a simulated build compares its predictions with the law');
  assert.ok(Object.keys(summary.lawRecovery.perTarget).length >= 2);
  assert.ok(summary.lawRecovery.measuredKendall > 0.5, 'measured accuracies follow the law up to noise');
  assert.ok(Number.isFinite(summary.lawRecovery.kendall));

  // The same home refuses a real build, and a home with real builds refuses a simulated one.
  const real = await runCli(['build', '--profile', 'smoke', '--json'], env);
  assert.notEqual(real.code, 0);
  assert.match(real.stderr, /holds a simulated build/);
});

test('a home with real builds refuses a simulated build', async () => {
  const home = path.join(root, 'real');
  await new FileArtifactStore(path.join(home, 'artifacts')).put('builds/dlrec-build-smoke.json', '{}');
  const sim = await runCli(['build', '--profile', 'smoke', '--simulate', '--json'], {
    TEMPORAL_ADDRESS: services.temporal.address,
    DLREC_HOME: home,
  });
  assert.notEqual(sim.code, 0);
  assert.match(sim.stderr, /holds 1 real build\(s\)/);
});
