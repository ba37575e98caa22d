import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, initBackend, probeBackends } from '../../src/training/backend';
import { DLREC_WASM_KERNELS } from '../../src/training/wasm-kernels';
import { GpuUnavailableError, nvidiaDevices, requireGpu } from '../../src/training/gpu';

test('auto picks the fastest backend that loads here and says why it skipped the others', async () => {
  await initBackend('cpu');
  const info = await initBackend('auto');
  const native = probeBackends().find((b) => b.name === 'tensorflow')!;
  assert.ok(
    !probeBackends().find((b) => b.name === 'tensorflow-gpu')!.available,
    'no GPU package on CPU machines',
  );
  if (native.available) {
    // Built by `npm run setup` from the pinned tensorflow-cpu wheel.
    assert.equal(info.name, 'tensorflow');
    assert.equal(tf.getBackend(), 'tensorflow');
    assert.deepEqual(
      info.details.skipped.map((s) => s.name),
      ['tensorflow-gpu'],
    );
    assert.match(info.details.tensorflowVersion ?? '', /^2\.\d+\.\d+/);
    assert.equal(info.details.usesGpu, false);
    return;
  }
  if (process.env.CI) assert.fail(`CI builds the native backend: ${native.reason}`);
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
  // tfjs-node-gpu is installed only in the GPU image.
  await assert.rejects(initBackend('tensorflow-gpu'), (e: Error) => {
    assert.ok(e instanceof BackendUnavailableError);
    assert.match(
      e.message,
      /'tensorflow-gpu' is not available.*tfjs-node-gpu.*tensorflow-gpu, tensorflow, wasm, cpu/,
    );
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

test('GPU facts: nvidia-smi parsed; a GPU worker without a GPU backend refuses to start, naming the fix', async () => {
  const fake = ((_cmd: string, _args: string[]) => ({
    status: 0,
    stdout: '0, NVIDIA H200, 9.0, 143771, 570.86.15\n1, NVIDIA L4, 8.9, 23034, 570.86.15\n',
    stderr: '',
  })) as never;
  assert.deepEqual(nvidiaDevices(fake).devices, [
    { index: 0, name: 'NVIDIA H200', computeCapability: '9.0', memoryMiB: 143771, driver: '570.86.15' },
    { index: 1, name: 'NVIDIA L4', computeCapability: '8.9', memoryMiB: 23034, driver: '570.86.15' },
  ]);
  const missing = (() => ({ error: new Error('spawnSync nvidia-smi ENOENT') })) as never;
  assert.match(nvidiaDevices(missing).reason!, /nvidia-smi cannot run.*no NVIDIA driver/);
  await assert.rejects(requireGpu(), (e: Error) => {
    assert.ok(e instanceof GpuUnavailableError);
    assert.match(
      e.message,
      /cannot load TensorFlow's GPU backend.*tfjs-node-gpu.*native-tensorflow\.js --variant gpu/,
    );
    return true;
  });
});
