import sharp from 'sharp';

/** Cells per SVG document: one librsvg render per batch is far cheaper than one per image. */
const BATCH = 256;
const COLS = 16;

/**
 * Renders SVG fragments, each drawn in its own size×size cell (a nested <svg>, which clips), and returns the
 * pixels of all cells back to back (HWC, 1 or 3 channels).
 */
export async function renderCells(cells: string[], size: number, channels: 1 | 3): Promise<Uint8Array> {
  const per = size * size * channels;
  const out = new Uint8Array(cells.length * per);
  for (let start = 0; start < cells.length; start += BATCH) {
    const batch = cells.slice(start, start + BATCH);
    const rows = Math.ceil(batch.length / COLS);
    const W = COLS * size;
    const H = rows * size;
    const body = batch
      .map(
        (c, i) =>
          `<svg x="${(i % COLS) * size}" y="${Math.floor(i / COLS) * size}" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">${c}</svg>`,
      )
      .join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="#000"/>${body}</svg>`;
    let img = sharp(Buffer.from(svg), { density: 72 }).removeAlpha();
    img = channels === 1 ? img.greyscale() : img.toColourspace('srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== W || info.height !== H) {
      throw new Error(
        `SVG render gave ${info.width}×${info.height}×${info.channels}, expected ${W}×${H}×${channels}`,
      );
    }
    batch.forEach((_, i) => {
      const cx = (i % COLS) * size;
      const cy = Math.floor(i / COLS) * size;
      const dst = (start + i) * per;
      for (let y = 0; y < size; y++) {
        const from = ((cy + y) * W + cx) * channels;
        out.set(data.subarray(from, from + size * channels), dst + y * size * channels);
      }
    });
  }
  return out;
}

/** An sRGB hex colour from hue (0..1), saturation and lightness (0..1). */
export function hsl(h: number, s: number, l: number): string {
  const [r, g, b] = hslToRgb(h, s, l);
  return '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
}

export function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

export const fmt = (v: number): string => v.toFixed(2);
