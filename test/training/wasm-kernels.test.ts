import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/training/backend';

/** Deterministic uniform(-1, 1) values (Park–Miller) so a failing case can be replayed. */
function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed % 2147483647 || 1;
  for (let i = 0; i < n; i++) {
    s = (s * 48271) % 2147483647;
    out[i] = (s / 2147483647) * 2 - 1;
  }
  return out;
}

function pick<T>(xs: T[], r: number): T {
  return xs[Math.floor(r * xs.length) % xs.length];
}

interface Case {
  kernel: string;
  inputs: Record<string, { shape: number[]; values: Float32Array | Int32Array; dtype: tf.DataType }>;
  attrs: Record<string, unknown>;
}

async function runOn(backend: 'cpu' | 'wasm', c: Case): Promise<Float32Array> {
  if (backend === 'wasm') await initBackend('wasm');
  else await tf.setBackend('cpu');
  return tf
    .tidy(() => {
      const inputs: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(c.inputs)) inputs[k] = tf.tensor(v.values, v.shape, v.dtype);
      const out = tf.engine().runKernel(c.kernel, inputs, c.attrs as tf.NamedAttrMap) as tf.Tensor;
      return out.dataSync() as Float32Array;
    })
    .slice();
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: size`);
  let scale = 1e-6;
  let maxErr = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    maxErr = Math.max(maxErr, Math.abs(actual[i] - expected[i]));
  }
  assert.ok(maxErr / scale <= 1e-4, `${what}: max relative error ${maxErr / scale}`);
}

function convCase(seed: number, kernel: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput'): Case {
  const r = randomValues(12, seed).map((v) => (v + 1) / 2);
  const N = 1 + Math.floor(r[0] * 3);
  const H = 4 + Math.floor(r[1] * 9);
  const W = 4 + Math.floor(r[2] * 9);
  const CI = 1 + Math.floor(r[3] * 5);
  const CO = 1 + Math.floor(r[4] * 6);
  const KH = Math.min(H, 1 + Math.floor(r[5] * 5));
  const KW = Math.min(W, 1 + Math.floor(r[6] * 5));
  const strides: [number, number] = [pick([1, 1, 2, 3], r[7]), pick([1, 2, 1, 3], r[8])];
  const pad = pick<'same' | 'valid' | number>(['same', 'valid', 1, 0], r[9]);
  const xShape = [N, H, W, CI];
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    [KH, KW, CI, CO],
    strides,
    1,
    pad,
  );
  const dyShape = info.outShape;
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const dy = { shape: dyShape, values: randomValues(size(dyShape), seed + 1), dtype: 'float32' as const };
  if (kernel === 'Conv2DBackpropFilter')
    return {
      kernel,
      inputs: { x: { shape: xShape, values: randomValues(size(xShape), seed + 2), dtype: 'float32' }, dy },
      attrs: { strides, pad, dataFormat: 'NHWC', filterShape: [KH, KW, CI, CO] },
    };
  return {
    kernel,
    inputs: {
      dy,
      filter: {
        shape: [KH, KW, CI, CO],
        values: randomValues(KH * KW * CI * CO, seed + 3),
        dtype: 'float32',
      },
    },
    attrs: { strides, pad, dataFormat: 'NHWC', inputShape: xShape },
  };
}

for (const kernel of ['Conv2DBackpropFilter', 'Conv2DBackpropInput'] as const) {
  test(`wasm ${kernel} equals the cpu backend on random shapes, strides and paddings`, async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const c = convCase(seed * 7919, kernel);
      const expected = await runOn('cpu', c);
      const actual = await runOn('wasm', c);
      assertClose(
        actual,
        expected,
        `${kernel} seed ${seed} ${JSON.stringify({ ...c.attrs, x: c.inputs.x?.shape, dy: c.inputs.dy.shape })}`,
      );
    }
  });
}

test('wasm UnsortedSegmentSum equals the cpu backend (embedding gradient)', async () => {
  for (let seed = 1; seed <= 10; seed++) {
    const r = randomValues(3, seed * 31).map((v) => (v + 1) / 2);
    const n = 1 + Math.floor(r[0] * 50);
    const dim = 1 + Math.floor(r[1] * 8);
    const numSegments = 1 + Math.floor(r[2] * 12);
    const ids = Int32Array.from(randomValues(n, seed * 17), (v) => Math.floor(((v + 1) / 2) * numSegments));
    const c: Case = {
      kernel: 'UnsortedSegmentSum',
      inputs: {
        x: { shape: [n, dim], values: randomValues(n * dim, seed), dtype: 'float32' },
        segmentIds: { shape: [n], values: ids, dtype: 'int32' },
      },
      attrs: { numSegments },
    };
    assertClose(await runOn('wasm', c), await runOn('cpu', c), `UnsortedSegmentSum seed ${seed}`);
  }
});

test('embedding + conv model gradients on wasm equal those on cpu', async () => {
  const grads = async (backend: 'cpu' | 'wasm') => {
    if (backend === 'wasm') await initBackend('wasm');
    else await tf.setBackend('cpu');
    return tf.tidy(() => {
      const table = tf.tensor2d(randomValues(20 * 4, 5), [20, 4]);
      const filter = tf.tensor4d(randomValues(3 * 3 * 2 * 3, 6), [3, 3, 2, 3]);
      const ids = tf.tensor1d([1, 4, 4, 19, 0, 7, 7, 7, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13], 'int32');
      const f = (t: tf.Tensor, w: tf.Tensor) => {
        const x = tf.gather(t, ids).reshape([1, 6, 6, 2]) as tf.Tensor4D;
        return tf
          .conv2d(x, w as tf.Tensor4D, 2, 'same')
          .square()
          .sum();
      };
      const [gt, gw] = tf.grads(f)([table, filter]);
      return [gt.dataSync().slice(), gw.dataSync().slice()] as Float32Array[];
    });
  };
  const [ct, cw] = await grads('cpu');
  const [wt, ww] = await grads('wasm');
  assertClose(wt, ct, 'embedding gradient');
  assertClose(ww, cw, 'filter gradient');
});

test('wasm Tile (replaced by dlrec) equals the cpu backend', async () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = randomValues(8, seed * 101).map((v) => (v + 1) / 2);
    const rank = 1 + Math.floor(r[0] * 4);
    const shape = Array.from({ length: rank }, (_, i) => 1 + Math.floor(r[1 + i] * 4));
    const reps = Array.from({ length: rank }, (_, i) => 1 + Math.floor(r[(5 + i) % 8] * 3));
    const n = shape.reduce((a, b) => a * b, 1);
    const c: Case = {
      kernel: 'Tile',
      inputs: { x: { shape, values: randomValues(n, seed), dtype: 'float32' } },
      attrs: { reps },
    };
    assertClose(await runOn('wasm', c), await runOn('cpu', c), `Tile ${JSON.stringify({ shape, reps })}`);
  }
});

test('wasm BatchMatMul with transposes (replaced by dlrec) equals the cpu backend', async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const r = randomValues(5, seed * 13).map((v) => (v + 1) / 2);
    const [b, m, k, n] = [
      1 + Math.floor(r[0] * 3),
      1 + Math.floor(r[1] * 20),
      1 + Math.floor(r[2] * 20),
      1 + Math.floor(r[3] * 20),
    ];
    const transposeA = seed % 2 === 0;
    const transposeB = seed % 4 >= 2;
    const aShape = transposeA ? [b, k, m] : [b, m, k];
    const bShape = transposeB ? [b, n, k] : [b, k, n];
    const c: Case = {
      kernel: 'BatchMatMul',
      inputs: {
        a: { shape: aShape, values: randomValues(b * m * k, seed), dtype: 'float32' },
        b: { shape: bShape, values: randomValues(b * k * n, seed + 5), dtype: 'float32' },
      },
      attrs: { transposeA, transposeB },
    };
    assertClose(
      await runOn('wasm', c),
      await runOn('cpu', c),
      `BatchMatMul ${JSON.stringify(c.attrs)} ${aShape} ${bShape}`,
    );
  }
});

test('Conv2DBackpropFilter falls back to im2col where the convolution form needs negative padding', async () => {
  // H = 5, k = 2, stride 2, VALID: the last row is never read, so the dilated-conv form would crop.
  for (const [pad, stride] of [
    ['valid', 2],
    ['valid', 3],
    ['same', 2],
  ] as const) {
    const x = { shape: [2, 5, 5, 3], values: randomValues(150, 3), dtype: 'float32' as const };
    const info = tf.backend_util.computeConv2DInfo([2, 5, 5, 3], [2, 2, 3, 4], stride, 1, pad);
    const n = info.outShape.reduce((a, b) => a * b, 1);
    const c: Case = {
      kernel: 'Conv2DBackpropFilter',
      inputs: { x, dy: { shape: info.outShape, values: randomValues(n, 4), dtype: 'float32' } },
      attrs: { strides: stride, pad, dataFormat: 'NHWC', filterShape: [2, 2, 3, 4] },
    };
    assertClose(await runOn('wasm', c), await runOn('cpu', c), `fallback ${pad} ${stride}`);
  }
});

test('wasm Sum (replaced by dlrec for leading axes) equals the cpu backend', async () => {
  const cases: [number[], number | number[], boolean][] = [
    [[4, 5, 6, 7], [0, 1, 2], false],
    [[4, 5, 6, 7], [0, 1, 2], true],
    [[9, 3], 0, false],
    [[3, 4, 5], [-3, -2], false],
    [[2, 3, 4], [1, 2], false], // trailing axes: wasm's own kernel
    [[2, 3, 4], [0, 2], true],
    [[300, 13], [0], false],
  ];
  for (const [shape, axis, keepDims] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const c: Case = {
      kernel: 'Sum',
      inputs: { x: { shape, values: randomValues(n, n), dtype: 'float32' } },
      attrs: { axis, keepDims },
    };
    assertClose(await runOn('wasm', c), await runOn('cpu', c), `Sum ${shape} ${axis} ${keepDims}`);
    await initBackend('wasm');
    const t = tf.sum(tf.ones(shape), axis, keepDims);
    const reduced = (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a));
    const expectedShape = keepDims
      ? shape.map((d, i) => (reduced.includes(i) ? 1 : d))
      : shape.filter((_, i) => !reduced.includes(i));
    assert.deepEqual(t.shape, expectedShape);
    t.dispose();
  }
});
