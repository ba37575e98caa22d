/**
 * DAISY as skimage.feature.daisy(gray, step=min(h, w)//2, radius=5, rings=1, histograms=6, orientations=8)
 * (defaults: sigmas [2.5, 2.5], normalization 'l1'), flattened as (grid row, grid column, 7·8 values).
 *
 * skimage smooths all eight orientation maps over the whole image (scipy gaussian_filter, sigma 2.5,
 * truncate 4, mode 'reflect'); only the 7 sample points of each grid descriptor are ever read, so this
 * computes the separable filter just there: the vertical pass on the rows that are sampled, the horizontal
 * pass at the sampled points. exp(κ·cos(θ − o)) uses cos θ = dx/|g|, sin θ = dy/|g| and, because the bins
 * come in opposite pairs (o and o + π), exp(−x) = 1/exp(x): results agree with skimage to ~1e-15.
 */
import { FeatureInputError } from './gray';
import type { ImageFeature } from './types';

const RADIUS = 5;
const HISTOGRAMS = 6;
const ORIENTATIONS = 8;
const SIGMA = RADIUS / 2; // radius·(i+1)/(2·rings) with rings = 1, used for the centre and the ring
const PER_DESCRIPTOR = (HISTOGRAMS + 1) * ORIENTATIONS;

export class DaisyFeature implements ImageFeature {
  readonly dim: number;
  private readonly weights: Float64Array; // Gaussian taps 0..kr (symmetric)
  private readonly kr: number;
  private readonly sampleRows: Int32Array; // distinct image rows read by any sample point
  private readonly rowSlot: Int32Array; // image row → index into sampleRows (or -1)
  private readonly points: Int32Array; // per descriptor d, histogram j: [row, col]
  private readonly reflRows: Int32Array; // row index + kr → reflected row, for -kr..h-1+kr
  private readonly reflCols: Int32Array;
  private readonly desc = new Float64Array(PER_DESCRIPTOR);
  private readonly hist: Float64Array; // [orientation][pixel]
  private readonly vertical: Float64Array; // [orientation][slot][col]
  private readonly cosO: Float64Array;
  private readonly sinO: Float64Array;
  private readonly descriptors: number;

  constructor(
    private readonly height: number,
    private readonly width: number,
  ) {
    if (height <= 2 * RADIUS || width <= 2 * RADIUS) {
      throw new FeatureInputError(
        `DAISY (radius ${RADIUS}) needs images larger than ${2 * RADIUS}×${2 * RADIUS} pixels, got ${height}×${width}; resize the images`,
      );
    }
    const step = Math.floor(Math.min(height, width) / 2);
    const gridRows: number[] = [];
    const gridCols: number[] = [];
    for (let p = 0; p < height - 2 * RADIUS; p += step) gridRows.push(p);
    for (let q = 0; q < width - 2 * RADIUS; q += step) gridCols.push(q);
    this.descriptors = gridRows.length * gridCols.length;
    this.dim = this.descriptors * PER_DESCRIPTOR;

    // scipy: radius = int(truncate·sigma + 0.5); weights exp(-x²/(2σ²)) normalised to sum 1.
    this.kr = Math.floor(4 * SIGMA + 0.5);
    const raw = new Float64Array(2 * this.kr + 1);
    let sum = 0;
    for (let x = -this.kr; x <= this.kr; x++) {
      raw[x + this.kr] = Math.exp((-0.5 / (SIGMA * SIGMA)) * x * x);
      sum += raw[x + this.kr];
    }
    this.weights = new Float64Array(this.kr + 1);
    for (let x = 0; x <= this.kr; x++) this.weights[x] = raw[x + this.kr] / sum;

    // Ring offsets exactly as skimage: int(round(r·sin θ)), Python's round (ties to even).
    const dy = [0];
    const dx = [0];
    for (let j = 0; j < HISTOGRAMS; j++) {
      const theta = (2 * Math.PI * j) / HISTOGRAMS;
      dy.push(roundHalfEven(RADIUS * Math.sin(theta)));
      dx.push(roundHalfEven(RADIUS * Math.cos(theta)));
    }
    this.points = new Int32Array(this.descriptors * (HISTOGRAMS + 1) * 2);
    const rowsUsed = new Set<number>();
    let k = 0;
    for (const p of gridRows) {
      for (const q of gridCols) {
        for (let j = 0; j <= HISTOGRAMS; j++) {
          this.points[k++] = RADIUS + p + dy[j];
          this.points[k++] = RADIUS + q + dx[j];
          rowsUsed.add(RADIUS + p + dy[j]);
        }
      }
    }
    this.sampleRows = Int32Array.from([...rowsUsed].sort((a, b) => a - b));
    this.rowSlot = new Int32Array(height).fill(-1);
    this.sampleRows.forEach((r, i) => (this.rowSlot[r] = i));

    this.reflRows = reflection(height, this.kr);
    this.reflCols = reflection(width, this.kr);
    this.hist = new Float64Array(ORIENTATIONS * height * width);
    this.vertical = new Float64Array(ORIENTATIONS * this.sampleRows.length * width);
    this.cosO = new Float64Array(ORIENTATIONS / 2);
    this.sinO = new Float64Array(ORIENTATIONS / 2);
    for (let o = 0; o < ORIENTATIONS / 2; o++) {
      const angle = (2 * o * Math.PI) / ORIENTATIONS - Math.PI;
      this.cosO[o] = Math.cos(angle);
      this.sinO[o] = Math.sin(angle);
    }
  }

  compute(gray: Float64Array, out: Float32Array, offset: number): void {
    this.orientationMaps(gray);
    this.smoothRows();
    this.assemble(out, offset);
  }

  /** hist[o] = exp(κ·cos(θ − o))·|∇| with forward differences (zero in the last row/column). */
  private orientationMaps(gray: Float64Array): void {
    const { height: h, width: w, hist, cosO, sinO } = this;
    const plane = h * w;
    const half = ORIENTATIONS / 2;
    const kappa = ORIENTATIONS / Math.PI;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const p = r * w + c;
        const dx = c < w - 1 ? gray[p + 1] - gray[p] : 0;
        const dy = r < h - 1 ? gray[p + w] - gray[p] : 0;
        const mag = Math.sqrt(dx * dx + dy * dy);
        if (mag === 0) {
          for (let o = 0; o < ORIENTATIONS; o++) hist[o * plane + p] = 0;
          continue;
        }
        const ct = dx / mag;
        const st = dy / mag;
        for (let o = 0; o < half; o++) {
          const e = Math.exp(kappa * (ct * cosO[o] + st * sinO[o]));
          hist[o * plane + p] = e * mag;
          hist[(o + half) * plane + p] = mag / e;
        }
      }
    }
  }

  /** Vertical Gaussian pass (scipy's first axis), only on the rows some sample point reads. */
  private smoothRows(): void {
    const { height: h, width: w, hist, vertical, weights, kr, sampleRows } = this;
    const plane = h * w;
    const rows = sampleRows.length;
    const refl = this.reflRows;
    for (let o = 0; o < ORIENTATIONS; o++) {
      for (let s = 0; s < rows; s++) {
        const r = sampleRows[s];
        const dst = (o * rows + s) * w;
        const src = o * plane;
        for (let c = 0; c < w; c++) {
          let acc = weights[0] * hist[src + r * w + c];
          for (let t = 1; t <= kr; t++) {
            acc += (hist[src + refl[r - t + kr] * w + c] + hist[src + refl[r + t + kr] * w + c]) * weights[t];
          }
          vertical[dst + c] = acc;
        }
      }
    }
  }

  /** Horizontal pass at each sample point, then skimage's L1 normalisation (+1e-10) per descriptor. */
  private assemble(out: Float32Array, offset: number): void {
    const { width: w, vertical, weights, kr, points, rowSlot } = this;
    const rows = this.sampleRows.length;
    const refl = this.reflCols;
    const desc = this.desc;
    let k = 0;
    for (let d = 0; d < this.descriptors; d++) {
      for (let j = 0; j <= HISTOGRAMS; j++, k += 2) {
        const r = points[k];
        const c = points[k + 1];
        for (let o = 0; o < ORIENTATIONS; o++) {
          const base = (o * rows + rowSlot[r]) * w;
          let acc = weights[0] * vertical[base + c];
          for (let t = 1; t <= kr; t++) {
            acc += (vertical[base + refl[c - t + kr]] + vertical[base + refl[c + t + kr]]) * weights[t];
          }
          desc[j * ORIENTATIONS + o] = acc + 1e-10;
        }
      }
      let sum = 0;
      for (let i = 0; i < PER_DESCRIPTOR; i++) sum += desc[i];
      const at = offset + d * PER_DESCRIPTOR;
      for (let i = 0; i < PER_DESCRIPTOR; i++) out[at + i] = desc[i] / sum;
    }
  }
}

/** scipy 'reflect' (d c b a | a b c d | d c b a) index table for positions -kr..n-1+kr. */
function reflection(n: number, kr: number): Int32Array {
  const t = new Int32Array(n + 2 * kr);
  const period = 2 * n;
  for (let i = -kr; i < n + kr; i++) {
    const j = ((i % period) + period) % period;
    t[i + kr] = j < n ? j : period - 1 - j;
  }
  return t;
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
