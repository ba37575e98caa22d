/**
 * `npm run bench -- generate [--json] [--count 190000] [--seed 1] [--workers N] [--out DIR] [--keep]`:
 * wall time and peak RSS of generating the model corpus (models.jsonl, sentences.txt, vocab.txt,
 * manifest.json) as `dlrec generate` does (worker threads; --workers 1 = single thread). Target: 190,000 models and their 570,000+
 * sentences in ≤ 30 s wall, peak RSS ≤ 1 GiB. Output goes to a temporary folder removed afterwards
 * unless --out/--keep are given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultWorkers, writeGenerationParallel } from '../src/arch';
import { intOption } from './options';

const BUDGET_SECONDS = 30;
const BUDGET_RSS_MB = 1024;

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const count = intOption(args, 'count', 190_000, 0);
  const seed = intOption(args, 'seed', 1, 0);
  const workers = intOption(args, 'workers', defaultWorkers(), 0);
  const outArg = args.indexOf('--out');
  const out =
    outArg >= 0
      ? path.resolve(args[outArg + 1])
      : fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-bench-generate-'));
  const keep = outArg >= 0 || args.includes('--keep');
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const input = { height: 32, width: 32, channels: 3 };
  const manifest = await writeGenerationParallel(out, { seed, count, input, classes: 10 }, workers);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  if (!keep) fs.rmSync(out, { recursive: true, force: true });
  return {
    benchmark: 'generate',
    models: manifest.models,
    sentences: manifest.sentences,
    dagModels: manifest.dagModels,
    shards: manifest.shards,
    workers,
    seconds: Math.round(seconds * 100) / 100,
    /** CPU time of all threads: what the run costs on an idle machine, whatever the load here. */
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    modelsPerSecond: Math.round(manifest.models / seconds),
    peakRssMB,
    bytesWritten: Object.values(manifest.files).reduce((a, f) => a + f.bytes, 0),
    budget: { seconds: BUDGET_SECONDS, peakRssMB: BUDGET_RSS_MB },
    withinBudget: seconds <= BUDGET_SECONDS && peakRssMB <= BUDGET_RSS_MB,
    cpus: os.cpus().length,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    output: keep ? out : undefined,
  };
}
