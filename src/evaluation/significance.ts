/**
 * What a sceptic asks of an evaluation: is the regressor's lead over a baseline more than noise across targets
 * (paired Wilcoxon signed-rank over the held-out datasets), and how sure is Table 1 (bootstrap intervals)?
 */
import { seededRandom } from '../random';
import { finiteMean, kendallTauB } from './metrics';
import type { BaselineResult, EvaluationRow, LooResult } from './protocols';
import { bootstrapMeanInterval, wilcoxonSignedRank, type WilcoxonResult } from './stats';

export interface PairedComparison {
  /** Held-out datasets where both sides have a finite value. */
  n: number;
  /** Mean over those targets of (regressor − baseline): negative = the regressor is better (MAE, regret). */
  meanDifference: number;
  /** Targets where the regressor was better, tied, worse. */
  wins: number;
  ties: number;
  losses: number;
  /** Two-sided Wilcoxon signed-rank p-value (null with fewer than one non-zero difference). */
  pValue: number | null;
  method: WilcoxonResult['method'] | null;
}

/** Per-target MAE and regret of the regressor against each baseline (rank-only baselines have no MAE). */
export function pairedTests(
  loo: LooResult,
  baselines: Record<string, BaselineResult>,
): Record<string, { mae?: PairedComparison; regret: PairedComparison }> {
  const out: Record<string, { mae?: PairedComparison; regret: PairedComparison }> = {};
  for (const [name, base] of Object.entries(baselines)) {
    const mae = compare(loo, base, 'mae');
    out[name] = { ...(mae.n > 0 ? { mae } : {}), regret: compare(loo, base, 'regret') };
  }
  return out;
}

function compare(loo: LooResult, base: BaselineResult, metric: 'mae' | 'regret'): PairedComparison {
  const mine: number[] = [];
  const theirs: number[] = [];
  for (const [d, r] of Object.entries(loo.perDataset)) {
    const b = base.perDataset[d];
    if (b && Number.isFinite(r[metric]) && Number.isFinite(b[metric])) {
      mine.push(r[metric]);
      theirs.push(b[metric]);
    }
  }
  const diff = mine.map((m, i) => m - theirs[i]);
  // Differences below 1e-12 are rounding, not a win: scipy's zero_method 'wilcox' drops exact zeros only.
  const sign = (v: number) => (Math.abs(v) < 1e-12 ? 0 : Math.sign(v));
  let test: WilcoxonResult | null = null;
  if (diff.some((v) => sign(v) !== 0)) {
    test = wilcoxonSignedRank(diff.map((v) => (sign(v) === 0 ? 0 : v)));
  }
  return {
    n: diff.length,
    meanDifference: finiteMean(diff),
    wins: diff.filter((v) => sign(v) < 0).length,
    ties: diff.filter((v) => sign(v) === 0).length,
    losses: diff.filter((v) => sign(v) > 0).length,
    pValue: test?.pValue ?? null,
    method: test?.method ?? null,
  };
}

export interface Table1Target {
  dataset: string;
  /** Mean over the architectures of Kendall τ(similarity of each source, accuracy fine-tuned from it). */
  kendall: number;
  /** Bootstrap interval of that mean, resampling the sources (the same draw for every architecture). */
  low: number;
  high: number;
  sources: number;
  architectures: number;
  /** Mean over architectures of (best − worst fine-tuned accuracy) across sources: is there anything to rank? */
  spread: number;
}

/**
 * The paper's Table 1 read per target: does the ranker's similarity order the sources the way fine-tuning
 * from them does? `similarity(target, source)` must come from a ranker that did not see the target.
 */
export function table1ByTarget(
  rows: EvaluationRow[],
  similarity: (target: string, source: string) => number,
  opts: { architectures?: string[]; resamples?: number; seed?: number; level?: number } = {},
): { perTarget: Table1Target[]; mean: { kendall: number; low: number; high: number } } {
  const wanted = opts.architectures ? new Set(opts.architectures) : null;
  const resamples = opts.resamples ?? 1000;
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  const byTarget = new Map<string, Map<string, Map<string, number>>>(); // target → arch → source → accuracy
  for (const r of rows) {
    const arch = r.architecture ?? r.model;
    if (r.sourceDataset === undefined || (wanted && !wanted.has(arch))) continue;
    const t = byTarget.get(r.dataset) ?? new Map<string, Map<string, number>>();
    byTarget.set(r.dataset, t);
    const a = t.get(arch) ?? new Map<string, number>();
    t.set(arch, a);
    a.set(r.sourceDataset, r.accuracy);
  }
  const perTarget: Table1Target[] = [];
  for (const [target, archs] of [...byTarget].sort(([a], [b]) => a.localeCompare(b))) {
    const sources = [...new Set([...archs.values()].flatMap((m) => [...m.keys()]))].sort();
    if (sources.length < 3) continue; // τ over two points is ±1, nothing to learn from
    const sim = sources.map((s) => similarity(target, s));
    const meanTau = (idx: number[]) =>
      finiteMean(
        [...archs.values()].map((acc) => {
          const pick = idx.filter((i) => acc.has(sources[i]));
          return pick.length < 2
            ? NaN
            : kendallTauB(
                pick.map((i) => sim[i]),
                pick.map((i) => acc.get(sources[i])!),
              );
        }),
      );
    const all = sources.map((_, i) => i);
    const rand = seededRandom((opts.seed ?? 0) + perTarget.length);
    const draws: number[] = [];
    for (let b = 0; b < resamples; b++) {
      const v = meanTau(all.map(() => Math.floor(rand() * sources.length)));
      if (Number.isFinite(v)) draws.push(v);
    }
    draws.sort((a, b) => a - b);
    const q = (p: number) =>
      draws.length ? draws[Math.min(draws.length - 1, Math.floor(p * draws.length))] : NaN;
    const spreads = [...archs.values()].map((acc) => {
      const v = [...acc.values()];
      return v.length ? Math.max(...v) - Math.min(...v) : NaN;
    });
    perTarget.push({
      dataset: target,
      kendall: meanTau(all),
      low: q(alpha),
      high: q(1 - alpha),
      sources: sources.length,
      architectures: archs.size,
      spread: finiteMean(spreads),
    });
  }
  const mean = bootstrapMeanInterval(
    perTarget.map((t) => t.kendall),
    { seed: opts.seed ?? 0, resamples, level: opts.level ?? 0.95 },
  );
  return { perTarget, mean: { kendall: mean.mean, low: mean.low, high: mean.high } };
}
