/**
 * Records the event histories of a smoke build (the build and each of its child workflows) into
 * test/fixtures/histories/, for the replay test (test/platform/replay.test.ts): a later change to a workflow that
 * would break a run in flight fails CI there. Re-record only when a workflow's shape changes on purpose — and then
 * guard the old shape with patched() so running campaigns keep replaying (docs/operations.md).
 *
 *   node --import tsx scripts/record-histories.ts
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { findTool } from '../infra/tools';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'test', 'fixtures', 'histories');
const CHILDREN = ['datasets', 'generate', 'encoder', 'sweep', 'ranker', 'ranker-loo', 'evaluate'];

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-record-'));
  const port = 7633;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DLREC_HOME: home,
    DLREC_TEMPORAL_PORT: String(port),
    DLREC_TEMPORAL_UI_PORT: String(port + 1),
  };
  delete env.TEMPORAL_ADDRESS;
  const cli = path.join(ROOT, 'bin', 'dlrec.js');
  try {
    const built = spawnSync(process.execPath, [cli, 'build', '--profile', 'smoke', '--json'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (built.status !== 0) throw new Error(`dlrec build exited with ${built.status}`);
    const base = (JSON.parse(built.stdout) as { workflowId: string }).workflowId;
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection });
    fs.mkdirSync(OUT, { recursive: true });
    for (const id of [base, ...CHILDREN.map((c) => `${base}/${c}`)]) {
      const handle = client.workflow.getHandle(id);
      const type = (await handle.describe()).type;
      // The CLI's JSON is the format Worker.runReplayHistory reads (as Temporal's replay docs record it).
      const shown = spawnSync(
        findTool('temporal') ?? 'temporal',
        ['workflow', 'show', '--workflow-id', id, '--address', `127.0.0.1:${port}`, '--output', 'json'],
        { encoding: 'utf8', maxBuffer: 256 << 20 },
      );
      if (shown.status !== 0) throw new Error(`temporal workflow show ${id}: ${shown.stderr}`);
      const file = path.join(OUT, `${type}.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({ workflowId: id, workflowType: type, history: JSON.parse(shown.stdout) }),
      );
      console.log(`${path.relative(ROOT, file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
    }
    await connection.close();
  } finally {
    spawnSync(process.execPath, [cli, 'server', 'stop'], { env, stdio: 'ignore' });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
