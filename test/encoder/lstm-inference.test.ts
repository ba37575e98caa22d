import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simdMatVec } from '../../src/encoder/simd-matvec';
import { LstmInference } from '../../src/encoder/lstm-inference';
import { SeededRandom } from '../../src/encoder/rng';

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
  for (const dim of [8, 12, 6]) {
    const vocab = 10;
    const layers = [0, 1, 2].map(() => ({
      w: randomArray(4 * dim * 2 * dim, 0.6),
      bias: randomArray(4 * dim, 0.2),
    }));
    const embedding = randomArray(vocab * dim, 2);
    const simd = new LstmInference(embedding, layers, dim);
    const scalar = new LstmInference(embedding, layers, dim, { simd: false });
    assert.equal(simd.usesSimd, (2 * dim) % 16 === 0);
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
