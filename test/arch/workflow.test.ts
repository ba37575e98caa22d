import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { SHARD_SIZE, writeGeneration } from '../../src/arch';
import { runCli } from '../helpers/cli';
import { startTemporalServer, type TemporalDevServer } from '../helpers/services';

let temporal: TemporalDevServer;
before(async () => {
  temporal = await startTemporalServer();
});
after(async () => {
  await temporal?.stop();
});

test('generate --workflow (GenerateModelsWorkflow) writes the same bytes as the single-process generator', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-gen-wf-'));
  try {
    const env = { TEMPORAL_ADDRESS: temporal.address, DLREC_HOME: path.join(root, 'home') };
    const args = ['generate', '--count', '1500', '--seed', '12', '--classes', '43', '--json'];
    const r = await runCli([...args, '--out', path.join(root, 'wf'), '--workflow'], env);
    assert.equal(r.code, 0, r.stderr);
    const manifest = r.json<{ models: number }>();
    assert.equal(manifest.models, 1500);
    const local = { seed: 12, count: 1500, input: { height: 32, width: 32, channels: 3 }, classes: 43 };
    assert.deepEqual(
      manifest,
      writeGeneration(path.join(root, 'local'), { ...local, shardSize: SHARD_SIZE }),
    );
    for (const f of ['models.jsonl', 'sentences.txt', 'vocab.txt', 'manifest.json']) {
      assert.ok(
        fs.readFileSync(path.join(root, 'wf', f)).equals(fs.readFileSync(path.join(root, 'local', f))),
        f,
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
