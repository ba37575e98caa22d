import type { Command } from 'commander';
import { getJSON } from '../../infra/store';
import type { ImageCounts } from '../../src/datasets/folder';
import { similarityOfImages } from '../../src/ranker/stored-ranker';
import {
  confidenceWarnings,
  Recommender,
  SOURCE_TOLERANCE,
  type Recommendation,
  type RecommenderJSON,
} from '../../src/recommendation';
import { buildLabel, selectBuild } from '../build-record';
import { defineAction, intOption, UsageError } from '../output';
import type * as RecommendVerify from '../recommend-verify';
import { exportArchitectures, recommendDetails, type ArchitectureInfo } from '../recommend-details';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
/** 62006 → `62.0 k`, 1.3e9 → `1.30 G`: sizes people compare at a glance. */
const si = (v: number) =>
  v >= 1e9
    ? `${(v / 1e9).toFixed(2)} G`
    : v >= 1e6
      ? `${(v / 1e6).toFixed(2)} M`
      : `${(v / 1e3).toFixed(1)} k`;

function imagesLine(images: ImageCounts, classes: number): string {
  const reasons = Object.entries(images.skippedReasons).map(([why, n]) => `${n} ${why}`);
  const skipped = images.skipped ? `, ${images.skipped} skipped (${reasons.join(', ')})` : ', none skipped';
  return `images: ${images.read} read${skipped}; ${classes} classes (chance ${pct(1 / classes)})`;
}

function sourceLine(r: Recommendation): string {
  const names = r.sources.map((s) => s.dataset ?? 'from scratch');
  if (!r.sourceMatters) return `pre-training source: any (no measurable difference: ${names.join(', ')})`;
  const first = r.sourceDataset ? `pre-trained on ${r.sourceDataset}` : 'from scratch';
  const within = `within ${(100 * SOURCE_TOLERANCE).toFixed(1)} points`;
  return names.length > 1 ? `${first} (or ${names.slice(1).join(', ')}: ${within})` : first;
}

function recommendationLines(r: Recommendation, a: ArchitectureInfo, i: number): string[] {
  const depth = a.depth === null ? '' : `${a.depth} weight layers, `;
  return [
    `${i + 1}. ${a.description} [${a.name}]`,
    `   ${depth}${si(a.params)} params, ${si(a.flops)}FLOPs; ${sourceLine(r)} → expected accuracy ${pct(r.predictedAccuracy)}`,
    ...r.notes.map((n) => `   note: ${n}`),
  ];
}

function verifyLines(
  v: Awaited<ReturnType<typeof RecommendVerify.verifyRecommendations>>,
  archs: ArchitectureInfo[],
): string[] {
  const lines = [
    `verify: trained on ${v.dataset} (${v.train} train / ${v.test} test images, the repository's recipe; pre-trained options fine-tuned from its weights):`,
  ];
  v.items.forEach((it, i) => {
    const from = it.source ? `pre-trained on ${it.source}` : 'from scratch';
    lines.push(
      `  ${i + 1}. ${archs[i]?.name ?? it.architecture} ${from}: predicted ${pct(it.predictedAccuracy)}, measured ${pct(it.measuredAccuracy)} ± ${(100 * it.standardError).toFixed(1)}`,
    );
  });
  if (v.addedKey)
    lines.push(`added to the repository (${v.addedKey}): the next build learns from these results`);
  return lines;
}

export function register(program: Command): void {
  const cmd = program
    .command('recommend')
    .description(
      'rank (architecture, pre-training dataset, expected accuracy) for a folder, zip or dataset, from stored artifacts only',
    )
    .argument('<source>', 'folder of class folders, a .zip of one, or a dataset name')
    .option('--top <n>', 'how many architectures', intOption('--top'), 5)
    .option('--samples <n>', 'images sampled for the similarity', intOption('--samples'), 512)
    .option('--export <dir>', "write each recommended architecture's Keras/TF.js JSON and dlrec spec here")
    .option('--build <id>', 'answer from this build (its workflow id; default: the last one finished)')
    .option(
      '--verify',
      'fine-tune each of the top recommendations on your images (80/20 split) and print measured beside predicted accuracy',
    )
    .option(
      '--add',
      'with --verify: add the measured results to the repository (the next build learns from them)',
    )
    .option('--no-worker', 'with --verify: rely on external workers');
  defineAction(cmd, async (ctx, source: string) => {
    const t0 = performance.now();
    const store = ctx.store();
    const build = await selectBuild(store, ctx.opts.build as string | undefined);
    const recommender = Recommender.fromJSON(await getJSON<RecommenderJSON>(store, build.recommenderKey));
    const sim = await similarityOfImages(store, source, {
      samples: ctx.opts.samples as number,
      // The build's own ranker (older build records name none: the store's current one).
      ranker: build.ranker,
    });
    const { classes, images } = sim;
    const top = recommender.recommend(sim.similarity, ctx.opts.top as number, { classes });
    const details = await recommendDetails(store, build, top, classes);
    const recommendations = top.map((r, i) => ({ ...r, arch: details.architectures[i] }));
    const warnings = confidenceWarnings(sim, details.table);
    const exported = ctx.opts.export
      ? await exportArchitectures(String(ctx.opts.export), details.architectures, details.specs)
      : undefined;
    const mostSimilar = Object.entries(sim.similarity)
      .sort((a, b) => b[1] - a[1])
      .map(([dataset, similarity]) => ({ dataset, similarity }));
    if (ctx.opts.add && !ctx.opts.verify) throw new UsageError('--add needs --verify');
    // required here: --verify brings Temporal, the worker and every activity (TF.js among them), a second
    // of start-up that a plain recommendation need not pay.
    const verified = ctx.opts.verify
      ? await (require('../recommend-verify') as typeof RecommendVerify).verifyRecommendations(
          ctx,
          store,
          build,
          source,
          top,
          {
            similarity: sim.similarity,
            add: Boolean(ctx.opts.add),
            worker: ctx.opts.worker !== false,
          },
        )
      : undefined;
    const seconds = Math.round(performance.now() - t0) / 1000;
    const human = [
      `build: ${buildLabel(build)}; regressor: ${recommender.regressorKind}`,
      imagesLine(images, classes),
      `most similar: ${mostSimilar
        .slice(0, 3)
        .map((m) => `${m.dataset} ${pct(m.similarity)}`)
        .join(', ')} (family ${sim.family})`,
      ...warnings.map((w) => `WARNING (${w.code}): ${w.message}`),
      ...recommendations.flatMap((r, i) => recommendationLines(r, r.arch, i)),
      ...(exported ? [`exported ${exported.length} architectures to ${String(ctx.opts.export)}`] : []),
      ...(verified ? verifyLines(verified, details.architectures) : []),
      `(${seconds} s)`,
    ].join('\n');
    const data = {
      build: { id: build.workflowId, profile: build.profile, createdAt: build.createdAt },
      regressor: recommender.regressorKind,
      source,
      images,
      classes,
      mostSimilar,
      family: sim.family,
      warnings,
      recommendations: recommendations.map((r, i) => ({
        ...r,
        ...(verified
          ? {
              source: r.sourceDataset,
              measuredAccuracy: verified.items[i].measuredAccuracy,
              measuredStandardError: verified.items[i].standardError,
            }
          : {}),
      })),
      ...(verified ? { verify: verified } : {}),
    };
    return { data: { ...data, ...(exported ? { exported } : {}), seconds }, human };
  });
}
