// A long word2vec through a real worker (a private Temporal dev server, the worker of workers/worker.ts in this
// process) stays alive: the fit runs on a worker thread, so while it runs the activity heartbeats its progress
// (the heartbeat details advance, and a 10 s heartbeat timeout never fires), the worker's health file stays fresh
// and this process's event loop — the worker's — never stalls. Sized to run ~30 s of word2vec on this machine.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { FileArtifactStore } from '../../infra/store';
import { writeGeneration } from '../../src/arch';
import { encoderCorpus } from '../../src/encoder/experiment';
import { runOnThread } from '../../activities/threads';
import { PROFILES } from '../../src/profiles';
import { startWorkers, type RunningWorkers } from '../../workers/worker';
import { EncoderWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { temporalForTests } from '../helpers/services';

const FIT_SECONDS = 30;

const services = temporalForTests('w2v-worker');
const { root } = services;

/**
 * Watches the health file's age from a thread of its own every 100 ms: a watcher on this thread would be blind
 * exactly when it matters, while the event loop is blocked.
 */
function watchHealthFile(file: string) {
  const shared = new Float64Array(new SharedArrayBuffer(16));
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const code = `
    const { workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const out = new Float64Array(workerData.shared.buffer);
    const flag = new Int32Array(workerData.flag.buffer);
    while (Atomics.load(flag, 0) === 0) {
      try {
        out[0] = Math.max(out[0], Date.now() - fs.statSync(workerData.file).mtimeMs);
        out[1]++;
      } catch {}
      Atomics.wait(flag, 0, 0, 100);
    }`;
  const watcher = new Worker(code, { eval: true, workerData: { file, shared, flag } });
  const exited = new Promise((r) => watcher.once('exit', r));
  return {
    async stop() {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      await exited;
      return { maxAgeMs: Math.round(shared[0]), checks: shared[1] };
    },
  };
}

interface Details {
  stage?: string;
  epoch?: number;
  epochs?: number;
  words?: number;
  totalWords?: number;
}

test('a long word2vec activity heartbeats its progress and the worker health file stays fresh', async (t) => {
  const store = new FileArtifactStore(path.join(root, 'store'));
  const gen = path.join(root, 'gen');
  writeGeneration(gen, PROFILES.smoke.generation);
  for (const f of fs.readdirSync(gen))
    await store.put(`generations/long/${f}`, fs.readFileSync(path.join(gen, f)));

  // Epochs for ~FIT_SECONDS of fitting here, measured on the same corpus (every training sentence, 64-d) on a
  // pooled thread, after a warm-up run (the worker's activity then gets the same, warm, thread).
  const base = { ...PROFILES.smoke.encoder, maxTrainSentences: 0 };
  const sentences = encoderCorpus(base, PROFILES.smoke.generation).train;
  const measure = (epochs: number) =>
    runOnThread('fitWord2Vec', { config: { dim: 64, epochs }, sentences }, () => undefined);
  const forSeconds = (s: number, fit: { trainedWords: number; wordsPerSecond: number }, measured: number) =>
    Math.min(20_000, Math.max(3, Math.round((s * fit.wordsPerSecond) / (fit.trainedWords / measured))));
  // A short fit underestimates the speed of a long one (JIT warm-up): measure again over ~3 s.
  const first = forSeconds(3, (await measure(10)).fit, 10);
  const epochs = forSeconds(FIT_SECONDS, (await measure(first)).fit, first);
  const profile = { ...base, word2vec: { dim: 64, epochs } };

  const healthFile = path.join(root, 'worker.alive');
  process.env.DLREC_HEALTH_FILE = healthFile;
  const target = { address: services.temporal.address, namespace: 'default', external: true };
  // The CPU queue only: the language model that follows word2vec waits for a GPU worker that never comes.
  const workers: RunningWorkers = await startWorkers({ target, store, queue: 'cpu' });
  const connection = await Connection.connect({ address: services.temporal.address });
  const client = new Client({ connection });
  try {
    const health = watchHealthFile(healthFile);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    let lastTick = performance.now();
    let maxDrift = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxDrift = Math.max(maxDrift, now - lastTick - 100);
      lastTick = now;
    }, 100);

    const handle = await client.workflow.start(EncoderWorkflow, {
      workflowId: 'long-word2vec',
      taskQueue: CPU_QUEUE,
      args: [{ generationPrefix: 'generations/long', profile, timeouts: { heartbeatSeconds: 10 } }],
    });
    const details: Details[] = [];
    const beats = new Set<number>();
    const attempts = new Set<number>();
    const deadline = Date.now() + 10 * 60_000;
    let healthWatch: { maxAgeMs: number; checks: number };
    try {
      for (;;) {
        assert.ok(Date.now() < deadline, 'word2vec did not finish in 10 minutes');
        const d = await handle.describe();
        assert.equal(d.status.name, 'RUNNING', `the workflow is ${d.status.name}`);
        const pending = d.raw.pendingActivities ?? [];
        if (pending.some((a) => a.activityType?.name === 'trainLanguageModel')) break;
        const w2v = pending.find((a) => a.activityType?.name === 'trainWord2Vec');
        if (w2v) {
          attempts.add(w2v.attempt ?? 0);
          const payload = w2v.heartbeatDetails?.payloads?.[0];
          if (payload) {
            const v = defaultPayloadConverter.fromPayload<Details>(payload);
            if (JSON.stringify(v) !== JSON.stringify(details[details.length - 1])) details.push(v);
          }
          if (w2v.lastHeartbeatTime) beats.add(Number(w2v.lastHeartbeatTime.seconds));
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    } finally {
      clearInterval(ticker);
      lag.disable();
      healthWatch = await health.stop();
    }

    const history = await handle.fetchHistory();
    const events = history.events!;
    const seconds = (e: (typeof events)[number]) =>
      Number(e.eventTime!.seconds) + (e.eventTime!.nanos ?? 0) / 1e9;
    const scheduled = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'trainWord2Vec',
    )!;
    const completed = events.find((e) => e.activityTaskCompletedEventAttributes)!;
    const facts = JSON.stringify({
      epochs,
      activitySeconds: seconds(completed) - seconds(scheduled),
      health: healthWatch,
      maxLagMs: lag.max / 1e6,
      p99LagMs: lag.percentile(99) / 1e6,
      maxDrift,
      attempts: [...attempts],
      heartbeatTimes: beats.size,
      details,
    });
    t.diagnostic(facts);
    // The event loop never stalled: a fit on it would stall it for the whole fit (~FIT_SECONDS).
    assert.ok(lag.max / 1e6 < 2_000 && maxDrift < 2_000, `event loop lag small: ${facts}`);
    // The health file (watched from another thread) is touched every 10 s: never staler than that, plus slack.
    assert.ok(healthWatch.checks >= 50 && healthWatch.maxAgeMs < 12_000, `health file fresh: ${facts}`);
    // Heartbeats kept the activity alive through a 10 s heartbeat timeout: one attempt, no timeout.
    const attrs = scheduled.activityTaskScheduledEventAttributes!;
    assert.equal(Number(attrs.heartbeatTimeout?.seconds), 10, 'timeouts.heartbeatSeconds reached it');
    assert.ok(!events.some((e) => e.activityTaskTimedOutEventAttributes), `no activity timed out: ${facts}`);
    assert.deepEqual([...attempts], [1], `one attempt: ${facts}`);
    assert.ok(seconds(completed) - seconds(scheduled) >= 12, `word2vec ran long enough to matter: ${facts}`);
    // Progress: the details advance while word2vec trains (Temporal forwards them every 0.8 × 10 s).
    const training = details.filter((d) => d.stage === 'word2vec');
    assert.ok(training.length >= 2, `at least two progress heartbeats while training: ${facts}`);
    for (let i = 1; i < training.length; i++) assert.ok(training[i].words! > training[i - 1].words!, facts);
    assert.ok(
      training.every((d) => d.epochs === epochs && d.totalWords! > 0),
      facts,
    );
    assert.ok(beats.size >= 2, `the heartbeat time advanced: ${facts}`);

    const summary = defaultPayloadConverter.fromPayload<{ lossPerEpoch: number[]; word2vecKey: string }>(
      completed.activityTaskCompletedEventAttributes!.result!.payloads![0],
    );
    assert.equal(summary.lossPerEpoch.length, epochs);
    assert.ok(await store.exists(`encoder/${summary.word2vecKey}/word2vec.json`));
    await handle.terminate('test done: no GPU worker for the language model');
  } finally {
    await workers.shutdown();
    await connection.close();
  }
  assert.equal(fs.existsSync(healthFile), false, 'the health file goes with the worker');
});
