import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GenerationWriter, type GenerationManifest } from '../src/arch/generation-files';
import { generateShard, SHARD_SIZE, type GenerateOptions, type ShardResult } from '../src/arch/generator';
import { getJSON, putJSON } from '../infra/store';
import { heartbeater, type ActivityDeps } from './context';
import type { GenerationProfile } from '../src/profiles';
import { generationKeys } from '../src/store-layout';

/** The generation stage's options: the build profile's generation section. */
export type GenerationRunOptions = GenerationProfile;

export const GENERATION_FILES = ['models.jsonl', 'sentences.txt', 'vocab.txt', 'manifest.json'] as const;

/** The run's key: a hash of its options, so the same arguments always land on the same artifacts. */
export function generationRunKey(o: GenerationRunOptions): string {
  const canonical = JSON.stringify([
    o.seed,
    o.count,
    o.input,
    o.classes,
    o.unkProb,
    o.unkCopies,
    o.shardSize,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const shardKey = (run: string, i: number) => generationKeys(run).shard(i);

export function generationActivities({ store }: ActivityDeps) {
  return {
    /** One shard, stored as JSON; a shard already stored is not regenerated. */
    async generateModelsShard(input: { options: GenerationRunOptions; shardIndex: number; count: number }) {
      const run = generationRunKey(input.options);
      const key = shardKey(run, input.shardIndex);
      if (!(await store.exists(key))) {
        const shard = generateShard({ ...input.options, shardIndex: input.shardIndex, count: input.count });
        await putJSON(store, key, shard);
      }
      return { shardIndex: input.shardIndex, key };
    },

    /**
     * Merges shards 0..shards-1 in index order, dropping cross-shard duplicates exactly as the CLI's
     * writer does. Returns how many models are still missing (the workflow then adds top-up shards);
     * once complete, uploads models.jsonl, sentences.txt, vocab.txt and manifest.json.
     */
    async mergeGeneration(input: { options: GenerationRunOptions; shards: number }): Promise<{
      missing: number;
      manifest?: GenerationManifest;
      prefix: string;
    }> {
      const run = generationRunKey(input.options);
      const { prefix } = generationKeys(run);
      if (await store.exists(`${prefix}/manifest.json`)) {
        return {
          missing: 0,
          manifest: await getJSON<GenerationManifest>(store, `${prefix}/manifest.json`),
          prefix,
        };
      }
      const beat = heartbeater();
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dlrec-merge-'));
      try {
        const writer = new GenerationWriter(dir, {
          ...input.options,
          shardSize: input.options.shardSize ?? SHARD_SIZE,
        });
        for (let i = 0; i < input.shards; i++) {
          writer.addShard(await getJSON<ShardResult>(store, shardKey(run, i)));
          beat({ merged: i + 1 });
        }
        if (writer.missing > 0) return { missing: writer.missing, prefix };
        const manifest = writer.finish();
        // manifest.json last: its presence marks the run complete.
        for (const f of GENERATION_FILES) {
          await store.putStream(`${prefix}/${f}`, (await fs.open(path.join(dir, f))).createReadStream());
        }
        return { missing: 0, manifest, prefix };
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export type { GenerateOptions };
