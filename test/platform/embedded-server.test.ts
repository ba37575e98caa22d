import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { runCli } from '../helpers/cli';
import { freePort } from '../helpers/services';

const home = mkdtempSync(path.join(os.tmpdir(), 'dlrec-embedded-'));
let env: NodeJS.ProcessEnv = {};

after(async () => {
  await runCli(['server', 'stop'], env);
});

test('embedded server: start, doctor, kill -9, restart keeps workflow histories, stop', async () => {
  env = {
    DLREC_HOME: home,
    DLREC_TEMPORAL_PORT: String(await freePort()),
    DLREC_TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_ADDRESS: '',
  };
  const started = await runCli(['server', 'start', '--json'], env);
  assert.equal(started.code, 0, started.stderr);
  const s = started.json<{ running: boolean; pid: number; address: string; dbFile: string }>();
  assert.equal(s.running, true);
  assert.equal(s.dbFile, path.join(home, 'temporal.db'));

  const again = await runCli(['server', 'start', '--json'], env);
  assert.equal(again.json<{ started: boolean }>().started, false, 'a running server is reused');

  const doctor = await runCli(['doctor', '--json'], env);
  assert.equal(doctor.code, 0, doctor.stderr + doctor.stdout);
  const workflowId = doctor.json<{ temporal: { workflowId: string } }>().temporal.workflowId;

  process.kill(s.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  const down = await runCli(['server', 'status', '--json'], env);
  assert.equal(down.code, 1);

  const restarted = await runCli(['server', 'start', '--json'], env);
  assert.equal(restarted.code, 0, restarted.stderr);
  const connection = await Connection.connect({ address: s.address });
  try {
    const client = new Client({ connection });
    const desc = await client.workflow.getHandle(workflowId).describe();
    assert.equal(desc.status.name, 'COMPLETED');
  } finally {
    await connection.close();
  }

  const stopped = await runCli(['server', 'stop', '--json'], env);
  assert.equal(stopped.json<{ stopped: boolean }>().stopped, true);
});
