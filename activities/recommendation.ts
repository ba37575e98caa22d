import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeFloat32 } from '../src/encoder/float-codec';
import {
  RECOMMENDER_VERSION,
  type CampaignResult,
  type EvaluationSummary,
  type SimilarityTable,
} from '../src/recommendation';
import type { RegressorKind } from '../src/recommendation/rows';
import type { FamilyProbeResult } from '../src/ranker/family-probe';
import type { TrainModelResult } from './training';
import { campaignResult } from './training-campaign';
import { renderReport } from '../src/report';
import type { ReportData } from '../src/report/types';
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { withHeartbeats, type ActivityDeps } from './context';
import type { EvaluationEvent, RepositoryData } from './thread-tasks';
import {
  defaultRegressorKind,
  evaluationParts,
  headline,
  scoredEvaluationParts,
  type EvaluationPart,
  type EvaluationPartResult,
} from '../src/recommendation/evaluate';
import { runTask } from './threads';
import type { TransferabilityFile } from '../src/transferability';
import { jsonHash } from '../src/content-hash';
import {
  BUILD_POINTER,
  buildKey,
  evaluationKeys,
  RECOMMENDER_POINTER,
  recommenderKey,
  reportPrefix,
  VERIFIED_PREFIX,
  verifiedKey,
} from '../src/store-layout';

/** Keys of the artifacts a fitted repository is made of (what RepositoryBuildWorkflow records). */
export interface RepositoryKeys {
  resultsKey: string;
  encodingsKey: string;
  looKey: string;
  encoderExperimentKey?: string;
  /** LogME/LEEP of every result (scoreTransferability); absent in builds made before it existed. */
  transferabilityKey?: string;
  /** Rows users measured with `dlrec recommend --verify --add` (verified/<datasetSha>.json), learned from too. */
  verifiedKeys?: string[];
  /** The ranker's family probe (ranker/probe/<hash>.json); absent in older builds. */
  familyProbeKey?: string;
  canonical?: string[];
}

export { BUILD_POINTER, RECOMMENDER_POINTER, verifiedKey } from '../src/store-layout';

/** Keys of fitted and evaluated artifacts include RECOMMENDER_VERSION: new regressor inputs mean a refit. */
const hashOf = (value: unknown) => jsonHash(value, 16);

export async function readResults(store: ArtifactStore, key: string): Promise<CampaignResult[]> {
  const text = (await store.get(key)).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as CampaignResult);
}

/** Encodings file: `{ ids, dim, vectors }` with vectors base64 Float32 row-major (written by encodeModels). */
export async function readEncodings(store: ArtifactStore, key: string): Promise<Map<string, Float32Array>> {
  const f = await getJSON<{ ids: string[]; dim: number; vectors: string }>(store, key);
  const all = decodeFloat32(f.vectors, f.ids.length * f.dim);
  return new Map(f.ids.map((id, i) => [id, all.subarray(i * f.dim, (i + 1) * f.dim)]));
}

/** The leave-one-out ranker's result ({ datasets, similarity: n×n }) as the recommender's similarity table. */
export async function readSimilarityTable(store: ArtifactStore, key: string): Promise<SimilarityTable> {
  const loo = await getJSON<{ datasets: string[]; similarity: number[][]; disagreement?: number[] }>(
    store,
    key,
  );
  const byDataset = <T>(values: T[]) => Object.fromEntries(loo.datasets.map((d, i) => [d, values[i]]));
  return {
    datasets: loo.datasets,
    rows: byDataset(loo.similarity),
    ...(loo.disagreement ? { disagreement: byDataset(loo.disagreement) } : {}),
  };
}

/** Measured rows of one user dataset: what `dlrec recommend --verify --add` stores for the next build. */
export interface VerifiedFile {
  dataset: string;
  datasetSha: string;
  buildId: string;
  /** The ranker's similarity vector of the user's images (a ranker that never saw them). */
  similarity: Record<string, number>;
  results: CampaignResult[];
  addedAt: string;
}

/**
 * The campaign's results plus verified rows. A verified dataset is never a leave-one-out target (it has no
 * ranker row of its own); its rows join training with the similarity vector measured when they were added.
 */
async function loadRepository(store: ArtifactStore, keys: RepositoryKeys) {
  const results = await readResults(store, keys.resultsKey);
  const table = await readSimilarityTable(store, keys.looKey);
  for (const key of keys.verifiedKeys ?? []) {
    const v = await getJSON<VerifiedFile>(store, key);
    if (table.rows[v.dataset]) continue; // a repository dataset's own results come from the campaign
    table.rows[v.dataset] = table.datasets.map((d) => v.similarity[d] ?? 0);
    results.push(...v.results);
  }
  return {
    results,
    encodings: await readEncodings(store, keys.encodingsKey),
    table,
    transferability: keys.transferabilityKey
      ? (await getJSON<TransferabilityFile>(store, keys.transferabilityKey)).scores
      : undefined,
  };
}

/**
 * Runs regressor fits (the evaluation's parts or `fitRecommender` of activities/thread-tasks.ts) on worker threads
 * while this thread heartbeats its progress every ≤ 2 s. At paper scale the fits are minutes of synchronous CPU
 * (hundreds of regressors over the leave-one-out folds); on this thread they would stall the worker's event loop:
 * heartbeats, polling, the other activities and the health file. Their inputs are plain data read from the
 * store, so they move to the thread as they are (structured clone).
 */
async function fitOnThread<T>(
  load: () => Promise<RepositoryData>,
  fit: (data: RepositoryData, onEvent: (e: EvaluationEvent) => void) => Promise<T>,
): Promise<T> {
  return withHeartbeats<T, EvaluationEvent>({ step: 'loading the repository' }, async (report) =>
    fit(await load(), report),
  );
}

/** Threads the evaluation's parts run on: DLREC_EVALUATION_THREADS, else one per core. */
function evaluationThreads(): number {
  const env = Number(process.env.DLREC_EVALUATION_THREADS);
  return Number.isInteger(env) && env >= 1 ? env : os.availableParallelism();
}

/**
 * `work` over `items`, at most `limit` at once. After a failure no new item starts; the ones running finish (their
 * results are stored) and the first error is thrown.
 */
export async function inParallel<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    for (let item = queue.shift(); item !== undefined && !failure; item = queue.shift()) {
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, queue.length)) }, lane));
  if (failure) throw failure.error;
}

export function recommendationActivities({ store }: ActivityDeps) {
  return {
    /**
     * Fits the accuracy regressor behind `dlrec recommend` and points recommender/current.json at it. The fit runs
     * on a worker thread and heartbeats { step } every ≤ 2 s (fitOnThread).
     */
    async fitRecommender(
      keys: RepositoryKeys,
      regressor: RegressorKind = 'selected',
    ): Promise<{ recommenderKey: string }> {
      const fittedKey = recommenderKey(hashOf([keys, RECOMMENDER_VERSION, regressor]));
      if (!(await store.exists(fittedKey))) {
        const fitted = await fitOnThread(
          () => loadRepository(store, keys),
          // LogME/LEEP are evaluation inputs only: the recommender's regressor does not take them.
          ({ transferability: _scores, ...data }, onEvent) =>
            runTask('fitRecommender', { ...data, kind: regressor }, onEvent),
        );
        await putJSON(store, fittedKey, fitted);
      }
      await putJSON(store, RECOMMENDER_POINTER, { key: fittedKey });
      return { recommenderKey: fittedKey };
    },

    /**
     * Every evaluation of the repository (80/20, honest LOO, Table 1, baselines), stored as one summary. Its parts
     * (each 80/20 regressor, each held-out fold: minutes of fits at paper size) run on parallel worker threads
     * (DLREC_EVALUATION_THREADS, default one per core) and are stored as each finishes, so a retry redoes only the
     * unfinished ones. Heartbeats { step, part, parts } every ≤ 2 s.
     */
    async evaluateRepository(
      keys: RepositoryKeys,
    ): Promise<{ evaluationKey: string; headline: Record<string, number>; regressor: RegressorKind }> {
      const evaluation = evaluationKeys(hashOf([keys, RECOMMENDER_VERSION]));
      const evaluationKey = evaluation.summary;
      let summary: EvaluationSummary;
      if (await store.exists(evaluationKey)) {
        summary = await getJSON<EvaluationSummary>(store, evaluationKey);
      } else {
        summary = await fitOnThread(
          () => loadRepository(store, keys),
          async (data, onEvent) => {
            const input = { ...data, canonical: keys.canonical };
            const done = new Map<string, EvaluationPartResult>();
            const { datasets } = data.table;
            const scored = scoredEvaluationParts(datasets, !!data.transferability);
            const total = evaluationParts(datasets).length + scored.length;
            const run = (parts: EvaluationPart[], defaultKind?: RegressorKind) =>
              inParallel(parts, evaluationThreads(), async (part) => {
                const key = evaluation.part(part.id);
                let result: EvaluationPartResult;
                if (await store.exists(key)) result = await getJSON<EvaluationPartResult>(store, key);
                else {
                  result = await runTask('evaluationPart', { ...input, part, defaultKind }, () => {});
                  await putJSON(store, key, result);
                }
                done.set(part.id, result);
                onEvent({ step: part.id, part: done.size, parts: total });
              });
            await run(evaluationParts(datasets));
            await run(scored, defaultRegressorKind(datasets, done));
            return runTask('summariseEvaluation', { ...input, parts: Object.fromEntries(done) }, onEvent);
          },
        );
        if (keys.familyProbeKey)
          summary.similarity = await getJSON<FamilyProbeResult>(store, keys.familyProbeKey);
        await putJSON(store, evaluationKey, summary);
      }
      return {
        evaluationKey,
        headline: headline(summary),
        regressor: summary.regressor?.default ?? 'selected',
      };
    },

    /** Renders the HTML report into the store (reports/<key>/index.html and the chart SVGs). */
    async renderRepositoryReport(input: {
      keys: RepositoryKeys;
      evaluationKey: string;
      meta: ReportData['meta'];
    }) {
      const prefix = reportPrefix(hashOf(input));
      if (!(await store.exists(`${prefix}/index.html`))) {
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dlrec-report-'));
        try {
          await renderReport(await reportData(store, input.keys, input.evaluationKey, input.meta), dir);
          for (const f of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
            if (!f.isFile()) continue;
            const rel = path.relative(dir, path.join(f.parentPath, f.name)).split(path.sep).join('/');
            await store.put(`${prefix}/${rel}`, await fs.readFile(path.join(dir, rel)));
          }
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      }
      return { reportKey: `${prefix}/index.html` };
    },

    /** Stores measured rows of a user dataset (merged with earlier ones of the same data) for the next build. */
    async recordVerifiedResults(input: {
      dataset: string;
      similarity: Record<string, number>;
      buildId: string;
      results: TrainModelResult[];
    }): Promise<{ key: string }> {
      const datasetSha = input.results[0].datasetSha;
      const key = verifiedKey(datasetSha);
      const earlier = (await store.exists(key)) ? (await getJSON<VerifiedFile>(store, key)).results : [];
      const rows = new Map(earlier.map((r) => [r.pairId, r]));
      for (const r of input.results) rows.set(r.pairKey, campaignResult(r, r.pairKey));
      const file: VerifiedFile = {
        dataset: input.dataset,
        datasetSha,
        buildId: input.buildId,
        similarity: input.similarity,
        results: [...rows.values()],
        addedAt: new Date().toISOString(),
      };
      await putJSON(store, key, file);
      return { key };
    },

    /** Keys of every verified file, sorted (the build takes them as inputs, so its keys say what it learned from). */
    async listVerifiedResults(): Promise<string[]> {
      return (await store.list(VERIFIED_PREFIX)).map((o) => o.key).sort();
    },

    /** Records a finished build so that `dlrec recommend|evaluate|report` find its artifacts. */
    async recordBuild(record: Record<string, unknown> & { workflowId: string }) {
      await putJSON(store, buildKey(record.workflowId), record);
      await putJSON(store, BUILD_POINTER, record);
      return { key: BUILD_POINTER };
    },
  };
}

/** encoder/<key>/experiment.json as the encoder stage stores it (labels: 0 = VGG-like, 1 = random). */
interface EncoderExperimentFile {
  points: [number, number][];
  labels: number[];
  perplexity?: number;
  unigramPerplexity?: number;
  vggVsRandom?: { knnPurity: number; silhouette: number };
  floor?: { perplexity: number; generatorPerplexity: number } | null;
}

/** Everything the report draws, read from the stored artifacts. */
export async function reportData(
  store: ArtifactStore,
  keys: RepositoryKeys,
  evaluationKey: string,
  meta: ReportData['meta'],
): Promise<ReportData> {
  const evaluation = await getJSON<EvaluationSummary>(store, evaluationKey);
  const loo = await getJSON<{ datasets: string[]; similarity: number[][] }>(store, keys.looKey);
  const results = await readResults(store, keys.resultsKey);
  const experiment = keys.encoderExperimentKey
    ? await getJSON<EncoderExperimentFile>(store, keys.encoderExperimentKey).catch(() => undefined)
    : undefined;
  const groups = ['VGG-like', 'random'];
  const encoder: ReportData['encoder'] = experiment && {
    points: experiment.points.map(([x, y], i) => ({
      x,
      y,
      group: groups[experiment.labels[i]] ?? String(experiment.labels[i]),
    })),
    knnPurity: experiment.vggVsRandom?.knnPurity,
    silhouette: experiment.vggVsRandom?.silhouette,
    perplexity: experiment.perplexity,
    unigramPerplexity: experiment.unigramPerplexity,
    floor: experiment.floor ?? undefined,
  };
  return {
    meta,
    evaluation,
    similarity: { datasets: loo.datasets, matrix: loo.similarity },
    encoder,
    campaign: results.map((r) => ({
      model: r.modelName,
      architecture: r.architecture,
      dataset: r.dataset,
      sourceDataset: r.source ?? undefined,
      accuracy: r.accuracy,
    })),
    chosenRegressor: evaluation.regressor?.default ?? 'selected',
  };
}
