// `dlrec train` through a private Temporal dev server (TrainModelWorkflow + the in-process worker) and the
// sweep commands' answers for campaigns that do not exist.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { FileArtifactStore, getJSON } from '../../infra/store';
import { BACKEND_ORDER } from '../../src/training/backend';
import { runCli } from '../helpers/cli';
import { temporalForTests } from '../helpers/services';

const services = temporalForTests('train-cli');
const { root: home } = services;
const env = () => ({ TEMPORAL_ADDRESS: services.temporal.address, DLREC_HOME: home, DLREC_STORE: '' });

test('dlrec train --model zoo:lenet5 --dataset mnist --json: the result, TF.js weights, idempotent', async () => {
  const args = [
    'train',
    '--model',
    'zoo:lenet5',
    '--dataset',
    'mnist',
    '--epochs',
    '2',
    '--limit',
    '2000',
    '--profile',
    'smoke',
  ];
  const r = await runCli([...args, '--json'], env());
  assert.equal(r.code, 0, r.stderr);
  const out = r.json<Record<string, unknown>>();
  assert.ok(
    typeof out.accuracy === 'number' && out.accuracy > 0.5 && out.accuracy <= 1,
    `accuracy ${out.accuracy}`,
  );
  assert.ok(Number.isFinite(out.loss));
  assert.equal(out.epochs, 2);
  assert.ok((out.imagesPerSecond as number) > 0);
  assert.ok(BACKEND_ORDER.includes(out.backend as never), String(out.backend));
  assert.equal(out.params, 62006);
  assert.equal(out.depth, 13);
  assert.equal(out.trainImages, 2000, 'the smoke recipe holds out no validation split');
  assert.equal((out.lossCurve as number[]).length, 2);

  // The weights are a TF.js layers model that TF.js itself loads.
  const store = new FileArtifactStore(path.join(home, 'artifacts'));
  const modelJson = await getJSON<{
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  }>(store, String(out.weightsKey));
  const weightsBin = await store.get(String(out.weightsBinKey));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: new Uint8Array(weightsBin).buffer,
    }),
  );
  assert.deepEqual(model.outputs[0].shape, [null, 10]);
  model.dispose();

  const again = await runCli([...args, '--json'], env());
  assert.equal(again.code, 0, again.stderr);
  const second = again.json<Record<string, unknown>>();
  assert.equal(second.accuracy, out.accuracy, 'the stored result, not a new run');
  assert.equal(second.pairKey, out.pairKey);
});

test('bad input gets one clear message', async () => {
  const zoo = await runCli(['train', '--model', 'zoo:alexnet', '--dataset', 'mnist', '--json'], env());
  assert.equal(zoo.code, 1);
  assert.match(zoo.stderr, /unknown zoo model 'alexnet'; known: .*lenet5/);
  const file = await runCli(['train', '--model', path.join(home, 'nope.json'), '--dataset', 'mnist'], env());
  assert.equal(file.code, 1);
  assert.match(file.stderr, /no such file/);
  const results = await runCli(['sweep', 'results', 'never-started'], env());
  assert.equal(results.code, 1);
  assert.match(results.stderr, /campaign 'never-started' has no results yet/);
  const status = await runCli(['sweep', 'status', 'never-started', '--json'], env());
  assert.equal(status.code, 1);
  assert.match(status.stderr, /no campaign 'never-started'/);
});
