/**
 * Training throughput: images/s for LeNet-5 and ResNet-20 on 32×32×3 inputs, batch 128, with the fastest
 * backend available (or DLREC_BACKEND / `--backend NAME`). Full training steps (augmentation, forward,
 * backward, SGD update) of the zoo's models on random images; the first batches (kernel setup) are not
 * timed. Also reports images per CPU-second of this process, which stays meaningful on a shared machine.
 * When the chosen backend is not wasm, the same models are measured on wasm in the same run (`wasm`) and
 * `speedupOverWasm` gives the ratio per model; `--no-compare` skips that.
 * With the reference venv (bench/reference/README.md) Keras trains the same models in the same run (`ratioToKeras`).
 * TensorFlow's thread pools are sized as a worker with one training slot sizes them (activities/threads.ts).
 * Step times vary a lot on a shared machine (LeNet-5's ~30 ms step by ±30% between runs, Keras' alike), so
 * LeNet-5 runs 10× the batches of ResNet-20, after 5 untimed ones (oneDNN builds its kernels for each new
 * shape on first use), and the timed batches are split into ROUNDS equal rounds: `imagesPerSecond` is the
 * best round, `meanImagesPerSecond` the whole run. Keras is timed the same way (per-batch time stamps).
 * `--ops` also reports where a native step's time goes: milliseconds and calls per step of each TensorFlow
 * op (timed around tfjs-node's synchronous op calls; the rest of the step is JavaScript).
 * Usage: npx tsx bench/train.ts [--backend wasm|cpu|...] [--batches N] [--models lenet5,resnet20] [--no-compare]
 *        [--no-reference] [--ops]
 */
import type { ArchitectureSpec } from '../src/arch/spec';
import { zooModel } from '../src/arch/zoo';
import type { BackendName } from '../src/training/backend';
import { recipeFor } from '../src/training/recipe';
import { Trainer } from '../src/training/trainer';
import { nativeThreadsPerJob } from '../activities/threads';
import * as tf from '@tensorflow/tfjs';
import { ratio, runReference } from './reference';
import { stringOption } from './options';

const ROUNDS = 3;

/** Images/s of the best of ROUNDS equal rounds of batches between time stamps (stamps[0] opens round 1). */
function bestRound(stamps: number[], batchSize: number): number {
  const per = Math.floor((stamps.length - 1) / ROUNDS);
  let best = 0;
  for (let r = 0; r < ROUNDS; r++) {
    best = Math.max(best, (per * batchSize * 1000) / (stamps[(r + 1) * per] - stamps[r * per]));
  }
  return best;
}

type OpCall = (name: string, ...rest: unknown[]) => unknown;

/** Times tfjs-node's op calls (they run synchronously); `reset` starts a new tally. */
function opTimer() {
  const be = tf.backend() as unknown as Record<'executeSingleOutput' | 'executeMultipleOutputs', OpCall>;
  const tally = new Map<string, { ms: number; calls: number }>();
  const methods = ['executeSingleOutput', 'executeMultipleOutputs'] as const;
  const own = methods.map((m) => be[m]);
  methods.forEach((m, i) => {
    be[m] = (name, ...rest) => {
      const t = performance.now();
      const out = own[i].call(be, name, ...rest);
      const e = tally.get(name) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t;
      e.calls++;
      tally.set(name, e);
      return out;
    };
  });
  return {
    reset: () => tally.clear(),
    report(steps: number) {
      methods.forEach((m, i) => (be[m] = own[i]));
      const rows = [...tally].sort((a, b) => b[1].ms - a[1].ms);
      const total = rows.reduce((s, [, e]) => s + e.ms, 0);
      return {
        nativeMsPerStep: +(total / steps).toFixed(2),
        top: rows.slice(0, 12).map(([op, e]) => ({
          op,
          msPerStep: +(e.ms / steps).toFixed(3),
          callsPerStep: +(e.calls / steps).toFixed(1),
        })),
      };
    },
  };
}

async function measure(spec: ArchitectureSpec, batches: number, backend: BackendName | 'auto', ops = false) {
  const warmup = 5;
  const B = 128;
  const count = B * (batches + warmup);
  const images = new Uint8Array(count * 32 * 32 * 3);
  for (let i = 0; i < images.length; i++) images[i] = (i * 2654435761) >>> 24;
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  const data = { images, labels, count, height: 32, width: 32, channels: 3 };
  const recipe = recipeFor('paper', { overrides: { maxEpochs: 1, validationSplit: 0, testLimit: B } });
  const stamps: number[] = [];
  const cpu: number[] = [];
  const trainer = await Trainer.create(spec, recipe, {
    backend,
    hooks: {
      onBatch: () => {
        if (stamps.length === warmup - 1) timer?.reset();
        stamps.push(performance.now());
        const u = process.cpuUsage();
        cpu.push((u.user + u.system) / 1e6);
      },
    },
  });
  const timer = ops && trainer.backend.name !== 'wasm' ? opTimer() : undefined;
  await trainer.train(data, data);
  trainer.dispose();
  const seconds = (stamps[stamps.length - 1] - stamps[warmup - 1]) / 1000;
  const cpuSeconds = cpu[cpu.length - 1] - cpu[warmup - 1];
  return {
    imagesPerSecond: Math.round(bestRound(stamps.slice(warmup - 1), B)),
    meanImagesPerSecond: Math.round((batches * B) / seconds),
    backend: trainer.backend.name,
    batchSize: B,
    timedBatches: batches,
    msPerBatch: Math.round((seconds * 1000) / batches),
    imagesPerCpuSecond: Math.round((batches * B) / cpuSeconds),
    ...(timer ? { ops: timer.report(batches) } : {}),
  };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const backend = (stringOption(args, 'backend') ?? process.env.DLREC_BACKEND ?? 'auto') as
    BackendName | 'auto';
  nativeThreadsPerJob(1);
  const batches = Number(stringOption(args, 'batches') ?? 9);
  const models = (stringOption(args, 'models') ?? 'lenet5,resnet20').split(',');
  const measureAll = async (b: BackendName | 'auto') => {
    const out: Record<string, Awaited<ReturnType<typeof measure>>> = {};
    for (const m of models) {
      const spec = zooModel(m, { height: 32, width: 32, channels: 3 }, 10);
      out[m] = await measure(spec, m === 'lenet5' ? batches * 10 : batches, b, args.includes('--ops'));
    }
    return out;
  };
  const main = await measureAll(backend);
  const used = Object.values(main)[0]?.backend;
  const withReference = async (out: Record<string, unknown>) => {
    if (args.includes('--no-reference')) return out;
    // Keras on TensorFlow's CPU build, same models, batch and input (bench/reference/tf_train.py), same run.
    const images = (m: string) => String(128 * (main[m]?.timedBatches ?? (m === 'lenet5' ? 32 : 4)));
    const ref = await runReference<Record<string, { imagesPerSecond: number }> & { tool: string }>(
      'tf_train.py',
      [images('lenet5'), images('resnet20'), String(ROUNDS)],
    );
    if (!ref.result) return { ...out, reference: null, referenceNote: ref.note };
    const ratioToKeras = Object.fromEntries(
      models.map((m) => [m, ratio(main[m].imagesPerSecond, ref.result![m]?.imagesPerSecond)]),
    );
    return { ...out, reference: ref.result, ratioToKeras };
  };
  if (args.includes('--no-compare') || used === 'wasm') return withReference({ backend: used, ...main });
  const wasm = await measureAll('wasm');
  const speedupOverWasm = Object.fromEntries(
    models.map((m) => [m, +(main[m].imagesPerSecond / wasm[m].imagesPerSecond).toFixed(2)]),
  );
  return withReference({ backend: used, ...main, wasm, speedupOverWasm });
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
