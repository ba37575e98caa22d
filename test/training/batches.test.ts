import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillBatch, type BatchOptions, type ImageData } from '../../src/training/batches';
import { SeededRandom } from '../../src/random';

/** The augmentation by its definition, one pixel at a time: the oracle for fillBatch's row runs. */
function fillByDefinition(d: ImageData, indices: number[], out: Float32Array, o: BatchOptions): void {
  const { height: H, width: W, channels: C } = d;
  for (let b = 0; b < indices.length; b++) {
    let dy = 0;
    let dx = 0;
    let flip = false;
    if (o.rng) {
      const p = o.cropPadding;
      if (p > 0) {
        dy = o.rng.int(2 * p + 1) - p;
        dx = o.rng.int(2 * p + 1) - p;
      }
      flip = o.horizontalFlip && o.rng.next() < 0.5;
    }
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const sy = y + dy;
        const sx = (flip ? W - 1 - x : x) + dx;
        for (let c = 0; c < C; c++) {
          const pixel =
            sy < 0 || sy >= H || sx < 0 || sx >= W ? 0 : d.images[((indices[b] * H + sy) * W + sx) * C + c];
          out[((b * H + y) * W + x) * C + c] = pixel * (1 / (255 * o.std[c])) + -o.mean[c] / o.std[c];
        }
      }
    }
  }
}

test('fillBatch gives exactly the per-pixel definition (crop padding, flip, 1–4 channels, odd sizes)', () => {
  for (const C of [1, 2, 3, 4]) {
    for (const [H, W] of [
      [32, 32],
      [5, 7],
      [28, 28],
    ]) {
      for (const cropPadding of [0, 2, 4, 9]) {
        const count = 30;
        const images = Uint8Array.from({ length: count * H * W * C }, (_, i) => (i * 2654435761) >>> 24);
        const d = { images, labels: new Uint8Array(count), count, height: H, width: W, channels: C };
        const idx = Array.from({ length: 24 }, (_, i) => (i * 7) % count);
        for (const augment of [true, false]) {
          const options = (): BatchOptions => ({
            mean: Array.from({ length: C }, (_, c) => 0.3 + c * 0.1),
            std: Array.from({ length: C }, (_, c) => 0.2 + c * 0.05),
            cropPadding,
            horizontalFlip: true,
            rng: augment ? new SeededRandom(5) : undefined,
          });
          const ours = new Float32Array(idx.length * H * W * C);
          const oracle = new Float32Array(ours.length);
          fillBatch(d, idx, ours, options());
          fillByDefinition(d, idx, oracle, options());
          assert.deepEqual(ours, oracle, `${H}×${W}×${C}, padding ${cropPadding}, augment ${augment}`);
        }
      }
    }
  }
});
