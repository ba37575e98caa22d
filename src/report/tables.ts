/**
 * HTML pieces of the report that are tables or text rather than charts: escaping, number formatting, the
 * colour-coded Table 1 and its per-target reading, the baselines table with the paired tests, the two
 * regressor kinds and the per-dataset leave-one-out table.
 * Values may arrive through JSON, where NaN became null: every number goes through `num` first.
 */
import type { RankingReport } from '../evaluation/metrics';
import type { BaselineResult, LooResult, Table1Cell } from '../evaluation/protocols';
import type { PairedComparison, Table1Target } from '../evaluation/significance';

export const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A number, or NaN for null/undefined/non-numbers. */
export const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);

export const fmt = (v: unknown, digits = 2): string => {
  const n = num(v);
  return Number.isFinite(n) ? n.toFixed(digits) : '—';
};
export const pct = (v: unknown, digits = 1): string => {
  const n = num(v);
  return Number.isFinite(n) ? `${(100 * n).toFixed(digits)} %` : '—';
};

/** Diverging red – white – blue for a correlation in [−1, 1], with text that stays readable on it. */
export function correlationColours(v: unknown): { bg: string; fg: string } {
  const n = num(v);
  if (!Number.isFinite(n)) return { bg: '#f3f4f6', fg: '#9ca3af' };
  const t = Math.max(-1, Math.min(1, n));
  const end = t < 0 ? [220, 38, 38] : [37, 99, 235];
  const a = Math.abs(t) * 0.9;
  const mix = [248, 250, 252].map((w, i) => Math.round(w + (end[i] - w) * a));
  return { bg: `rgb(${mix.join(',')})`, fg: Math.abs(t) > 0.55 ? '#ffffff' : '#1f2937' };
}

/** Table 1: canonical architecture × held-out dataset, Kendall τ large, Spearman ρ and Pearson r small. */
export function table1Html(cells: Table1Cell[]): string {
  const archs = [...new Set(cells.map((c) => c.architecture))].sort();
  const datasets = [...new Set(cells.map((c) => c.dataset))].sort();
  const at = new Map(cells.map((c) => [`${c.architecture}\u0000${c.dataset}`, c]));
  const mean = (xs: Table1Cell[]) => {
    const ok = xs.map((c) => num(c.kendall)).filter(Number.isFinite);
    return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
  };
  const cellHtml = (c: Table1Cell | undefined) => {
    if (!c) return '<td class="t1 empty">·</td>';
    const { bg, fg } = correlationColours(c.kendall);
    const tip = `${c.architecture} on ${c.dataset}: ${c.n} source datasets`;
    return (
      `<td class="t1" style="background:${bg};color:${fg}" title="${esc(tip)}">` +
      `<span class="tau">${fmt(c.kendall)}</span>` +
      `<span class="sub">ρ ${fmt(c.spearman)} · r ${fmt(c.pearson)}</span></td>`
    );
  };
  const meanCell = (v: number) => {
    const { bg, fg } = correlationColours(v);
    return `<td class="t1 mean" style="background:${bg};color:${fg}"><span class="tau">${fmt(v)}</span></td>`;
  };
  const head =
    '<tr><th>architecture</th>' +
    datasets.map((d) => `<th>${esc(d)}</th>`).join('') +
    '<th class="mean">mean τ</th></tr>';
  const body = archs
    .map((a) => {
      const row = cells.filter((c) => c.architecture === a);
      return (
        `<tr><th class="rowhead">${esc(a)}</th>` +
        datasets.map((d) => cellHtml(at.get(`${a}\u0000${d}`))).join('') +
        meanCell(mean(row)) +
        '</tr>'
      );
    })
    .join('');
  const foot =
    '<tr class="foot"><th class="rowhead">mean τ</th>' +
    datasets.map((d) => meanCell(mean(cells.filter((c) => c.dataset === d)))).join('') +
    meanCell(mean(cells)) +
    '</tr>';
  return `<div class="scroll"><table class="table1"><thead>${head}</thead><tbody>${body}${foot}</tbody></table></div>`;
}

/** A signed number with a real minus sign, e.g. −0.012 or +1.8. */
export const signed = (v: unknown, digits = 2): string => {
  const n = num(v);
  if (!Number.isFinite(n)) return '—';
  const s = Math.abs(n).toFixed(digits);
  return Number(s) === 0 ? s : `${n < 0 ? '−' : '+'}${s}`;
};

/** Below this p-value a paired difference is called significant. */
export const SIGNIFICANCE = 0.05;

const BASELINE_NAMES: Record<string, string> = {
  architectureMean: 'architecture mean',
  largestModel: 'largest model',
  'score:logme': 'LogME only',
  'score:leep': 'LEEP only',
  random: 'random (expected)',
  randomSeeded: 'random (one draw)',
  similarityWeightedRecord: 'similarity-weighted record',
  bestOnMostSimilar: 'best on the most similar dataset',
};
/** What each baseline does, shown as the row's tooltip. */
const BASELINE_NOTES: Record<string, string> = {
  architectureMean: "each architecture's mean accuracy on the other datasets",
  largestModel: 'ranks the models by parameter count, biggest first',
  'score:logme': 'ranks by the LogME transferability score alone',
  'score:leep': 'ranks by the LEEP transferability score alone',
  random: 'the expected result of a uniformly random ranking',
  randomSeeded: 'one seeded random ranking',
  similarityWeightedRecord:
    "the regressor's own prior, nothing learned: the architecture's from-scratch accuracies weighted by dataset similarity",
  bestOnMostSimilar: 'each option scored by its own result on the most similar repository dataset',
};
export const baselineName = (key: string): string =>
  BASELINE_NAMES[key] ?? (key.startsWith('score:') ? `${key.slice(6).toUpperCase()} only` : key);

interface MetricColumn {
  key: 'kendall' | 'spearman' | 'mae' | 'regret' | 'hitAt3';
  title: string;
  higherIsBetter: boolean;
  show: (v: unknown) => string;
}
const METRICS: MetricColumn[] = [
  { key: 'kendall', title: 'Kendall τ ↑', higherIsBetter: true, show: (v) => fmt(v) },
  { key: 'spearman', title: 'Spearman ρ ↑', higherIsBetter: true, show: (v) => fmt(v) },
  { key: 'mae', title: 'MAE ↓', higherIsBetter: false, show: (v) => fmt(v, 3) },
  { key: 'regret', title: 'regret (pts) ↓', higherIsBetter: false, show: (v) => fmt(v, 1) },
  { key: 'hitAt3', title: 'hit@3 ↑', higherIsBetter: true, show: (v) => pct(v, 0) },
];

type PairedTests = Record<string, { mae?: PairedComparison; regret: PairedComparison } | undefined>;

/**
 * One paired-test cell: the mean difference regressor − baseline (negative = the regressor is better), a
 * verdict in words, the p-value and the wins. Green = the regressor is better, amber = the baseline is;
 * tinted and bold when p < 0.05.
 */
function pairedCell(c: PairedComparison | undefined, digits: number, unit: string, absent: string): string {
  if (!c || typeof c !== 'object') {
    return `<td class="num paired none"><span class="sub">${esc(absent)}</span></td>`;
  }
  const count = (v: unknown) => (Number.isFinite(num(v)) ? String(num(v)) : '?');
  const d = num(c.meanDifference);
  const p = num(c.pValue);
  const sig = Number.isFinite(p) && p < SIGNIFICANCE;
  const side = !Number.isFinite(d) || Math.abs(d) < 1e-12 ? 'tie' : d < 0 ? 'win' : 'loss';
  const verdict =
    side === 'tie'
      ? 'no difference'
      : `${side === 'win' ? 'regressor' : 'baseline'} ${sig ? 'significantly better' : 'better, not significant'}`;
  const pText = Number.isFinite(p) ? `p = ${p < 0.001 ? '< 0.001' : p.toFixed(3)}` : 'p — (all tied)';
  const tip =
    `regressor − baseline over ${count(c.n)} held-out datasets: regressor better on ${count(c.wins)}, ` +
    `tied on ${count(c.ties)}, worse on ${count(c.losses)}` +
    (c.method ? `; two-sided Wilcoxon signed-rank (${c.method})` : '');
  return (
    `<td class="num paired ${side}${sig ? ' sig' : ''}" title="${esc(tip)}">` +
    `<span class="dv">${signed(d, digits)}${unit}</span>` +
    `<span class="verdict">${esc(verdict)}</span>` +
    `<span class="sub">${esc(pText)} · wins ${count(c.wins)}/${count(c.n)}</span></td>`
  );
}

/**
 * Our leave-one-out result against every baseline, best value of each column highlighted. With `paired`, two
 * more columns say per baseline whether the regressor beats it on MAE and on regret, and whether that holds
 * up across targets (paired Wilcoxon signed-rank, p < 0.05).
 */
export function baselinesHtml(
  loo: LooResult | undefined,
  baselines: Record<string, BaselineResult>,
  ours: string,
  withTransferability?: LooResult,
  paired?: PairedTests,
): string {
  const rows: { key?: string; name: string; ours: boolean; mean: Record<string, unknown> }[] = [];
  if (loo) rows.push({ name: ours, ours: true, mean: { ...loo.mean } });
  if (withTransferability) {
    rows.push({ name: `${ours} + LogME/LEEP inputs`, ours: true, mean: { ...withTransferability.mean } });
  }
  for (const [key, b] of Object.entries(baselines)) {
    rows.push({ key, name: baselineName(key), ours: false, mean: { ...b?.mean } });
  }
  const withPaired = !!paired && typeof paired === 'object' && Object.keys(paired).length > 0;
  const best = new Map(
    METRICS.map((m) => {
      const vals = rows.map((r) => num(r.mean[m.key])).filter(Number.isFinite);
      return [m.key, vals.length ? (m.higherIsBetter ? Math.max(...vals) : Math.min(...vals)) : NaN];
    }),
  );
  const head =
    '<tr><th>method</th>' +
    METRICS.map((m) => `<th>${m.title}</th>`).join('') +
    (withPaired
      ? '<th class="paired">ΔMAE, regressor − baseline (p, wins/n)</th>' +
        '<th class="paired">Δregret (pts), regressor − baseline (p, wins/n)</th>'
      : '') +
    '</tr>';
  const pairedCells = (r: (typeof rows)[number]) => {
    if (!withPaired) return '';
    if (r.ours) return '<td class="num paired none"></td><td class="num paired none"></td>';
    const t = r.key !== undefined ? paired![r.key] : undefined;
    if (!t) {
      const none = '<td class="num paired none"><span class="sub">not tested</span></td>';
      return none + none;
    }
    return pairedCell(t.mae, 3, '', 'no MAE (ranks only)') + pairedCell(t.regret, 1, ' pts', 'not tested');
  };
  const body = rows
    .map((r) => {
      const note = r.key !== undefined ? BASELINE_NOTES[r.key] : undefined;
      return (
        `<tr class="${r.ours ? 'ours' : ''}"><th class="rowhead"${note ? ` title="${esc(note)}"` : ''}>` +
        `${esc(r.name)}</th>` +
        METRICS.map((m) => {
          const isBest = num(r.mean[m.key]) === best.get(m.key);
          return `<td class="num${isBest ? ' best' : ''}">${m.show(r.mean[m.key])}</td>`;
        }).join('') +
        pairedCells(r) +
        '</tr>'
      );
    })
    .join('');
  return `<div class="scroll"><table class="metrics baselines"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/**
 * The two regressor kinds side by side on honest leave-one-dataset-out: the single selected regressor and the
 * paper's ensemble (average of its members); the one in use (the winner) is marked.
 */
export function regressorKindsHtml(
  regressor: { default: 'selected' | 'ensemble'; selected: RankingReport; ensemble: RankingReport },
  selectedName?: string,
): string {
  const kinds: { kind: 'selected' | 'ensemble'; name: string; mean: RankingReport | undefined }[] = [
    {
      kind: 'selected',
      name: `single selected regressor${selectedName ? ` (${selectedName})` : ''}`,
      mean: regressor.selected,
    },
    { kind: 'ensemble', name: 'ensemble (average of its members)', mean: regressor.ensemble },
  ];
  const best = new Map(
    METRICS.map((m) => {
      const vals = kinds.map((k) => num(k.mean?.[m.key])).filter(Number.isFinite);
      return [m.key, vals.length ? (m.higherIsBetter ? Math.max(...vals) : Math.min(...vals)) : NaN];
    }),
  );
  const head =
    '<tr><th>regressor (leave one dataset out)</th>' +
    METRICS.map((m) => `<th>${m.title}</th>`).join('') +
    '</tr>';
  const body = kinds
    .map((k) => {
      const inUse = regressor.default === k.kind;
      return (
        `<tr class="${inUse ? 'ours in-use' : ''}" data-kind="${k.kind}"><th class="rowhead">${esc(k.name)}` +
        (inUse ? ' <span class="badge">in use</span>' : '') +
        '</th>' +
        METRICS.map((m) => {
          const v = k.mean?.[m.key];
          const isBest = num(v) === best.get(m.key) && kinds.length > 1;
          return `<td class="num${isBest ? ' best' : ''}">${m.show(v)}</td>`;
        }).join('') +
        '</tr>'
      );
    })
    .join('');
  return `<div class="scroll"><table class="metrics kinds"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/** An interval such as [0.12, 0.48]; an em dash when either end is missing. */
const interval = (low: unknown, high: unknown): string =>
  Number.isFinite(num(low)) && Number.isFinite(num(high)) ? `[${fmt(low)}, ${fmt(high)}]` : '—';

/**
 * Table 1 read per held-out target: the mean τ over architectures with its bootstrap 95 % interval
 * (resampling the sources), how many sources and architectures it rests on, and the spread of fine-tuned
 * accuracy across sources (little spread = little to rank). The last row is the mean over targets.
 */
export function table1PerTargetHtml(
  perTarget: Table1Target[],
  mean?: { kendall?: number; low?: number; high?: number },
): string {
  const tauCell = (v: unknown) => {
    const { bg, fg } = correlationColours(v);
    return `<td class="num tau" style="background:${bg};color:${fg}">${fmt(v)}</td>`;
  };
  // Bold when the interval excludes 0: the sign of τ is settled for that target.
  const intervalCell = (low: unknown, high: unknown) => {
    const [l, h] = [num(low), num(high)];
    const sure = Number.isFinite(l) && Number.isFinite(h) && (l > 0 || h < 0);
    return (
      `<td class="num${sure ? ' sure' : ''}"${sure ? ' title="the interval excludes 0"' : ''}>` +
      `${interval(low, high)}</td>`
    );
  };
  const head =
    '<tr><th>held-out dataset</th><th>Kendall τ (mean over architectures)</th><th>95 % interval</th>' +
    '<th>sources</th><th>architectures</th><th>spread (pts)</th></tr>';
  const count = (v: unknown) => (Number.isFinite(num(v)) ? String(num(v)) : '—');
  const body = perTarget
    .map(
      (t) =>
        `<tr data-target="${esc(t.dataset)}"><th class="rowhead">${esc(t.dataset)}</th>` +
        tauCell(t.kendall) +
        intervalCell(t.low, t.high) +
        `<td class="num">${count(t.sources)}</td><td class="num">${count(t.architectures)}</td>` +
        `<td class="num">${fmt(100 * num(t.spread), 1)}</td></tr>`,
    )
    .join('');
  const foot = mean
    ? '<tr class="foot"><th class="rowhead">mean over targets</th>' +
      tauCell(mean.kendall) +
      intervalCell(mean.low, mean.high) +
      '<td></td><td></td><td></td></tr>'
    : '';
  return (
    `<div class="scroll"><table class="metrics per-target"><thead>${head}</thead>` +
    `<tbody>${body}${foot}</tbody></table></div>`
  );
}

/** Per held-out dataset: how well the regressor ranked and estimated that dataset's models. */
export function looPerDatasetHtml(loo: LooResult): string {
  const head =
    '<tr><th>held-out dataset</th><th>models</th>' +
    METRICS.map((m) => `<th>${m.title}</th>`).join('') +
    '</tr>';
  const body = Object.entries(loo.perDataset)
    .map(
      ([d, r]) =>
        `<tr><th class="rowhead">${esc(d)}</th><td class="num">${esc(r.n)}</td>` +
        METRICS.map((m) => `<td class="num">${m.show(r[m.key])}</td>`).join('') +
        '</tr>',
    )
    .join('');
  return `<div class="scroll"><table class="metrics"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}
