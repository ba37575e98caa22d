/**
 * The seeded generator of the paper's model corpus (the grammar itself is in grammar.ts).
 *
 * A drawn layer that makes the model invalid is redrawn; a model that still fails is rejected;
 * duplicates (canonical hash) are dropped.
 * Each model also yields `unkCopies` copies of its sentences with each layer token replaced by UNK
 * with probability `unkProb`. DAG models have one sentence per input→sink path.
 *
 * Work is split into shards of at most SHARD_SIZE models, each with its own seed derived from the run
 * seed, so that a sharded run (a workflow's activities) and a single process give the same output.
 */
import { createHash } from 'node:crypto';
import { canonicalHash } from './canonical';
import { drawModel, Rng, type Draft, type InputShape } from './grammar';
import { paths, resolveInputs, sentencesFromTokens } from './graph';
import { SPEC_FORMAT, SPEC_VERSION, type ArchitectureSpec } from './spec';
import { UNK, tokenFor } from './tokens';

export const SHARD_SIZE = 10_000;
export { MIN_TOKENS, MAX_TOKENS, Rng, type InputShape } from './grammar';

/** A generated model: the spec (with `id` = canonical hash), its size and its sentences. */
export interface GeneratedModel {
  id: string;
  /** The spec as written to models.jsonl: with id, params and flops. */
  spec: ArchitectureSpec & { id: string; params: number; flops: number };
  params: number;
  flops: number;
  /** One sentence per input→sink path. */
  sentences: string[];
  /** `unkCopies` groups of sentences, each layer token replaced by UNK with probability unkProb. */
  unkSentences: string[];
}

export interface ShardOptions {
  seed: number;
  shardIndex: number;
  count: number;
  input: InputShape;
  classes: number;
  unkProb?: number;
  unkCopies?: number;
  /** Share of models with residual/concat blocks (default 0.15). */
  dagShare?: number;
}

export interface ShardResult {
  shardIndex: number;
  shardSeed: number;
  models: GeneratedModel[];
  /** Every sentence of the shard in output order: per model, originals then UNK copies. */
  sentences: string[];
  /** Drawn models rejected as invalid, and drawn duplicates dropped. */
  rejected: number;
  duplicates: number;
}

/** The seed of one shard: 32 bits of sha256 over the run seed and shard index. */
export function shardSeed(seed: number, shardIndex: number): number {
  return createHash('sha256').update(`dlrec.generate:${seed}:${shardIndex}`).digest().readUInt32BE(0);
}

/** Shard sizes for a run of `count` models. */
export function shardCounts(count: number, shardSize = SHARD_SIZE): number[] {
  const out: number[] = [];
  for (let done = 0; done < count; done += shardSize) out.push(Math.min(shardSize, count - done));
  return out;
}

function finish(
  d: Draft,
  input: InputShape,
  classes: number,
): { spec: GeneratedModel['spec']; inputs: number[][] } {
  const spec: GeneratedModel['spec'] = {
    format: SPEC_FORMAT,
    version: SPEC_VERSION,
    id: '',
    input: { height: input.height, width: input.width, channels: input.channels },
    classes,
    layers: d.layers,
    params: d.params,
    flops: d.flops,
  };
  const inputs = d.dag ? resolveInputs(spec) : d.layers.map((_, i) => [i - 1]);
  spec.id = canonicalHash(spec, inputs);
  return { spec, inputs };
}

/**
 * One shard of a generation run: `count` distinct valid models drawn with the shard's own seed, with
 * their sentences and UNK copies. Pure and deterministic: the same options give the same result.
 */
export function generateShard(opts: ShardOptions): ShardResult {
  const { count, input, classes } = opts;
  const unkProb = opts.unkProb ?? 0.2;
  const unkCopies = opts.unkCopies ?? 2;
  const dagShare = opts.dagShare ?? 0.15;
  const seed = shardSeed(opts.seed, opts.shardIndex);
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const models: GeneratedModel[] = [];
  const sentences: string[] = [];
  let rejected = 0;
  let duplicates = 0;
  const maxDraws = 50 * count + 1000;
  for (let draws = 0; models.length < count; draws++) {
    if (draws >= maxDraws) {
      throw new Error(
        `could only draw ${models.length} of ${count} valid distinct models for input ` +
          `${input.height}x${input.width}x${input.channels}; the input is too small for this grammar`,
      );
    }
    const d = drawModel(rng, input, classes, dagShare);
    if (!d) {
      rejected++;
      continue;
    }
    const { spec, inputs } = finish(d, input, classes);
    if (seen.has(spec.id)) {
      duplicates++;
      continue;
    }
    seen.add(spec.id);
    const tokens = d.layers.map((l) => tokenFor(l, classes));
    const pathList = d.dag ? paths(inputs) : [d.layers.map((_, i) => i)];
    const originals = sentencesFromTokens(tokens, pathList);
    const unkSentences: string[] = [];
    for (let c = 0; c < unkCopies; c++) {
      const masked = tokens.map((t) => (t !== null && rng.next() < unkProb ? UNK : t));
      unkSentences.push(...sentencesFromTokens(masked, pathList));
    }
    models.push({ id: spec.id, spec, params: d.params, flops: d.flops, sentences: originals, unkSentences });
    sentences.push(...originals, ...unkSentences);
  }
  return { shardIndex: opts.shardIndex, shardSeed: seed, models, sentences, rejected, duplicates };
}

export interface GenerateOptions extends Omit<ShardOptions, 'shardIndex' | 'count'> {
  count: number;
  shardSize?: number;
}

/** Top-up shards allowed before a run gives up (only reachable when the model space is nearly exhausted). */
export const MAX_TOP_UPS = 50;

/**
 * Every shard of a run in order, deduplicated across shards. Shards 0..n-1 hold shardCounts(count);
 * models already produced by an earlier shard are dropped, and top-up shards n, n+1, ... of exactly the
 * missing count follow until the run holds `count` distinct models. A sharded run that merges its
 * shards in index order and tops up the same way gives the same models.
 */
export function* generateShards(opts: GenerateOptions): Generator<ShardResult> {
  const seen = new Set<string>();
  const counts = shardCounts(opts.count, opts.shardSize);
  let total = 0;
  for (let i = 0; ; i++) {
    const count = i < counts.length ? counts[i] : opts.count - total;
    if (count <= 0) return;
    if (i >= counts.length + MAX_TOP_UPS) throw new Error(topUpFailure(opts.count, total));
    const shard = dedupeAcrossShards(generateShard({ ...opts, shardIndex: i, count }), seen);
    total += shard.models.length;
    yield shard;
  }
}

export function topUpFailure(count: number, got: number): string {
  return `could only draw ${got} distinct models of ${count}: the grammar has too few models for this input; ask for fewer`;
}

/** Drops models whose id is in `seen` (adding the rest to it); the merge step of a sharded run. */
export function dedupeAcrossShards(shard: ShardResult, seen: Set<string>): ShardResult {
  const kept = shard.models.filter((m) => !seen.has(m.id));
  for (const m of kept) seen.add(m.id);
  if (kept.length === shard.models.length) return shard;
  return {
    ...shard,
    models: kept,
    sentences: kept.flatMap((m) => [...m.sentences, ...m.unkSentences]),
    duplicates: shard.duplicates + shard.models.length - kept.length,
  };
}

/** All models of a (small) run in memory; use generateShards or writeGeneration for large ones. */
export function generateModels(opts: GenerateOptions): GeneratedModel[] {
  const out: GeneratedModel[] = [];
  for (const shard of generateShards(opts)) out.push(...shard.models);
  return out;
}
