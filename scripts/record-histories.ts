/**
 * Records the event histories of a smoke build (the build and each of its child workflows) into
 * test/fixtures/histories/, for the replay test (test/platform/replay.test.ts): a later change to a workflow that
 * would break a run in flight fails CI there. Re-record only when a workflow's shape changes on purpose — and then
 * guard the old shape with patched() so running campaigns keep replaying (docs/operations.md).
 *
 *   node --import tsx scripts/record-histories.ts              # a smoke build → test/fixtures/histories/
 *   node --import tsx scripts/record-histories.ts --simulate   # a simulated one → test/fixtures/histories/simulated/
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { BUILD_STAGES, isolatedBuild } from '../infra/isolated-build';
import { findTool } from '../infra/tools';

const ROOT = path.resolve(__dirname, '..');
const SIMULATE = process.argv.includes('--simulate');
const OUT = path.join(ROOT, 'test', 'fixtures', 'histories', ...(SIMULATE ? ['simulated'] : []));

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-record-'));
  try {
    await isolatedBuild<{ workflowId: string }, void>(
      {
        profile: 'smoke',
        home,
        port: 7633,
        // Faults at a fixed rate: the simulated histories hold retried activities too.
        args: SIMULATE ? ['--simulate', '--failure-rate', '0.2', '--epoch-seconds', '0.05'] : [],
      },
      async ({ result, address }) => {
        const connection = await Connection.connect({ address });
        const client = new Client({ connection });
        fs.mkdirSync(OUT, { recursive: true });
        for (const id of [result.workflowId, ...BUILD_STAGES.map((c) => `${result.workflowId}/${c}`)]) {
          const type = (await client.workflow.getHandle(id).describe()).type;
          // The CLI's JSON is the format Worker.runReplayHistory reads (as Temporal's replay docs record it).
          const shown = spawnSync(
            findTool('temporal') ?? 'temporal',
            ['workflow', 'show', '--workflow-id', id, '--address', address, '--output', 'json'],
            { encoding: 'utf8', maxBuffer: 256 << 20 },
          );
          if (shown.status !== 0) throw new Error(`temporal workflow show ${id}: ${shown.stderr}`);
          const file = path.join(OUT, `${type}.json`);
          const history = JSON.parse(shown.stdout) as unknown;
          fs.writeFileSync(file, JSON.stringify({ workflowId: id, workflowType: type, history }));
          console.log(`${path.relative(ROOT, file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
        }
        await connection.close();
      },
    );
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
