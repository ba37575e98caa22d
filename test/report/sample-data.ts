/**
 * A realistic ReportData for the renderer test: synthetic fine-tuning results whose accuracy grows with the
 * similarity of the pre-training source to the target, plus runs from scratch, pushed through the real
 * evaluation code (metrics, Table 1 and its per-target bootstrap, baselines, paired Wilcoxon tests), so every
 * section gets data of the shape the build produces.
 */
import {
  looBaseline,
  meanReport,
  randomExpectation,
  rankingReport,
  table1,
  type BaselineResult,
  type EvaluationRow,
  type LooResult,
  type PredictionRecord,
} from '../../src/evaluation';
import { pairedTests, table1ByTarget } from '../../src/evaluation/significance';
import type { ReportData } from '../../src/report';

/** Deterministic uniform [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DATASETS = ['cifar10', 'fashion-mnist', 'kmnist', 'mnist', 'svhn', 'stl10'];
export const ARCHITECTURES = ['lenet5', 'mobilenet-v2', 'resnet18', 'vgg11'];

export function sampleReportData(): ReportData {
  const rand = rng(7);
  // Similarity: two families (digits-like, natural images) plus noise; diagonal undefined under leave-one-out.
  const family = (d: string) => (['cifar10', 'svhn', 'stl10'].includes(d) ? 1 : 0);
  const matrix = DATASETS.map((a, i) =>
    DATASETS.map((b, j) => (i === j ? NaN : (family(a) === family(b) ? 0.65 : 0.2) + 0.3 * rand())),
  );
  const sim = (t: string, s: string) => matrix[DATASETS.indexOf(t)][DATASETS.indexOf(s)];
  const base: Record<string, number> = {
    cifar10: 0.62,
    'fashion-mnist': 0.86,
    kmnist: 0.9,
    mnist: 0.97,
    svhn: 0.84,
    stl10: 0.55,
  };
  const archGain: Record<string, number> = {
    lenet5: -0.05,
    'mobilenet-v2': 0.01,
    resnet18: 0.04,
    vgg11: 0.02,
  };

  const rows: EvaluationRow[] = [];
  for (const target of DATASETS)
    for (const arch of ARCHITECTURES)
      for (const source of DATASETS.filter((d) => d !== target)) {
        const accuracy = Math.min(
          0.995,
          base[target] + archGain[arch] + 0.08 * (sim(target, source) - 0.5) + 0.02 * (rand() - 0.5),
        );
        rows.push({
          dataset: target,
          model: `${arch}@${source}`,
          architecture: arch,
          sourceDataset: source,
          features: [],
          accuracy,
          params: 1e5 * (ARCHITECTURES.indexOf(arch) + 1),
        });
      }

  const predictions: PredictionRecord[] = rows.map((r) => ({
    dataset: r.dataset,
    model: r.model,
    sourceDataset: r.sourceDataset,
    actual: r.accuracy,
    predicted: r.accuracy + 0.07 * (rand() - 0.5),
  }));
  const perDataset: LooResult['perDataset'] = {};
  for (const d of DATASETS) {
    const p = predictions.filter((x) => x.dataset === d);
    perDataset[d] = {
      n: p.length,
      ...rankingReport(
        p.map((x) => x.predicted),
        p.map((x) => x.actual),
      ),
    };
  }
  const loo: LooResult = { perDataset, mean: meanReport(Object.values(perDataset)), predictions };
  const t1 = table1(rows, sim);
  const byTarget = table1ByTarget(rows, sim, { seed: 0, resamples: 200 });

  const archMean: Record<string, ReturnType<typeof randomExpectation>['perDataset'][string]> = {};
  for (const d of DATASETS) {
    const test = rows.filter((r) => r.dataset === d);
    const pred = test.map((r) => {
      const others = rows.filter((o) => o.dataset !== d && o.architecture === r.architecture);
      return others.reduce((s, o) => s + o.accuracy, 0) / others.length;
    });
    archMean[d] = {
      n: test.length,
      ...rankingReport(
        pred,
        test.map((r) => r.accuracy),
      ),
    };
  }

  const baselines: Record<string, BaselineResult> = {
    architectureMean: { perDataset: archMean, mean: meanReport(Object.values(archMean)) },
    // Rank-only: no MAE, so its paired test has regret only.
    largestModel: looBaseline(rows, (test) => test.map((r) => r.params!), false),
    random: randomExpectation(rows),
    // The architecture's accuracies elsewhere weighted by the similarity of those datasets to the target.
    similarityWeightedRecord: looBaseline(
      rows,
      (test, train) =>
        test.map((r) => {
          const own = train.filter((o) => o.architecture === r.architecture);
          const w = own.map((o) => sim(r.dataset, o.dataset));
          return own.reduce((s, o, i) => s + w[i] * o.accuracy, 0) / w.reduce((a, b) => a + b, 0);
        }),
      true,
    ),
    // Each model's own result on the dataset most similar to the target (the architecture's mean there if absent).
    bestOnMostSimilar: looBaseline(
      rows,
      (test, train) => {
        const target = test[0].dataset;
        const others = [...new Set(train.map((r) => r.dataset))];
        const nearest = others.reduce((a, b) => (sim(target, b) > sim(target, a) ? b : a));
        const there = train.filter((r) => r.dataset === nearest);
        return test.map((r) => {
          const same = there.find((o) => o.model === r.model);
          const arch = there.filter((o) => o.architecture === r.architecture);
          return same?.accuracy ?? arch.reduce((s, o) => s + o.accuracy, 0) / arch.length;
        });
      },
      true,
    ),
  };
  // The ensemble did a little worse here, so the single selected regressor is the one in use.
  const ensemble = {
    ...loo.mean,
    kendall: loo.mean.kendall - 0.04,
    spearman: loo.mean.spearman - 0.03,
    mae: loo.mean.mae + 0.004,
    regret: loo.mean.regret + 0.6,
  };

  const groups = ['VGG-like variants', 'random generated'];
  const points = Array.from({ length: 80 }, (_, i) => {
    const g = i % 2;
    return {
      x: (g ? 6 : -6) + 4 * (rand() - 0.5) * 2,
      y: (g ? -2 : 3) + 3 * (rand() - 0.5) * 2,
      group: groups[g],
      label: `model-${i}`,
    };
  });

  // The campaign: every fine-tune above, plus each architecture trained from scratch on each dataset.
  const campaign = [
    ...DATASETS.flatMap((d) =>
      ARCHITECTURES.map((arch) => ({
        model: arch,
        dataset: d,
        accuracy: Math.min(0.99, base[d] + archGain[arch] - 0.03 + 0.02 * (rand() - 0.5)),
      })),
    ),
    ...rows.map((r) => ({
      model: r.model,
      dataset: r.dataset,
      sourceDataset: r.sourceDataset,
      accuracy: r.accuracy,
    })),
  ];
  // Binomial standard error of each accuracy on a 2 000-image test set.
  const ses = campaign.map((c) => Math.sqrt((c.accuracy * (1 - c.accuracy)) / 2000));

  return {
    meta: {
      profile: 'mini',
      createdAt: '2026-11-28T05:30:00Z',
      workflowId: 'repository-build-mini',
      temporalUi: 'http://localhost:8233',
    },
    chosenRegressor: 'svr-rbf',
    evaluation: {
      loo,
      regressor: { default: 'selected', selected: loo.mean, ensemble },
      table1: {
        ...t1,
        mean: { ...t1.mean, low: byTarget.mean.low, high: byTarget.mean.high },
        perTarget: byTarget.perTarget,
      },
      split8020: {
        train: 115,
        test: 29,
        perRegressor: Object.fromEntries(
          [
            'svr-rbf',
            'svr-linear',
            'svr-poly',
            'mlp',
            'ridge',
            'random-forest',
            'gradient-boosting',
            'adaboost',
          ].map((name, i) => {
            const m = 0.0009 + 0.0004 * i * rand();
            return [name, { mse: m, rmse: Math.sqrt(m), mae: Math.sqrt(m) * 0.8 }];
          }),
        ),
      },
      baselines,
      pairedTests: pairedTests(loo, baselines),
      accuracyStandardError: {
        mean: ses.reduce((a, b) => a + b, 0) / ses.length,
        max: Math.max(...ses),
        rows: ses.length,
      },
    },
    regressors: ['svr-rbf', 'svr-linear', 'mlp', 'ridge', 'random-forest', 'gradient-boosting'].map(
      (name, i) => ({
        name,
        mse8020: 0.0009 + 0.0005 * i * rand(),
        looMae: 0.02 + 0.01 * i * rand(),
      }),
    ),
    similarity: { datasets: DATASETS, matrix },
    encoder: { points, knnPurity: 0.96, silhouette: 0.41, perplexity: 3.2, unigramPerplexity: 21.7 },
    campaign,
  };
}
