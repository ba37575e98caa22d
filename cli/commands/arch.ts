/**
 * The architecture-language commands: `generate`, `tokens`, `vocab` and `zoo list|show`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { GENERATION_FILES, generationRunKey, type GenerationRunOptions } from '../../activities/generation';
import { SHARD_SIZE, type GenerationManifest } from '../../src/arch';
import { GenerateModelsWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';
import {
  analyze,
  ArchitectureError,
  canonicalHash,
  tokenizeFile,
  UnknownZooModelError,
  vocabulary,
  writeGenerationParallel,
  defaultWorkers,
  ZOO_ENTRIES,
  zooModel,
} from '../../src/arch';
import { defineAction, intOption, UsageError, UserError, type CommandContext } from '../output';

/** `32x32x3` → {height, width, channels}. */
export function parseInputShape(value: string): { height: number; width: number; channels: number } {
  const m = /^(\d+)x(\d+)x(\d+)$/i.exec(value.trim());
  const dims = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (!m || dims.some((d) => d < 1 || d > 4096)) {
    throw new UsageError(`--input must be HxWxC with positive integers, e.g. 32x32x3; got '${value}'`);
  }
  return { height: dims[0], width: dims[1], channels: dims[2] };
}

function probability(value: string): number {
  const p = Number(value);
  if (value.trim() === '' || !(p >= 0 && p <= 1))
    throw new UsageError(`--unk-prob must be a number in [0, 1], got '${value}'`);
  return p;
}

/** Domain errors from src/arch are the user's to fix: one line, exit 1. */
async function userErrors<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ArchitectureError || err instanceof UnknownZooModelError)
      throw new UserError(err.message);
    throw err;
  }
}

function registerGenerate(program: Command): void {
  const cmd = program
    .command('generate')
    .description(
      'generate the model corpus: models.jsonl, sentences.txt, vocab.txt and manifest.json in --out',
    )
    .requiredOption('--out <dir>', 'output folder')
    .option('--count <n>', 'number of distinct models', intOption('--count'), 190_000)
    .option('--seed <n>', 'random seed (same arguments → byte-identical files)', intOption('--seed', 0), 1)
    .option('--input <HxWxC>', 'input shape', '32x32x3')
    .option('--classes <n>', 'number of classes', intOption('--classes', 2), 10)
    .option('--unk-prob <p>', 'probability that a token becomes UNK in a copy', probability, 0.2)
    .option('--unk-copies <n>', 'UNK copies of each model', intOption('--unk-copies', 0), 2)
    .option(
      '--workers <n>',
      'generator threads (output does not depend on it)',
      intOption('--workers'),
      defaultWorkers(),
    )
    .option(
      '--workflow',
      'run as GenerateModelsWorkflow (shards as activities, resumable) and download the files',
    )
    .option('--no-worker', 'with --workflow: rely on external workers');
  defineAction(cmd, async (ctx) => {
    const o = ctx.opts as Record<string, unknown>;
    const input = parseInputShape(String(o.input));
    const count = o.count as number;
    const options = {
      seed: o.seed as number,
      count,
      input,
      classes: o.classes as number,
      unkProb: o.unkProb as number,
      unkCopies: o.unkCopies as number,
    };
    const started = Date.now();
    if (o.workflow) {
      const manifest = await generateWithWorkflow(ctx, { ...options, shardSize: SHARD_SIZE }, String(o.out));
      return { data: manifest, human: summary(manifest, (Date.now() - started) / 1000, String(o.out)) };
    }
    const progress = ctx.progress('generate', count);
    const manifest = await userErrors(() =>
      writeGenerationParallel(String(o.out), options, o.workers as number, (done) => progress.update(done)),
    );
    progress.stop();
    return { data: manifest, human: summary(manifest, (Date.now() - started) / 1000, String(o.out)) };
  });
}

function summary(m: GenerationManifest, seconds: number, out: string): string {
  const l = m.sentenceLength;
  return (
    `${m.models} models, ${m.sentences} sentences (lengths ${l.min}–${l.max}, mean ${l.mean}) ` +
    `in ${seconds.toFixed(1)} s → ${out}`
  );
}

/** Runs GenerateModelsWorkflow (the same id for the same arguments, so a re-run resumes) and downloads its files. */
async function generateWithWorkflow(
  ctx: CommandContext,
  options: GenerationRunOptions,
  out: string,
): Promise<GenerationManifest> {
  const store = ctx.store();
  const workflowId = `dlrec-generate-${generationRunKey(options)}`;
  const result = await withTemporal({ store, worker: ctx.opts.worker !== false }, (client) =>
    runWorkflow(ctx, client, GenerateModelsWorkflow, {
      workflowId,
      taskQueue: CPU_QUEUE,
      args: [options],
      label: 'generate',
    }),
  );
  fs.mkdirSync(out, { recursive: true });
  for (const f of GENERATION_FILES) {
    await pipeline(await store.getStream(`${result.prefix}/${f}`), fs.createWriteStream(path.join(out, f)));
  }
  return result.manifest;
}

function registerTokens(program: Command): void {
  const cmd = program
    .command('tokens')
    .description(
      'the sentence(s) of an architecture: dlrec spec, NLDS JSON or Keras/TF.js JSON (one line per path)',
    )
    .argument('<file>', 'architecture file')
    .option(
      '--classes <n>',
      'class count, for Keras models that do not end in a Dense layer',
      intOption('--classes', 2),
    );
  defineAction(cmd, async (ctx, file: string) => {
    const classes = ctx.opts.classes as number | undefined;
    const { format, spec, sentences } = await userErrors(() => tokenizeFile(file, { classes }));
    return {
      data: { file, format, name: spec.name, classes: spec.classes, paths: sentences.length, sentences },
      human: sentences.join('\n'),
    };
  });
}

function registerVocab(program: Command): void {
  const cmd = program
    .command('vocab')
    .description('the whole token vocabulary, one token per line, UNK included')
    .option(
      '--classes <n>',
      'also include the head token Dense_{n}_glorot_normal',
      intOption('--classes', 1),
    );
  defineAction(cmd, async (ctx) => {
    const extra = ctx.opts.classes ? [ctx.opts.classes as number] : [];
    const tokens = vocabulary(extra);
    return { data: { size: tokens.length, tokens }, human: tokens.join('\n') };
  });
}

function registerZoo(program: Command): void {
  const zoo = program.command('zoo').description('the canonical zoo of well-known CNNs');
  defineAction(zoo.command('list').description('list the zoo models'), async () => {
    const rows = ZOO_ENTRIES.map((e) => {
      const a = analyze(e.build({ height: 32, width: 32, channels: 3 }, 10));
      return { name: e.name, title: e.title, params: a.params, flops: a.flops, reference: e.reference };
    });
    const width = Math.max(...rows.map((r) => r.name.length));
    return {
      data: rows,
      human: rows
        .map(
          (r) => `${r.name.padEnd(width)}  ${(r.params / 1e6).toFixed(2).padStart(6)} M params  ${r.title}`,
        )
        .join('\n'),
    };
  });
  const show = zoo
    .command('show')
    .description('the spec of a zoo model, with its params and FLOPs')
    .argument('<name>', 'zoo model name (see `dlrec zoo list`)')
    .option('--input <HxWxC>', 'input shape', '32x32x3')
    .option('--classes <n>', 'number of classes', intOption('--classes', 2), 10);
  defineAction(show, async (ctx, name: string) => {
    const input = parseInputShape(String(ctx.opts.input));
    const spec = await userErrors(() => {
      const s = zooModel(name, input, ctx.opts.classes as number);
      const a = analyze(s);
      return { ...s, id: canonicalHash(s), params: a.params, flops: a.flops };
    });
    return { data: spec };
  });
}

export function register(program: Command): void {
  registerGenerate(program);
  registerTokens(program);
  registerVocab(program);
  registerZoo(program);
}
