/**
 * Writes a generation run to a folder, shard by shard (streamed: memory holds one shard at a time):
 *   models.jsonl   one spec per line, with id (canonical hash), params and flops
 *   sentences.txt  one sentence per line: per model its path sentences, then its UNK copies
 *   vocab.txt      the vocabulary (with the run's head tokens), one token per line
 *   manifest.json  counts, options and the sha256 of each file
 * Nothing depends on time or machine, so the same options give byte-identical files.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  generateShard,
  MAX_TOP_UPS,
  shardCounts,
  SHARD_SIZE,
  topUpFailure,
  type GenerateOptions,
  type ShardResult,
} from './generator';
import { vocabulary } from './tokens';

export const MANIFEST_FORMAT = 'dlrec.generation';

export interface FileEntry {
  sha256: string;
  bytes: number;
  lines: number;
}

export interface GenerationManifest {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  seed: number;
  requested: number;
  input: { height: number; width: number; channels: number };
  classes: number;
  unkProb: number;
  unkCopies: number;
  shardSize: number;
  shards: number;
  models: number;
  dagModels: number;
  sentences: number;
  originalSentences: number;
  rejected: number;
  duplicates: number;
  sentenceLength: { min: number; max: number; mean: number; histogram: Record<string, number> };
  vocabSize: number;
  files: Record<string, FileEntry>;
}

function wordCount(sentence: string): number {
  if (sentence === '') return 0;
  let n = 1;
  for (let i = sentence.indexOf(' '); i >= 0; i = sentence.indexOf(' ', i + 1)) n++;
  return n;
}

class HashedFile {
  private fd: number;
  private hash: Hash = createHash('sha256');
  bytes = 0;
  lines = 0;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file + '.partial', 'w');
  }
  write(text: string, lines: number): void {
    const buf = Buffer.from(text, 'utf8');
    this.hash.update(buf);
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.lines += lines;
  }
  close(): FileEntry {
    fs.closeSync(this.fd);
    fs.renameSync(this.file + '.partial', this.file);
    return { sha256: this.hash.digest('hex'), bytes: this.bytes, lines: this.lines };
  }
}

/**
 * A shard rendered to text: what a generation worker sends back (cheap to pass between threads).
 * Per model i: its models.jsonl line ends at modelEnds[i] in modelsText, its sentences (originals then UNK
 * copies, each ending in a newline) end at sentenceEnds[i] in sentencesText; it has pathCounts[i] original
 * sentences whose word counts come next in originalLengths, and sentenceCounts[i] sentences in all.
 */
export interface RenderedShard {
  shardIndex: number;
  rejected: number;
  duplicates: number;
  ids: string[];
  modelsText: string;
  modelEnds: number[];
  sentencesText: string;
  sentenceEnds: number[];
  sentenceCounts: number[];
  pathCounts: number[];
  originalLengths: number[];
}

/** Renders a shard for GenerationWriter.addRendered (the text is exactly what goes to disk). */
export function renderShard(shard: ShardResult): RenderedShard {
  const r: RenderedShard = {
    shardIndex: shard.shardIndex,
    rejected: shard.rejected,
    duplicates: shard.duplicates,
    ids: [],
    modelsText: '',
    modelEnds: [],
    sentencesText: '',
    sentenceEnds: [],
    sentenceCounts: [],
    pathCounts: [],
    originalLengths: [],
  };
  for (const m of shard.models) {
    r.ids.push(m.id);
    r.modelsText += JSON.stringify(m.spec) + '\n';
    r.modelEnds.push(r.modelsText.length);
    for (const sentence of m.sentences) {
      r.sentencesText += sentence + '\n';
      r.originalLengths.push(wordCount(sentence));
    }
    for (const sentence of m.unkSentences) r.sentencesText += sentence + '\n';
    r.sentenceEnds.push(r.sentencesText.length);
    r.sentenceCounts.push(m.sentences.length + m.unkSentences.length);
    r.pathCounts.push(m.sentences.length);
  }
  return r;
}

/** Accepts the shards of a run in order and writes the four files; usable by a sharded workflow too. */
export class GenerationWriter {
  private models: HashedFile;
  private sentences: HashedFile;
  private seen = new Set<string>();
  private stats = {
    models: 0,
    dagModels: 0,
    sentences: 0,
    originals: 0,
    rejected: 0,
    duplicates: 0,
    shards: 0,
  };
  private lengths = new Map<number, number>();
  private lengthSum = 0;

  constructor(
    readonly outDir: string,
    readonly opts: Required<Omit<GenerateOptions, 'dagShare'>>,
  ) {
    fs.mkdirSync(outDir, { recursive: true });
    this.models = new HashedFile(path.join(outDir, 'models.jsonl'));
    this.sentences = new HashedFile(path.join(outDir, 'sentences.txt'));
  }

  /** Models written so far, and how many the run still lacks (after cross-shard duplicates). */
  get written(): number {
    return this.stats.models;
  }
  get missing(): number {
    return this.opts.count - this.stats.models;
  }

  /** Appends one shard (shards must come in index order); drops models an earlier shard already wrote. */
  addShard(shard: ShardResult): void {
    this.addRendered(renderShard(shard));
  }

  /** As addShard, for a shard rendered elsewhere (a worker thread or an activity). */
  addRendered(r: RenderedShard): void {
    const s = this.stats;
    s.shards++;
    s.rejected += r.rejected;
    s.duplicates += r.duplicates;
    let models = '';
    let sentences = '';
    let kept = 0;
    let keptSentences = 0;
    let lengthAt = 0;
    // Copy runs of kept models in one slice each; only cross-shard duplicates break a run.
    let runStart = 0;
    let sentenceRunStart = 0;
    r.ids.forEach((id, i) => {
      const paths = r.pathCounts[i];
      const modelStart = i ? r.modelEnds[i - 1] : 0;
      const sentenceStart = i ? r.sentenceEnds[i - 1] : 0;
      if (this.seen.has(id)) {
        s.duplicates++;
        models += r.modelsText.slice(runStart, modelStart);
        sentences += r.sentencesText.slice(sentenceRunStart, sentenceStart);
        runStart = r.modelEnds[i];
        sentenceRunStart = r.sentenceEnds[i];
        lengthAt += paths;
        return;
      }
      this.seen.add(id);
      kept++;
      keptSentences += r.sentenceCounts[i];
      if (paths > 1) s.dagModels++;
      s.originals += paths;
      for (let k = 0; k < paths; k++) {
        const n = r.originalLengths[lengthAt++];
        this.lengths.set(n, (this.lengths.get(n) ?? 0) + 1);
        this.lengthSum += n;
      }
    });
    models += r.modelsText.slice(runStart);
    sentences += r.sentencesText.slice(sentenceRunStart);
    s.models += kept;
    s.sentences += keptSentences;
    this.models.write(models, kept);
    if (sentences) this.sentences.write(sentences, keptSentences);
  }

  finish(): GenerationManifest {
    const files: Record<string, FileEntry> = {
      'models.jsonl': this.models.close(),
      'sentences.txt': this.sentences.close(),
    };
    const vocab = vocabulary([this.opts.classes]);
    const vocabFile = new HashedFile(path.join(this.outDir, 'vocab.txt'));
    vocabFile.write(vocab.join('\n') + '\n', vocab.length);
    files['vocab.txt'] = vocabFile.close();
    const keys = [...this.lengths.keys()].sort((a, b) => a - b);
    const s = this.stats;
    const manifest: GenerationManifest = {
      format: MANIFEST_FORMAT,
      version: 1,
      seed: this.opts.seed,
      requested: this.opts.count,
      input: this.opts.input,
      classes: this.opts.classes,
      unkProb: this.opts.unkProb,
      unkCopies: this.opts.unkCopies,
      shardSize: this.opts.shardSize,
      shards: s.shards,
      models: s.models,
      dagModels: s.dagModels,
      sentences: s.sentences,
      originalSentences: s.originals,
      rejected: s.rejected,
      duplicates: s.duplicates,
      sentenceLength: {
        min: keys[0] ?? 0,
        max: keys[keys.length - 1] ?? 0,
        mean: s.originals ? Math.round((this.lengthSum / s.originals) * 100) / 100 : 0,
        histogram: Object.fromEntries(keys.map((k) => [String(k), this.lengths.get(k) as number])),
      },
      vocabSize: vocab.length,
      files,
    };
    fs.writeFileSync(path.join(this.outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  }
}

/** A run's options with their defaults filled in: what the manifest records and the shards are drawn with. */
export function runOptions(options: GenerateOptions) {
  return {
    seed: options.seed,
    count: options.count,
    input: options.input,
    classes: options.classes,
    unkProb: options.unkProb ?? 0.2,
    unkCopies: options.unkCopies ?? 2,
    shardSize: options.shardSize ?? SHARD_SIZE,
  };
}

/** Generates and writes a whole run, one shard at a time; `onShard` reports progress (models so far). */
export function writeGeneration(
  outDir: string,
  options: GenerateOptions,
  onShard?: (modelsDone: number, total: number) => void,
): GenerationManifest {
  const opts = runOptions(options);
  const writer = new GenerationWriter(outDir, opts);
  const counts = shardCounts(opts.count, opts.shardSize);
  // Regular shards, then top-up shards for models dropped as cross-shard duplicates (see generateShards).
  for (let shardIndex = 0; ; shardIndex++) {
    const count = shardIndex < counts.length ? counts[shardIndex] : writer.missing;
    if (count <= 0) break;
    if (shardIndex >= counts.length + MAX_TOP_UPS) throw new Error(topUpFailure(opts.count, writer.written));
    writer.addShard(generateShard({ ...opts, dagShare: options.dagShare, shardIndex, count }));
    onShard?.(writer.written, opts.count);
  }
  return writer.finish();
}
