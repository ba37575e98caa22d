/** 2-D t-SNE of encodings (via @keckelt/tsne, seeded) and a self-contained SVG scatter plot. */
import { TSNE } from '@keckelt/tsne';
import { SeededRandom } from '../random';

export interface TsneOptions {
  perplexity?: number;
  iterations?: number;
  seed?: number;
}

export function tsne2d(vectors: Float32Array[], opts: TsneOptions = {}): [number, number][] {
  if (vectors.length < 3) throw new Error('t-SNE needs at least three points');
  const perplexity = Math.min(opts.perplexity ?? 30, Math.max(2, Math.floor((vectors.length - 1) / 3)));
  const model = new TSNE({ dim: 2, perplexity, epsilon: 10 });
  // The library draws its initial layout from Math.random; route it through a seeded generator.
  const rng = new SeededRandom(opts.seed ?? 1);
  model.gaussRandom = () => rng.normal();
  model.initDataRaw(vectors.map((v) => Array.from(v)));
  for (let i = 0; i < (opts.iterations ?? 500); i++) model.step();
  return (model.getSolution() as number[][]).map((p) => [p[0], p[1]]);
}

export interface ScatterSeries {
  name: string;
  colour: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Scatter plot of points coloured by label (an index into `series`), with a legend. */
export function scatterSvg(
  points: [number, number][],
  labels: number[],
  series: ScatterSeries[],
  title: string,
): string {
  if (points.length !== labels.length) throw new Error('need exactly one label per point');
  const width = 640;
  const height = 520;
  const margin = { left: 30, right: 30, top: 30 + 18 * series.length, bottom: 30 }; // legend above the points
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => margin.left + ((x - x0) / (x1 - x0 || 1)) * (width - margin.left - margin.right);
  const sy = (y: number) =>
    height - margin.bottom - ((y - y0) / (y1 - y0 || 1)) * (height - margin.top - margin.bottom);
  const dots = points.map(
    (p, i) =>
      `<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="4" fill="${series[labels[i]].colour}" fill-opacity="0.8"/>`,
  );
  const legend = series.map(
    (s, i) =>
      `<circle cx="${width - 150}" cy="${20 + i * 18}" r="5" fill="${s.colour}"/>` +
      `<text x="${width - 140}" y="${24 + i * 18}" font-size="12">${escape(s.name)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin.left}" y="24" font-size="15">${escape(title)}</text>`,
    ...dots,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
