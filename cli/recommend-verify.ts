/**
 * `dlrec recommend FOLDER --verify`: the user's images become a dataset in the store (a stratified 80/20 split,
 * fixed seed), and VerifyRecommendationsWorkflow fine-tunes the top recommendations on it with the build's own
 * recipe, so measured accuracy is printed beside predicted accuracy.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { campaignKeys } from '../activities/training-campaign';
import type { ModelRef } from '../activities/training';
import type { ArtifactStore } from '../infra/store';
import { addDataset } from '../src/datasets';
import { binomialStandardError } from '../src/evaluation/stats';
import { profile } from '../src/profiles';
import type { Recommendation } from '../src/recommendation';
import { VerifyRecommendationsWorkflow } from '../workflows';
import { CPU_QUEUE } from '../workflows/queues';
import type { VerifyItem } from '../workflows/verify';
import type { BuildRecord } from './build-record';
import { UserError, type CommandContext } from './output';
import { runWorkflow } from './run-workflow';
import { withTemporal } from './temporal-session';
import { jsonHash } from '../src/content-hash';

export const VERIFY_TEST_FRACTION = 0.2;

/** A stable store name for a folder: its base name (as a dataset name allows) and a hash of its full path. */
export function verifyDatasetName(source: string): string {
  const abs = path.resolve(source);
  const base = path
    .basename(abs)
    .replace(/\.zip$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 40);
  const tag = createHash('sha256').update(abs).digest('hex').slice(0, 8);
  return `verify-${base || 'images'}-${tag}`;
}

/** Where a recommended architecture's spec lives: the zoo, or the campaign plan the build drew it into. */
function modelRef(r: Recommendation, build: BuildRecord): ModelRef {
  if (!r.architecture.startsWith('generated:')) return { zoo: r.architecture };
  return {
    specKey: campaignKeys(build.sweep.campaignId).planModels,
    id: r.architecture.slice('generated:'.length),
  };
}

export async function verifyRecommendations(
  ctx: CommandContext,
  store: ArtifactStore,
  build: BuildRecord,
  source: string,
  recommendations: Recommendation[],
  opts: { similarity: Record<string, number>; add: boolean; worker: boolean },
) {
  if (!fs.existsSync(source))
    throw new UserError(
      `--verify fine-tunes on your labelled images: '${source}' is not a folder or zip (a repository dataset's results are already in the repository)`,
    );
  const dataset = verifyDatasetName(source);
  const manifest = await addDataset(store, dataset, source, {
    height: 32,
    width: 32,
    testFraction: VERIFY_TEST_FRACTION,
    seed: 0,
  });
  const classes = manifest.classNames.length;
  const train = manifest.splits.train.count;
  const test = manifest.splits.test.count;
  if (test < classes || train < 2 * classes)
    throw new UserError(
      `--verify needs enough images to train and to measure: ${train} train and ${test} test images for ${classes} classes; add images (at least 10 per class)`,
    );
  const p = profile(build.profile);
  const items: VerifyItem[] = recommendations.map((r) => ({
    architecture: r.architecture,
    model: modelRef(r, build),
    source: r.sourceDataset,
    predictedAccuracy: r.predictedAccuracy,
  }));
  const id = jsonHash([manifest.sha256, build.workflowId, build.createdAt, items, opts.add], 16);
  const out = await withTemporal({ store, worker: opts.worker }, (client) =>
    runWorkflow(ctx, client, VerifyRecommendationsWorkflow, {
      workflowId: `dlrec-verify-${id}`,
      taskQueue: CPU_QUEUE,
      args: [
        {
          dataset,
          items,
          sweep: p.sweep,
          derived: { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed },
          ...(opts.add ? { add: { similarity: opts.similarity, buildId: build.workflowId } } : {}),
        },
      ],
      label: 'verify',
    }),
  );
  const measured = out.items.map((it) => ({
    ...it,
    standardError: binomialStandardError(it.measuredAccuracy, it.testImages),
  }));
  return { ...out, items: measured, dataset, datasetSha: manifest.sha256, train, test };
}
