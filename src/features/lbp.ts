/**
 * Uniform local binary patterns (P = 16, R = 2), as skimage.feature.local_binary_pattern(method='uniform'),
 * summarised as the normalised histogram of its P + 2 codes.
 *
 * Bit-exact with scikit-image: neighbour positions are rounded to 5 decimals, interpolation is bilinear
 * with zeros outside the image, and every floating-point operation is done in the same order as the Cython
 * code, because a neighbour that equals the centre (flat regions) must compare equal here too.
 * Uniform: at most two 0/1 transitions around the circle (skimage counts the open chain 0..P-1, which is
 * equivalent: an even count there means bits 0 and P-1 agree) → number of ones, otherwise code P + 1.
 */
import type { ImageFeature } from './types';

export class LbpFeature implements ImageFeature {
  readonly dim: number;
  private readonly points: number;
  private readonly pw: number; // padded width (2-pixel zero border: |offset| ≤ R = 2)
  private readonly padded: Float64Array;
  // Per sample point i and row r (or column c): the top-left offset in `padded` and the weights.
  private readonly rowBase: Int32Array; // (minr + pad) * pw, [i*h + r]
  private readonly rowStep: Int32Array; // (maxr - minr) * pw
  private readonly dr: Float64Array;
  private readonly oneMinusDr: Float64Array;
  private readonly colOffset: Int32Array; // minc + pad - c, the same for every column c, [i]
  private readonly colStep: Int32Array; // maxc - minc, the same for every column c, [i]
  private readonly dc: Float64Array;
  private readonly oneMinusDc: Float64Array;
  private readonly integral: Uint8Array; // sample point falls on a pixel: no interpolation needed
  private readonly patterns: Uint32Array; // per pixel: bit i set when neighbour i ≥ centre
  private readonly counts: Float64Array;

  constructor(
    private readonly height: number,
    private readonly width: number,
    points = 16,
    radius = 2,
  ) {
    const pad = Math.ceil(radius);
    this.points = points;
    this.dim = points + 2;
    this.pw = width + 2 * pad;
    this.padded = new Float64Array((height + 2 * pad) * this.pw);
    this.rowBase = new Int32Array(points * height);
    this.rowStep = new Int32Array(points * height);
    this.dr = new Float64Array(points * height);
    this.oneMinusDr = new Float64Array(points * height);
    this.colOffset = new Int32Array(points);
    this.colStep = new Int32Array(points);
    this.dc = new Float64Array(points * width);
    this.oneMinusDc = new Float64Array(points * width);
    this.integral = new Uint8Array(points);
    if (points > 24) throw new RangeError('LBP supports at most 24 points');
    this.patterns = new Uint32Array(height * width);
    this.counts = new Float64Array(this.dim);
    for (let i = 0; i < points; i++) {
      const rp = round5(-radius * Math.sin((2 * Math.PI * i) / points));
      const cp = round5(radius * Math.cos((2 * Math.PI * i) / points));
      this.integral[i] = Number.isInteger(rp) && Number.isInteger(cp) ? 1 : 0;
      for (let r = 0; r < height; r++) {
        const pos = r + rp;
        const lo = Math.floor(pos);
        const d = pos - lo;
        this.rowBase[i * height + r] = (lo + pad) * this.pw;
        this.rowStep[i * height + r] = (Math.ceil(pos) - lo) * this.pw;
        this.dr[i * height + r] = d;
        this.oneMinusDr[i * height + r] = 1 - d;
      }
      for (let c = 0; c < width; c++) {
        const pos = c + cp;
        const lo = Math.floor(pos);
        const d = pos - lo;
        // floor(c + cp) − c and ceil − floor do not depend on c (cp is fixed); only dc carries rounding.
        if (c === 0) {
          this.colOffset[i] = lo + pad;
          this.colStep[i] = Math.ceil(pos) - lo;
        } else if (lo + pad - c !== this.colOffset[i] || Math.ceil(pos) - lo !== this.colStep[i]) {
          throw new Error(`LBP sample offset ${cp} is too close to an integer`);
        }
        this.dc[i * width + c] = d;
        this.oneMinusDc[i * width + c] = 1 - d;
      }
    }
  }

  compute(gray: Float64Array, out: Float32Array, offset: number): void {
    const { height: h, width: w, pw, padded, points: P, patterns, counts } = this;
    const pad = (pw - w) >> 1;
    for (let r = 0; r < h; r++) {
      const dst = (r + pad) * pw + pad;
      for (let c = 0; c < w; c++) padded[dst + c] = gray[r * w + c];
    }
    patterns.fill(0);
    // Point by point over the image, collecting one bit per neighbour (bit i: neighbour i ≥ centre).
    for (let i = 0; i < P; i++) {
      const bit = 1 << i;
      const { dc: dcs, oneMinusDc: ndcs } = this;
      const ci = i * w;
      const co = this.colOffset[i];
      const ds = this.colStep[i];
      if (this.integral[i] === 1) {
        for (let r = 0; r < h; r++) {
          const rb = this.rowBase[i * h + r] + co;
          for (let c = 0, p = r * w; c < w; c++, p++) {
            patterns[p] |= padded[rb + c] - gray[p] >= 0 ? bit : 0;
          }
        }
        continue;
      }
      for (let r = 0; r < h; r++) {
        const rb = this.rowBase[i * h + r] + co;
        const rs = this.rowStep[i * h + r];
        const dr = this.dr[i * h + r];
        const ndr = this.oneMinusDr[i * h + r];
        for (let c = 0, p = r * w; c < w; c++, p++) {
          const tl = rb + c;
          const dc = dcs[ci + c];
          const ndc = ndcs[ci + c];
          // Same operations, same order as skimage's bilinear_interpolation.
          const top = ndc * padded[tl] + dc * padded[tl + ds];
          const bottom = ndc * padded[tl + rs] + dc * padded[tl + rs + ds];
          patterns[p] |= ndr * top + dr * bottom - gray[p] >= 0 ? bit : 0;
        }
      }
    }
    counts.fill(0);
    const codes = uniformCodes(P);
    for (let p = 0; p < h * w; p++) counts[codes[patterns[p]]]++;
    const n = h * w;
    for (let k = 0; k < this.dim; k++) out[offset + k] = counts[k] / n;
  }
}

const codeTables = new Map<number, Uint8Array>();

/** Pattern → uniform code: the number of set bits when bits 0..P-1 change value at most twice, else P + 1. */
function uniformCodes(P: number): Uint8Array {
  let table = codeTables.get(P);
  if (!table) {
    table = new Uint8Array(1 << P);
    for (let v = 0; v < 1 << P; v++) {
      let changes = 0;
      let ones = v & 1;
      for (let i = 1; i < P; i++) {
        changes += ((v >> i) & 1) !== ((v >> (i - 1)) & 1) ? 1 : 0;
        ones += (v >> i) & 1;
      }
      table[v] = changes <= 2 ? ones : P + 1;
    }
    codeTables.set(P, table);
  }
  return table;
}

/** numpy.round(x, 5): rint(x·1e5)/1e5 (ties to even never arise for these sines). */
function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}
