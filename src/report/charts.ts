/**
 * The report's charts as Vega-Lite specs, compiled with vega-lite and rendered to SVG strings by vega's
 * headless View (renderer 'none': no canvas, no DOM). vega and vega-lite ship as ES modules only, so they are
 * loaded with a dynamic import from this CommonJS code.
 */
import type { PredictionRecord } from '../evaluation/protocols';
// Types only: the tsconfig's classic `node` resolution does not read vega-lite's `exports` map.
import type * as VegaLite from 'vega-lite/build/index';
import type { CampaignResult, EncoderPoint, RegressorScore, SimilarityMatrix } from './types';

/** A Vega-Lite spec; kept loose here because vega-lite's own TopLevelSpec type is a very deep union. */
type VlSpec = Record<string, unknown>;

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const INK = '#1f2937';
const MUTED = '#6b7280';

const CONFIG = {
  font: FONT,
  background: null,
  padding: 8,
  view: { stroke: null },
  axis: {
    labelColor: MUTED,
    titleColor: INK,
    titleFontWeight: 600,
    labelFontSize: 11,
    titleFontSize: 12,
    gridColor: '#eef0f3',
    domainColor: '#cbd2d9',
    tickColor: '#cbd2d9',
  },
  legend: { labelColor: INK, titleColor: INK, labelFontSize: 11, titleFontSize: 12, orient: 'right' },
  title: { color: INK, fontSize: 13, fontWeight: 600, anchor: 'start' },
  range: { category: { scheme: 'tableau10' } },
};

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Predicted vs actual accuracy of every held-out row, one colour per held-out dataset, with y = x. */
export function predictedVsActualSpec(predictions: PredictionRecord[]): VlSpec {
  const values = predictions.map((p) => ({ ...p, model: p.model, sourceDataset: p.sourceDataset ?? '' }));
  const all = predictions.flatMap((p) => [p.predicted, p.actual]).filter(Number.isFinite);
  // Predictions may stray outside [0, 1]; the square domain covers them so no dot is cut off.
  const lo = Math.floor(Math.min(...all) * 20) / 20;
  const hi = Math.max(lo + 0.05, Math.ceil(Math.max(...all) * 20) / 20);
  const scale = { domain: [lo, hi], nice: false, zero: false };
  return {
    width: 420,
    height: 420,
    layer: [
      {
        data: { values: [{ v: lo }, { v: hi }] },
        mark: { type: 'line', color: '#9ca3af', strokeDash: [5, 4], strokeWidth: 1.5 },
        encoding: {
          x: { field: 'v', type: 'quantitative', scale },
          y: { field: 'v', type: 'quantitative', scale },
        },
      },
      {
        data: { values },
        mark: { type: 'circle', size: 70, opacity: 0.8, stroke: 'white', strokeWidth: 0.8 },
        encoding: {
          x: {
            field: 'actual',
            type: 'quantitative',
            title: 'actual accuracy',
            scale,
            axis: { format: '.0%' },
          },
          y: {
            field: 'predicted',
            type: 'quantitative',
            title: 'predicted accuracy',
            scale,
            axis: { format: '.0%' },
          },
          color: { field: 'dataset', type: 'nominal', title: 'held-out dataset' },
          tooltip: [{ field: 'model' }, { field: 'dataset' }, { field: 'sourceDataset' }],
        },
      },
    ],
  };
}

/** Two bar charts, one above the other: MSE on the 80/20 split and MAE on leave-one-dataset-out, per regressor. */
export function regressorComparisonSpec(scores: RegressorScore[]): VlSpec {
  const bars = (field: 'mse8020' | 'looMae', title: string, colour: string, format: string) => {
    const values = scores
      .filter((s) => Number.isFinite(s[field]))
      .map((s) => ({ name: s.name, value: s[field] as number }))
      .sort((a, b) => a.value - b.value);
    const best = values[0]?.value;
    return {
      title,
      width: 380,
      height: { step: 24 },
      data: { values: values.map((v) => ({ ...v, best: v.value === best })) },
      encoding: {
        y: { field: 'name', type: 'nominal', sort: values.map((v) => v.name), title: null },
        x: { field: 'value', type: 'quantitative', title: null, axis: { format, tickCount: 5 } },
      },
      layer: [
        {
          mark: { type: 'bar', cornerRadiusEnd: 3, height: { band: 0.7 } },
          encoding: { color: { condition: { test: 'datum.best', value: colour }, value: '#cbd5e1' } },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: INK },
          encoding: { text: { field: 'value', type: 'quantitative', format } },
        },
      ],
    };
  };
  const panels = [bars('mse8020', 'MSE, random 80/20 split', '#2563eb', '.4f')];
  if (scores.some((s) => Number.isFinite(s.looMae))) {
    panels.push(bars('looMae', 'MAE, leave one dataset out', '#059669', '.3f'));
  }
  return { vconcat: panels, spacing: 28, resolve: { scale: { x: 'independent', y: 'independent' } } };
}

/** n × n leave-one-out similarity matrix with the values printed in the cells. */
export function similarityHeatmapSpec(sim: SimilarityMatrix): VlSpec {
  const values = sim.datasets.flatMap((held, i) =>
    sim.datasets.map((other, j) => {
      const v = finiteOrNull(sim.matrix[i]?.[j] ?? NaN);
      return { held, other, value: v, label: v === null ? '—' : v.toFixed(2) };
    }),
  );
  const finite = values.flatMap((v) => (v.value === null ? [] : [v.value]));
  const mid = (Math.min(...finite) + Math.max(...finite)) / 2;
  const cell = Math.max(34, Math.min(64, Math.floor(520 / Math.max(1, sim.datasets.length))));
  const order = { sort: sim.datasets };
  return {
    width: { step: cell },
    height: { step: cell },
    data: { values },
    encoding: {
      x: { field: 'other', type: 'nominal', title: 'compared with', ...order, axis: { labelAngle: -35 } },
      y: { field: 'held', type: 'nominal', title: 'held-out dataset', ...order },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2, cornerRadius: 3 },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: 'similarity',
            scale: { scheme: 'viridis' },
            legend: { orient: 'right', gradientLength: Math.max(120, cell * sim.datasets.length - 20) },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: cell >= 48 ? 12 : 10, fontWeight: 600 },
        encoding: {
          text: { field: 'label' },
          color: {
            condition: { test: `datum.value !== null && datum.value < ${mid}`, value: 'white' },
            value: INK,
          },
        },
      },
    ],
  };
}

/** The encoder experiment's 2-D t-SNE: one colour and shape per model family. */
export function tsneSpec(points: EncoderPoint[]): VlSpec {
  return {
    width: 420,
    height: 360,
    data: { values: points.map((p) => ({ ...p, label: p.label ?? '' })) },
    mark: { type: 'point', filled: true, size: 60, opacity: 0.8 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: 't-SNE 1',
        scale: { zero: false, padding: 12 },
        axis: { labels: false, ticks: false },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: 't-SNE 2',
        scale: { zero: false, padding: 12 },
        axis: { labels: false, ticks: false },
      },
      color: {
        field: 'group',
        type: 'nominal',
        title: 'model family',
        scale: { range: ['#dc2626', '#2563eb', '#059669', '#d97706'] },
        legend: { orient: 'top' },
      },
      shape: { field: 'group', type: 'nominal', title: 'model family', legend: { orient: 'top' } },
      tooltip: [{ field: 'label' }, { field: 'group' }],
    },
  };
}

/** Accuracy distribution of the training campaign: a box plot per target dataset with each run as a tick. */
export function campaignDistributionSpec(campaign: CampaignResult[]): VlSpec {
  const values = campaign.map((c) => ({ ...c, sourceDataset: c.sourceDataset ?? '' }));
  const datasets = [...new Set(campaign.map((c) => c.dataset))].sort();
  const x = {
    field: 'dataset',
    type: 'nominal',
    title: 'target dataset',
    sort: datasets,
    axis: { labelAngle: -35 },
  };
  const y = {
    field: 'accuracy',
    type: 'quantitative',
    title: 'fine-tuned accuracy',
    axis: { format: '.0%' },
    scale: { zero: false },
  };
  return {
    width: { step: 64 },
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'boxplot', extent: 'min-max', size: 34, median: { color: INK }, opacity: 0.55 },
        encoding: { x, y, color: { field: 'dataset', type: 'nominal', legend: null } },
      },
      {
        mark: { type: 'tick', thickness: 1.5, size: 20, color: INK, opacity: 0.45 },
        encoding: { x, y, tooltip: [{ field: 'model' }, { field: 'sourceDataset' }, { field: 'accuracy' }] },
      },
    ],
  };
}

interface VegaModules {
  vega: typeof import('vega');
  compile: (spec: VlSpec) => { spec: object };
}
let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  const vegaLite = 'vega-lite'; // a variable specifier: tsc cannot resolve the package name itself (see above)
  modules ??= Promise.all([import('vega'), import(vegaLite) as Promise<typeof VegaLite>]).then(
    ([vega, vl]) => ({
      vega,
      compile: (spec) => vl.compile(spec as never) as { spec: object },
    }),
  );
  return modules;
}

/**
 * Renders a Vega-Lite spec to an SVG string. `idPrefix` makes the clip-path/gradient ids unique: vega restarts
 * its counters for every SVG, and inline SVGs sharing ids in one page would clip each other's marks.
 */
export async function renderSvg(spec: VlSpec, idPrefix: string): Promise<string> {
  const { vega, compile } = await loadVega();
  const compiled = compile({ $schema: undefined, config: CONFIG, ...spec }).spec;
  const view = new vega.View(vega.parse(compiled as never), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg
      .replace(/\sid="([^"]+)"/g, ` id="${idPrefix}-$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#${idPrefix}-$1)`)
      .replace(/href="#([^"]+)"/g, `href="#${idPrefix}-$1"`);
  } finally {
    view.finalize();
  }
}
