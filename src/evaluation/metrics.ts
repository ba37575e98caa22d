/**
 * Error and rank-agreement metrics for predicted vs actual accuracies. Correlations return NaN when a side
 * is constant (undefined, as in scipy); callers averaging over datasets skip NaNs explicitly.
 */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
}

function check(a: ArrayLike<number>, b: ArrayLike<number>, what: string, min = 1): void {
  if (a.length !== b.length)
    throw new MetricInputError(`${what}: ${a.length} predictions vs ${b.length} actual values`);
  if (a.length < min) throw new MetricInputError(`${what} needs at least ${min} pairs, got ${a.length}`);
}

export function mse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  check(pred, actual, 'MSE');
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += (pred[i] - actual[i]) ** 2;
  return s / pred.length;
}

export function rmse(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  return Math.sqrt(mse(pred, actual));
}

export function mae(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  check(pred, actual, 'MAE');
  let s = 0;
  for (let i = 0; i < pred.length; i++) s += Math.abs(pred[i] - actual[i]);
  return s / pred.length;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a, b, 'Pearson', 2);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  return Math.max(-1, Math.min(1, sab / Math.sqrt(saa * sbb)));
}

/** Ranks 1..n, tied values sharing their average rank. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((p, q) => x[p] - x[q]);
  const ranks = new Float64Array(x.length);
  for (let s = 0; s < idx.length;) {
    let e = s;
    while (e + 1 < idx.length && x[idx[e + 1]] === x[idx[s]]) e++;
    const r = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) ranks[idx[k]] = r;
    s = e + 1;
  }
  return ranks;
}

export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a, b, 'Spearman', 2);
  return pearson(averageRanks(a), averageRanks(b));
}

/** Kendall's τ-b: (concordant − discordant) / √((n0 − ties_a)(n0 − ties_b)), O(n²) — n is a model count. */
export function kendallTauB(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a, b, 'Kendall', 2);
  let conc = 0;
  let disc = 0;
  let tieA = 0;
  let tieB = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const da = Math.sign(a[i] - a[j]);
      const db = Math.sign(b[i] - b[j]);
      if (da === 0) tieA++;
      if (db === 0) tieB++;
      if (da !== 0 && db !== 0) {
        if (da === db) conc++;
        else disc++;
      }
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tieA) * (n0 - tieB));
  return denom === 0 ? NaN : (conc - disc) / denom;
}

/**
 * Top-1 regret in points: best actual accuracy − actual accuracy of the model ranked first by prediction
 * (accuracies in [0, 1] → ×100). Ties in prediction resolve to the first listed (a fixed, documented choice).
 */
export function top1Regret(pred: ArrayLike<number>, actual: ArrayLike<number>): number {
  check(pred, actual, 'regret');
  let top = 0;
  let best = -Infinity;
  for (let i = 0; i < pred.length; i++) {
    if (pred[i] > pred[top]) top = i;
    best = Math.max(best, actual[i]);
  }
  return 100 * (best - actual[top]);
}

/** 1 if the truly best model (any of them, on ties) is among the k highest predictions, else 0. */
export function hitAtK(pred: ArrayLike<number>, actual: ArrayLike<number>, k: number): number {
  check(pred, actual, 'hit@k');
  if (!(k >= 1)) throw new MetricInputError(`hit@k needs k ≥ 1, got ${k}`);
  const order = Array.from({ length: pred.length }, (_, i) => i).sort((p, q) => pred[q] - pred[p] || p - q);
  let best = -Infinity;
  for (let i = 0; i < actual.length; i++) best = Math.max(best, actual[i]);
  return order.slice(0, k).some((i) => actual[i] === best) ? 1 : 0;
}

export interface RankingReport {
  mae: number;
  rmse: number;
  kendall: number;
  spearman: number;
  regret: number;
  hitAt3: number;
}

export function rankingReport(pred: ArrayLike<number>, actual: ArrayLike<number>): RankingReport {
  return {
    mae: mae(pred, actual),
    rmse: rmse(pred, actual),
    kendall: actual.length >= 2 ? kendallTauB(pred, actual) : NaN,
    spearman: actual.length >= 2 ? spearman(pred, actual) : NaN,
    regret: top1Regret(pred, actual),
    hitAt3: hitAtK(pred, actual, 3),
  };
}

/** Mean over the finite values (NaN when there are none). */
export function finiteMean(values: number[]): number {
  const ok = values.filter(Number.isFinite);
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}
