/**
 * Histogram of oriented gradients as skimage.feature.hog(gray, orientations=9, pixels_per_cell=(8, 8),
 * cells_per_block=(3, 3), block_norm='L2-Hys'), flattened in skimage's order
 * (block row, block column, cell row, cell column, orientation).
 *
 * Mirrors skimage's details: central differences with zero gradient on the border rows/columns;
 * orientation = rad2deg(atan2(g_row, g_col)) mod 180 with numpy's remainder; a pixel counts in bin i when
 * 20·i ≤ angle < 20·(i+1) (so an angle that rounds to exactly 180 counts nowhere, as there); the per-cell
 * sums are accumulated in float32 (`cdef float total` in _hoghistogram.pyx).
 */
import { FeatureInputError } from './gray';
import type { ImageFeature } from './types';

const RAD2DEG = 180.0 / Math.PI;

export class HogFeature implements ImageFeature {
  readonly dim: number;
  private readonly cellsRow: number;
  private readonly cellsCol: number;
  private readonly blocksRow: number;
  private readonly blocksCol: number;
  private readonly bounds: Float64Array; // bin edges (180/orientations)·i
  private readonly bin: Int8Array; // per pixel: orientation bin or -1
  private readonly mag: Float64Array;
  private readonly cellSums: Float64Array; // float32-rounded values, [cellRow][cellCol][orientation]
  private readonly block: Float64Array;

  constructor(
    private readonly height: number,
    private readonly width: number,
    private readonly orientations = 9,
    private readonly cell = 8,
    private readonly blockCells = 3,
  ) {
    this.cellsRow = Math.floor(height / cell);
    this.cellsCol = Math.floor(width / cell);
    this.blocksRow = this.cellsRow - blockCells + 1;
    this.blocksCol = this.cellsCol - blockCells + 1;
    if (this.blocksRow < 1 || this.blocksCol < 1) {
      throw new FeatureInputError(
        `HOG needs images of at least ${cell * blockCells}×${cell * blockCells} pixels (${blockCells}×${blockCells} cells of ${cell}×${cell}), got ${height}×${width}; resize the images`,
      );
    }
    this.dim = this.blocksRow * this.blocksCol * blockCells * blockCells * orientations;
    this.bounds = new Float64Array(orientations + 1);
    const per180 = 180 / orientations;
    for (let i = 0; i <= orientations; i++) this.bounds[i] = per180 * i;
    this.bin = new Int8Array(height * width);
    this.mag = new Float64Array(height * width);
    this.cellSums = new Float64Array(this.cellsRow * this.cellsCol * orientations);
    this.block = new Float64Array(blockCells * blockCells * orientations);
  }

  compute(gray: Float64Array, out: Float32Array, offset: number): void {
    const { height: h, width: w, orientations: O, bounds, bin, mag } = this;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const p = r * w + c;
        const gr = r === 0 || r === h - 1 ? 0 : gray[p + w] - gray[p - w];
        const gc = c === 0 || c === w - 1 ? 0 : gray[p + 1] - gray[p - 1];
        mag[p] = Math.sqrt(gr * gr + gc * gc);
        bin[p] = this.binOf(pyMod180(Math.atan2(gr, gc) * RAD2DEG), bounds, O);
      }
    }
    this.cellHistograms();
    this.normaliseBlocks(out, offset);
  }

  private binOf(angle: number, bounds: Float64Array, O: number): number {
    let b = Math.floor(angle / bounds[1]);
    if (b < 0) b = 0;
    if (b > O - 1) b = O - 1;
    while (b > 0 && angle < bounds[b]) b--;
    while (b < O && angle >= bounds[b + 1]) b++;
    return b < O && angle >= bounds[b] ? b : -1;
  }

  private cellHistograms(): void {
    const { width: w, orientations: O, cell, bin, mag, cellSums } = this;
    const area = cell * cell;
    for (let cr = 0; cr < this.cellsRow; cr++) {
      for (let cc = 0; cc < this.cellsCol; cc++) {
        const base = (cr * this.cellsCol + cc) * O;
        for (let o = 0; o < O; o++) cellSums[base + o] = 0;
        for (let y = cr * cell; y < (cr + 1) * cell; y++) {
          for (let x = cc * cell; x < (cc + 1) * cell; x++) {
            const b = bin[y * w + x];
            if (b >= 0) cellSums[base + b] = Math.fround(cellSums[base + b] + mag[y * w + x]);
          }
        }
        for (let o = 0; o < O; o++) cellSums[base + o] = Math.fround(cellSums[base + o] / area);
      }
    }
  }

  private normaliseBlocks(out: Float32Array, offset: number): void {
    const { orientations: O, blockCells: B, cellSums, block } = this;
    const eps2 = 1e-5 * 1e-5;
    let k = offset;
    for (let br = 0; br < this.blocksRow; br++) {
      for (let bc = 0; bc < this.blocksCol; bc++) {
        let n = 0;
        for (let r = 0; r < B; r++) {
          for (let c = 0; c < B; c++) {
            const src = ((br + r) * this.cellsCol + bc + c) * O;
            for (let o = 0; o < O; o++) block[n++] = cellSums[src + o];
          }
        }
        // L2-Hys: L2-normalise, clip at 0.2, L2-normalise again.
        let ss = 0;
        for (let i = 0; i < n; i++) ss += block[i] * block[i];
        let norm = Math.sqrt(ss + eps2);
        ss = 0;
        for (let i = 0; i < n; i++) {
          const v = Math.min(block[i] / norm, 0.2);
          block[i] = v;
          ss += v * v;
        }
        norm = Math.sqrt(ss + eps2);
        for (let i = 0; i < n; i++) out[k++] = block[i] / norm;
      }
    }
  }
}

/** numpy's float remainder x % 180 (result in [0, 180), sign of the divisor). */
function pyMod180(x: number): number {
  const m = x % 180;
  if (m === 0) return 0;
  return m < 0 ? m + 180 : m;
}
