// The simulated trainer: its law, its resumable checkpoints, and a simulated sweep on real Temporal with injected
// faults (every pair recorded once, accuracies equal to the law's) and the sweep's stop on too many failures.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ApplicationFailure, Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { FileArtifactStore } from '../../infra/store';
import { resolvePair, type TrainModelInput } from '../../activities/training';
import { SimulatedFault, simulateTrainPair, simulatedOutcome } from '../../activities/training-simulated';
import { PROFILES } from '../../src/profiles';
import { injectedFault, lawAccuracy, lawDifficulty, simulationSettings } from '../../src/training/simulation';
import { TrainingSweepWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { trainInputFor } from '../../src/training/sweep-plan';
import { withWorkers } from '../../workers/worker';
import { temporalForTests } from '../helpers/services';

const services = temporalForTests('simulated');
const { root: dir } = services;
const store = new FileArtifactStore(path.join(dir, 'store'));
const derived = { perClass: { train: 20, test: 10 }, seed: 1 };

test('the law: deterministic, within [chance, 0.995], bigger models better, same-family sources help', () => {
  const target = { name: 'cifar-10', family: 'objects', classes: 10 };
  const small = { modelId: 'a', params: 2e4, depth: 6 };
  const big = { modelId: 'a', params: 5e6, depth: 30 };
  const a = lawAccuracy(small, target, null, 1);
  assert.equal(a, lawAccuracy(small, target, null, 1));
  assert.ok(lawAccuracy(big, target, null, 1) > a);
  for (const d of ['mnist', 'cifar-100', 'svhn']) {
    const v = lawDifficulty(d, 1);
    assert.ok(v >= 0.03 && v <= 0.45);
  }
  const same = lawAccuracy(big, target, { name: 'stl-10', family: 'objects', classes: 10 }, 1);
  const other = lawAccuracy(big, target, { name: 'stl-10', family: 'digits', classes: 10 }, 1);
  assert.ok(same > other);
  const tiny = lawAccuracy({ modelId: 'b', params: 10, depth: 2 }, { ...target, classes: 100 }, null, 1);
  assert.ok(tiny >= 0.01 && tiny <= 0.995);
  assert.throws(() => simulationSettings({ failureRate: 1 }), /failureRate/);
  let faults = 0;
  for (let i = 0; i < 2000; i++)
    if (injectedFault(`k${i}`, 1, simulationSettings({ failureRate: 0.1 }))) faults++;
  assert.ok(faults > 150 && faults < 250, `${faults} faults of 2000 at rate 0.1`);
});

function pairInput(over: Partial<TrainModelInput> = {}): TrainModelInput {
  return {
    pairId: 'lenet5:shapes',
    model: { zoo: 'lenet5' },
    dataset: 'shapes',
    source: null,
    recipe: { profile: 'smoke' },
    derived,
    simulate: { epochs: 4, minEpochSeconds: 0, maxEpochSeconds: 0.01, failureRate: 0 },
    ...over,
  };
}

test('a simulated pair resumes from its checkpoint after a fault and ends as an uninterrupted run', async () => {
  const sim = simulationSettings(pairInput().simulate);
  const pair = await resolvePair(store, pairInput());
  // A different key from the same pair trained for real, and from another law.
  const real = await resolvePair(store, pairInput({ simulate: undefined }));
  const otherLaw = await resolvePair(store, pairInput({ simulate: { ...sim, seed: 2 } }));
  assert.notEqual(pair.pairKey, real.pairKey);
  assert.notEqual(pair.pairKey, otherLaw.pairKey);
  // Fails in some epoch e ≥ 1 at rate 0.999 (outside Temporal every call is attempt 1).
  const failing = { ...sim, failureRate: 0.999 };
  const at = injectedFault(pair.pairKey, 1, failing)!;
  await assert.rejects(simulateTrainPair(store, pair, 'p', failing), SimulatedFault);
  const result = await simulateTrainPair(store, pair, 'p', sim);
  assert.equal(result.resumedFromEpoch, at - 1, 'the epochs before the fault were kept');
  assert.equal(result.backend, 'simulated');
  assert.equal(result.accuracy, simulatedOutcome(pair, sim).accuracy);
  assert.ok(Math.abs(result.accuracy - result.simulatedLaw!) < 0.06, 'binomial noise of 2,000 test images');
  const again = await simulateTrainPair(store, pair, 'p', sim);
  assert.equal(again.reused, true);
  assert.equal(again.accuracy, result.accuracy);
});

async function withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: services.temporal.address });
  const client = new Client({ connection });
  const target = { address: services.temporal.address, namespace: 'default', external: true };
  try {
    return await withWorkers({ target, store, concurrency: 4 }, () => fn(client));
  } finally {
    await connection.close();
  }
}

const sweep = {
  ...PROFILES.smoke.sweep,
  zoo: ['lenet5', 'lenet1'],
  generated: 0,
  concurrency: 4,
  attempts: 4,
  pageSize: 5,
};
const datasets = ['shapes', 'colour-digits', 'glyphs'];

test('a simulated sweep with injected faults records every pair once, each accuracy the law’s', async () => {
  const simulate = { epochs: 2, minEpochSeconds: 0.05, maxEpochSeconds: 0.05, failureRate: 0.3 };
  const input = { campaignId: 'sim-faults', sweep, datasets, derived, simulate };
  const result = await withClient((client) =>
    client.workflow.execute(TrainingSweepWorkflow, {
      workflowId: 'sim-faults',
      taskQueue: CPU_QUEUE,
      args: [input],
    }),
  );
  // 2 zoo × 3 datasets from scratch + 2 × 3 × 2 fine-tunes.
  assert.equal(result.total, 18);
  assert.equal(result.done, 18, 'with 4 attempts at a 30% fault rate every pair gets through');
  const lines = (await store.get(result.resultsKey)).toString('utf8').trim().split('\n');
  const rows = lines.map((l) => JSON.parse(l) as { pairId: string; accuracy: number; law: number });
  assert.equal(new Set(rows.map((r) => r.pairId)).size, 18, 'each pair recorded once');
  const sim = simulationSettings(simulate);
  const plan = (await store.get(`campaigns/sim-faults/plan.jsonl`)).toString('utf8').trim().split('\n');
  let retried = 0;
  for (const line of plan) {
    const item = JSON.parse(line);
    const pair = await resolvePair(store, trainInputFor(item, input));
    const row = rows.find((r) => r.pairId === item.pairId)!;
    assert.equal(row.accuracy, simulatedOutcome(pair, sim).accuracy, item.pairId);
    assert.equal(typeof row.law, 'number');
    const stored = JSON.parse((await store.get(`trained/${pair.pairKey}/result.json`)).toString('utf8'));
    if (stored.attempt > 1) retried++;
  }
  assert.ok(retried > 0, 'some pairs needed a retry');
});

test('a sweep whose pairs keep failing stops with the last error instead of recording every pair', async () => {
  const simulate = { seed: 7, epochs: 1, minEpochSeconds: 0, maxEpochSeconds: 0, failureRate: 0.999 };
  const err = await withClient((client) =>
    client.workflow
      .execute(TrainingSweepWorkflow, {
        workflowId: 'sim-failing',
        taskQueue: CPU_QUEUE,
        args: [
          {
            campaignId: 'sim-failing',
            sweep: { ...sweep, zoo: ['lenet5', 'lenet1', 'lenet4', 'resnet8'], attempts: 1 },
            datasets,
            derived,
            simulate,
          },
        ],
      })
      .then(
        () => assert.fail('the sweep should have stopped'),
        (e: unknown) => e,
      ),
  );
  assert.ok(err instanceof WorkflowFailedError);
  assert.ok(err.cause instanceof ApplicationFailure);
  assert.equal(err.cause.type, 'DlrecSweepFailing');
  assert.match(
    err.cause.message,
    /stopped: \d+ of \d+ finished pairs failed .*SimulatedFault: injected failure/,
  );
  const failures = await store.list('campaigns/sim-failing/failures/');
  assert.ok(failures.length >= 10 && failures.length < 12 + 4, `${failures.length} failures recorded`);
});

test('configuration errors of a training (bad dataset, no backend, from the thread too) are not retried', async () => {
  const { permanent } = await import('../../activities/training');
  const { ThreadTaskError } = await import('../../activities/threads');
  const { DatasetError } = await import('../../src/datasets');
  for (const e of [
    new DatasetError('unknown dataset'),
    new ThreadTaskError('no TensorFlow backend could be loaded', 'BackendUnavailableError'),
    new ThreadTaskError('no GPU', 'GpuUnavailableError'),
  ]) {
    const f = permanent(e);
    assert.ok(f instanceof ApplicationFailure && f.nonRetryable, e.message);
  }
  const transient = new ThreadTaskError('worker thread exited', 'Error');
  assert.equal(permanent(transient), transient);
});
