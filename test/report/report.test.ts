/**
 * Renders the report from realistic data and opens it in headless Chromium (Debian's package, installed by
 * `npm run setup`): no console or page errors, no network request, every chart drawn with its marks, every
 * table filled. Chromium missing is a failure, not a skip: CI must exercise the real page.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { campaignCounts, renderReport, ReportInputError, type ReportData } from '../../src/report';
import { ARCHITECTURES, DATASETS, sampleReportData } from './sample-data';

const CHROMIUM = process.env.DLREC_CHROMIUM ?? '/usr/bin/chromium';
const work = mkdtempSync(join(tmpdir(), 'dlrec-report-'));
let browser: BrowserContext;

before(async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `Chromium not found at ${CHROMIUM}: the report test needs it. Run \`npm run setup\` (installs Debian's ` +
      'chromium via apt-get) or set DLREC_CHROMIUM to a Chromium binary.',
  );
  // A fresh profile each run: nothing cached or synced from a previous browser session.
  browser = await chromium.launchPersistentContext(mkdtempSync(join(work, 'profile-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Opens a report; collects console errors, page errors and every request that is not the page itself. */
async function open(indexHtml: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const self = pathToFileURL(indexHtml).href;
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === self) return route.continue();
    problems.push(`request outside the page: ${url}`);
    return route.abort();
  });
  await page.goto(self, { waitUntil: 'load' });
  return { page, problems };
}

/** Counts the data marks (not axes or legends) vega drew in one chart's SVG, by mark kind. */
const markCount = (page: Page, section: string, kind: string) =>
  page.locator(`#${section} .chart svg g.mark-${kind}.role-mark > *`).count();

test('full report: every chart has its marks, every table its rows, no errors or requests', async () => {
  const data = sampleReportData();
  const out = join(work, 'full');
  const started = performance.now();
  const rendered = await renderReport(data, out);
  const ms = performance.now() - started;
  assert.equal(rendered.charts.length, 5);
  for (const c of rendered.charts) assert.match(readFileSync(c, 'utf8'), /^<svg[\s\S]*<\/svg>$/);

  const html = readFileSync(rendered.indexHtml, 'utf8');
  assert.doesNotMatch(
    html,
    /<script|<link|<img|<iframe|@import|(src|href)=["']?(https?:|\/\/)/i,
    'self-contained',
  );

  const { page, problems } = await open(rendered.indexHtml);
  try {
    const charts = await page
      .locator('section[data-kind="chart"]')
      .evaluateAll((els) => els.map((e) => e.id));
    assert.deepEqual(charts, ['predicted-vs-actual', 'regressors', 'similarity', 'encoder', 'campaign']);
    for (const id of charts) {
      assert.equal(await page.locator(`#${id} .chart svg`).count(), 1, `${id}: one inline <svg>`);
      const box = await page.locator(`#${id} .chart svg`).boundingBox();
      assert.ok(
        box && box.width > 200 && box.height > 150,
        `${id}: the chart is laid out (${JSON.stringify(box)})`,
      );
    }
    const loo = data.evaluation!.loo!;
    assert.equal(
      await markCount(page, 'predicted-vs-actual', 'symbol'),
      loo.predictions.length,
      'one dot per prediction',
    );
    assert.equal(await markCount(page, 'predicted-vs-actual', 'line'), 1, 'the y = x line');
    assert.equal(
      await markCount(page, 'regressors', 'rect'),
      2 * data.regressors!.length,
      'MSE and MAE bars',
    );
    const n = DATASETS.length;
    assert.equal(await markCount(page, 'similarity', 'rect'), n * n - n, 'one cell per finite similarity');
    const cellText = await page.locator('#similarity g.mark-text.role-mark > text').allTextContents();
    assert.equal(cellText.length, n * n);
    assert.equal(
      cellText.filter((t) => /^\d\.\d\d$/.test(t)).length,
      n * n - n,
      'values printed in the cells',
    );
    assert.equal(await markCount(page, 'encoder', 'symbol'), data.encoder!.points.length);
    assert.match(
      await page.locator('#encoder').innerText(),
      /VGG-like variants[\s\S]*random generated/,
      'legend',
    );
    assert.equal(
      await markCount(page, 'campaign', 'rect'),
      2 * n + data.campaign!.length,
      'boxes + one tick per run',
    );

    assert.equal(await page.locator('#table1 table.table1 tbody tr').count(), ARCHITECTURES.length + 1);
    assert.equal(
      await page.locator('#table1 td.t1:not(.empty):not(.mean)').count(),
      data.evaluation!.table1!.cells.length,
    );
    const baselineRows = await page.locator('#baselines tbody th').allTextContents();
    assert.deepEqual(baselineRows, [
      'dlrec regressor (svr-rbf)',
      'architecture mean',
      'largest model',
      'random (expected)',
      'similarity-weighted record',
      'best on the most similar dataset',
    ]);
    assert.equal(await page.locator('#predicted-vs-actual table tbody tr').count(), n);
    const tiles = await page.locator('header .tile .value').allTextContents();
    assert.equal(tiles.length, 6);
    assert.equal(tiles[0], loo.mean.kendall.toFixed(2));
    assert.equal(tiles[5], String(n));
    assert.equal(await page.locator('.na').count(), 0, 'no section is missing');

    const shot = join(tmpdir(), 'dlrec-report-screenshot.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`report rendered in ${ms.toFixed(0)} ms; screenshot: ${shot}`);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('new evaluation fields: per-target Table 1, paired tests, both regressor kinds, truthful counts', async () => {
  const data = sampleReportData();
  const ev = data.evaluation!;
  const rendered = await renderReport(data, join(work, 'fields'));
  const { page, problems } = await open(rendered.indexHtml);
  try {
    // The build is named in the header and the window title.
    assert.equal(
      (await page.locator('header .build').innerText()).replace(/\s+/g, ' ').trim(),
      'build repository-build-mini profile mini',
    );
    assert.match(await page.title(), /repository-build-mini, profile mini/);

    // Header tile: distinct architectures, runs from scratch and fine-tunes counted apart.
    const counts = campaignCounts(data.campaign!);
    assert.deepEqual(counts, {
      architectures: ARCHITECTURES.length,
      scratch: DATASETS.length * ARCHITECTURES.length,
      fineTunes: DATASETS.length * ARCHITECTURES.length * (DATASETS.length - 1),
    });
    const tile = page.locator('header .tile').nth(4);
    assert.equal(await tile.locator('.label').innerText(), 'architectures trained');
    assert.equal(await tile.locator('.value').innerText(), '4');
    assert.equal(await tile.locator('.note').innerText(), '24 from scratch · 120 fine-tunes');
    const t1Mean = ev.table1!.mean!;
    assert.match(
      await page.locator('header .tile').nth(3).locator('.note').innerText(),
      new RegExp(`95 % \\[${t1Mean.low!.toFixed(2)}, ${t1Mean.high!.toFixed(2)}\\]`),
    );

    // Table 1 per target: one row per target with τ, its interval, sources and spread; the mean with its interval.
    const perTarget = ev.table1!.perTarget!;
    assert.equal(perTarget.length, DATASETS.length);
    const rows = page.locator('#table1 table.per-target tbody tr[data-target]');
    assert.equal(await rows.count(), perTarget.length);
    for (const [i, t] of perTarget.entries()) {
      const cells = await rows.nth(i).locator('th, td').allInnerTexts();
      assert.deepEqual(cells, [
        t.dataset,
        t.kendall.toFixed(2),
        `[${t.low.toFixed(2)}, ${t.high.toFixed(2)}]`,
        String(t.sources),
        String(t.architectures),
        (100 * t.spread).toFixed(1),
      ]);
    }
    assert.match(
      await page.locator('#table1 table.per-target tr.foot').innerText(),
      new RegExp(
        `mean over targets\\s+${t1Mean.kendall.toFixed(2)}\\s+\\[${t1Mean.low!.toFixed(2)}, ${t1Mean.high!.toFixed(2)}\\]`,
      ),
    );

    // Both regressor kinds side by side on leave one out; the one in use is marked.
    const kinds = page.locator('#regressors table.kinds tbody tr');
    assert.equal(await kinds.count(), 2);
    assert.equal(await page.locator('#regressors tr[data-kind="selected"] .badge').innerText(), 'in use');
    assert.equal(await page.locator('#regressors tr[data-kind="ensemble"] .badge').count(), 0);
    const ensembleRow = await page.locator('#regressors tr[data-kind="ensemble"]').innerText();
    assert.match(ensembleRow, /ensemble \(average of its members\)/);
    assert.match(ensembleRow, new RegExp(ev.regressor!.ensemble.mae.toFixed(3)));
    assert.match(
      await page.locator('#regressors tr[data-kind="selected"] th').innerText(),
      /single selected regressor \(svr-rbf\)/,
    );

    // Paired tests: per baseline, ΔMAE and Δregret with the p-value, wins/n and a verdict in words.
    const baselineKeys = Object.keys(ev.baselines!);
    const heads = await page.locator('#baselines thead th').allInnerTexts();
    assert.ok(heads.some((h) => h.startsWith('ΔMAE')) && heads.some((h) => h.startsWith('Δregret')));
    let significant = 0;
    for (const [i, key] of baselineKeys.entries()) {
      const t = ev.pairedTests![key];
      const row = page.locator('#baselines tbody tr').nth(i + 1); // after the regressor's own row
      const [maeCell, regretCell] = await row.locator('td.paired').allInnerTexts();
      const expectCell = (text: string, c: NonNullable<typeof t.mae>, digits: number) => {
        assert.ok(c.pValue !== null, `${key}: a p-value`);
        assert.ok(
          text.includes(`p = ${c.pValue! < 0.001 ? '< 0.001' : c.pValue!.toFixed(3)}`),
          `${key}: ${text}`,
        );
        assert.ok(text.includes(`wins ${c.wins}/${c.n}`), `${key}: ${text}`);
        const mag = Math.abs(c.meanDifference).toFixed(digits);
        assert.ok(text.includes(`${c.meanDifference < 0 ? '−' : '+'}${mag}`), `${key}: ${text}`);
        const sig = c.pValue! < 0.05;
        if (sig) significant++;
        const who = c.meanDifference < 0 ? 'regressor' : 'baseline';
        assert.ok(
          text.includes(`${who} ${sig ? 'significantly better' : 'better, not significant'}`),
          `${key}: ${text}`,
        );
      };
      if (t.mae) expectCell(maeCell, t.mae, 3);
      else assert.match(maeCell, /no MAE \(ranks only\)/);
      expectCell(regretCell, t.regret, 1);
    }
    assert.ok(significant > 0, 'the sample has at least one significant difference');
    assert.ok(!ev.pairedTests!.largestModel.mae, 'largest model ranks only');
    assert.equal(
      (await page.locator('#baselines td.paired.win.sig').count()) +
        (await page.locator('#baselines td.paired.loss.sig').count()),
      significant,
      'significant cells are marked',
    );

    // Campaign: the binomial standard error of the accuracies.
    const se = ev.accuracyStandardError!;
    assert.match(
      await page.locator('#campaign .stats').innerText(),
      new RegExp(
        `each accuracy ± ${(100 * se.mean).toFixed(2)} points \\(binomial standard error, test-set size\\)`,
      ),
    );
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('ensemble in use: the regressor is named after it and its row carries the mark', async () => {
  const data = sampleReportData();
  const r = data.evaluation!.regressor!;
  data.evaluation!.regressor = { default: 'ensemble', selected: r.ensemble, ensemble: r.selected };
  data.chosenRegressor = 'selected'; // what a build passes whatever the evaluation chose
  const html = readFileSync((await renderReport(data, join(work, 'ensemble'))).indexHtml, 'utf8');
  const body = html.slice(html.indexOf('<body>'));
  assert.ok(
    /<tr class="ours in-use" data-kind="ensemble"><th class="rowhead">ensemble[^<]*<span class="badge">in use/.test(
      body,
    ),
    'the ensemble row is marked in use',
  );
  assert.ok(
    !/data-kind="selected"><th class="rowhead">[^<]*<span class="badge">/.test(body),
    'the other is not',
  );
  assert.ok(body.includes('<th class="rowhead">dlrec regressor (ensemble)</th>'), 'named after the ensemble');
});

test('regressor chart: each kind gets its own leave-one-out MAE, whatever chosenRegressor says', async () => {
  const full = sampleReportData();
  const r = full.evaluation!.regressor!;
  const split = { mse: 0.001, rmse: 0.0316, mae: 0.025 };
  const data: ReportData = {
    chosenRegressor: 'selected',
    evaluation: {
      ...full.evaluation!,
      regressor: {
        default: 'ensemble',
        selected: { ...r.selected, mae: 0.0233 },
        ensemble: { ...r.ensemble, mae: 0.0191 },
      },
      split8020: { train: 115, test: 29, perRegressor: { selected: split, ensemble: split, ridge: split } },
    },
  };
  const rendered = await renderReport(data, join(work, 'kinds-chart'));
  const svg = readFileSync(
    rendered.charts.find((c) => c.endsWith('regressors.svg'))!,
    'utf8',
  );
  assert.ok(svg.includes('MAE, leave one dataset out'), 'the leave-one-out panel is drawn');
  assert.ok(svg.includes('>0.023<') && svg.includes('>0.019<'), 'both kinds carry their own MAE');
});

test('an older summary without the new fields renders as before', async () => {
  const full = sampleReportData();
  const { regressor: _r, pairedTests: _p, accuracyStandardError: _s, ...older } = full.evaluation!;
  const data: ReportData = {
    ...full,
    meta: { profile: 'mini', createdAt: '2026-11-28T05:30:00Z' },
    evaluation: {
      ...older,
      table1: {
        cells: older.table1!.cells,
        mean: { ...older.table1!.mean!, low: undefined, high: undefined },
      },
    },
  };
  const rendered = await renderReport(JSON.parse(JSON.stringify(data)) as ReportData, join(work, 'older'));
  const html = readFileSync(rendered.indexHtml, 'utf8');
  const body = html.slice(html.indexOf('<body>'));
  for (const part of [
    'table class="metrics per-target"',
    'class="num paired',
    'table class="metrics kinds"',
    'each accuracy ±',
    '95 %',
    'undefined',
    'NaN',
  ]) {
    assert.ok(!body.includes(part), `an older summary's page has no '${part}'`);
  }
  const { page, problems } = await open(rendered.indexHtml);
  try {
    assert.equal(await page.locator('.na').count(), 0, 'no section is missing');
    assert.equal(await page.locator('#table1 table.table1').count(), 1);
    assert.equal(await page.locator('#baselines thead th').count(), 6, 'method and the five metrics');
    assert.equal(await page.locator('#regressors .chart svg').count(), 1);
    assert.equal(await page.locator('header .build').innerText(), 'profile mini');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('paired tests through JSON: all-tied comparisons and untested baselines say so', async () => {
  const full = sampleReportData();
  const tie = { n: 6, meanDifference: 0, wins: 0, ties: 6, losses: 0, pValue: null, method: null };
  const data = {
    evaluation: {
      loo: full.evaluation!.loo,
      baselines: full.evaluation!.baselines,
      pairedTests: { architectureMean: { mae: tie, regret: tie } },
    },
  };
  const html = readFileSync(
    (await renderReport(JSON.parse(JSON.stringify(data)), join(work, 'ties'))).indexHtml,
    'utf8',
  );
  const body = html.slice(html.indexOf('<body>'));
  assert.ok(body.includes('no difference</span><span class="sub">p — (all tied) · wins 0/6'), 'all tied');
  assert.ok(body.includes('not tested'), 'a baseline without a paired test');
  assert.ok(!/undefined|NaN/.test(body), 'no undefined or NaN printed');
});

test('campaign counts: architectures, runs from scratch and fine-tunes apart', () => {
  assert.deepEqual(
    campaignCounts([
      { model: 'lenet5', dataset: 'mnist', accuracy: 0.9 },
      { model: 'lenet5', dataset: 'mnist', sourceDataset: 'kmnist', accuracy: 0.9 },
      { model: 'lenet5', dataset: 'svhn', sourceDataset: null, accuracy: 0.8 },
      {
        model: 'gen-7',
        architecture: 'generated:gen-7',
        dataset: 'svhn',
        sourceDataset: 'mnist',
        accuracy: 0.7,
      },
      { model: 'resnet18@cifar10', dataset: 'svhn', sourceDataset: 'cifar10', accuracy: 0.8 },
    ]),
    { architectures: 3, scratch: 2, fineTunes: 3 },
  );
  assert.deepEqual(campaignCounts([]), { architectures: 0, scratch: 0, fineTunes: 0 });
});

test('empty data: every section says it is not available, and the page still loads cleanly', async () => {
  const rendered = await renderReport({}, join(work, 'empty'));
  assert.deepEqual(rendered.charts, []);
  const { page, problems } = await open(rendered.indexHtml);
  try {
    assert.equal(await page.locator('section.card').count(), 7);
    assert.equal(await page.locator('section.card .na').count(), 7);
    assert.equal(await page.locator('svg').count(), 0);
    assert.match(await page.locator('#similarity .na').innerText(), /not available in this build/i);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('partial data from JSON (NaN became null): the rest still renders', async () => {
  const full = sampleReportData();
  const data = JSON.parse(
    JSON.stringify({ evaluation: { loo: full.evaluation!.loo }, campaign: full.campaign }),
  );
  const rendered = await renderReport(data, join(work, 'partial'));
  assert.equal(rendered.charts.length, 2);
  const html = readFileSync(rendered.indexHtml, 'utf8');
  assert.match(html, /id="similarity"[^>]*data-available="no"/);
  assert.match(html, /id="campaign"[^>]*data-available="yes"/);
});

test('a similarity matrix of the wrong shape is one clear error', async () => {
  await assert.rejects(
    renderReport({ similarity: { datasets: ['a', 'b'], matrix: [[1, 0.5]] } }, join(work, 'bad')),
    (e: unknown) => e instanceof ReportInputError && /must be 2×2/.test(e.message),
  );
});
