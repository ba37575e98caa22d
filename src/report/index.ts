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
import {
  baselineName,
  baselinesHtml,
  esc,
  fmt,
  looPerDatasetHtml,
  num,
  regressorKindsHtml,
  table1Html,
  table1PerTargetHtml,
} from './tables';
import type { CampaignResult, RegressorScore, RenderedReport, ReportData } from './types';

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
  // Both kinds were run on leave one out: each gets its own MAE; `loo` belongs to the default kind only.
  const kinds = data.evaluation?.regressor;
  const mae = (name: string): number => {
    if (kinds && (name === 'selected' || name === 'ensemble')) return num(kinds[name]?.mae);
    return name === data.chosenRegressor && (!kinds || kinds.default === 'selected') ? looMae : NaN;
  };
  return Object.entries(per).map(([name, r]) => ({
    name,
    mse8020: num(r.mse),
    looMae: Number.isFinite(mae(name)) ? mae(name) : undefined,
  }));
}

/**
 * The name of the regressor behind `evaluation.loo`. The evaluation's own `regressor.default` wins over
 * `chosenRegressor` when they disagree (a build may pass the kind 'selected' whatever the evaluation chose).
 */
function oursName(data: ReportData): { ours: string; selectedName?: string } {
  const kind = data.evaluation?.regressor?.default;
  const chosen = data.chosenRegressor;
  const isKind = chosen === 'selected' || chosen === 'ensemble';
  if (kind !== 'selected' && kind !== 'ensemble') {
    return { ours: `dlrec regressor${chosen ? ` (${chosen})` : ''}` };
  }
  // A specific name (e.g. 'svr-rbf') names the selected regressor only when the selected one is in use.
  const selectedName = kind === 'selected' && chosen && !isKind ? chosen : undefined;
  return {
    ours: `dlrec regressor (${kind === 'ensemble' ? 'ensemble' : (selectedName ?? 'selected')})`,
    selectedName,
  };
}

/**
 * What the campaign trained, counted truthfully: distinct architectures, runs from scratch (no pre-training
 * source) and fine-tunes (pre-trained on a source). A model id may carry `@<source>`, which is not a new
 * architecture.
 */
export function campaignCounts(campaign: CampaignResult[]): {
  architectures: number;
  scratch: number;
  fineTunes: number;
} {
  const architecture = (c: CampaignResult) => {
    if (c.architecture) return c.architecture;
    const suffix = c.sourceDataset ? `@${c.sourceDataset}` : '';
    return suffix && c.model.endsWith(suffix) ? c.model.slice(0, -suffix.length) : c.model;
  };
  const fineTunes = campaign.filter(
    (c) => typeof c.sourceDataset === 'string' && c.sourceDataset !== '',
  ).length;
  return {
    architectures: new Set(campaign.map(architecture)).size,
    scratch: campaign.length - fineTunes,
    fineTunes,
  };
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
  const t1Low = num(ev.table1?.mean?.low);
  const t1High = num(ev.table1?.mean?.high);
  const campaign = data.campaign ?? [];
  const counts = campaignCounts(campaign);
  const datasets = new Set([
    ...campaign.map((c) => c.dataset),
    ...(data.similarity?.datasets ?? []),
    ...Object.keys(ev.loo?.perDataset ?? {}),
  ]);
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
      note:
        (Number.isFinite(t1Low) && Number.isFinite(t1High) ? `95 % [${fmt(t1Low)}, ${fmt(t1High)}] · ` : '') +
        `paper's average ${TARGETS.table1Kendall}`,
      status: status(t1, (v) => v >= TARGETS.table1Kendall),
    },
    {
      label: 'architectures trained',
      value: campaign.length ? String(counts.architectures) : '—',
      note: campaign.length
        ? `${counts.scratch} from scratch · ${counts.fineTunes} fine-tunes`
        : 'no campaign results',
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
  const { ours, selectedName } = oursName(data);
  const kinds = ev.regressor && typeof ev.regressor === 'object' ? ev.regressor : undefined;
  const perTarget = Array.isArray(ev.table1?.perTarget) ? ev.table1.perTarget : [];
  const t1Mean = ev.table1?.mean;
  const se = ev.accuracyStandardError;
  const law = ev.lawRecovery;
  const seStats =
    se && Number.isFinite(num(se.mean))
      ? '<div class="stats">' +
        `<span class="stat">each accuracy ± <b>${fmt(100 * num(se.mean), 2)}</b> points ` +
        '(binomial standard error, test-set size)</span>' +
        (Number.isFinite(num(se.max))
          ? `<span class="stat">at most ± <b>${fmt(100 * num(se.max), 2)}</b> points</span>`
          : '') +
        (Number.isFinite(num(se.rows))
          ? `<span class="stat">over <b>${esc(num(se.rows))}</b> results</span>`
          : '') +
        '</div>'
      : '';
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
        '<b>Big number = Kendall τ</b>, small = Spearman ρ and Pearson r. Blue = similarity predicts transfer, red = the reverse.' +
        (perTarget.length
          ? ' Below, per held-out dataset: τ averaged over architectures with its <b>bootstrap 95 % interval</b> ' +
            '(resampling the sources; an interval that holds 0 does not settle the sign), and the <b>spread</b>: the mean ' +
            'best − worst fine-tuned accuracy across sources, in points (little spread = little to rank).'
          : ''),
      body:
        ev.table1?.cells?.length || perTarget.length
          ? (ev.table1?.cells?.length ? table1Html(ev.table1.cells) : '') +
            (perTarget.length ? table1PerTargetHtml(perTarget, t1Mean) : '') +
            (t1Mean && Number.isFinite(num(t1Mean.low)) && Number.isFinite(num(t1Mean.high))
              ? `<div class="stats"><span class="stat">mean τ over targets <b>${fmt(t1Mean.kendall)}</b>, ` +
                `95 % interval <b>[${fmt(t1Mean.low)}, ${fmt(t1Mean.high)}]</b></span></div>`
              : '')
          : null,
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
        'is held out, the honest number. <b>Shorter bars are better</b>; the best is coloured.' +
        (kinds
          ? ' The table puts the single selected regressor and the ensemble (average of its members) side by side on ' +
            'leave one dataset out; the one that won is <b>in use</b> for recommendations.'
          : ''),
      body:
        scores.length || kinds
          ? (scores.length ? await chart('regressors', regressorComparisonSpec(scores)) : '') +
            (kinds ? regressorKindsHtml(kinds, selectedName) : '')
          : null,
      missing: 'no regressor scores (run the evaluation stage).',
    },
    {
      id: 'baselines',
      title: 'Against naive baselines',
      kind: 'table',
      // The paired-test columns need the page's width.
      wide: !!ev.pairedTests && Object.keys(ev.pairedTests).length > 0,
      howToRead:
        'Mean over held-out datasets. Arrows say which way is better; <b>green = best in its column</b>. ' +
        'Rank-only baselines (random, largest model, LogME/LEEP) predict no accuracy, so they have no MAE.' +
        (ev.pairedTests && Object.keys(ev.pairedTests).length
          ? ' <b>Δ columns: regressor − baseline</b> per held-out dataset, averaged; <b>negative = the regressor is better</b>. ' +
            'Green = the regressor is better, amber = the baseline is; <b>tinted and bold = significant</b> ' +
            '(two-sided Wilcoxon signed-rank over the held-out datasets, p < 0.05); wins = datasets where the regressor did better. ' +
            "Similarity-weighted record is the regressor's own prior with nothing learned (the architecture's " +
            'from-scratch accuracies weighted by similarity); best on the most similar dataset scores each option by ' +
            'its own result there.'
          : ''),
      body:
        ev.baselines && Object.keys(ev.baselines).length
          ? baselinesHtml(loo, ev.baselines, ours, ev.looTransferability, ev.pairedTests)
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
        'Each tick is one training run (from scratch or fine-tuned); the box spans the middle half of the runs, the line is the median, ' +
        'whiskers reach min and max. <b>A tall box</b> means the choice of model matters on that dataset.' +
        (seStats
          ? ' Each accuracy is measured on a finite test set: its binomial standard error (from the test-set size) is ' +
            'given above the chart; differences smaller than about twice it are noise.'
          : ''),
      body:
        campaign.length || seStats
          ? seStats + (campaign.length ? await chart('campaign', campaignDistributionSpec(campaign)) : '')
          : null,
      missing: 'no training results (run the training sweep).',
    },
    ...(law
      ? [
          {
            id: 'simulation',
            title: 'Simulated build: does the regressor recover the law?',
            kind: 'table' as const,
            howToRead:
              'This build trained nothing: every accuracy came from a known law of architecture, source and target ' +
              '(src/training/simulation.ts) plus test-set noise. Kendall τ between the honest leave-one-dataset-out ' +
              'predictions and the law, per held-out target; <b>closer to the measured accuracies’ own τ</b> (the ceiling ' +
              'the noise leaves) is better, and it should beat the architecture-mean baseline.',
            body:
              '<div class="stats">' +
              `<span class="stat">regressor τ <b>${fmt(num(law.kendall))}</b></span>` +
              `<span class="stat">MAE to the law <b>${fmt(100 * num(law.mae), 2)}</b> points</span>` +
              `<span class="stat">measured accuracies τ <b>${fmt(num(law.measuredKendall))}</b></span>` +
              `<span class="stat">architecture mean τ <b>${fmt(num(law.architectureMeanKendall))}</b></span>` +
              '</div><table><tr><th>held-out target</th><th>τ</th><th>MAE (points)</th><th>rows</th></tr>' +
              Object.entries(law.perTarget)
                .map(
                  ([t, v]) =>
                    `<tr><td>${esc(t)}</td><td>${fmt(num(v.kendall))}</td><td>${fmt(100 * num(v.mae), 2)}</td><td>${esc(num(v.n))}</td></tr>`,
                )
                .join('') +
              '</table>',
            missing: '',
          },
        ]
      : []),
  ];

  const meta = data.meta;
  const subtitle = meta
    ? [
        meta.createdAt ? `built ${esc(meta.createdAt)}` : '',
        meta.temporalUi ? `Temporal UI <code>${esc(meta.temporalUi)}</code>` : '',
      ]
        .filter(Boolean)
        .join(' · ')
    : 'build metadata not available';
  const html = pageHtml({
    title: 'dlrec — model repository report',
    subtitle,
    build: meta ? { workflowId: meta.workflowId, profile: meta.profile } : undefined,
    tiles: headerTiles(data),
    sections,
  });
  const indexHtml = join(outDir, 'index.html');
  await writeFile(indexHtml, html);
  return { indexHtml, charts };
}
