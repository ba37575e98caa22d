/**
 * Small significance helpers for comparing methods over the same datasets: the paired Wilcoxon signed-rank
 * test (matching scipy, so numbers here can be checked against a Python notebook), a percentile bootstrap
 * interval for a mean, and the binomial standard error of an accuracy.
 */
import { seededRandom } from '../random';
import { averageRanks } from './metrics';

export type Alternative = 'two-sided' | 'less' | 'greater';

export interface WilcoxonResult {
  /** Number of non-zero differences (the sample size the test actually uses). */
  n: number;
  /** min(R+, R−) for 'two-sided', R+ for 'less' / 'greater' (what scipy reports). */
  statistic: number;
  pValue: number;
  /**
   * 'exact': an exact p-value, either from the null distribution of R+ (no ties, no zeros, at most 50 pairs)
   * or, for ties or zeros with at most 13 pairs, from enumerating all 2^n sign flips (scipy's 'auto' runs a
   * PermutationMethod test there, which is exhaustive and so exact given the ties). 'normal': the normal
   * approximation with the tie-corrected variance, no continuity correction.
   */
  method: 'exact' | 'normal';
  /** Zero differences dropped before ranking (zero_method='wilcox'). */
  zeros: number;
}

/**
 * Paired Wilcoxon signed-rank test on d = x − y (or x alone). Matches scipy.stats.wilcoxon(x, y,
 * zero_method='wilcox', correction=False, alternative, method='auto') of scipy 1.17, including its 'auto'
 * rule: more than 50 pairs → normal; else no ties and no zeros → exact; else at most 13 pairs → full
 * sign-flip enumeration; else normal. The pair counts in that rule include the zero differences, as in scipy.
 */
export function wilcoxonSignedRank(
  x: number[],
  y?: number[],
  opts: { alternative?: Alternative } = {},
): WilcoxonResult {
  const alternative = opts.alternative ?? 'two-sided';
  if (alternative !== 'two-sided' && alternative !== 'less' && alternative !== 'greater')
    throw new Error(
      `wilcoxonSignedRank: alternative must be 'two-sided', 'less' or 'greater', got ${alternative}`,
    );
  if (y !== undefined && y.length !== x.length)
    throw new Error(`wilcoxonSignedRank: x has ${x.length} values but y has ${y.length}`);
  const all = y === undefined ? x.slice() : x.map((v, i) => v - y[i]);
  // scipy would return NaN here; an explicit error is easier to act on than a NaN in a report.
  if (all.some((v) => !Number.isFinite(v)))
    throw new Error('wilcoxonSignedRank: non-finite value in the input');
  const d = all.filter((v) => v !== 0);
  const zeros = all.length - d.length;
  const n = d.length;
  if (n < 1)
    throw new Error(
      `wilcoxonSignedRank needs at least 1 non-zero difference, got ${all.length} pairs, all zero`,
    );

  const abs = d.map(Math.abs);
  const ranks = Array.from(averageRanks(abs));
  const groups = new Map<number, number>();
  for (const v of abs) groups.set(v, (groups.get(v) ?? 0) + 1);
  const tieCounts = [...groups.values()];
  let rPlus = 0;
  let rMinus = 0;
  for (let i = 0; i < n; i++) {
    if (d[i] > 0) rPlus += ranks[i];
    else rMinus += ranks[i];
  }
  const hasTies = tieCounts.some((t) => t > 1);

  // scipy's 'auto' branches; `enumerate` is its permutation test, reported as 'exact'.
  let branch: 'exact' | 'enumerate' | 'normal';
  if (all.length > 50) branch = 'normal';
  else if (!hasTies && zeros === 0) branch = 'exact';
  else if (all.length <= 13) branch = 'enumerate';
  else branch = 'normal';
  const method = branch === 'normal' ? 'normal' : 'exact';

  let pValue: number;
  if (branch === 'normal') {
    const mean = n * (n + 1) * 0.25;
    const tieCorrection = tieCounts.reduce((s, t) => s + (t ** 3 - t), 0);
    const se = Math.sqrt((n * (n + 1) * (2 * n + 1) - tieCorrection / 2) / 24);
    const z = (rPlus - mean) / se;
    pValue =
      alternative === 'less'
        ? normalCdf(z)
        : alternative === 'greater'
          ? normalCdf(-z)
          : 2 * normalCdf(-Math.abs(z));
  } else {
    // Average ranks are multiples of ½, so doubled ranks are integers and the DP runs over integer sums.
    const weights = branch === 'exact' ? d.map((_, i) => i + 1) : ranks.map((r) => Math.round(2 * r));
    const observed = branch === 'exact' ? Math.round(rPlus) : Math.round(2 * rPlus);
    const pmf = signedRankPmf(weights);
    const mid = (pmf.length - 1) / 2;
    // Sum the short tail and take 1 − it for the long one, as scipy does, so small p-values keep their digits.
    const lowerSum = (k: number) => sumRange(pmf, 0, k);
    const upperSum = (k: number) => sumRange(pmf, k, pmf.length - 1);
    const cdf = (k: number) => (k <= mid ? lowerSum(k) : 1 - upperSum(k + 1));
    const sf = (k: number) => (k <= mid ? upperSum(k) : 1 - lowerSum(k - 1));
    if (alternative === 'less') pValue = cdf(observed);
    else if (alternative === 'greater') pValue = sf(observed);
    else pValue = Math.min(1, 2 * Math.min(cdf(observed), sf(observed)));
  }

  const statistic = alternative === 'two-sided' ? Math.min(rPlus, rMinus) : rPlus;
  return { n, statistic, pValue, method, zeros };
}

/**
 * Null pmf of Σ wᵢ·[sign i positive] when each sign is a fair coin: pmf[s] for s = 0..Σw. Halving at every
 * step (rather than counting 2^n outcomes) is what scipy does, and stays exact in floating point up to n = 50.
 */
function signedRankPmf(weights: number[]): Float64Array {
  let pmf = new Float64Array([1]);
  for (const w of weights) {
    const next = new Float64Array(pmf.length + w);
    for (let s = 0; s < pmf.length; s++) next[s] = pmf[s] * 0.5;
    for (let s = 0; s < pmf.length; s++) next[s + w] += pmf[s] * 0.5;
    pmf = next;
  }
  return pmf;
}

function sumRange(a: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i <= Math.min(a.length - 1, to); i++) s += a[i];
  return s;
}

/** Standard normal CDF via erfc, so the far tail keeps relative accuracy (1 − Φ would round to 0). */
function normalCdf(z: number): number {
  return 0.5 * erfc(-z * Math.SQRT1_2);
}

/**
 * Complementary error function, W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969, as in
 * his CALERF routine): about 1e-16 relative error across the range, which the p-values here rely on.
 */
function erfc(x: number): number {
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) {
    const a = [
      3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
    ];
    const b = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
    const ysq = y > 1.11e-16 ? x * x : 0;
    let num = a[4] * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + a[i]) * ysq;
      den = (den + b[i]) * ysq;
    }
    return 1 - (x * (num + a[3])) / (den + b[3]);
  }
  if (y <= 4) {
    const c = [
      0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
      1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
    ];
    const d = [
      15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
      4362.619090143247, 3439.3676741437216, 1230.3393548037495,
    ];
    let num = c[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + c[i]) * y;
      den = (den + d[i]) * y;
    }
    r = (num + c[7]) / (den + d[7]);
  } else {
    const p = [
      0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
      0.0006587491615298378, 0.016315387137302097,
    ];
    const q = [
      2.568520192289822, 1.8729528499234673, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
    ];
    const ysq = 1 / (y * y);
    let num = p[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + p[i]) * ysq;
      den = (den + q[i]) * ysq;
    }
    r = (0.5641895835477563 - (ysq * (num + p[4])) / (den + q[4])) / y;
  }
  // exp(−y²) as exp(−ŷ²)·exp(−(y−ŷ)(y+ŷ)), ŷ = y truncated to 1/16: ŷ² is exact, so the rounding of y² is not
  // amplified by exp (Cody's trick).
  const yRounded = Math.trunc(y * 16) / 16;
  const del = (y - yRounded) * (y + yRounded);
  r = Math.exp(-yRounded * yRounded) * Math.exp(-del) * r;
  return x < 0 ? 2 - r : r;
}

export interface BootstrapInterval {
  mean: number;
  low: number;
  high: number;
  level: number;
  resamples: number;
}

/**
 * Percentile bootstrap interval for the mean of the finite values: resample with replacement, take the
 * (1 ± level)/2 quantiles (linear interpolation, numpy's default) of the resampled means. Reuses the
 * project's Mulberry32 generator so the interval is reproducible from the seed.
 */
export function bootstrapMeanInterval(
  values: number[],
  opts: { level?: number; resamples?: number; seed?: number } = {},
): BootstrapInterval {
  const level = opts.level ?? 0.95;
  const resamples = opts.resamples ?? 2000;
  if (!(level > 0 && level < 1))
    throw new Error(`bootstrapMeanInterval: level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(resamples) || resamples < 1)
    throw new Error(`bootstrapMeanInterval: resamples must be a positive integer, got ${resamples}`);
  const v = values.filter(Number.isFinite);
  const n = v.length;
  if (n === 0) return { mean: NaN, low: NaN, high: NaN, level, resamples };
  const mean = v.reduce((s, a) => s + a, 0) / n;
  // One value: every resample is that value, so the interval collapses; skip the loop.
  if (n === 1) return { mean, low: mean, high: mean, level, resamples };

  const rand = seededRandom(opts.seed ?? 0);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[Math.floor(rand() * n)];
    means[b] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  return { mean, low: quantile(means, alpha), high: quantile(means, 1 - alpha), level, resamples };
}

/** Linear-interpolation quantile of sorted values (numpy's default 'linear'). */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Standard error of an accuracy measured on n independent examples: √(p(1−p)/n); NaN when n ≤ 0. */
export function binomialStandardError(accuracy: number, n: number): number {
  if (!(n > 0)) return NaN;
  return Math.sqrt((accuracy * (1 - accuracy)) / n);
}
