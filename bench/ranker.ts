/**
 * `npm run bench -- ranker [--json] [--profile mini] [--datasets 5] [--per-dataset 500] [--samples 512]
 *  [--threads <cores>] [--compare-gbt]`: seconds to train every (feature kind × classifier) member of the dataset similarity
 * ranker on a synthetic repository with the real feature widths of 32×32 images (gist 512, daisy 224, lbp 18,
 * hog 324), and to score `samples` images with all members (target: well under 1 s, the CLI's budget is 1.5 s
 * including feature extraction). Members fit on `threads` worker threads at once, as the platform fits them;
 * scikit-learn gets as many jobs. With `--profile paper` and the reference venv, scikit-learn fits the same
 * shapes in the same run (`fitRatio`; `--no-reference` skips it). `--compare-gbt` also times the gradient-boosting
 * candidates (ml-xgboost, boosting over ml-cart, our histogram trees) and the random forests (ml-random-forest,
 * our histogram forest) on one member-sized problem; see src/ml/README.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { takeRows, type FeatureMatrix } from '../src/ml/classifiers/matrix';
import { seededRandom } from '../src/random';
import { DatasetSimilarityRanker } from '../src/ranker/ranker';
import { stackTrainingData, type DatasetFeatures } from '../src/ranker/leaveOneOut';
import { holdOutSplit, type LabelledFeatures, type MemberJSON } from '../src/ranker/member';
import { fitMemberInThread } from '../src/ranker/member-thread';
import { GradientBoostedTrees } from '../src/ml/classifiers/gradient-boosting';
import { RandomForest } from '../src/ml/classifiers/random-forest';
import { CLASSIFIER_NAMES, PROFILE_NAMES, type ProfileName } from '../src/ranker/profiles';
import { ratio, runReference } from './reference';
import { intOption } from './options';

const FEATURE_DIMS: Record<string, number> = { gist: 512, daisy: 224, lbp: 18, hog: 324 };

/** Datasets whose features scatter (strongly: neighbours overlap) around a dataset-specific non-negative mean. */
function syntheticRepository(datasets: number, perDataset: number, seed: number): DatasetFeatures[] {
  const rng = seededRandom(seed);
  const means = Array.from({ length: datasets }, () =>
    Object.fromEntries(
      Object.entries(FEATURE_DIMS).map(([k, d]) => [k, Float32Array.from({ length: d }, () => rng())]),
    ),
  );
  return means.map((m, di) => ({ name: `dataset-${di}`, features: sample(m, perDataset, rng) }));
}

function sample(
  means: Record<string, Float32Array>,
  n: number,
  rng: () => number,
): Record<string, FeatureMatrix> {
  return Object.fromEntries(
    Object.entries(means).map(([kind, mu]) => {
      const d = mu.length;
      const X = new Float32Array(n * d);
      for (let i = 0; i < n * d; i++) X[i] = mu[i % d] * 0.5 + rng() * 1.5;
      return [kind, { X, n, d }];
    }),
  );
}

const seconds = (t0: number): number => Math.round((performance.now() - t0) * 1e1) / 1e4;

async function compareGradientBoosting(rows: number, d: number, k: number): Promise<Record<string, unknown>> {
  const rng = seededRandom(11);
  const means = Array.from({ length: k }, () => Float32Array.from({ length: d }, () => rng()));
  const X = new Float32Array(rows * d);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    y[i] = i % k;
    for (let j = 0; j < d; j++) X[i * d + j] = means[y[i]][j] * 0.3 + rng();
  }
  const m = Math.floor(rows * 0.8);
  const arrays = Array.from({ length: rows }, (_, i) => Array.from(X.subarray(i * d, i * d + d)));
  const acc = (pred: ArrayLike<number>): number => {
    let ok = 0;
    for (let i = m; i < rows; i++) ok += pred[i - m] === y[i] ? 1 : 0;
    return ok / (rows - m);
  };
  const rounds = 20;
  const out: Record<string, unknown> = { rows, d, classes: k, rounds, maxDepth: 3 };
  let t0 = performance.now();
  const ours = new GradientBoostedTrees({ nRounds: rounds, maxDepth: 3, learningRate: 0.3 }).fit(
    X.subarray(0, m * d),
    m,
    d,
    y.subarray(0, m),
    k,
  );
  const oursFit = seconds(t0);
  t0 = performance.now();
  out.histogramTrees = {
    fitSeconds: oursFit,
    accuracy: acc(ours.predict(X.subarray(m * d), rows - m, d)),
    predictSeconds: seconds(t0),
  };
  // ml-xgboost: emscripten build of xgboost 0.7 (exact greedy splits); loads asynchronously, logs to stdout.
  const XGBoost = await (require('ml-xgboost') as Promise<
    new (o: object) => {
      train(x: number[][], y: number[]): void;
      predict(x: number[][]): number[];
      free(): void;
    }
  >);
  t0 = performance.now();
  const xgb = new XGBoost({
    objective: 'multi:softmax',
    max_depth: 3,
    eta: 0.3,
    subsample: 1,
    iterations: rounds,
  });
  xgb.train(arrays.slice(0, m), Array.from(y.subarray(0, m)));
  const xgbFit = seconds(t0);
  t0 = performance.now();
  out.mlXgboost = {
    fitSeconds: xgbFit,
    accuracy: acc(xgb.predict(arrays.slice(m))),
    predictSeconds: seconds(t0),
  };
  xgb.free();
  // boosting over ml-cart: one regression tree fit is already O(n²·d); time a single tree on a subset.
  const { DecisionTreeRegression } = require('ml-cart') as {
    DecisionTreeRegression: new (o: object) => { train(x: number[][], y: number[]): void };
  };
  const sub = 300;
  t0 = performance.now();
  new DecisionTreeRegression({ maxDepth: 3 }).train(
    arrays.slice(0, sub),
    Array.from(y.subarray(0, sub), (c) => (c === 0 ? 0.8 : -0.2) + rng() * 0.01),
  );
  const oneTree = seconds(t0);
  out.mlCart = {
    oneTreeSeconds: oneTree,
    oneTreeRows: sub,
    note: `${rounds}×${k} trees at ${sub} rows ≈ ${Math.round(oneTree * rounds * k)} s; cost grows with rows²`,
  };
  // Random forests on the same problem: ml-random-forest (ml-cart trees) against the histogram forest, 5 trees of
  // depth 25 on 5 % of the features (src/ml/README.md's measurement).
  const { RandomForestClassifier } = require('ml-random-forest') as {
    RandomForestClassifier: new (o: object) => {
      train(x: number[][], y: number[]): void;
      predict(x: number[][]): number[];
    };
  };
  const trees = 5;
  t0 = performance.now();
  const mlForest = new RandomForestClassifier({
    nEstimators: trees,
    maxFeatures: 0.05,
    seed: 1,
    treeOptions: { maxDepth: 25 },
    noOOB: true, // with 5 trees some rows are in every bootstrap: its out-of-bag vote throws on them
  });
  mlForest.train(arrays.slice(0, m), Array.from(y.subarray(0, m)));
  out.mlRandomForest = { trees, fitSeconds: seconds(t0), accuracy: acc(mlForest.predict(arrays.slice(m))) };
  t0 = performance.now();
  const forest = new RandomForest({ nEstimators: trees, maxFeatures: Math.round(0.05 * d), seed: 1 });
  forest.fit(X.subarray(0, m * d), m, d, y.subarray(0, m), k);
  out.histogramForest = {
    trees,
    fitSeconds: seconds(t0),
    accuracy: acc(forest.predict(X.subarray(m * d), rows - m, d)),
  };
  return out;
}

// Classifiers by fit cost at the paper's settings, dearest first (the member queue starts with them).
const COST_ORDER = ['gradient-boosting', 'mlp', 'random-forest', 'linear-svm', 'naive-bayes'];

/**
 * Every member fitted as the platform fits them (a worker thread each, `threads` at a time), the widest and
 * dearest first so the last to finish are short; threads = 1 fits them in order on this thread.
 */
async function fitOnThreads(
  data: Record<string, LabelledFeatures>,
  names: string[],
  profile: ProfileName,
  threads: number,
): Promise<DatasetSimilarityRanker> {
  const options = { profile, holdOut: 0.2 };
  if (threads <= 1) return new DatasetSimilarityRanker().fit(data, names, options);
  const jobs = Object.keys(data)
    .flatMap((kind) => CLASSIFIER_NAMES.map((classifier) => ({ kind, classifier })))
    .sort(
      (a, b) =>
        data[b.kind].d * (5 - COST_ORDER.indexOf(b.classifier)) -
        data[a.kind].d * (5 - COST_ORDER.indexOf(a.classifier)),
    );
  const members: MemberJSON[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const { kind, classifier } = jobs[next++];
      members.push(
        await fitMemberInThread(kind, classifier, data[kind], { ...options, numClasses: names.length }),
      );
    }
  };
  await Promise.all(Array.from({ length: threads }, lane));
  const order = (m: MemberJSON) =>
    Object.keys(data).indexOf(m.kind) * 10 + CLASSIFIER_NAMES.indexOf(m.classifier);
  return DatasetSimilarityRanker.fromMembers(
    names,
    members.sort((a, b) => order(a) - order(b)),
  );
}

/**
 * The rows every member fits on (fitMember's stratified hold-out split, same seed) and the probe, as raw float32
 * files for the scikit-learn reference: both tools fit the same data.
 */
function writeReferenceData(
  data: Record<string, LabelledFeatures>,
  numClasses: number,
  probe: Record<string, FeatureMatrix>,
): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-bench-ranker-'));
  const kinds = Object.keys(FEATURE_DIMS);
  const y = Int32Array.from(data[kinds[0]].y);
  const { train } = holdOutSplit(y, numClasses, 0.2, 1);
  kinds.forEach((kind, i) => {
    const { X, d } = data[kind];
    fs.writeFileSync(path.join(dir, `X${i}.f32`), takeRows(X, d, train));
    fs.writeFileSync(path.join(dir, `Q${i}.f32`), probe[kind].X);
  });
  fs.writeFileSync(
    path.join(dir, 'y.i32'),
    Int32Array.from(train, (r) => y[r]),
  );
  const meta = { dims: kinds.map((k) => data[k].d), rows: train.length, probeRows: probe[kinds[0]].n };
  fs.writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta));
  return dir;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const pi = args.indexOf('--profile');
  const profile = (pi >= 0 ? args[pi + 1] : 'mini') as ProfileName;
  if (!PROFILE_NAMES.includes(profile))
    throw new Error(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
  const datasets = intOption(args, 'datasets', 5);
  const perDataset = intOption(args, 'per-dataset', 500);
  const samples = intOption(args, 'samples', 512);
  const repo = syntheticRepository(datasets, perDataset, 1);
  const names = repo.map((d) => d.name);
  const threads = intOption(args, 'threads', os.cpus().length);
  let t0 = performance.now();
  const ranker = await fitOnThreads(stackTrainingData(repo), names, profile, threads);
  const fitSeconds = seconds(t0);
  const json = JSON.stringify(ranker.toJSON());
  t0 = performance.now();
  const loaded = DatasetSimilarityRanker.fromJSON(JSON.parse(json));
  const loadSeconds = seconds(t0);
  // the sample: fresh draws around dataset 0's means
  const probe = syntheticRepository(datasets, samples, 1)[0].features;
  loaded.similarity(probe); // warm-up (JIT)
  t0 = performance.now();
  const sim = loaded.similarity(probe);
  const predictSeconds = seconds(t0);
  const perMember: Record<string, number> = {};
  for (const m of loaded.members) {
    const f = probe[m.kind];
    const t = performance.now();
    m.model.predict(f.X, f.n, f.d);
    perMember[`${m.kind}/${m.classifier}`] = seconds(t);
  }
  const result: Record<string, unknown> = {
    profile,
    threads,
    datasets,
    rowsPerDataset: perDataset,
    featureDims: FEATURE_DIMS,
    members: ranker.members.map((m) => ({
      member: `${m.kind}/${m.classifier}`,
      fitSeconds: Math.round(m.json.fitSeconds * 1e3) / 1e3,
      heldOutAccuracy: m.heldOutAccuracy,
    })),
    fitSeconds,
    modelMegabytes: Math.round(json.length / 1e4) / 1e2,
    loadSeconds,
    samples,
    predictSeconds,
    predictSecondsPerMember: perMember,
    mostSimilar: sim.mostSimilar,
    similarityOfTrueDataset: sim.similarity[names[0]],
  };
  // Per classifier, summed over the feature kinds (one member each), as scikit-learn's reference reports them.
  const classifiers: Record<string, { fitSeconds: number }> = {};
  for (const m of ranker.members) {
    const c = (classifiers[m.classifier] ??= { fitSeconds: 0 });
    c.fitSeconds = Math.round((c.fitSeconds + m.json.fitSeconds) * 1e3) / 1e3;
  }
  result.classifiers = classifiers;
  if (args.includes('--compare-gbt'))
    result.gradientBoostingComparison = await compareGradientBoosting(1500, 512, 5);
  if (profile !== 'paper' || args.includes('--no-reference')) return result;
  // scikit-learn at the paper's settings on data of the same shape, same run (bench/reference/sklearn_ranker.py);
  // boosted trees: HistGradientBoosting (exact GradientBoosting at depth 25 takes about 1.5 hours here).
  const only = 'naive-bayes,random-forest,hist-gradient-boosting,linear-svm,mlp';
  const dataDir = writeReferenceData(stackTrainingData(repo), names.length, probe);
  const ref = await runReference<Record<string, { fitSeconds: number }>>('sklearn_ranker.py', [
    ...['--data', dataDir, '--only', only, '--jobs', String(threads)],
  ]);
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (!ref.result) return { ...result, reference: null, referenceNote: ref.note };
  const r = ref.result;
  const referenceOf: Record<string, string> = { 'gradient-boosting': 'hist-gradient-boosting' };
  const referenceFit = CLASSIFIER_NAMES.reduce((t, c) => t + (r[referenceOf[c] ?? c]?.fitSeconds ?? 0), 0);
  return {
    ...result,
    reference: { tool: 'scikit-learn', ...r },
    referenceFitSeconds: Math.round(referenceFit * 100) / 100,
    // ours / scikit-learn's fit seconds: below 1 is faster
    fitRatio: ratio(fitSeconds, referenceFit),
    fitRatioPerClassifier: Object.fromEntries(
      CLASSIFIER_NAMES.map((c) => [
        c,
        ratio(classifiers[c]?.fitSeconds ?? 0, r[referenceOf[c] ?? c]?.fitSeconds),
      ]),
    ),
  };
}
