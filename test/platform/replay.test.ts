// Safe upgrades: the recorded histories of a smoke build (test/fixtures/histories, scripts/record-histories.ts)
// replay on today's workflow code. A change to a workflow that a run in flight could not replay fails here, as it
// would fail that run's workflow tasks forever after a rolling upgrade; guard such changes with patched().
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { workflowBundle } from '../../workers/bundle';

const DIR = path.join(__dirname, '..', 'fixtures', 'histories');
const silent = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** The smoke build's histories, or those of the simulated smoke build (`simulated/`). */
function recorded(sub = ''): { workflowId: string; workflowType: string; history: unknown }[] {
  const dir = path.join(DIR, sub);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
}

test('every recorded workflow of a smoke build replays on the current workflow code', async () => {
  const histories = recorded();
  assert.ok(histories.length >= 8, `${histories.length} recorded histories`);
  const bundle = await workflowBundle();
  for (const h of histories) {
    await Worker.runReplayHistory({ workflowBundle: bundle }, h.history, h.workflowId);
  }
});

test('every recorded workflow of a simulated smoke build (faults injected) replays on the current code', async () => {
  const histories = recorded('simulated');
  assert.ok(histories.length >= 8, `${histories.length} recorded histories`);
  const bundle = await workflowBundle();
  for (const h of histories) {
    await Worker.runReplayHistory({ workflowBundle: bundle }, h.history, h.workflowId);
  }
});

test('a planted non-deterministic change to a workflow fails the replay', async () => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../fixtures/replay/planted-workflows'),
    logger: silent,
  });
  const evaluate = recorded().find((h) => h.workflowType === 'EvaluateWorkflow')!;
  await assert.rejects(
    Worker.runReplayHistory({ workflowBundle: { code } }, evaluate.history, evaluate.workflowId),
    (e: Error) => {
      assert.equal(e.name, 'DeterminismViolationError', `${e.name}: ${e.message}`);
      assert.match(e.message, /evaluateRepository|fitRecommender/);
      return true;
    },
  );
});
