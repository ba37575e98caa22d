// A worker started as a GPU worker (DLREC_BACKEND=tensorflow-gpu, as the GPU image sets) checks its GPU before
// it connects or polls: here, with no GPU package, it refuses to start with the cause and the fix.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileArtifactStore } from '../../infra/store';
import { GpuUnavailableError } from '../../src/training/gpu';
import { startWorkers } from '../../workers/worker';

test('a gpu-queue worker with DLREC_BACKEND=tensorflow-gpu refuses to start without a usable GPU', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-gpu-worker-'));
  const prev = process.env.DLREC_BACKEND;
  process.env.DLREC_BACKEND = 'tensorflow-gpu';
  try {
    await assert.rejects(
      startWorkers({
        // Nothing listens there: the check must fail before any connection is tried.
        target: { address: '127.0.0.1:1', namespace: 'default', external: true },
        store: new FileArtifactStore(path.join(dir, 'store')),
        queue: 'gpu',
      }),
      (e: Error) => {
        assert.ok(e instanceof GpuUnavailableError, `${e.name}: ${e.message}`);
        assert.match(e.message, /GPU backend.*--variant gpu/);
        return true;
      },
    );
  } finally {
    if (prev === undefined) delete process.env.DLREC_BACKEND;
    else process.env.DLREC_BACKEND = prev;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
