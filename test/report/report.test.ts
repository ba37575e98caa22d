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
import { renderReport, ReportInputError } from '../../src/report';
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

    assert.equal(await page.locator('#table1 table tbody tr').count(), ARCHITECTURES.length + 1);
    assert.equal(
      await page.locator('#table1 td.t1:not(.empty):not(.mean)').count(),
      data.evaluation!.table1!.cells.length,
    );
    const baselineRows = await page.locator('#baselines tbody th').allTextContents();
    assert.deepEqual(baselineRows, [
      'dlrec regressor (svr-rbf)',
      "architecture's mean accuracy elsewhere",
      'random ranking (expected)',
    ]);
    assert.equal(await page.locator('#predicted-vs-actual table tbody tr').count(), n);
    const tiles = await page.locator('header .tile .value').allTextContents();
    assert.equal(tiles.length, 6);
    assert.equal(tiles[0], loo.mean.kendall.toFixed(2));
    assert.equal(tiles[4], String(new Set(data.campaign!.map((c) => c.model)).size));
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
