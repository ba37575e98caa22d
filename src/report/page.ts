/**
 * The page shell: inline stylesheet, the header's key-number tiles and the section card. Nothing here refers
 * to anything outside the page (no scripts, fonts, images or links), so the file can be mailed or archived.
 */
import { esc } from './tables';

export interface Tile {
  label: string;
  value: string;
  /** Small line under the value: the target, a comparison, a count. */
  note?: string;
  /** good/bad colour the value against its target; neutral when there is no target or no value. */
  status?: 'good' | 'bad' | 'neutral';
}

export interface Section {
  id: string;
  title: string;
  /** What the chart/table shows and how to read it, one or two sentences. */
  howToRead: string;
  /** The section's content, or null when the build has no data for it. */
  body: string | null;
  /** What is missing, said when `body` is null. */
  missing: string;
  kind: 'chart' | 'table';
  wide?: boolean;
}

const CSS = `
:root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f5f7fa; --card:#fff; --accent:#2563eb;
  --good:#059669; --bad:#d97706; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top { background: linear-gradient(120deg, #0f172a, #1e3a8a 60%, #2563eb); color:#fff; padding:28px 40px 30px; }
header.top h1 { margin:0; font-size:24px; font-weight:650; letter-spacing:-0.01em; }
header.top .build { margin:8px 0 0; font-size:17px; color:#fff; font-weight:600; }
header.top .build code { font-size:16px; background:rgba(255,255,255,0.14); border:1px solid rgba(255,255,255,0.25);
  border-radius:6px; padding:1px 8px; color:#fff; }
header.top .build .profile { display:inline-block; background:#fbbf24; color:#0f172a; border-radius:999px; padding:0 10px;
  font-size:13px; font-weight:700; letter-spacing:0.02em; vertical-align:2px; }
header.top .subtitle { margin:4px 0 20px; color:#c7d2fe; font-size:13px; }
header.top .subtitle code { color:#e0e7ff; }
.tiles { display:grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap:12px; }
.tile { background: rgba(255,255,255,0.1); border:1px solid rgba(255,255,255,0.18); border-radius:10px; padding:12px 14px; }
.tile .label { font-size:12px; color:#c7d2fe; font-weight:600; letter-spacing:0.02em; }
.tile .value { font-size:28px; font-weight:700; line-height:1.2; margin-top:2px; font-variant-numeric: tabular-nums; }
.tile .note { font-size:12px; color:#dbeafe; }
.tile.good .value { color:#6ee7b7; } .tile.bad .value { color:#fcd34d; }
nav.toc { display:flex; flex-wrap:wrap; gap:6px 14px; padding:10px 40px; background:#fff; border-bottom:1px solid var(--line);
  font-size:13px; position:sticky; top:0; z-index:1; }
nav.toc a { color:var(--accent); text-decoration:none; } nav.toc a:hover { text-decoration:underline; }
main { display:grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap:20px; padding:24px 40px 40px; }
section.card { background:var(--card); border:1px solid var(--line); border-radius:12px; padding:18px 22px 20px;
  box-shadow: 0 1px 2px rgba(15,23,42,0.04); min-width:0; }
section.card.wide { grid-column: 1 / -1; }
section.card h2 { margin:0 0 4px; font-size:17px; font-weight:650; }
.how { margin:0 0 14px; color:var(--muted); font-size:13px; border-left:3px solid #bfdbfe; padding:2px 0 2px 10px; }
.how b { color:var(--ink); font-weight:600; }
.chart { overflow-x:auto; } .chart svg { max-width:100%; height:auto; display:block; }
.na { margin:8px 0 0; padding:14px 16px; border:1px dashed #d1d5db; border-radius:8px; color:var(--muted); background:#fafafa; }
.stats { display:flex; flex-wrap:wrap; gap:8px; margin:0 0 10px; }
.stat { background:#f1f5f9; border-radius:999px; padding:3px 10px; font-size:12px; color:var(--ink); }
.stat b { font-variant-numeric: tabular-nums; }
.scroll { overflow-x:auto; }
table { border-collapse:separate; border-spacing:0; font-variant-numeric: tabular-nums; width:100%; }
th, td { padding:6px 8px; text-align:left; border-bottom:1px solid var(--line); font-size:13px; white-space:nowrap; }
thead th { font-size:12px; color:var(--muted); font-weight:600; background:#f8fafc; white-space:normal;
  vertical-align:bottom; }
th.rowhead { font-weight:600; white-space:normal; }
table.metrics thead th:not(:first-child) { text-align:right; }
.chart + .scroll { margin-top:14px; }
td.num { text-align:right; }
table.metrics tr.ours { background:#eff6ff; } table.metrics tr.ours th { color:var(--accent); }
td.best { font-weight:700; color:var(--good); }
table.table1 { border-spacing:3px; } table.table1 td, table.table1 th { border:none; }
td.t1 { text-align:center; border-radius:6px; min-width:92px; padding:6px 8px; }
td.t1 .tau { display:block; font-size:16px; font-weight:700; }
td.t1 .sub { display:block; font-size:11px; opacity:0.85; }
td.t1.empty { color:#cbd5e1; }
tr.foot th, th.mean { color:var(--muted); }
.scroll + .scroll, .stats + .chart, .scroll + .stats { margin-top:14px; }
.badge { display:inline-block; margin-left:6px; padding:0 8px; border-radius:999px; background:var(--accent); color:#fff;
  font-size:11px; font-weight:700; vertical-align:1px; }
table.metrics th.paired { min-width:150px; }
td.paired { line-height:1.3; }
td.paired .dv { display:block; font-size:14px; font-weight:600; }
td.paired .verdict { display:block; font-size:11px; }
td.paired .sub { display:block; font-size:11px; color:var(--muted); }
td.paired.win .dv, td.paired.win .verdict { color:var(--good); }
td.paired.loss .dv, td.paired.loss .verdict { color:var(--bad); }
td.paired.sig .dv, td.paired.sig .verdict { font-weight:700; }
td.paired.win.sig { background:#ecfdf5; } td.paired.loss.sig { background:#fffbeb; }
table.metrics.per-target { width:auto; min-width:60%; }
table.per-target td.tau { text-align:center; font-weight:700; border-radius:6px; min-width:64px; }
table.per-target td.sure { font-weight:700; }
footer { padding:0 40px 30px; color:var(--muted); font-size:12px; }
`;

export function tileHtml(t: Tile): string {
  return (
    `<div class="tile ${t.status ?? 'neutral'}"><div class="label">${esc(t.label)}</div>` +
    `<div class="value">${esc(t.value)}</div>` +
    (t.note ? `<div class="note">${esc(t.note)}</div>` : '') +
    '</div>'
  );
}

export function sectionHtml(s: Section): string {
  const content = s.body ?? `<p class="na">Not available in this build: ${esc(s.missing)}</p>`;
  return (
    `<section class="card${s.wide ? ' wide' : ''}" id="${esc(s.id)}" data-kind="${s.kind}" ` +
    `data-available="${s.body === null ? 'no' : 'yes'}">` +
    `<h2>${esc(s.title)}</h2><p class="how"><b>How to read this.</b> ${s.howToRead}</p>${content}</section>`
  );
}

/** The build the page reports on, named prominently under the title and in the window title. */
export interface BuildName {
  workflowId?: string;
  profile?: string;
}

function buildHtml(b: BuildName | undefined): string {
  if (!b || (!b.workflowId && !b.profile)) return '';
  const parts = [
    b.workflowId ? `build <code class="workflow">${esc(b.workflowId)}</code>` : '',
    b.profile ? `<span class="profile">profile ${esc(b.profile)}</span>` : '',
  ].filter(Boolean);
  return `<p class="build">${parts.join(' ')}</p>`;
}

export function pageHtml(opts: {
  title: string;
  /** HTML: the caller escapes what goes in. */
  subtitle: string;
  build?: BuildName;
  tiles: Tile[];
  sections: Section[];
}): string {
  const toc = opts.sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('');
  const named = [opts.build?.workflowId, opts.build?.profile && `profile ${opts.build.profile}`].filter(
    Boolean,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title + (named.length ? ` — ${named.join(', ')}` : ''))}</title>
<style>${CSS}</style></head>
<body>
<header class="top"><h1>${esc(opts.title)}</h1>${buildHtml(opts.build)}<p class="subtitle">${opts.subtitle}</p>
<div class="tiles">${opts.tiles.map(tileHtml).join('')}</div></header>
<nav class="toc">${toc}</nav>
<main>${opts.sections.map(sectionHtml).join('\n')}</main>
<footer>Generated by dlrec. Charts are Vega-Lite specifications rendered to SVG at build time; the page needs no network.</footer>
</body></html>
`;
}
