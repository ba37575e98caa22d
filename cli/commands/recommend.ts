import type { Command } from 'commander';
import { RECOMMENDER_POINTER } from '../../activities/recommendation';
import { getJSON } from '../../infra/store';
import { similarityOfImages } from '../../src/ranker/stored-ranker';
import { Recommender, type RecommenderJSON } from '../../src/recommendation';
import { defineAction, intOption, UserError } from '../output';

export function register(program: Command): void {
  const cmd = program
    .command('recommend')
    .description(
      'rank (architecture, pre-training dataset, expected accuracy) for a folder, zip or dataset, from stored artifacts only',
    )
    .argument('<source>', 'folder of class folders, a .zip of one, or a dataset name')
    .option('--top <n>', 'how many recommendations', intOption('--top'), 5)
    .option('--samples <n>', 'images sampled for the similarity', intOption('--samples'), 512);
  defineAction(cmd, async (ctx, source: string) => {
    const t0 = performance.now();
    const store = ctx.store();
    if (!(await store.exists(RECOMMENDER_POINTER))) {
      throw new UserError(
        `no recommender in ${store.url} yet: run 'dlrec build --profile mini' (or 'npm start')`,
      );
    }
    const pointer = await getJSON<{ key: string }>(store, RECOMMENDER_POINTER);
    const recommender = Recommender.fromJSON(await getJSON<RecommenderJSON>(store, pointer.key));
    const sim = await similarityOfImages(store, source, { samples: ctx.opts.samples as number });
    const recommendations = recommender.recommend(sim.similarity, ctx.opts.top as number);
    const mostSimilar = Object.entries(sim.similarity)
      .sort((a, b) => b[1] - a[1])
      .map(([dataset, similarity]) => ({ dataset, similarity }));
    const seconds = Math.round(performance.now() - t0) / 1000;
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    const human = [
      `most similar: ${mostSimilar
        .slice(0, 3)
        .map((m) => `${m.dataset} ${pct(m.similarity)}`)
        .join(', ')} (family ${sim.family})`,
      ...recommendations.map(
        (r, i) =>
          `${i + 1}. ${r.model} ${r.sourceDataset ? `pre-trained on ${r.sourceDataset}` : 'from scratch'} → expected accuracy ${pct(r.predictedAccuracy)}`,
      ),
      `(${seconds} s)`,
    ].join('\n');
    return { data: { source, mostSimilar, family: sim.family, recommendations, seconds }, human };
  });
}
