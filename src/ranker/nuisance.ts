/**
 * Label-preserving changes by which a user's images differ from a repository dataset's: sensor noise, framing,
 * colour and contrast, resolution. Each works in place on one 32×32 RGB image. The family probe applies them at
 * full strength to images the ranker never saw; the ranker's training applies milder ones to half of its sample,
 * so its members must tell datasets apart by content rather than by a dataset's clean, fixed-scale look.
 */
import type { SeededRandom } from '../random';
import { resizeSet, toChannels } from '../datasets/transforms';
import type { ImageSet } from '../datasets/types';

export const NUISANCE_SIZE = 32;
const PER = NUISANCE_SIZE * NUISANCE_SIZE * 3;

/** Any image set at 32×32 RGB: what every nuisance works on. */
export const asRgb32 = (set: ImageSet) => toChannels(resizeSet(set, NUISANCE_SIZE, NUISANCE_SIZE), 3);

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

export function gaussian(rng: SeededRandom): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

const single = (img: Uint8Array): ImageSet => ({
  images: img,
  labels: new Uint8Array(1),
  count: 1,
  height: NUISANCE_SIZE,
  width: NUISANCE_SIZE,
  channels: 3,
  classNames: ['x'],
});

/** Additive Gaussian noise of standard deviation `sigma` grey levels. */
export function addNoise(img: Uint8Array, sigma: number, rng: SeededRandom): void {
  for (let i = 0; i < PER; i++) img[i] = clamp(img[i] + sigma * gaussian(rng));
}

/** The picture shrunk to `scale` of its side on its own border colour (the top-left pixel), at a random offset. */
export function zoomOut(img: Uint8Array, scale: number, rng: SeededRandom): void {
  const side = Math.round(NUISANCE_SIZE * scale);
  const small = resizeSet(single(Uint8Array.from(img)), side, side).images;
  const border = [img[0], img[1], img[2]];
  for (let i = 0; i < PER; i += 3) img.set(border, i);
  const oy = rng.int(NUISANCE_SIZE - side + 1);
  const ox = rng.int(NUISANCE_SIZE - side + 1);
  for (let y = 0; y < side; y++)
    img.set(small.subarray(y * side * 3, (y + 1) * side * 3), ((oy + y) * NUISANCE_SIZE + ox) * 3);
}

/** Down to `side` px and back up: a low-resolution scan enlarged. */
export function rescan(img: Uint8Array, side: number): void {
  const small = resizeSet(single(Uint8Array.from(img)), side, side);
  img.set(resizeSet(small, NUISANCE_SIZE, NUISANCE_SIZE).images);
}

/**
 * New colours: a grey image gets two random colours for ink and paper (which is darker kept); a colour image
 * has its hue rotated about the grey axis by a random angle.
 */
export function recolour(img: Uint8Array, rng: SeededRandom): void {
  let grey = true;
  for (let i = 0; i < PER && grey; i += 3) grey = img[i] === img[i + 1] && img[i] === img[i + 2];
  if (grey) {
    const dark = [0, 1, 2].map(() => rng.range(0, 110));
    const light = [0, 1, 2].map(() => rng.range(150, 255));
    for (let i = 0; i < PER; i += 3) {
      const t = img[i] / 255;
      for (let c = 0; c < 3; c++) img[i + c] = clamp(dark[c] + t * (light[c] - dark[c]));
    }
    return;
  }
  const a = rng.range(0.5, 1.5) * Math.PI * (rng.next() < 0.5 ? -1 : 1);
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const k = (1 - cos) / 3;
  const s = Math.sqrt(1 / 3) * sin;
  // Rodrigues rotation about (1,1,1)/√3.
  const m = [cos + k, k - s, k + s, k + s, cos + k, k - s, k - s, k + s, cos + k];
  for (let i = 0; i < PER; i += 3) {
    const [r, g, b] = [img[i], img[i + 1], img[i + 2]];
    img[i] = clamp(m[0] * r + m[1] * g + m[2] * b);
    img[i + 1] = clamp(m[3] * r + m[4] * g + m[5] * b);
    img[i + 2] = clamp(m[6] * r + m[7] * g + m[8] * b);
  }
}

/** Per-channel gains in [lo, hi], and with probability ½ the negative: contrast, white balance, inverted ink. */
export function regain(img: Uint8Array, lo: number, hi: number, rng: SeededRandom): void {
  const invert = rng.next() < 0.5;
  const gain = [rng.range(lo, hi), rng.range(lo, hi), rng.range(lo, hi)];
  for (let i = 0; i < PER; i++) {
    const v = clamp(img[i] * gain[i % 3]);
    img[i] = invert ? 255 - v : v;
  }
}
