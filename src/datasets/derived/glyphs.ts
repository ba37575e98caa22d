import { execFileSync } from 'node:child_process';
import { SeededRandom, subSeed } from '../../random';
import { labelArray, type ImageSet } from '../types';
import { fmt, renderCells } from './svg-grid';
import type { DerivedGenerator, PerClass } from './types';

/**
 * Capital letters rendered through sharp's SVG text (librsvg + fontconfig) from every font family installed,
 * in random style, weight, size, rotation and position; 32×32 grayscale. Without fonts the letters are drawn
 * as strokes instead, so the dataset exists on any machine (the installed fonts are part of the recipe).
 */
const SIZE = 32;
const CLASSES = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M'];

/** Polylines on a 4-wide, 6-tall grid: the fallback when no font is installed. */
// prettier-ignore
const STROKES: Record<string, number[][][]> = {
  A: [[[0, 6], [2, 0], [4, 6]], [[1, 3.5], [3, 3.5]]],
  B: [[[0, 0], [0, 6], [3, 6], [4, 5], [4, 4], [3, 3], [0, 3]], [[0, 0], [3, 0], [4, 1], [4, 2], [3, 3]]],
  C: [[[4, 1], [3, 0], [1, 0], [0, 1], [0, 5], [1, 6], [3, 6], [4, 5]]],
  D: [[[0, 0], [0, 6], [2.5, 6], [4, 4.5], [4, 1.5], [2.5, 0], [0, 0]]],
  E: [[[4, 0], [0, 0], [0, 6], [4, 6]], [[0, 3], [3, 3]]],
  F: [[[4, 0], [0, 0], [0, 6]], [[0, 3], [3, 3]]],
  G: [[[4, 1], [3, 0], [1, 0], [0, 1], [0, 5], [1, 6], [3, 6], [4, 5], [4, 3.5], [2.5, 3.5]]],
  H: [[[0, 0], [0, 6]], [[4, 0], [4, 6]], [[0, 3], [4, 3]]],
  J: [[[1, 0], [4, 0]], [[3, 0], [3, 5], [2, 6], [1, 6], [0, 5]]],
  K: [[[0, 0], [0, 6]], [[4, 0], [0, 3.5]], [[1.3, 2.7], [4, 6]]],
  L: [[[0, 0], [0, 6], [4, 6]]],
  M: [[[0, 6], [0, 0], [2, 3.5], [4, 0], [4, 6]]],
};

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Font families known to fontconfig, sorted; empty when fc-list is missing or lists nothing. */
export function installedFontFamilies(): string[] {
  try {
    const out = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8', timeout: 10_000 });
    const families = out
      .split('\n')
      .map((l) => l.split(',')[0].trim())
      .filter((f) => f && !/emoji|symbol/i.test(f));
    return [...new Set(families)].sort();
  } catch {
    return [];
  }
}

function glyphCell(letter: string, fonts: string[], rng: SeededRandom): string {
  const bg = Math.round(rng.range(0, 70));
  const ink = Math.round(rng.range(170, 255));
  const angle = rng.range(-20, 20);
  const cx = 16 + rng.range(-3, 3);
  const cy = 16 + rng.range(-3, 3);
  const back = `<rect width="${SIZE}" height="${SIZE}" fill="rgb(${bg},${bg},${bg})"/>`;
  const turn = `rotate(${fmt(angle)} ${fmt(cx)} ${fmt(cy)})`;
  if (fonts.length > 0) {
    // Whole pixel sizes: pango builds a font instance per distinct size, so fractional sizes render ~30× slower.
    const size = 17 + rng.int(11);
    const family = xmlEscape(rng.pick(fonts));
    const style = rng.next() < 0.3 ? 'italic' : 'normal';
    const weight = rng.next() < 0.4 ? 'bold' : 'normal';
    return (
      back +
      `<text x="${fmt(cx)}" y="${fmt(cy + 0.36 * size)}" font-family="${family}" font-size="${fmt(size)}" ` +
      `font-style="${style}" font-weight="${weight}" text-anchor="middle" fill="rgb(${ink},${ink},${ink})" ` +
      `transform="${turn}">${letter}</text>`
    );
  }
  const scale = rng.range(2.6, 3.6);
  const width = rng.range(1.8, 3.4);
  const d = STROKES[letter]
    .map((line) =>
      line
        .map(([x, y], i) => `${i ? 'L' : 'M'}${fmt(cx + (x - 2) * scale)} ${fmt(cy + (y - 3) * scale)}`)
        .join(''),
    )
    .join('');
  return (
    back +
    `<path d="${d}" fill="none" stroke="rgb(${ink},${ink},${ink})" stroke-width="${fmt(width)}" ` +
    `stroke-linecap="round" stroke-linejoin="round" transform="${turn}"/>`
  );
}

/** count images per class, class-interleaved, from the given fonts (none: stroke glyphs). */
export async function renderGlyphs(
  perClassCount: number,
  rng: SeededRandom,
  fonts: string[],
): Promise<ImageSet> {
  const count = perClassCount * CLASSES.length;
  const labels = labelArray(count, CLASSES.length);
  const cells: string[] = [];
  for (let n = 0; n < count; n++) {
    labels[n] = n % CLASSES.length;
    cells.push(glyphCell(CLASSES[labels[n]], fonts, rng));
  }
  const images = await renderCells(cells, SIZE, 1);
  return { images, labels, count, height: SIZE, width: SIZE, channels: 1, classNames: CLASSES };
}

export const glyphs: DerivedGenerator = {
  name: 'glyphs',
  version: 1,
  classNames: CLASSES,
  environment: () => ({ fonts: installedFontFamilies() }),
  async generate(perClass: PerClass, seed: number) {
    const fonts = installedFontFamilies();
    return {
      train: await renderGlyphs(perClass.train, new SeededRandom(subSeed(seed, 'train')), fonts),
      test: await renderGlyphs(perClass.test, new SeededRandom(subSeed(seed, 'test')), fonts),
    };
  },
};
