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

test('schedule create: --heartbeat-timeout and --schedule-to-start reach the workflow input, checked first', async () => {
  const base = ['schedule', 'create', '--cron', '0 3 * * 0', '--profile', 'smoke'];
  // Refused before Temporal is dialled, as usage errors naming the flag.
  const low = await runCli([...base, '--id', 'bad', '--heartbeat-timeout', '5'], env);
  assert.equal(low.code, 2, low.stderr);
  assert.match(low.stderr, /--heartbeat-timeout: timeouts\.heartbeatSeconds must be at least 10, got 5/);
  const word = await runCli([...base, '--id', 'bad', '--schedule-to-start', 'soon'], env);
  assert.equal(word.code, 2, word.stderr);
  assert.match(word.stderr, /--schedule-to-start must be a number of minutes, got 'soon'/);
  const negative = await runCli([...base, '--id', 'bad', '--schedule-to-start=-5'], env);
  assert.equal(negative.code, 2, negative.stderr);
  assert.match(negative.stderr, /--schedule-to-start: timeouts\.scheduleToStartMinutes must be 0 or more/);

  const both = await runCli(
    [...base, '--id', 'timed', '--heartbeat-timeout', '300', '--schedule-to-start', '90', '--json'],
    env,
  );
  assert.equal(both.code, 0, both.stderr);
  const input = [{ profile: 'smoke', timeouts: { heartbeatSeconds: 300, scheduleToStartMinutes: 90 } }];
  assert.deepEqual(both.json<{ args: unknown }>().args, input);
  const described = await runCli(['schedule', 'describe', 'timed', '--json'], env);
  assert.deepEqual(described.json<{ args: unknown }>().args, input);

  // Only the flags given travel; none: the input stays { profile }.
  const one = await runCli([...base, '--id', 'timed-one', '--schedule-to-start', '0', '--json'], env);
  assert.equal(one.code, 0, one.stderr);
  assert.deepEqual(one.json<{ args: unknown }>().args, [
    { profile: 'smoke', timeouts: { scheduleToStartMinutes: 0 } },
  ]);

  // --if-not-exists leaves a schedule as it is, and says when its input differs from the one asked for.
  const same = await runCli(
    [
      ...base,
      '--id',
      'timed',
      '--heartbeat-timeout',
      '300',
      '--schedule-to-start',
      '90',
      '--if-not-exists',
      '--json',
    ],
    env,
  );
  assert.deepEqual(same.json<{ created: boolean; inputMatches: boolean }>(), {
    created: false,
    id: 'timed',
    inputMatches: true,
    args: input,
  });
  const changed = await runCli(
    [...base, '--id', 'timed', '--heartbeat-timeout', '600', '--if-not-exists'],
    env,
  );
  assert.equal(changed.code, 0, changed.stderr);
  assert.match(
    changed.stdout,
    /schedule timed exists with input .*"heartbeatSeconds":300.*; unchanged, so .*"heartbeatSeconds":600/,
  );

  for (const id of ['timed', 'timed-one'])
    assert.equal((await runCli(['schedule', 'delete', id], env)).code, 0);
});
