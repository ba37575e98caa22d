/**
 * `renderReport` writes the build's self-contained HTML report: key numbers first, then one card per
 * chart/table, each with a short "how to read this". A part of the data that is missing becomes a
 * "not available in this build" note, so a partial build still gets a report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  campaignDistributionSpec,
  predictedVsActualSpec,
  regressorComparisonSpec,
  renderSvg,
  similarityHeatmapSpec,
  tsneSpec,
} from './charts';
import { pageHtml, type Section, type Tile } from './page';
import { baselineName, baselinesHtml, esc, fmt, looPerDatasetHtml, num, table1Html } from './tables';
import type { RegressorScore, RenderedReport, ReportData } from './types';

export * from './types';

export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

/** Targets of the issue, used to colour the header tiles. */
const TARGETS = { kendall: 0.5, mae: 0.08, regret: 3, table1Kendall: 0.42 };
/** Beyond this many datasets, the heat-map and the box plot get the full page width to stay legible. */
const MANY_DATASETS = 8;

function regressorScores(data: ReportData): RegressorScore[] {
  if (data.regressors?.length) return data.regressors;
  const per = data.evaluation?.split8020?.perRegressor ?? {};
  const looMae = num(data.evaluation?.loo?.mean.mae);
  return Object.entries(per).map(([name, r]) => ({
    name,
    mse8020: num(r.mse),
    looMae: name === data.chosenRegressor && Number.isFinite(looMae) ? looMae : undefined,
  }));
}

function checkInput(data: ReportData, outDir: string): void {
  if (typeof outDir !== 'string' || outDir === '') {
    throw new ReportInputError('renderReport needs an output folder path (got none): pass outDir');
  }
  if (typeof data !== 'object' || data === null) {
    throw new ReportInputError('renderReport needs a ReportData object; pass {} for an empty report');
  }
  const sim = data.similarity;
  if (
    sim &&
    (sim.matrix.length !== sim.datasets.length || sim.matrix.some((r) => r.length !== sim.datasets.length))
  ) {
    throw new ReportInputError(
      `similarity matrix must be ${sim.datasets.length}×${sim.datasets.length} (one row and column per dataset), ` +
        `got ${sim.matrix.length} rows of lengths ${[...new Set(sim.matrix.map((r) => r.length))].join('/')}`,
    );
  }
}

function headerTiles(data: ReportData): Tile[] {
  const ev = data.evaluation ?? {};
  const mean = ev.loo?.mean;
  const bases = Object.entries(ev.baselines ?? {});
  const bestBaseline = (key: 'kendall' | 'regret', higher: boolean) => {
    const ok = bases.filter(([, b]) => Number.isFinite(num(b.mean[key])));
    if (!ok.length) return undefined;
    const [name, b] = ok.reduce((a, c) =>
      (higher ? num(c[1].mean[key]) > num(a[1].mean[key]) : num(c[1].mean[key]) < num(a[1].mean[key]))
        ? c
        : a,
    );
    return { name: baselineName(name), value: num(b.mean[key]) };
  };
  const status = (v: number, ok: (v: number) => boolean): Tile['status'] =>
    Number.isFinite(v) ? (ok(v) ? 'good' : 'bad') : 'neutral';
  const kendall = num(mean?.kendall);
  const mae = num(mean?.mae);
  const regret = num(mean?.regret);
  const bK = bestBaseline('kendall', true);
  const bR = bestBaseline('regret', false);
  const t1 = num(ev.table1?.mean?.kendall);
  const campaign = data.campaign ?? [];
  const datasets = new Set([
    ...campaign.map((c) => c.dataset),
    ...(data.similarity?.datasets ?? []),
    ...Object.keys(ev.loo?.perDataset ?? {}),
  ]);
  const models = new Set(campaign.map((c) => c.model));
  return [
    {
      label: 'mean Kendall τ (leave one out)',
      value: fmt(kendall),
      note: `target ≥ ${TARGETS.kendall}` + (bK ? ` · best baseline ${fmt(bK.value)}` : ''),
      status: status(kendall, (v) => v >= TARGETS.kendall && (!bK || v > bK.value)),
    },
    {
      label: 'MAE of predicted accuracy',
      value: fmt(mae, 3),
      note: `target ≤ ${TARGETS.mae}` + (Number.isFinite(mae) ? ` · ≈ ${(100 * mae).toFixed(1)} points` : ''),
      status: status(mae, (v) => v <= TARGETS.mae),
    },
    {
      label: 'top-1 regret',
      value: Number.isFinite(regret) ? `${regret.toFixed(1)} pts` : '—',
      note: `target ≤ ${TARGETS.regret}` + (bR ? ` · ${bR.name}: ${bR.value.toFixed(1)}` : ''),
      status: status(regret, (v) => v <= TARGETS.regret && (!bR || v < bR.value)),
    },
    {
      label: 'Table 1 mean Kendall τ',
      value: fmt(t1),
      note: `paper's average ${TARGETS.table1Kendall}`,
      status: status(t1, (v) => v >= TARGETS.table1Kendall),
    },
    {
      label: 'trained models',
      value: campaign.length ? String(models.size) : '—',
      note: campaign.length ? `${campaign.length} fine-tuning runs` : 'no campaign results',
    },
    {
      label: 'datasets',
      value: datasets.size ? String(datasets.size) : '—',
      note: [...datasets].sort().slice(0, 6).join(', ') + (datasets.size > 6 ? ', …' : ''),
    },
  ];
}

/** Renders `data` into `outDir`/index.html (self-contained) and `outDir`/charts/*.svg. */
export async function renderReport(data: ReportData, outDir: string): Promise<RenderedReport> {
  checkInput(data, outDir);
  await mkdir(join(outDir, 'charts'), { recursive: true });
  const charts: string[] = [];
  const chart = async (name: string, spec: Record<string, unknown>): Promise<string> => {
    const svg = await renderSvg(spec, name);
    const file = join(outDir, 'charts', `${name}.svg`);
    await writeFile(file, svg);
    charts.push(file);
    return `<div class="chart" data-chart="${name}">${svg}</div>`;
  };
  const ev = data.evaluation ?? {};
  const loo = ev.loo;
  const ours = `dlrec regressor${data.chosenRegressor ? ` (${data.chosenRegressor})` : ''}`;
  const scores = regressorScores(data).filter((s) => Number.isFinite(num(s.mse8020)));
  const predictions = (loo?.predictions ?? []).filter(
    (p) => Number.isFinite(num(p.predicted)) && Number.isFinite(num(p.actual)),
  );
  const enc = data.encoder;
  const sim = data.similarity;
  const campaign = (data.campaign ?? []).filter((c) => Number.isFinite(num(c.accuracy)));
  const encStats = enc
    ? [
        ['kNN purity (k=5)', fmt(enc.knnPurity)],
        ['silhouette', fmt(enc.silhouette)],
        ['perplexity', fmt(enc.perplexity, 1)],
        ['unigram perplexity', fmt(enc.unigramPerplexity, 1)],
        ...(enc.floor
          ? [
              ['perplexity on linear models', fmt(enc.floor.perplexity, 1)],
              ["the generator's own there (the floor)", fmt(enc.floor.generatorPerplexity, 1)],
            ]
          : []),
      ]
        .map(([k, v]) => `<span class="stat">${k} <b>${v}</b></span>`)
        .join('')
    : '';

  const sections: Section[] = [
    {
      id: 'table1',
      title: 'Table 1: similarity predicts transfer',
      kind: 'table',
      wide: true,
      howToRead:
        'Each cell: for one canonical architecture and one held-out dataset, how well the similarity of each ' +
        'pre-training dataset to the held-out one ranks the accuracy reached after fine-tuning from it. ' +
        '<b>Big number = Kendall τ</b>, small = Spearman ρ and Pearson r. Blue = similarity predicts transfer, red = the reverse.',
      body: ev.table1?.cells.length ? table1Html(ev.table1.cells) : null,
      missing:
        'the evaluation did not produce Table 1 (it needs models pre-trained on at least two sources).',
    },
    {
      id: 'predicted-vs-actual',
      title: 'Predicted vs actual accuracy',
      kind: 'chart',
      howToRead:
        'One dot per repository model scored on a dataset it never saw (leave one dataset out). ' +
        'Dots on the dashed <b>y = x</b> line are perfect predictions; above it = optimistic, below = pessimistic.',
      body:
        loo && predictions.length
          ? (await chart('predicted-vs-actual', predictedVsActualSpec(predictions))) + looPerDatasetHtml(loo)
          : null,
      missing: 'no leave-one-dataset-out predictions (run the evaluation stage).',
    },
    {
      id: 'regressors',
      title: 'Regressor comparison',
      kind: 'chart',
      howToRead:
        "Top: the paper's protocol, MSE on a random 20 % of the rows. Bottom (when run): MAE when a whole dataset " +
        'is held out, the honest number. <b>Shorter bars are better</b>; the best is coloured.',
      body: scores.length ? await chart('regressors', regressorComparisonSpec(scores)) : null,
      missing: 'no regressor scores (run the evaluation stage).',
    },
    {
      id: 'baselines',
      title: 'Against naive baselines',
      kind: 'table',
      howToRead:
        'Mean over held-out datasets. Arrows say which way is better; <b>green = best in its column</b>. ' +
        'Rank-only baselines (random, largest model, LogME/LEEP) predict no accuracy, so they have no MAE.',
      body:
        ev.baselines && Object.keys(ev.baselines).length
          ? baselinesHtml(loo, ev.baselines, ours, ev.looTransferability)
          : null,
      missing: 'no baseline results (run the evaluation stage).',
    },
    {
      id: 'similarity',
      wide: (sim?.datasets.length ?? 0) > MANY_DATASETS,
      title: 'Dataset similarity (leave one out)',
      kind: 'chart',
      howToRead:
        'Row = held-out dataset, column = dataset it is compared with, computed by a ranker that never saw the row. ' +
        '<b>Brighter = more similar</b>; the most similar columns are the suggested pre-training sources.',
      body: sim?.datasets.length ? await chart('similarity', similarityHeatmapSpec(sim)) : null,
      missing: 'no similarity matrix (run the ranker stage).',
    },
    {
      id: 'encoder',
      title: 'Architecture encoder: t-SNE of model encodings',
      kind: 'chart',
      howToRead:
        'Each point is one architecture encoded by the language-model encoder and projected to 2-D. ' +
        '<b>Separate clusters</b> mean the encoding tells VGG-like networks from random ones; kNN purity near 1 says the same in numbers. ' +
        "Perplexity: lower = the language model predicts the next layer better; the generator's own perplexity is the floor, " +
        'since the grammar draws layer hyper-parameters at random.',
      body: enc?.points.length
        ? `<div class="stats">${encStats}</div>` + (await chart('encoder-tsne', tsneSpec(enc.points)))
        : null,
      missing: 'no encoder experiment (run the encoder stage).',
    },
    {
      id: 'campaign',
      wide: new Set(campaign.map((c) => c.dataset)).size > MANY_DATASETS,
      title: 'Training campaign: accuracy per dataset',
      kind: 'chart',
      howToRead:
        'Each tick is one fine-tuning run; the box spans the middle half of the runs, the line is the median, ' +
        'whiskers reach min and max. <b>A tall box</b> means the choice of model matters on that dataset.',
      body: campaign.length ? await chart('campaign', campaignDistributionSpec(campaign)) : null,
      missing: 'no training results (run the training sweep).',
    },
  ];

  const meta = data.meta;
  const subtitle = meta
    ? [
        `profile <b>${esc(meta.profile)}</b>`,
        `built ${esc(meta.createdAt)}`,
        meta.workflowId ? `workflow <code>${esc(meta.workflowId)}</code>` : '',
        meta.temporalUi ? `Temporal UI <code>${esc(meta.temporalUi)}</code>` : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : 'build metadata not available';
  const html = pageHtml({
    title: 'dlrec — model repository report',
    subtitle,
    tiles: headerTiles(data),
    sections,
  });
  const indexHtml = join(outDir, 'index.html');
  await writeFile(indexHtml, html);
  return { indexHtml, charts };
}
