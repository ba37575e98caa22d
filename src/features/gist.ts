/**
 * GIST (Oliva & Torralba 2001) for grey images: 4 scales × 8 orientations of Gabor energy averaged over a
 * 4×4 grid → 512 values, ordered filter-major (scale, then orientation), then grid column, then grid row
 * (res[k·4 + l] in lear-gist, column-major like LMgist.m).
 *
 * Follows lear-gist 1.1 (INRIA's C implementation of LMgist, the one behind pyleargist), on grey·255:
 *  - prefilter (fc = 4): log(x + 1); symmetric padding by 5 pixels; whitening x − lowpass(x) and local
 *    contrast normalisation x / (0.2 + sqrt|lowpass(x²)|), with the Gaussian transfer function
 *    exp(−(fx² + fy²)/s1²), s1 = fc/√ln2, over the padded grid; crop back.
 *  - Gabor bank over the image grid, periodic. (LMgist.m also resizes to its imageSize, rescales each image to
 *    0..255 and pads by 32 before the Gabor stage; lear-gist — and this — do none of that.)
 *    G = exp(−10·0.35·(fr/h/f0 − 1)(fr/w/f0 − 1) − 2·(16·8²/32²)·π·θ²), f0 = 0.3/1.85^s, θ rotated by π·j/8;
 *    energy |ifft2(fft2(x)·G)|, block means over the 4×4 grid (block edges i·w/4, integer division).
 * Deviations (all below lear-gist's own float32 resolution, checked against a full-FFT numpy transcription
 * in test/fixtures/features): float64 throughout; the prefilter's padded grid (h+10, not a power of two) is
 * filtered as the equivalent separable circular convolution, with taps below 1e-8 of the centre tap dropped;
 * Gabor transfer values below 1e-12 are treated as zero so that all-zero spectrum lines skip their FFT.
 * For odd sizes lear-gist builds its frequency grids from half-integers (a quirk); this uses the integer grid.
 */
import { ComplexTransform, type Lines } from './fft';
import { freq, GistPrefilter } from './gist-prefilter';
import { FeatureInputError } from './gray';
import type { ImageFeature } from './types';

const SCALES = 4;
const ORIENTATIONS = 8;
const BLOCKS = 4;
const GABOR_CUTOFF = 1e-12;

interface GaborFilter {
  transfer: Float64Array; // h × w, at bit-reversed positions like the spectrum
  columnsFirst: boolean;
  lines: Lines; // the spectrum lines (columns or rows) where G is non-zero, with their step
  zeroLines: Int32Array; // start offsets of the other lines
}

export class GistFeature implements ImageFeature {
  readonly dim = SCALES * ORIENTATIONS * BLOCKS * BLOCKS;
  private readonly prefilter: GistPrefilter;
  private readonly filters: GaborFilter[] = [];
  private readonly colFft: ComplexTransform;
  private readonly rowFft: ComplexTransform;
  private readonly specRe: Float64Array;
  private readonly specIm: Float64Array;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;
  private readonly lineRe: Float64Array;
  private readonly lineIm: Float64Array;
  private readonly rowBlock: Int32Array;
  private readonly colBlock: Int32Array;
  private readonly edgesY: Int32Array;
  private readonly edgesX: Int32Array;
  private readonly blockScale: Float64Array;
  private readonly sums = new Float64Array(BLOCKS * BLOCKS);
  private readonly rows: Lines;
  private readonly cols: Lines;

  constructor(
    private readonly height: number,
    private readonly width: number,
  ) {
    const h = height;
    const w = width;
    if (h < 8 || w < 8) {
      throw new FeatureInputError(
        `GIST needs images of at least 8×8 pixels, got ${h}×${w}; resize the images`,
      );
    }
    this.prefilter = new GistPrefilter(h, w);

    this.colFft = new ComplexTransform(h);
    this.rowFft = new ComplexTransform(w);
    this.specRe = new Float64Array(h * w);
    this.specIm = new Float64Array(h * w);
    this.workRe = new Float64Array(h * w);
    this.workIm = new Float64Array(h * w);
    this.lineRe = new Float64Array(Math.max(h, w));
    this.lineIm = new Float64Array(Math.max(h, w));
    this.rows = lineSet(
      Int32Array.from({ length: h }, (_, r) => r * w),
      1,
    );
    this.cols = lineSet(
      Int32Array.from({ length: w }, (_, c) => c),
      w,
    );
    this.buildFilters();

    this.rowBlock = new Int32Array(h);
    this.colBlock = new Int32Array(w);
    this.blockScale = new Float64Array(BLOCKS * BLOCKS);
    const edgesY = Int32Array.from({ length: BLOCKS + 1 }, (_, i) => Math.floor((i * h) / BLOCKS));
    const edgesX = Int32Array.from({ length: BLOCKS + 1 }, (_, i) => Math.floor((i * w) / BLOCKS));
    this.edgesY = edgesY;
    this.edgesX = edgesX;
    for (let b = 0; b < BLOCKS; b++) {
      for (let y = edgesY[b]; y < edgesY[b + 1]; y++) this.rowBlock[y] = b;
      for (let x = edgesX[b]; x < edgesX[b + 1]; x++) this.colBlock[x] = b;
    }
    for (let k = 0; k < BLOCKS; k++) {
      for (let l = 0; l < BLOCKS; l++) {
        const area = (edgesY[l + 1] - edgesY[l]) * (edgesX[k + 1] - edgesX[k]);
        // Unnormalised inverse FFT: divide by h·w as well as by the block's area.
        this.blockScale[k * BLOCKS + l] = area > 0 ? 1 / (area * h * w) : 0;
      }
    }
  }

  private buildFilters(): void {
    const h = this.height;
    const w = this.width;
    for (let s = 0; s < SCALES; s++) {
      const f0 = 0.3 / Math.pow(1.85, s);
      const angularWidth = (16 * ORIENTATIONS * ORIENTATIONS) / (32 * 32);
      for (let j = 0; j < ORIENTATIONS; j++) {
        const transfer = new Float64Array(h * w);
        const rowUsed = new Uint8Array(h);
        const colUsed = new Uint8Array(w);
        for (let p = 0; p < h; p++) {
          const fy = freq(p, h);
          for (let q = 0; q < w; q++) {
            const fx = freq(q, w);
            const fr = Math.sqrt(fx * fx + fy * fy);
            let t = Math.atan2(fy, fx) + (Math.PI / ORIENTATIONS) * j;
            if (t < -Math.PI) t += 2 * Math.PI;
            else if (t > Math.PI) t -= 2 * Math.PI;
            const g = Math.exp(
              -10 * 0.35 * (fr / h / f0 - 1) * (fr / w / f0 - 1) - 2 * angularWidth * Math.PI * t * t,
            );
            if (g >= GABOR_CUTOFF) {
              transfer[p * w + q] = g;
              rowUsed[p] = 1;
              colUsed[q] = 1;
            }
          }
        }
        // Stored like the spectrum: position (i, j) holds frequency (rev(i), rev(j)).
        const permuted = new Float64Array(h * w);
        for (let i = 0; i < h; i++) {
          for (let j = 0; j < w; j++)
            permuted[i * w + j] = transfer[this.colFft.rev[i] * w + this.rowFft.rev[j]];
        }
        const rows = indicesOf(permute(rowUsed, this.colFft.rev));
        const cols = indicesOf(permute(colUsed, this.rowFft.rev));
        // Inverse 2-D transform cost: (non-empty lines) + (all lines of the other direction).
        const columnsFirst = cols.length + h <= rows.length + w;
        const used = columnsFirst ? permute(colUsed, this.rowFft.rev) : permute(rowUsed, this.colFft.rev);
        const scale = columnsFirst ? 1 : w; // a column starts at its index, a row at index·w
        this.filters.push({
          transfer: permuted,
          columnsFirst,
          lines: lineSet(
            indicesOf(used).map((i) => i * scale),
            columnsFirst ? w : 1,
          ),
          zeroLines: indicesOf(used.map((f) => 1 - f)).map((i) => i * scale),
        });
      }
    }
  }

  compute(gray: Float64Array, out: Float32Array, offset: number): void {
    this.prefilter.apply(gray, this.specRe);
    this.forwardSpectrum();
    for (let f = 0; f < this.filters.length; f++) this.gaborEnergy(this.filters[f], out, offset + f * 16);
  }

  /** specRe/specIm ← fft2 of the (real) prefiltered image in specRe, stored at bit-reversed positions. */
  private forwardSpectrum(): void {
    const { height: h, width: w, specRe, specIm, workRe, workIm, lineRe, lineIm } = this;
    const revH = this.colFft.rev;
    const revW = this.rowFft.rev;
    specIm.fill(0);
    for (let r = 0; r < h; r++) this.rowFft.transform(specRe, specIm, false, true, r * w);
    for (let c = 0; c < w; c++) {
      for (let r = 0; r < h; r++) {
        lineRe[r] = specRe[r * w + c];
        lineIm[r] = specIm[r * w + c];
      }
      this.colFft.transform(lineRe, lineIm, false);
      for (let r = 0; r < h; r++) {
        workRe[r * w + c] = lineRe[r];
        workIm[r * w + c] = lineIm[r];
      }
    }
    for (let i = 0; i < h; i++) {
      const src = revH[i] * w;
      for (let j = 0; j < w; j++) {
        specRe[i * w + j] = workRe[src + revW[j]];
        specIm[i * w + j] = workIm[src + revW[j]];
      }
    }
  }

  /**
   * Block means of |ifft2(spectrum·G)| for one filter, written at out[at..at+16). Spectrum and G sit at
   * bit-reversed positions, so the inverse transforms take their input as stored and return natural order.
   * First pass: only the spectrum lines where G is non-zero (the others are zeroed); second pass: all lines.
   */
  private gaborEnergy(filter: GaborFilter, out: Float32Array, at: number): void {
    const { height: h, width: w, specRe, specIm, workRe, workIm, sums } = this;
    const G = filter.transfer;
    const zero = filter.zeroLines;
    if (filter.columnsFirst) {
      for (let n = 0; n < zero.length; n++) {
        for (let p = zero[n]; p < h * w; p += w) workRe[p] = workIm[p] = 0;
      }
      this.colFft.transformLinesOf(specRe, specIm, G, workRe, workIm, true, filter.lines);
      this.rowFft.transformLines(workRe, workIm, true, this.rows);
    } else {
      for (let n = 0; n < zero.length; n++) {
        workRe.fill(0, zero[n], zero[n] + w);
        workIm.fill(0, zero[n], zero[n] + w);
      }
      this.rowFft.transformLinesOf(specRe, specIm, G, workRe, workIm, true, filter.lines);
      this.colFft.transformLines(workRe, workIm, true, this.cols);
    }
    sums.fill(0);
    for (let r = 0; r < h; r++) this.accumulate(workRe, workIm, r * w, this.edgesX, this.rowBlock[r], BLOCKS);
    for (let b = 0; b < BLOCKS * BLOCKS; b++) out[at + b] = sums[b] * this.blockScale[b];
  }

  /** sums[base + stride·b] += Σ |re + i·im| over [off + edges[b], off + edges[b+1]). */
  private accumulate(
    re: Float64Array,
    im: Float64Array,
    off: number,
    edges: Int32Array,
    base: number,
    stride: number,
  ): void {
    const sums = this.sums;
    for (let b = 0; b < BLOCKS; b++) {
      let s = 0;
      for (let i = off + edges[b]; i < off + edges[b + 1]; i++) s += Math.sqrt(re[i] * re[i] + im[i] * im[i]);
      sums[base + stride * b] += s;
    }
  }
}

function permute(flags: Uint8Array, rev: Int32Array): Uint8Array {
  return Uint8Array.from(flags, (_, i) => flags[rev[i]]);
}

const lineSet = (starts: Int32Array, step: number): Lines => ({ starts, count: starts.length, step });

function indicesOf(flags: Uint8Array): Int32Array {
  const out: number[] = [];
  flags.forEach((f, i) => f && out.push(i));
  return Int32Array.from(out);
}
