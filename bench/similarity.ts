/**
 * `npm run bench -- similarity [--json] [--profile mini|smoke|paper] [--images 512] [--repeat 3] [--store DIR]`:
 * what `dlrec similarity FOLDER` does, in-process and end to end excluding Node's start-up: load the trained
 * ranker from the store, read a folder of `images` 32×32 PNG files (colour-digits test images written with sharp
 * into class sub-folders), sample, extract the four features, and let all members vote. The first (cold) call
 * is the one a CLI user waits for; `best` is the warm best of `repeat` more. Target: ≤ 1.5 s.
 *
 * The ranker is trained once into a temporary store (or `--store DIR`, reused when it already holds one) by the
 * same activities TrainRankerWorkflow runs, with the build profile's ranker settings (`--profile`, default
 * mini).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { rankerActivities } from '../activities/ranker';
import { FileArtifactStore, getJSON, type ArtifactStore } from '../infra/store';
import { loadDataset } from '../src/datasets';
import { profile as buildProfile, PROFILES } from '../src/profiles';
import {
  CURRENT_RANKER_KEY,
  similarityOfImages,
  type CurrentRanker,
  type ImageSimilarity,
} from '../src/ranker';
import { intOption, stringOption } from './options';

const BUDGET_SECONDS = 1.5;

async function trainRanker(store: ArtifactStore, profileName: string): Promise<number> {
  const t0 = performance.now();
  const p = buildProfile(profileName);
  const act = rankerActivities({ store });
  const derived = { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed };
  const names = PROFILES.mini.datasets.names; // the offline repository
  const metas = await Promise.all(
    names.map((name) =>
      act.computeDatasetFeatures({ name, samples: p.ranker.samples, seed: p.ranker.seed, derived }),
    ),
  );
  const features = metas.map((m) => m.key);
  const members = [];
  for (const kind of ['gist', 'daisy', 'lbp', 'hog'] as const)
    for (const classifier of p.ranker.classifiers)
      members.push((await act.fitRankerMember({ kind, classifier, features, profile: p.ranker })).key);
  await act.assembleRanker({ features, members, profile: p.ranker });
  return (performance.now() - t0) / 1000;
}

/** `count` colour-digits test images as 32×32 RGB PNGs in class sub-folders. */
async function writePngFolder(store: ArtifactStore, dir: string, count: number): Promise<void> {
  const set = await loadDataset(store, 'colour-digits', 'test');
  const per = set.height * set.width * set.channels;
  for (let i = 0; i < count; i++) {
    const k = i % set.count;
    const cls = path.join(dir, set.classNames[set.labels[k]]);
    fs.mkdirSync(cls, { recursive: true });
    await sharp(Buffer.from(set.images.subarray(k * per, (k + 1) * per)), {
      raw: { width: set.width, height: set.height, channels: set.channels as 3 },
    })
      .png()
      .toFile(path.join(cls, `${i}.png`));
  }
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const profileName = stringOption(args, 'profile') ?? 'mini';
  const count = intOption(args, 'images', 512);
  const repeat = intOption(args, 'repeat', 3);
  const given = stringOption(args, 'store');
  const root = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-bench-similarity-'));
  const store = new FileArtifactStore(path.join(root, 'store'));
  try {
    const trainSeconds = (await store.exists(CURRENT_RANKER_KEY))
      ? null
      : await trainRanker(store, profileName);
    const folder = path.join(root, `png-${count}`);
    if (!fs.existsSync(folder)) await writePngFolder(store, folder, count);
    const runs: ImageSimilarity[] = [];
    for (let i = 0; i <= repeat; i++) runs.push(await similarityOfImages(store, folder, { samples: count }));
    const [cold, ...warm] = runs;
    const best = warm.reduce((a, b) => (b.seconds < a.seconds ? b : a), cold);
    const current = await getJSON<CurrentRanker>(store, CURRENT_RANKER_KEY);
    const rankerBytes = (await store.head(current.key))!.size;
    return {
      images: count,
      profile: profileName,
      members: cold.members.length,
      rankerMB: Math.round(rankerBytes / 1e5) / 10,
      trainSeconds: trainSeconds === null ? null : Math.round(trainSeconds * 10) / 10,
      mostSimilar: cold.mostSimilar,
      family: cold.family,
      similarity: cold.similarity,
      cold: { seconds: cold.seconds, ...cold.timings },
      best: { seconds: best.seconds, ...best.timings },
      budgetSeconds: BUDGET_SECONDS,
      withinBudget: cold.seconds <= BUDGET_SECONDS,
      cpus: os.cpus().length,
      loadAverage: os.loadavg()[0],
    };
  } finally {
    if (!given) fs.rmSync(root, { recursive: true, force: true });
  }
}
