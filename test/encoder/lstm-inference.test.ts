import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simdMatVec } from '../../src/encoder/simd-matvec';
import { LstmInference } from '../../src/encoder/lstm-inference';
import { SeededRandom } from '../../src/random';

const rng = new SeededRandom(11);
const randomArray = (n: number, scale = 1) =>
  Float32Array.from({ length: n }, () => (rng.next() - 0.5) * scale);

test('SIMD matVec kernel equals a naive product', () => {
  const rows = 13;
  const cols = 48;
  const kernel = simdMatVec((rows * cols + cols + rows) * 4);
  assert.ok(kernel, 'WebAssembly SIMD is available in Node 20');
  const { matvec, heap } = kernel;
  const w = randomArray(rows * cols);
  const v = randomArray(cols);
  heap.set(w, 0);
  heap.set(v, rows * cols);
  matvec(0, rows * cols * 4, (rows * cols + cols) * 4, rows, cols);
  for (let r = 0; r < rows; r++) {
    let expected = 0;
    for (let k = 0; k < cols; k++) expected += w[r * cols + k] * v[k];
    assert.ok(Math.abs(heap[rows * cols + cols + r] - expected) < 1e-4, `row ${r}`);
  }
});

test('LstmInference: SIMD and scalar paths agree; odd dims fall back to scalar', () => {
  for (const dim of [16, 12, 6]) {
    const vocab = 10;
    const layers = [0, 1, 2].map(() => ({
      w: randomArray(4 * dim * 2 * dim, 0.6),
      bias: randomArray(4 * dim, 0.2),
    }));
    const embedding = randomArray(vocab * dim, 2);
    const simd = new LstmInference(embedding, layers, dim);
    const scalar = new LstmInference(embedding, layers, dim, { simd: false });
    assert.equal(simd.usesSimd, dim % 16 === 0);
    assert.equal(scalar.usesSimd, false);
    const ids = Int32Array.from([0, 3, 9, 1, 1, 4]);
    const a = simd.finalHidden(ids);
    const b = scalar.finalHidden(ids);
    assert.equal(a.length, dim);
    for (let i = 0; i < dim; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-5);
    // Each call starts from a zero state.
    assert.deepEqual(simd.finalHidden(ids), a);
  }
});

/** A direct transcription of the LSTM on the [4D, 2D] layout (gates i, f, g, o), as the oracle. */
function naiveFinalHidden(
  embedding: Float32Array,
  layers: { w: Float32Array; bias: Float32Array }[],
  d: number,
  ids: Int32Array,
) {
  let inputs = Array.from(ids, (id) => Array.from(embedding.subarray(id * d, id * d + d)));
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  for (const { w, bias } of layers) {
    let h = new Array(d).fill(0);
    const c = new Array(d).fill(0);
    const out: number[][] = [];
    for (const x of inputs) {
      const xh = [...x, ...h];
      const z = Array.from({ length: 4 * d }, (_, r) =>
        xh.reduce((s, v, k) => s + w[r * 2 * d + k] * v, bias[r]),
      );
      h = h.map((_, j) => {
        c[j] = sig(z[d + j]) * c[j] + sig(z[j]) * Math.tanh(z[2 * d + j]);
        return sig(z[3 * d + j]) * Math.tanh(c[j]);
      });
      out.push(h);
    }
    inputs = out;
  }
  return inputs[inputs.length - 1];
}

test('LstmInference: sentences longer than one block of steps match the naive LSTM', () => {
  const dim = 16;
  const layers = [0, 1, 2].map(() => ({
    w: randomArray(8 * dim * dim, 0.6),
    bias: randomArray(4 * dim, 0.2),
  }));
  const embedding = randomArray(10 * dim, 2);
  const ids = Int32Array.from({ length: 150 }, (_, i) => (i * 7) % 10);
  const expected = naiveFinalHidden(embedding, layers, dim, ids);
  for (const simd of [true, false]) {
    const got = new LstmInference(embedding, layers, dim, { simd }).finalHidden(ids);
    for (let i = 0; i < dim; i++) assert.ok(Math.abs(got[i] - expected[i]) < 1e-4, `simd ${simd} [${i}]`);
  }
});
