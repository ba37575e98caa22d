/**
 * lear-gist's prefilt() (fc = 4) on one grey image scaled to 0..255: log(x + 1), symmetric padding by 5,
 * whitening x − lowpass(x) and local contrast normalisation x / (0.2 + sqrt|lowpass(x²)|), cropped back.
 * lowpass multiplies the padded grid's DFT by exp(−(fx² + fy²)/s1²), s1 = fc/√ln2 (integer frequencies).
 * That transfer function is separable, so it is applied here as the equivalent pair of circular 1-D
 * convolutions over the (h+10)×(w+10) grid — not a power of two — with taps below 1e-8 of the centre tap
 * dropped (each < 2e-9 in absolute value: below lear-gist's float32 resolution).
 */
const PAD = 5;
const FC = 4;
const TAP_CUTOFF = 1e-8;

/** Integer DFT frequency of index p on a grid of n (numpy.fft.fftfreq(n)·n). */
export function freq(p: number, n: number): number {
  return p < n / 2 ? p : p - n;
}

/** Taps k[0..R] of the circular convolution equivalent to multiplying an n-point DFT by exp(−f²/s1²). */
function lowpassTaps(n: number, s1: number): Float64Array {
  const taps: number[] = [];
  for (let d = 0; d <= Math.floor((n - 1) / 2); d++) {
    let k = 0;
    for (let p = 0; p < n; p++) {
      const f = freq(p, n);
      k += Math.exp(-(f * f) / (s1 * s1)) * Math.cos((2 * Math.PI * f * d) / n);
    }
    k /= n;
    if (d > 0 && Math.abs(k) < TAP_CUTOFF * taps[0]) break;
    taps.push(k);
  }
  return Float64Array.from(taps);
}

/** Rows or columns from..to (exclusive). */
type Span = [from: number, to: number];

export class GistPrefilter {
  private readonly ph: number;
  private readonly pw: number;
  private readonly tapsH: Float64Array;
  private readonly tapsW: Float64Array;
  private readonly padSrc: Int32Array; // padded row/col index → source index (symmetric), rows then cols
  private readonly wrapH: Int32Array; // i mod ph for i in -R..ph-1+R, offset R
  private readonly wrapW: Int32Array;
  private readonly logs: Float64Array;
  private readonly padded: Float64Array;
  private readonly tmp: Float64Array;
  private readonly low: Float64Array;
  private readonly squares: Float64Array;
  private readonly ext: Float64Array;

  private readonly height: number;
  private readonly width: number;

  constructor(h: number, w: number) {
    this.height = h;
    this.width = w;
    this.ph = h + 2 * PAD;
    this.pw = w + 2 * PAD;
    const s1 = FC / Math.sqrt(Math.log(2));
    this.tapsH = lowpassTaps(this.ph, s1);
    this.tapsW = lowpassTaps(this.pw, s1);
    this.padSrc = new Int32Array(this.ph + this.pw);
    for (let i = 0; i < this.ph; i++) this.padSrc[i] = symmetric(i - PAD, h);
    for (let j = 0; j < this.pw; j++) this.padSrc[this.ph + j] = symmetric(j - PAD, w);
    const rh = this.tapsH.length - 1;
    this.wrapH = new Int32Array(this.ph + 2 * rh);
    for (let i = -rh; i < this.ph + rh; i++) this.wrapH[i + rh] = (i + this.ph) % this.ph;
    const rw = this.tapsW.length - 1;
    this.wrapW = new Int32Array(this.pw + 2 * rw);
    for (let j = -rw; j < this.pw + rw; j++) this.wrapW[j + rw] = (j + this.pw) % this.pw;
    this.logs = new Float64Array(h * w);
    this.padded = new Float64Array(this.ph * this.pw);
    this.tmp = new Float64Array(this.ph * this.pw);
    this.low = new Float64Array(this.ph * this.pw);
    this.squares = new Float64Array(this.ph * this.pw);
    this.ext = new Float64Array(this.pw + 2 * rw);
  }

  /** Reads grey levels in [0, 1] (h × w) and writes the prefiltered image to `out` (h × w). */
  apply(gray: Float64Array, out: Float64Array): void {
    const { height: h, width: w, ph, pw, padded, tmp, padSrc, logs } = this;
    for (let i = 0; i < h * w; i++) logs[i] = Math.log(gray[i] * 255 + 1);
    for (let i = 0; i < ph; i++) {
      const src = padSrc[i] * w;
      for (let j = 0; j < pw; j++) padded[i * pw + j] = logs[src + padSrc[ph + j]];
    }
    // Whitening: padded ← padded − lowpass(padded) over the whole padded grid.
    const { low, squares } = this;
    // Padding rows repeat image rows, so filter the image rows and copy the results.
    this.horizontal(padded, tmp, [PAD, PAD + h], [0, pw]);
    for (let i = 0; i < ph; i++) {
      const same = padSrc[i] + PAD;
      if (same !== i) tmp.copyWithin(i * pw, same * pw, same * pw + pw);
    }
    this.vertical(tmp, low, [0, ph], [0, pw]);
    for (let i = 0; i < ph * pw; i++) {
      const v = padded[i] - low[i];
      padded[i] = v;
      squares[i] = v * v;
    }
    // Local contrast: lowpass(x²), needed only on the cropped region.
    this.horizontal(squares, tmp, [0, ph], [PAD, PAD + w]);
    this.vertical(tmp, low, [PAD, PAD + h], [PAD, PAD + w]);
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        const p = (r + PAD) * pw + c + PAD;
        out[r * w + c] = padded[p] / (0.2 + Math.sqrt(Math.abs(low[p])));
      }
    }
  }

  /** dst[i][j] = Σ_d tapsW[|d|]·src[i][(j+d) mod pw] for rows i0..i1, columns j0..j1. */
  private horizontal(src: Float64Array, dst: Float64Array, [i0, i1]: Span, [j0, j1]: Span): void {
    const { pw, tapsW: k, ext } = this;
    const R = k.length - 1;
    for (let i = i0; i < i1; i++) {
      const row = i * pw;
      const wrap = this.wrapW;
      for (let j = 0; j < pw + 2 * R; j++) ext[j] = src[row + wrap[j]];
      // ext[j + R] is column j; accumulate tap by tap so the inner loop runs along the row.
      const k0 = k[0];
      for (let j = j0; j < j1; j++) dst[row + j] = k0 * ext[j + R];
      for (let d = 1; d <= R; d++) {
        const kd = k[d];
        for (let j = j0; j < j1; j++) dst[row + j] += kd * (ext[j + R - d] + ext[j + R + d]);
      }
    }
  }

  /** dst[i][j] = Σ_d tapsH[|d|]·src[(i+d) mod ph][j] for rows i0..i1, columns j0..j1. */
  private vertical(src: Float64Array, dst: Float64Array, [i0, i1]: Span, [j0, j1]: Span): void {
    const { pw, tapsH: k, wrapH } = this;
    const R = k.length - 1;
    for (let i = i0; i < i1; i++) {
      const row = i * pw;
      for (let j = j0; j < j1; j++) dst[row + j] = k[0] * src[row + j];
      for (let d = 1; d <= R; d++) {
        const up = wrapH[i - d + R] * pw;
        const down = wrapH[i + d + R] * pw;
        const kd = k[d];
        for (let j = j0; j < j1; j++) dst[row + j] += kd * (src[up + j] + src[down + j]);
      }
    }
  }
}

/** numpy 'symmetric' padding index (a b c | c b a) for i in -n..2n-1. */
function symmetric(i: number, n: number): number {
  if (i < 0) return -i - 1;
  if (i >= n) return 2 * n - i - 1;
  return i;
}
