/**
 * Small in-place complex transforms for GIST, unnormalised in both directions (like FFTW):
 * inverse(forward(x)) = n·x. Power-of-two lengths use a decimation-in-time FFT: two radix-2 stages with
 * trivial twiddles, then radix-4 passes (each doing two radix-2 stages with one load/store of four points and
 * three twiddle products), then a last radix-2 stage when log2(n) is odd. The butterflies are laid out once
 * as a flat schedule. Other lengths fall back to a direct DFT from a table (O(n²); unusual image sizes only).
 *
 * `transform(re, im, inverse, ordered, offset)` works on re/im[offset .. offset+n). With ordered = false the
 * input must already be in bit-reversed order (`rev`); GIST stores its spectra that way so that the many
 * inverse transforms skip the permutation. `transformLines` / `transformLinesOf` do many rows or columns
 * of a matrix per call, loading each butterfly's twiddles once for all of them.
 */
export class ComplexTransform {
  readonly pow2: boolean;
  /** Bit reversal (identity for the DFT fallback): position i holds element rev[i] of the natural order. */
  readonly rev: Int32Array;
  private readonly swapA: Int32Array;
  private readonly swapB: Int32Array;
  private readonly groupStart: Int32Array; // radix-4 groups: first index and distance q of the four points
  private readonly groupStride: Int32Array;
  private readonly twRe: Float64Array; // three twiddles per group
  private readonly twImFwd: Float64Array;
  private readonly twImInv: Float64Array;
  private readonly lastStage: number; // size of a final radix-2 stage, or 0
  private readonly lastRe: Float64Array;
  private readonly lastImFwd: Float64Array;
  private readonly lastImInv: Float64Array;
  private readonly dftCos: Float64Array;
  private readonly dftSin: Float64Array;
  private readonly tmpRe: Float64Array;
  private readonly tmpIm: Float64Array;
  private readonly lineRe: Float64Array;
  private readonly lineIm: Float64Array;
  private readonly single: Lines = { starts: new Int32Array(1), count: 1, step: 1 };

  constructor(readonly n: number) {
    this.pow2 = n > 0 && (n & (n - 1)) === 0;
    this.tmpRe = new Float64Array(n);
    this.tmpIm = new Float64Array(n);
    this.lineRe = new Float64Array(n);
    this.lineIm = new Float64Array(n);
    this.rev = new Int32Array(n);
    const swapA: number[] = [];
    const swapB: number[] = [];
    const start: number[] = [];
    const stride: number[] = [];
    const twRe: number[] = [];
    const twIm: number[] = [];
    const lastRe: number[] = [];
    const lastIm: number[] = [];
    let last = 0;
    if (this.pow2) {
      const bits = Math.round(Math.log2(n));
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let k = 0; k < bits; k++) r |= ((i >> k) & 1) << (bits - 1 - k);
        this.rev[i] = r;
        if (r > i) {
          swapA.push(i);
          swapB.push(r);
        }
      }
      // Stages of size `size` and 2·size in one radix-4 pass, w = e^{-2πi/(2·size)}.
      let size = 8;
      for (; size * 2 <= n; size <<= 2) {
        const q = size >> 1;
        for (let s = 0; s < n; s += 2 * size) {
          for (let k = 0; k < q; k++) {
            start.push(s + k);
            stride.push(q);
            for (const e of [2 * k, k, 3 * k]) {
              twRe.push(Math.cos((2 * Math.PI * e) / (2 * size)));
              twIm.push(-Math.sin((2 * Math.PI * e) / (2 * size)));
            }
          }
        }
      }
      if (size <= n) {
        last = size;
        for (let k = 0; k < size >> 1; k++) {
          lastRe.push(Math.cos((2 * Math.PI * k) / size));
          lastIm.push(-Math.sin((2 * Math.PI * k) / size));
        }
      }
    } else {
      for (let i = 0; i < n; i++) this.rev[i] = i;
    }
    this.swapA = Int32Array.from(swapA);
    this.swapB = Int32Array.from(swapB);
    this.groupStart = Int32Array.from(start);
    this.groupStride = Int32Array.from(stride);
    this.twRe = Float64Array.from(twRe);
    this.twImFwd = Float64Array.from(twIm);
    this.twImInv = Float64Array.from(twIm, (v) => -v);
    this.lastStage = last;
    this.lastRe = Float64Array.from(lastRe);
    this.lastImFwd = Float64Array.from(lastIm);
    this.lastImInv = Float64Array.from(lastIm, (v) => -v);
    const m = this.pow2 ? 0 : n;
    this.dftCos = new Float64Array(m);
    this.dftSin = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      this.dftCos[k] = Math.cos((2 * Math.PI * k) / n);
      this.dftSin[k] = Math.sin((2 * Math.PI * k) / n);
    }
  }

  /** x_k ← Σ_j x_j e^{∓2πijk/n} (minus forward, plus inverse) on re/im[offset .. offset+n). */
  transform(re: Float64Array, im: Float64Array, inverse: boolean, ordered = true, offset = 0): void {
    if (!this.pow2) {
      this.dft(re, im, inverse ? 1 : -1, offset);
      return;
    }
    if (ordered) this.permute(re, im, offset);
    this.single.starts[0] = offset;
    this.transformLines(re, im, inverse, this.single);
  }

  private permute(re: Float64Array, im: Float64Array, off: number): void {
    const { swapA, swapB } = this;
    for (let s = 0; s < swapA.length; s++) {
      const i = swapA[s] + off;
      const j = swapB[s] + off;
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }

  /**
   * Inverse or forward transform of several lines of a matrix at once, in place, input in bit-reversed
   * order (see Lines). Each butterfly's indices and twiddles are loaded
   * once for all lines. Lengths that are not powers of two go line by line through the DFT.
   */
  transformLines(re: Float64Array, im: Float64Array, inverse: boolean, set: Lines): void {
    const n = this.n;
    const { starts, count: lines, step } = set;
    if (!this.pow2 || n < 4) {
      const { lineRe, lineIm } = this;
      for (let l = 0; l < lines; l++) {
        for (let j = 0; j < n; j++) {
          lineRe[j] = re[starts[l] + step * j];
          lineIm[j] = im[starts[l] + step * j];
        }
        if (!this.pow2) {
          this.dft(lineRe, lineIm, inverse ? 1 : -1, 0);
        } else if (n === 2) {
          const br = lineRe[1];
          const bi = lineIm[1];
          lineRe[1] = lineRe[0] - br;
          lineIm[1] = lineIm[0] - bi;
          lineRe[0] += br;
          lineIm[0] += bi;
        }
        for (let j = 0; j < n; j++) {
          re[starts[l] + step * j] = lineRe[j];
          im[starts[l] + step * j] = lineIm[j];
        }
      }
      return;
    }
    this.radix4Head(re, im, null, re, im, inverse, set);
    this.radix4Tail(re, im, inverse, set);
  }

  /** The radix-4 passes after the first and the final radix-2 stage, in place. */
  private radix4Tail(re: Float64Array, im: Float64Array, inverse: boolean, set: Lines): void {
    const { starts, count: lines, step } = set;
    const rot = inverse ? 1 : -1;
    const { groupStart, groupStride, twRe } = this;
    const twIm = inverse ? this.twImInv : this.twImFwd;
    for (let t = 0; t < groupStart.length; t++) {
      const first = groupStart[t] * step;
      const q = groupStride[t] * step;
      const c1r = twRe[3 * t];
      const c1i = twIm[3 * t];
      const c2r = twRe[3 * t + 1];
      const c2i = twIm[3 * t + 1];
      const c3r = twRe[3 * t + 2];
      const c3i = twIm[3 * t + 2];
      for (let l = 0; l < lines; l++) {
        const a0 = starts[l] + first;
        const a1 = a0 + q;
        const a2 = a1 + q;
        const a3 = a2 + q;
        let xr = re[a1];
        let xi = im[a1];
        const p1r = xr * c1r - xi * c1i;
        const p1i = xr * c1i + xi * c1r;
        xr = re[a2];
        xi = im[a2];
        const p2r = xr * c2r - xi * c2i;
        const p2i = xr * c2i + xi * c2r;
        xr = re[a3];
        xi = im[a3];
        const p3r = xr * c3r - xi * c3i;
        const p3i = xr * c3i + xi * c3r;
        const x0r = re[a0];
        const x0i = im[a0];
        const y0r = x0r + p1r;
        const y0i = x0i + p1i;
        const y1r = x0r - p1r;
        const y1i = x0i - p1i;
        const sr = p2r + p3r;
        const si = p2i + p3i;
        const dr = -rot * (p2i - p3i);
        const di = rot * (p2r - p3r);
        re[a0] = y0r + sr;
        im[a0] = y0i + si;
        re[a2] = y0r - sr;
        im[a2] = y0i - si;
        re[a1] = y1r + dr;
        im[a1] = y1i + di;
        re[a3] = y1r - dr;
        im[a3] = y1i - di;
      }
    }
    if (this.lastStage) {
      const half = this.lastStage >> 1;
      const lr = this.lastRe;
      const li = inverse ? this.lastImInv : this.lastImFwd;
      for (let k = 0; k < half; k++) {
        const cr = lr[k];
        const ci = li[k];
        const offA = k * step;
        const offB = (k + half) * step;
        for (let l = 0; l < lines; l++) {
          const a = starts[l] + offA;
          const b = starts[l] + offB;
          const xr = re[b];
          const xi = im[b];
          const tr = xr * cr - xi * ci;
          const ti = xr * ci + xi * cr;
          const ar = re[a];
          const ai = im[a];
          re[b] = ar - tr;
          im[b] = ai - ti;
          re[a] = ar + tr;
          im[a] = ai + ti;
        }
      }
    }
  }

  /**
   * transformLines of (srcRe + i·srcIm)·gain (element by element, at the same positions) into re/im: the
   * product is formed inside the first pass instead of in a separate sweep. Power-of-two lengths ≥ 4 only.
   */
  transformLinesOf(
    srcRe: Float64Array,
    srcIm: Float64Array,
    gain: Float64Array,
    re: Float64Array,
    im: Float64Array,
    inverse: boolean,
    set: Lines,
  ): void {
    if (!this.pow2 || this.n < 4) {
      const { starts, count: lines, step } = set;
      for (let l = 0; l < lines; l++) {
        for (let j = 0, p = starts[l]; j < this.n; j++, p += step) {
          re[p] = srcRe[p] * gain[p];
          im[p] = srcIm[p] * gain[p];
        }
      }
      this.transformLines(re, im, inverse, set);
      return;
    }
    this.radix4Head(srcRe, srcIm, gain, re, im, inverse, set);
    this.radix4Tail(re, im, inverse, set);
  }

  /** Stages 1 and 2 (twiddles 1 and ∓i), reading src (times gain, if any) and writing re/im. */
  private radix4Head(
    srcRe: Float64Array,
    srcIm: Float64Array,
    gain: Float64Array | null,
    re: Float64Array,
    im: Float64Array,
    inverse: boolean,
    set: Lines,
  ): void {
    const { starts, count: lines, step } = set;
    const n = this.n;
    const rot = inverse ? 1 : -1;
    const o1 = step;
    const o2 = 2 * step;
    const o3 = 3 * step;
    for (let a = 0; a < n; a += 4) {
      for (let l = 0; l < lines; l++) {
        const p = starts[l] + a * step;
        let x0r = srcRe[p];
        let x0i = srcIm[p];
        let x1r = srcRe[p + o1];
        let x1i = srcIm[p + o1];
        let x2r = srcRe[p + o2];
        let x2i = srcIm[p + o2];
        let x3r = srcRe[p + o3];
        let x3i = srcIm[p + o3];
        if (gain !== null) {
          const g0 = gain[p];
          const g1 = gain[p + o1];
          const g2 = gain[p + o2];
          const g3 = gain[p + o3];
          x0r *= g0;
          x0i *= g0;
          x1r *= g1;
          x1i *= g1;
          x2r *= g2;
          x2i *= g2;
          x3r *= g3;
          x3i *= g3;
        }
        const y0r = x0r + x1r;
        const y0i = x0i + x1i;
        const y1r = x0r - x1r;
        const y1i = x0i - x1i;
        const sr = x2r + x3r;
        const si = x2i + x3i;
        const dr = -rot * (x2i - x3i);
        const di = rot * (x2r - x3r);
        re[p] = y0r + sr;
        im[p] = y0i + si;
        re[p + o2] = y0r - sr;
        im[p + o2] = y0i - si;
        re[p + o1] = y1r + dr;
        im[p + o1] = y1i + di;
        re[p + o3] = y1r - dr;
        im[p + o3] = y1i - di;
      }
    }
  }

  private dft(re: Float64Array, im: Float64Array, sign: number, off: number): void {
    const n = this.n;
    const outRe = this.tmpRe;
    const outIm = this.tmpIm;
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let j = 0, idx = 0; j < n; j++, idx = (idx + k) % n) {
        const c = this.dftCos[idx];
        const s = sign * this.dftSin[idx];
        sr += re[off + j] * c - im[off + j] * s;
        si += re[off + j] * s + im[off + j] * c;
      }
      outRe[k] = sr;
      outIm[k] = si;
    }
    for (let k = 0; k < n; k++) {
      re[off + k] = outRe[k];
      im[off + k] = outIm[k];
    }
  }
}

/** Lines of a matrix transformed together: line l is the elements starts[l] + step·j, j = 0..n-1, l < count. */
export interface Lines {
  starts: Int32Array;
  count: number;
  step: number;
}
