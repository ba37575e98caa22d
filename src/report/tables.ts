/**
 * HTML pieces of the report that are tables or text rather than charts: escaping, number formatting, the
 * colour-coded Table 1, the baselines table and the per-dataset leave-one-out table.
 * Values may arrive through JSON, where NaN became null: every number goes through `num` first.
 */
import type { BaselineResult, LooResult, Table1Cell } from '../evaluation/protocols';

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

const BASELINE_NAMES: Record<string, string> = {
  architectureMean: "architecture's mean accuracy elsewhere",
  largestModel: 'largest model',
  random: 'random ranking (expected)',
  randomSeeded: 'random ranking (one seeded draw)',
};
export const baselineName = (key: string): string =>
  BASELINE_NAMES[key] ?? (key.startsWith('score:') ? `${key.slice(6).toUpperCase()} alone` : key);

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

/** Our leave-one-out result against every baseline, best value of each column highlighted. */
export function baselinesHtml(
  loo: LooResult | undefined,
  baselines: Record<string, BaselineResult>,
  ours: string,
  withTransferability?: LooResult,
): string {
  const rows: { name: string; ours: boolean; mean: Record<string, unknown> }[] = [];
  if (loo) rows.push({ name: ours, ours: true, mean: { ...loo.mean } });
  if (withTransferability) {
    rows.push({ name: `${ours} + LogME/LEEP inputs`, ours: true, mean: { ...withTransferability.mean } });
  }
  for (const [key, b] of Object.entries(baselines)) {
    rows.push({ name: baselineName(key), ours: false, mean: { ...b.mean } });
  }
  const best = new Map(
    METRICS.map((m) => {
      const vals = rows.map((r) => num(r.mean[m.key])).filter(Number.isFinite);
      return [m.key, vals.length ? (m.higherIsBetter ? Math.max(...vals) : Math.min(...vals)) : NaN];
    }),
  );
  const head = '<tr><th>method</th>' + METRICS.map((m) => `<th>${m.title}</th>`).join('') + '</tr>';
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.ours ? 'ours' : ''}"><th class="rowhead">${esc(r.name)}</th>` +
        METRICS.map((m) => {
          const isBest = num(r.mean[m.key]) === best.get(m.key);
          return `<td class="num${isBest ? ' best' : ''}">${m.show(r.mean[m.key])}</td>`;
        }).join('') +
        '</tr>',
    )
    .join('');
  return `<div class="scroll"><table class="metrics"><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
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
