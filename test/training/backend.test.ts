import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, initBackend, probeBackends } from '../../src/training/backend';
import { DLREC_WASM_KERNELS } from '../../src/training/wasm-kernels';

test('auto picks the fastest backend that loads here and says why it skipped the others', async () => {
  await initBackend('cpu');
  const info = await initBackend('auto');
  const native = probeBackends().filter((b) => b.name.startsWith('tensorflow') && b.available);
  if (native.length > 0) return; // a machine with tfjs-node: nothing below applies
  assert.equal(info.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  assert.deepEqual(
    info.details.skipped.map((s) => s.name),
    ['tensorflow-gpu', 'tensorflow'],
  );
  assert.match(info.details.skipped[0].reason, /tfjs-node-gpu/);
  assert.equal(info.details.wasmSimd, true);
  assert.deepEqual(info.details.dlrecKernels, DLREC_WASM_KERNELS);
  assert.ok(
    DLREC_WASM_KERNELS.includes('Conv2DBackpropFilter') && DLREC_WASM_KERNELS.includes('UnsortedSegmentSum'),
  );
});

test('a named backend that cannot load is an error naming the choices, not a silent fallback', async () => {
  if (probeBackends().find((b) => b.name === 'tensorflow')?.available) return;
  await assert.rejects(initBackend('tensorflow'), (e: Error) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.match(e.message, /'tensorflow' is not available.*tensorflow-gpu, tensorflow, wasm, cpu/);
    return true;
  });
  const prev = process.env.DLREC_BACKEND;
  process.env.DLREC_BACKEND = 'tpu';
  try {
    await assert.rejects(initBackend(), /DLREC_BACKEND names an unknown backend/);
  } finally {
    if (prev === undefined) delete process.env.DLREC_BACKEND;
    else process.env.DLREC_BACKEND = prev;
  }
  assert.deepEqual(
    probeBackends()
      .filter((b) => b.available)
      .map((b) => b.name)
      .filter((n) => n === 'wasm' || n === 'cpu'),
    ['wasm', 'cpu'],
  );
});
