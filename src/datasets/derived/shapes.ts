import { SeededRandom, subSeed } from '../../random';
import { labelArray, type ImageSet } from '../types';
import { fmt, hsl, renderCells } from './svg-grid';
import type { DerivedGenerator, PerClass } from './types';

/**
 * Procedurally drawn filled shapes, one per image, in random colour, size, position and rotation (±25°, so a
 * square never turns into the diamond class) on a two-colour gradient background; 32×32 RGB.
 */
const SIZE = 32;

function polygon(points: number[][]): string {
  return `<polygon points="${points.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}"/>`;
}

function regular(n: number, r = 1, phase = -Math.PI / 2): number[][] {
  return Array.from({ length: n }, (_, i) => [
    r * Math.cos(phase + (2 * Math.PI * i) / n),
    r * Math.sin(phase + (2 * Math.PI * i) / n),
  ]);
}

/** Each shape in unit coordinates (about radius 1 around the origin). */
// prettier-ignore
const SHAPES: Record<string, string> = {
  circle: '<circle r="1"/>',
  square: polygon([[-0.8, -0.8], [0.8, -0.8], [0.8, 0.8], [-0.8, 0.8]]),
  triangle: polygon(regular(3, 1.05, -Math.PI / 2).map(([x, y]) => [x, y + 0.2])),
  pentagon: polygon(regular(5)),
  hexagon: polygon(regular(6, 1, 0)),
  star: polygon(regular(10).map(([x, y], i) => (i % 2 ? [0.42 * x, 0.42 * y] : [x, y]))),
  cross: polygon([[-0.3, -1], [0.3, -1], [0.3, -0.3], [1, -0.3], [1, 0.3], [0.3, 0.3], [0.3, 1], [-0.3, 1], [-0.3, 0.3], [-1, 0.3], [-1, -0.3], [-0.3, -0.3]]),
  ring: '<circle r="0.78" fill="none" stroke="currentColor" stroke-width="0.4"/>',
  diamond: polygon([[0, -1], [0.55, 0], [0, 1], [-0.55, 0]]),
  arrow: polygon([[-1, -0.25], [0.2, -0.25], [0.2, -0.65], [1, 0], [0.2, 0.65], [0.2, 0.25], [-1, 0.25]]),
  crescent: '<path d="M0.2 -0.98A1 1 0 1 0 0.2 0.98A1.1 1.1 0 0 1 0.2 -0.98Z"/>',
  heart: '<path d="M0 0.9C-1.4 -0.1 -0.7 -1.2 0 -0.45C0.7 -1.2 1.4 -0.1 0 0.9Z"/>',
};
const CLASSES = Object.keys(SHAPES);

function shapeCell(shape: string, n: number, rng: SeededRandom): string {
  const hue = rng.next();
  const light = rng.range(0.15, 0.85);
  const bg1 = hsl(hue, rng.range(0.2, 0.8), light);
  const bg2 = hsl(
    (hue + rng.range(-0.1, 0.1) + 1) % 1,
    rng.range(0.2, 0.8),
    Math.min(0.95, Math.max(0.05, light + rng.range(-0.15, 0.15))),
  );
  const fg = hsl(
    (hue + rng.range(0.25, 0.75)) % 1,
    rng.range(0.5, 1),
    light > 0.5 ? rng.range(0.1, 0.35) : rng.range(0.65, 0.9),
  );
  const r = rng.range(7, 13);
  const cx = 16 + rng.range(-15 + r, 15 - r);
  const cy = 16 + rng.range(-15 + r, 15 - r);
  const angle = rng.range(-25, 25);
  const id = `g${n}`;
  return (
    `<defs><linearGradient id="${id}" x1="${fmt(rng.next())}" y1="0" x2="${fmt(rng.next())}" y2="1">` +
    `<stop offset="0" stop-color="${bg1}"/><stop offset="1" stop-color="${bg2}"/></linearGradient></defs>` +
    `<rect width="${SIZE}" height="${SIZE}" fill="url(#${id})"/>` +
    `<g fill="${fg}" color="${fg}" transform="translate(${fmt(cx)} ${fmt(cy)}) rotate(${fmt(angle)}) scale(${fmt(r)})">${SHAPES[shape]}</g>`
  );
}

export async function renderShapes(perClassCount: number, rng: SeededRandom): Promise<ImageSet> {
  const count = perClassCount * CLASSES.length;
  const labels = labelArray(count, CLASSES.length);
  const cells: string[] = [];
  for (let n = 0; n < count; n++) {
    labels[n] = n % CLASSES.length;
    cells.push(shapeCell(CLASSES[labels[n]], n, rng));
  }
  const images = await renderCells(cells, SIZE, 3);
  return { images, labels, count, height: SIZE, width: SIZE, channels: 3, classNames: CLASSES };
}

export const shapes: DerivedGenerator = {
  name: 'shapes',
  version: 1,
  classNames: CLASSES,
  environment: () => ({}),
  async generate(perClass: PerClass, seed: number) {
    return {
      train: await renderShapes(perClass.train, new SeededRandom(subSeed(seed, 'train'))),
      test: await renderShapes(perClass.test, new SeededRandom(subSeed(seed, 'test'))),
    };
  },
};
