/**
 * scoreTransferability (GPU queue): LogME and LEEP for every campaign result, from forward passes only.
 * For a fine-tuned result (architecture A on target t, pre-trained on s) the model is A trained from scratch on
 * s; for a from-scratch result it is A at its seeded random initialisation (what training starts from).
 * Either way the features are of t's sampled test images with t's labels, so the scores exist for an unseen
 * dataset without training anything.
 *
 * Store: transferability/<hash>.json ({ samples, scores: { pairId: { logme, leep } } }), written last;
 * transferability/<hash>.partial.json holds the scores so far, so a retry continues where it stopped.
 */
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { parseSpec, withClasses, type ArchitectureSpec } from '../src/arch';
import type { TransferabilityScores } from '../src/transferability';
import { withHeartbeats, type ActivityDeps } from './context';
import type { TransferabilityJob } from './thread-tasks';
import { runTask } from './threads';
import { readResults } from './recommendation';
import { manifestOf, preparedSplit, type DerivedVersion } from './training';

export interface ScoreTransferabilityInput {
  resultsKey: string;
  /** The campaign's models.jsonl ({ id, spec } at 10 classes). */
  modelsKey: string;
  derived?: DerivedVersion;
  /** Target test images per dataset (seeded sample). */
  samples: number;
  seed: number;
}

export type { TransferabilityFile } from '../src/transferability';
import type { TransferabilityFile } from '../src/transferability';
import { jsonHash } from '../src/content-hash';
import { transferabilityKeys } from '../src/store-layout';

const trainedWeightsBin = (modelJsonKey: string) => modelJsonKey.replace(/model\.json$/, 'weights.bin');

export async function readTransferability(store: ArtifactStore, key: string): Promise<TransferabilityFile> {
  return getJSON<TransferabilityFile>(store, key);
}

export function transferabilityActivities({ store }: ActivityDeps) {
  return {
    async scoreTransferability(input: ScoreTransferabilityInput): Promise<{ key: string; scored: number }> {
      const { scores: key, partial: partialKey } = transferabilityKeys(
        jsonHash(['dlrec.transferability/1', input], 24),
      );
      if (await store.exists(key)) {
        return { key, scored: Object.keys((await readTransferability(store, key)).scores).length };
      }
      // TensorFlow.js loads and the forward passes run on a pooled thread (activities/threads.ts): on this one
      // they would hold the worker's event loop — heartbeats, polling, the other activities — for seconds.
      const { channelStats } = require('../src/training/batches') as typeof import('../src/training/batches');
      const results = await readResults(store, input.resultsKey);
      const specs = new Map<string, ArchitectureSpec>(
        (await store.get(input.modelsKey))
          .toString('utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as { id: string; spec: unknown })
          .map((m) => [m.id, parseSpec(m.spec)]),
      );
      const scratch = new Map(
        results.filter((r) => r.source === null).map((r) => [`${r.modelId}|${r.dataset}`, r]),
      );
      const scores: Record<string, TransferabilityScores> = (await store.exists(partialKey))
        ? (await getJSON<TransferabilityFile>(store, partialKey)).scores
        : {};
      const progress = (inBatch = 0) => ({
        scored: Object.keys(scores).length + inBatch,
        total: results.length,
      });
      await withHeartbeats(progress(), async (report) => {
        for (const dataset of [...new Set(results.map((r) => r.dataset))]) {
          const todo = results.filter((r) => r.dataset === dataset && !scores[r.pairId]);
          if (todo.length === 0) continue;
          const manifest = await manifestOf(store, dataset, input.derived);
          const images = await preparedSplit(store, manifest, 'test', input.samples, input.seed);
          const ownStats = channelStats(
            images,
            Uint32Array.from({ length: images.count }, (_, i) => i),
          );
          const { classNames: _names, ...imageData } = images;
          // Ten models a task: the partial file is written after each, so a retry loses at most ten.
          for (let i = 0; i < todo.length; i += 10) {
            const jobs: TransferabilityJob[] = [];
            for (const r of todo.slice(i, i + 10)) {
              if (r.source === null) {
                const spec = specs.get(r.modelId);
                if (!spec)
                  throw new Error(`model ${r.modelId} is not in ${input.modelsKey}: re-run the sweep`);
                const classes = manifest.classNames.length;
                jobs.push({
                  pairId: r.pairId,
                  norm: ownStats,
                  spec: withClasses(spec, classes),
                  seed: input.seed,
                });
                continue;
              }
              const pre = scratch.get(`${r.modelId}|${r.source}`);
              if (!pre?.weightsKey) {
                throw new Error(`no from-scratch weights of ${r.modelName} on ${r.source}: re-run the sweep`);
              }
              const modelJson = await getJSON<Record<string, unknown>>(store, pre.weightsKey);
              const meta = (modelJson.userDefinedMetadata as { dlrec?: { mean: number[]; std: number[] } })
                ?.dlrec;
              jobs.push({
                pairId: r.pairId,
                norm: meta?.mean?.length ? meta : ownStats,
                modelJson,
                weightsBin: new Uint8Array(await store.get(trainedWeightsBin(pre.weightsKey))),
              });
            }
            Object.assign(
              scores,
              await runTask('scoreTransferability', { images: imageData, jobs }, (e) =>
                report(progress(e.scored)),
              ),
            );
            await putJSON(store, partialKey, {
              format: 'dlrec.transferability',
              samples: input.samples,
              scores,
            });
          }
        }
      });
      const file: TransferabilityFile = { format: 'dlrec.transferability', samples: input.samples, scores };
      await putJSON(store, key, file);
      if (await store.exists(partialKey)) await store.delete(partialKey);
      return { key, scored: Object.keys(scores).length };
    },
  };
}
