/**
 * `npm run bench -- recommend [--json] [--store DIR] [--images 512] [--repeat 3]`: what `dlrec recommend FOLDER`
 * does, in-process, excluding Node's start-up: load the stored recommender and ranker, read a folder of 32×32
 * PNG images, compute the similarity vector and rank every (architecture, pre-training dataset) option.
 * It needs a built repository (`npm start`, or `dlrec build --profile smoke`) in the store: default
 * $DLREC_HOME/artifacts. Target: ≤ 0.5 s. `coldSeconds` is the first call in the process (what a one-shot
 * `dlrec recommend` pays, less Node's start-up); `bestSeconds` the best of the repeats (a process that loaded
 * once: warm code, warm feature threads). The feature threads start when the bench does, as `dlrec recommend`
 * starts them before it loads its modules. `oneShot`: the shell's view (a child `dlrec recommend`), with
 * start-up (`--help`) beside it, when the store holds a build record.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { BUILD_POINTER, RECOMMENDER_POINTER } from '../activities/recommendation';
import { dlrecHome } from '../infra/paths';
import { FileArtifactStore, getJSON } from '../infra/store';
import { loadDataset } from '../src/datasets';
import { startQueryThreads } from '../src/ranker/query-threads';
import { similarityOfImages } from '../src/ranker/stored-ranker';
import { Recommender, type RecommenderJSON } from '../src/recommendation';

const opt = (args: string[], name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};

export async function run(args: string[]): Promise<Record<string, unknown>> {
  // As `dlrec recommend` does before it loads its modules (cli/prestart.ts).
  startQueryThreads();
  const store = new FileArtifactStore(opt(args, 'store', path.join(dlrecHome(), 'artifacts')));
  if (!(await store.exists(RECOMMENDER_POINTER))) {
    throw new Error(
      `no built repository in ${store.url}: run 'npm start' (or 'dlrec build --profile smoke') first, or pass --store`,
    );
  }
  const images = Number(opt(args, 'images', '512'));
  const repeat = Number(opt(args, 'repeat', '3'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-bench-recommend-'));
  const set = await loadDataset(store, 'colour-digits', 'test');
  const per = set.height * set.width * set.channels;
  for (let i = 0; i < Math.min(images, set.count); i++) {
    const cls = path.join(dir, set.classNames[set.labels[i]]);
    fs.mkdirSync(cls, { recursive: true });
    await sharp(Buffer.from(set.images.subarray(i * per, (i + 1) * per)), {
      raw: { width: set.width, height: set.height, channels: set.channels as 1 | 3 },
    })
      .resize(32, 32)
      .png()
      .toFile(path.join(cls, `${i}.png`));
  }
  const once = async () => {
    const t0 = performance.now();
    const pointer = await getJSON<{ key: string }>(store, RECOMMENDER_POINTER);
    const rec = Recommender.fromJSON(await getJSON<RecommenderJSON>(store, pointer.key));
    const sim = await similarityOfImages(store, dir);
    const top = rec.recommend(sim.similarity, 5);
    return { seconds: (performance.now() - t0) / 1000, top: top[0], similarity: sim.timings };
  };
  const cold = await once();
  let best = cold.seconds;
  for (let i = 0; i < repeat; i++) best = Math.min(best, (await once()).seconds);
  const oneShot = (await store.exists(BUILD_POINTER)) ? shellTimes(store.url, dir, repeat) : null;
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    images,
    coldSeconds: cold.seconds,
    bestSeconds: best,
    targetSeconds: 0.5,
    oneShot,
    similarityTimings: cold.similarity,
    top1: cold.top,
  };
}

/**
 * A one-shot `dlrec recommend` from the shell, Node's start-up and module loading included (best of
 * `repeat`), and `dlrec recommend --help` (start-up and the command's modules, no work) beside it.
 */
function shellTimes(storeUrl: string, dir: string, repeat: number) {
  const cli = path.join(__dirname, '..', 'bin', 'dlrec.js');
  const wall = (args: string[]) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [cli, '--json', '--store', storeUrl, 'recommend', ...args], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`dlrec recommend ${args.join(' ')} failed: ${r.stderr}`);
    return (performance.now() - t0) / 1000;
  };
  let best = Infinity;
  let startup = Infinity;
  for (let i = 0; i < Math.max(1, repeat); i++) {
    best = Math.min(best, wall([dir]));
    startup = Math.min(startup, wall(['--help']));
  }
  return { bestSeconds: best, startupSeconds: startup };
}
