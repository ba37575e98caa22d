// Reliability of the training stage with real components: a private Temporal dev server, `dlrec worker`
// child processes killed with SIGKILL, and the file store under DLREC_HOME/artifacts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { TrainModelInput, TrainModelResult } from '../../activities/training';
import { resolvePair, trainingKeys } from '../../activities/training';
import { campaignKeys, type PlanItem } from '../../activities/training-campaign';
import { FileArtifactStore, getJSON } from '../../infra/store';
import { PROFILES } from '../../src/profiles';
import type { CampaignResult } from '../../src/recommendation/types';
import type { WorkflowProgress } from '../../workflows/progress';
import { TrainingSweepWorkflow, TrainModelWorkflow } from '../../workflows/training';
import { CPU_QUEUE, GPU_QUEUE } from '../../workflows/queues';
import { runCli } from '../helpers/cli';
import { startTemporalServer, type TemporalDevServer } from '../helpers/services';
import { connect, startWorker, waitFor, type WorkerProcess } from './helpers';

let temporal: TemporalDevServer;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-train-rel-'));
const env = () => ({ TEMPORAL_ADDRESS: temporal.address, DLREC_HOME: home, DLREC_STORE: '' });
const store = new FileArtifactStore(path.join(home, 'artifacts'));
const workers: WorkerProcess[] = [];

before(async () => {
  temporal = await startTemporalServer();
});
after(async () => {
  for (const w of workers) await w.kill9();
  await temporal?.stop();
  fs.rmSync(home, { recursive: true, force: true });
});

const jsonl = <T>(text: string) =>
  text
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as T);

test('a worker killed mid-epoch: a new worker resumes from the last checkpoint and finishes with one result', async () => {
  const input: TrainModelInput = {
    pairId: 'lenet5:mnist (reliability)',
    model: { zoo: 'lenet5' },
    dataset: 'mnist',
    source: null,
    recipe: { profile: 'mini', overrides: { validationSplit: 0, batchSize: 64 } },
    limits: { epochs: 4, trainImages: 6000, testImages: 500 },
  };
  const { pairKey } = await resolvePair(store, input);
  const client = await connect(temporal.address);
  let first = startWorker(env());
  workers.push(first);
  const handle = await client.workflow.start(TrainModelWorkflow, {
    workflowId: `reliability-${pairKey}`,
    taskQueue: GPU_QUEUE,
    args: [{ ...input, heartbeatTimeoutSeconds: 5, attempts: 3 }],
  });
  const checkpointEpoch = async () =>
    (await store.exists(trainingKeys.checkpointMeta(pairKey)))
      ? (await getJSON<{ epoch: number }>(store, trainingKeys.checkpointMeta(pairKey))).epoch
      : 0;
  await waitFor(
    'the epoch-1 checkpoint',
    async () => ((await checkpointEpoch()) >= 1 ? true : undefined),
    90_000,
  );
  await new Promise((r) => setTimeout(r, 500)); // well inside the next epoch (~4 s each)
  const killedAt = await checkpointEpoch();
  assert.ok(killedAt < 4, `training had not finished when killed (checkpoint at epoch ${killedAt})`);
  await first.kill9();
  assert.equal(await store.exists(trainingKeys.result(pairKey)), false, 'no result before the kill');

  first = startWorker(env());
  workers.push(first);
  const result: TrainModelResult = await handle.result();
  assert.ok(result.attempt >= 2, `retried on the new worker (attempt ${result.attempt})`);
  assert.ok(
    result.resumedFromEpoch >= Math.max(1, killedAt),
    `resumed from epoch ${result.resumedFromEpoch}`,
  );
  assert.equal(result.epochs, 4);
  assert.equal(result.lossCurve.length, 4, 'the loss curve spans the epochs before and after the kill');
  assert.ok(result.accuracy > 0.5, `accuracy ${result.accuracy}`);
  // Exactly one result, and the checkpoint is cleaned up once the weights are stored.
  const trained = await store.list('trained/');
  assert.deepEqual([...new Set(trained.map((o) => o.key.split('/')[1]))], [pairKey]);
  const stored = await getJSON<TrainModelResult>(store, trainingKeys.result(pairKey));
  assert.equal(stored.accuracy, result.accuracy);
  assert.equal(await store.exists(trainingKeys.checkpoint(pairKey)), false);
  await client.connection.close();
});

test('a smoke sweep interrupted half-way and restarted records every pair exactly once', async () => {
  const campaignId = 'interrupted';
  const p = PROFILES.smoke;
  const input = {
    campaignId,
    // Small pages and history limit: the run also continues as new several times. Two epochs of 512 images:
    // on the native backend one smoke epoch is so short that the second half would finish before the kill.
    sweep: {
      ...p.sweep,
      pageSize: 3,
      historyLimit: 40,
      concurrency: 2,
      limits: { ...p.sweep.limits, epochs: 2, trainImages: 512 },
    },
    datasets: p.datasets.names,
    generation: p.generation,
    derived: { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed },
    heartbeatTimeoutSeconds: 5,
  };
  const resultKeys = async () =>
    (await store.list('trained/')).filter((o) => o.key.endsWith('/result.json')).map((o) => o.key);
  const earlier = new Set(await resultKeys());
  const client = await connect(temporal.address);
  let worker = startWorker(env(), ['--concurrency', '2']);
  workers.push(worker);
  const workflowId = `dlrec-sweep-${campaignId}`;
  const handle = await client.workflow.start(TrainingSweepWorkflow, {
    workflowId,
    taskQueue: CPU_QUEUE,
    args: [input],
  });
  const firstRun = handle.firstExecutionRunId;
  const doneBefore = await waitFor(
    'half of the pairs',
    async () => {
      const q = await handle.query<WorkflowProgress>('progress').catch(() => undefined);
      return q && q.total > 0 && q.done >= q.total / 2 ? q : undefined;
    },
    120_000,
    100,
  );
  await worker.kill9();
  assert.ok(doneBefore.done < doneBefore.total, 'killed before the end');
  // `dlrec sweep status` answers from the running workflow (running, with no worker left to serve it).
  const status = await runCli(['sweep', 'status', campaignId, '--json'], env());
  assert.equal(status.code, 0, status.stderr);
  const s = status.json<{ status: string; total: number; done: number; running: number }>();
  assert.equal(s.status, 'RUNNING');
  assert.equal(s.total, doneBefore.total);
  // A put writes the key's meta anew (the file store's commit): its mtime says whether a result was rewritten.
  const mtime = (key: string) => fs.statSync(path.join(home, 'artifacts', 'meta', `${key}.json`)).mtimeMs;
  const finishedBefore = new Map(
    (await resultKeys()).filter((k) => !earlier.has(k)).map((k) => [k, mtime(k)]),
  );
  assert.ok(finishedBefore.size >= doneBefore.done);

  worker = startWorker(env(), ['--concurrency', '2']);
  workers.push(worker);
  const result = await handle.result();
  assert.notEqual((await handle.describe()).runId, firstRun, 'continued as new');
  const plan = jsonl<PlanItem>((await store.get(campaignKeys(campaignId).items)).toString());
  assert.equal(result.total, plan.length);
  assert.equal(result.failed, 0);
  assert.equal(result.done, plan.length);
  const rows = jsonl<CampaignResult>((await store.get(result.resultsKey)).toString());
  assert.deepEqual(
    rows.map((r) => r.pairId).sort(),
    plan.map((i) => i.pairId).sort(),
    'every planned pair exactly once',
  );
  for (const r of rows) {
    assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && r.params > 0 && r.depth > 0, JSON.stringify(r));
    assert.ok(r.weightsKey && (await store.exists(r.weightsKey)), `weights of ${r.pairId}`);
  }
  // Pairs trained before the kill were re-used, not retrained.
  for (const [key, before] of finishedBefore) assert.equal(mtime(key), before, key);
  const fresh = (await resultKeys()).filter((k) => !earlier.has(k));
  assert.equal(fresh.length, plan.length, 'one stored result per pair');
  const models = jsonl<{ id: string }>((await store.get(result.modelsKey)).toString());
  assert.deepEqual(models.map((m) => m.id).sort(), [...new Set(rows.map((r) => r.modelId))].sort());
  await client.connection.close();
});
