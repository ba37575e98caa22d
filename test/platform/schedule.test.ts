import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { findTool } from '../../infra/tools';
import { runCli } from '../helpers/cli';
import { startTemporalServer, type TemporalDevServer } from '../helpers/services';

let temporal: TemporalDevServer;
let env: NodeJS.ProcessEnv;
before(async () => {
  temporal = await startTemporalServer();
  env = {
    TEMPORAL_ADDRESS: temporal.address,
    DLREC_HOME: mkdtempSync(path.join(os.tmpdir(), 'dlrec-sched-')),
  };
});
after(async () => temporal?.stop());

test('schedule: create → list (dlrec and temporal CLI) → trigger runs the smoke build → pause → delete', async () => {
  const created = await runCli(
    ['schedule', 'create', '--id', 'nightly', '--cron', '0 3 * * 0', '--profile', 'smoke', '--json'],
    env,
  );
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json<{ created: boolean }>().created, true);

  const dup = await runCli(
    ['schedule', 'create', '--id', 'nightly', '--cron', '0 3 * * 0', '--profile', 'smoke'],
    env,
  );
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already exists/);
  const idem = await runCli(
    [
      'schedule',
      'create',
      '--id',
      'nightly',
      '--cron',
      '0 3 * * 0',
      '--profile',
      'smoke',
      '--if-not-exists',
      '--json',
    ],
    env,
  );
  assert.equal(idem.code, 0);
  assert.equal(idem.json<{ created: boolean }>().created, false);

  const list = await runCli(['schedule', 'list', '--json'], env);
  const schedules = list.json<Array<{ id: string; cron: string; workflowType: string; paused: boolean }>>();
  assert.deepEqual(
    schedules.map((s) => [s.id, s.cron, s.workflowType, s.paused]),
    [['nightly', '0 3 * * 0', 'RepositoryBuildWorkflow', false]],
  );

  const tl = spawnSync(findTool('temporal')!, ['schedule', 'list', '--address', temporal.address], {
    encoding: 'utf8',
  });
  assert.equal(tl.status, 0, tl.stderr);
  assert.match(tl.stdout, /nightly/);

  const trig = await runCli(['schedule', 'trigger', 'nightly', '--wait', '--json'], env, 600_000);
  assert.equal(trig.code, 0, trig.stderr);
  const run = trig.json<{
    workflowId: string;
    result: { profile: string; generation: { models: number } };
  }>();
  assert.match(run.workflowId, /^dlrec-build-nightly/);
  assert.equal(run.result.profile, 'smoke');
  assert.ok(run.result.generation.models > 0);

  const paused = await runCli(['schedule', 'pause', 'nightly', '--note', 'maintenance'], env);
  assert.equal(paused.code, 0, paused.stderr);
  const desc = (await runCli(['schedule', 'describe', 'nightly', '--json'], env)).json<{
    paused: boolean;
    recentRuns: unknown[];
  }>();
  assert.equal(desc.paused, true);
  assert.equal(desc.recentRuns.length, 1);

  const del = await runCli(['schedule', 'delete', 'nightly'], env);
  assert.equal(del.code, 0, del.stderr);
  const after = (await runCli(['schedule', 'list', '--json'], env)).json<unknown[]>();
  assert.deepEqual(after, []);
  const missing = await runCli(['schedule', 'describe', 'nightly'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no schedule 'nightly'/);
});
