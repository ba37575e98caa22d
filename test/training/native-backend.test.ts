// The native TensorFlow backend (tfjs-node bound to the pinned tensorflow-cpu wheel by `npm run setup`):
// the same training as wasm within float tolerance, models portable across the two, and training on a worker
// thread that leaves the event loop free. In CI the binding must be there (a missing build fails, not skips).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../../src/training/backend';
import { recipeFor } from '../../src/training/recipe';
import { loadModel } from '../../src/training/saved-model';
import { Trainer } from '../../src/training/trainer';
import { runOnThread } from '../../activities/threads';
import { runTrainingJob, type TrainingJob } from '../../activities/training-job';
import { lenet5, mnist, nativeOrSkip } from './helpers';

const recipe = recipeFor('smoke', {
  family: 'digits',
  overrides: { batchSize: 32, learningRate: 0.01, trainLimit: 640, testLimit: 300, maxEpochs: 1 },
});
const spec = lenet5(28, 28, 1, 10);

async function trainOn(backend: BackendName) {
  const losses: number[] = [];
  const trainer = await Trainer.create(spec, recipe, {
    backend,
    hooks: { onBatch: (_e, _b, loss) => void losses.push(loss) },
  });
  const result = await trainer.train(mnist('train', 640), mnist('test', 300));
  const saved = await trainer.save();
  trainer.dispose();
  return { losses, result, saved };
}

test('LeNet-5, same seed and data: wasm and native TensorFlow train alike; models load across them', async (t) => {
  if (!nativeOrSkip(t)) return;
  const wasm = await trainOn('wasm');
  const native = await trainOn('tensorflow');
  assert.equal(native.result.backend, 'tensorflow');
  assert.equal(wasm.result.backend, 'wasm');
  assert.equal(native.losses.length, 20);
  // Same initial weights (tf.js draws them in JS) and batches (dlrec's RNG): only float rounding differs,
  // and it compounds with every step. Tolerances: 1e-4 on the first step's loss, 2% over the first ten.
  assert.ok(
    Math.abs(native.losses[0] - wasm.losses[0]) <= 1e-4 * wasm.losses[0],
    `${native.losses[0]} vs ${wasm.losses[0]}`,
  );
  for (let i = 0; i < 10; i++) {
    const rel = Math.abs(native.losses[i] - wasm.losses[i]) / wasm.losses[i];
    assert.ok(rel <= 0.02, `batch ${i}: native ${native.losses[i]} vs wasm ${wasm.losses[i]}`);
  }
  assert.ok(Math.abs(native.result.accuracy - wasm.result.accuracy) <= 0.05, 'accuracy within 5 points');

  // Round trip: a model saved on one backend predicts the same on the other.
  const x = tf.tensor4d(mnist('test', 16).images, [16, 28, 28, 1], 'float32').div(255);
  const predictOn = async (backend: BackendName, saved: typeof native.saved) => {
    await initBackend(backend);
    const model = await loadModel(saved);
    const p = (model.predict(tf.tensor(await x.array())) as tf.Tensor).arraySync() as number[][];
    model.dispose();
    return p.flat();
  };
  for (const [from, saved] of [
    ['tensorflow', native.saved],
    ['wasm', wasm.saved],
  ] as const) {
    const a = await predictOn('tensorflow', saved);
    const b = await predictOn('wasm', saved);
    const err = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    assert.ok(err <= 1e-4, `saved on ${from}: predictions differ by ${err}`);
  }
  x.dispose();
});

test('native training on a worker thread leaves the event loop free; in-process it stalls it', async (t) => {
  if (!nativeOrSkip(t)) return;
  const job: TrainingJob = {
    spec,
    recipe: { ...recipe, trainLimit: 2000, maxEpochs: 5, batchSize: 16 },
    train: mnist('train', 2000),
    test: mnist('test', 200),
    backend: 'tensorflow',
  };
  const events = { onBatch: () => undefined, onCheckpoint: () => undefined };
  const longestPause = async (run: () => Promise<unknown>) => {
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 10);
    const t0 = performance.now();
    await run();
    clearInterval(timer);
    return { worst, seconds: (performance.now() - t0) / 1000 };
  };
  const threaded = await longestPause(() => runOnThread('trainModel', job, () => undefined));
  const inProcess = await longestPause(() => runTrainingJob(job, events));
  t.diagnostic(
    `longest event-loop pause: thread ${threaded.worst.toFixed(0)} ms over ${threaded.seconds.toFixed(1)} s; in-process ${inProcess.worst.toFixed(0)} ms over ${inProcess.seconds.toFixed(1)} s`,
  );
  // Long enough that the in-process run reaches its once-a-second yield.
  assert.ok(inProcess.seconds > 1.5, `the job is long enough to matter (${inProcess.seconds} s)`);
  // Temporal heartbeats go out from this loop: a pause of seconds would starve them.
  assert.ok(threaded.worst < 500, `thread: the event loop paused ${threaded.worst} ms`);
  assert.ok(
    inProcess.worst >= 1000,
    `in-process: longest pause ${inProcess.worst} ms (it yields once a second)`,
  );
});

test('threads that start training at once on the native backend do not crash the process', async (t) => {
  if (!nativeOrSkip(t)) return;
  // tfjs-node's process-wide attribute-name set is written without a lock; scripts/native-tensorflow.js guards it.
  // Unguarded, this child died with SIGSEGV in about one run in ten (5 of 58 here); guarded, 0 of 60.
  const pkg = path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
  const stamp = JSON.parse(fs.readFileSync(path.join(pkg, 'lib', 'dlrec-native.json'), 'utf8'));
  assert.match(
    stamp.want.patch ?? '',
    /attr-name-set-mutex/,
    'the binding was built without the thread-safety patch',
  );
  const child = path.join(__dirname, '..', 'helpers', 'native-threads-child.js');
  for (let run = 0; run < 6; run++) {
    const r = spawnSync(process.execPath, [child, '3'], {
      encoding: 'utf8',
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', TF_NUM_INTRAOP_THREADS: '1' },
      timeout: 120_000,
    });
    assert.equal(r.signal, null, `run ${run}: killed by ${r.signal}\n${r.stderr}`);
    assert.equal(r.status, 0, `run ${run}: ${r.stderr}`);
    assert.match(r.stdout, /3 threads trained/);
  }
});
