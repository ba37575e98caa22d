/**
 * trainModel (GPU queue): one (model, dataset[, pre-training source]) pair, idempotent and resumable.
 *
 * Store layout (pairKey = hash of spec hash, dataset sha256, recipe hash and the source pair's key):
 *   trained/<pairKey>/result.json        the TrainModelResult (written last: its presence means done)
 *   trained/<pairKey>/model.json         TF.js layers model (+ weights.bin), loadable by tf.loadLayersModel
 *   checkpoints/<pairKey>/latest.bin     weights + optimiser slots + epoch + RNG after the last epoch
 *   checkpoints/<pairKey>/meta.json      { epoch, attempt, savedAt }
 * A retry (worker killed, heartbeat lost) resumes from latest.bin, so at most the current epoch is redone.
 * A fine-tune first makes sure the from-scratch pair (model, source) is trained (the sweep's phase 1 did it)
 * and starts from its weights with a fresh head.
 */
import { ApplicationFailure } from '@temporalio/common';
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import {
  analyze,
  ArchitectureError,
  canonicalHash,
  headLayerIds,
  parseSpec,
  UnknownZooModelError,
  withClasses,
  zooModel,
  type ArchitectureSpec,
} from '../src/arch';
import {
  DatasetError,
  ensureDataset,
  findEntry,
  readSplit,
  resizeSet,
  sampleIndices,
  subset,
  toChannels,
  type DatasetManifest,
  type ImageSet,
  type Split,
} from '../src/datasets';
import { decodeState } from '../src/training/state';
import { RecipeError, recipeFor, trainingRecipeHash, type Recipe } from '../src/training/recipe';
import type { BackendName } from '../src/training/backend';
import { activityAttempt, heartbeater, type ActivityDeps } from './context';
import type { TrainEvent } from './thread-tasks';
import { runTask, ThreadTaskError } from './threads';
import type { TrainingJob } from './training-job';
import { simulateTrainPair } from './training-simulated';
import { trainingKeys } from './training-keys';
import { simulationIdentity, simulationSettings } from '../src/training/simulation';

/** Every model trains at this input; model ids are canonical hashes at this input and 10 classes. */
export const TRAIN_INPUT = { height: 32, width: 32, channels: 3 } as const;
const REFERENCE_CLASSES = 10;

export type { DerivedVersion, ModelRef, TrainingLimits, TrainModelInput } from '../src/training/sweep-plan';
import type { DerivedVersion, ModelRef, TrainModelInput } from '../src/training/sweep-plan';

export { trainingKeys };
export type { ResolvedModel, ResolvedPair, TrainModelResult } from './training-types';
import type { ResolvedModel, ResolvedPair, TrainModelResult } from './training-types';
import { jsonHash } from '../src/content-hash';

const modelFiles = new Map<string, Promise<Map<string, ArchitectureSpec>>>();

/** Specs of a models file (JSONL of specs with `id`, or of {id, spec}), or one spec JSON; cached per process. */
async function specsAt(store: ArtifactStore, key: string): Promise<Map<string, ArchitectureSpec>> {
  let p = modelFiles.get(key);
  if (!p) {
    p = (async () => {
      const text = (await store.get(key)).toString('utf8');
      const lines = key.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()) : [text];
      const out = new Map<string, ArchitectureSpec>();
      for (const line of lines) {
        const v = JSON.parse(line) as { id?: string; spec?: unknown };
        const spec = parseSpec(v.spec ?? v);
        out.set(String(v.id ?? canonicalHash(spec)), spec);
      }
      return out;
    })();
    modelFiles.set(key, p);
    p.catch(() => modelFiles.delete(key));
    if (modelFiles.size > 8) modelFiles.delete(modelFiles.keys().next().value!);
  }
  return p;
}

export async function resolveModel(store: ArtifactStore, ref: ModelRef): Promise<ResolvedModel> {
  if ('zoo' in ref) {
    const reference = zooModel(ref.zoo, TRAIN_INPUT, REFERENCE_CLASSES);
    return {
      reference,
      modelId: canonicalHash(reference),
      modelName: ref.zoo,
      architecture: ref.zoo,
      forClasses: (c) => zooModel(ref.zoo, TRAIN_INPUT, c),
    };
  }
  const spec = (await specsAt(store, ref.specKey)).get(ref.id);
  if (!spec) throw new ArchitectureError(`no model '${ref.id}' in '${ref.specKey}'`);
  const { id: _id, params: _p, flops: _f, ...clean } = spec as ArchitectureSpec & Record<string, unknown>;
  const reference = withClasses(clean as ArchitectureSpec, REFERENCE_CLASSES);
  return {
    reference,
    modelId: canonicalHash(reference),
    modelName: ref.id,
    architecture: `generated:${ref.id}`,
    forClasses: (c) => withClasses(reference, c),
  };
}

function recipeOf(input: TrainModelInput, family: string): Recipe {
  const l = input.limits ?? {};
  return recipeFor(input.recipe.profile, {
    family,
    overrides: {
      ...input.recipe.overrides,
      ...(l.epochs ? { maxEpochs: l.epochs } : {}),
      ...(l.trainImages ? { trainLimit: l.trainImages } : {}),
      ...(l.testImages ? { testLimit: l.testImages } : {}),
    },
  });
}

export async function manifestOf(store: ArtifactStore, name: string, derived?: DerivedVersion) {
  return ensureDataset(store, name, findEntry(name)?.derived && derived ? derived : {});
}

/** Everything that identifies a pair; the same inputs always give the same pairKey. */
export async function resolvePair(store: ArtifactStore, input: TrainModelInput): Promise<ResolvedPair> {
  const model = await resolveModel(store, input.model);
  const source = input.source
    ? await resolvePair(store, {
        ...input,
        dataset: input.source,
        source: null,
        limits: input.sourceLimits ?? input.limits,
      })
    : null;
  const manifest = await manifestOf(store, input.dataset, input.derived);
  const spec = model.forClasses(manifest.classNames.length);
  analyze(spec); // a spec that cannot be built fails here, once, with the layer named
  const recipe = recipeOf(input, manifest.family);
  const identity = [
    'dlrec.train/1',
    canonicalHash(spec),
    manifest.sha256,
    trainingRecipeHash(recipe),
    source?.pairKey,
    // A simulated run never shares a key (and so a result) with a real one.
    ...(input.simulate ? [simulationIdentity(simulationSettings(input.simulate))] : []),
  ];
  const pairKey = jsonHash(identity, 24);
  return { model, spec, manifest, recipe, pairKey, source };
}

/**
 * Prepared (sampled, RGB, 32×32) splits, kept for the next pairs on the same data: without it every training
 * re-reads, re-verifies and re-resizes its dataset's whole split (60,000 images for MNIST) to take 1,000.
 * Bounded by bytes (DLREC_PREPARED_CACHE_MB, default 512): a sweep visits every dataset in turn, so a bound by
 * count either thrashes (mini: 5 datasets × 2 splits) or holds several full paper-size splits.
 */
const prepared = new Map<string, { set: Promise<ImageSet>; bytes: number }>();
const preparedBudget = () => Number(process.env.DLREC_PREPARED_CACHE_MB ?? 512) * 2 ** 20;

function evictPrepared(): void {
  let total = [...prepared.values()].reduce((a, e) => a + e.bytes, 0);
  for (const [key, e] of prepared) {
    if (total <= preparedBudget() || prepared.size <= 2) break;
    prepared.delete(key);
    total -= e.bytes;
  }
}

export function preparedSplit(
  store: ArtifactStore,
  m: DatasetManifest,
  split: Split,
  limit: number,
  seed: number,
): Promise<ImageSet> {
  const key = `${m.sha256}|${split}|${limit}|${seed}`;
  const hit = prepared.get(key);
  if (hit) {
    prepared.delete(key); // most recently used last
    prepared.set(key, hit);
    return hit.set;
  }
  const entry = {
    bytes: 0,
    set: (async () => {
      let set = await readSplit(store, m, split);
      if (limit > 0 && set.count > limit) set = subset(set, sampleIndices(set.count, limit, seed));
      return resizeSet(toChannels(set, 3), TRAIN_INPUT.height, TRAIN_INPUT.width);
    })(),
  };
  prepared.set(key, entry);
  entry.set.then(
    (s) => {
      entry.bytes = s.images.byteLength;
      evictPrepared();
    },
    () => prepared.delete(key),
  );
  return entry.set;
}

/**
 * Bad input or configuration that no retry can fix: fail the activity for good (the sweep records the pair as
 * failed, and stops once too many pairs fail). Errors from the training thread arrive as ThreadTaskError with the
 * original class name.
 */
const PERMANENT = [ArchitectureError, DatasetError, RecipeError, UnknownZooModelError];
const PERMANENT_NAMES = new Set([
  ...PERMANENT.map((C) => C.name),
  'InvalidArchitectureError',
  // By name: importing src/training/backend here would load TensorFlow.js on the worker's main thread.
  'BackendUnavailableError',
  'GpuUnavailableError',
]);
export function permanent(e: unknown): unknown {
  if (!(e instanceof Error)) return e;
  const name = e instanceof ThreadTaskError ? e.originalName : e.name;
  if (PERMANENT.some((C) => e instanceof C) || PERMANENT_NAMES.has(name))
    return ApplicationFailure.nonRetryable(e.message, name);
  return e;
}

export function trainingActivities({ store }: ActivityDeps) {
  async function readCheckpoint(pairKey: string): Promise<{ bytes: Uint8Array; epoch: number } | null> {
    const key = trainingKeys.checkpoint(pairKey);
    if (!(await store.exists(key))) return null;
    try {
      const bytes = new Uint8Array(await store.get(key));
      return { bytes, epoch: decodeState(bytes).epoch };
    } catch (e) {
      // A corrupt checkpoint costs the epochs it held, not the pair: train from the start.
      console.warn(`dlrec: ignoring unreadable checkpoint ${key}: ${(e as Error).message}`);
      return null;
    }
  }

  async function trainPair(pair: ResolvedPair, input: TrainModelInput): Promise<TrainModelResult> {
    const resultKey = trainingKeys.result(pair.pairKey);
    if (await store.exists(resultKey)) {
      return { ...(await getJSON<TrainModelResult>(store, resultKey)), pairId: input.pairId, reused: true };
    }
    const beat = heartbeater(2_000);
    const progress = { pairId: input.pairId, pairKey: pair.pairKey, epoch: 0, batch: 0, loss: NaN };
    beat(progress);
    let pretrained: TrainingJob['pretrained'];
    if (pair.source) {
      const src = await trainPair(pair.source, {
        ...input,
        pairId: `${input.pairId} (pre-training on ${pair.source.manifest.name})`,
        dataset: pair.source.manifest.name,
        source: null,
      });
      const saved = {
        modelJson: await getJSON<Record<string, unknown>>(store, src.weightsKey),
        weightsBin: new Uint8Array(await store.get(src.weightsBinKey)),
      };
      pretrained = { saved, skipLayers: headLayerIds(pair.spec) };
    }
    const r = pair.recipe;
    const [train, test] = await Promise.all([
      preparedSplit(store, pair.manifest, 'train', r.trainLimit, r.seed),
      preparedSplit(store, pair.manifest, 'test', r.testLimit, r.seed + 1),
    ]);
    const checkpoint = await readCheckpoint(pair.pairKey);
    const attempt = activityAttempt();
    const job: TrainingJob = {
      spec: pair.spec,
      recipe: r,
      train,
      test,
      backend: (process.env.DLREC_BACKEND as BackendName | undefined) ?? 'auto',
      pretrained,
      resume: checkpoint?.bytes,
    };
    // Checkpoint writes run in order, off the training thread; the result waits for the last one.
    let writes: Promise<unknown> = Promise.resolve();
    const onEvent = (e: TrainEvent) => {
      if (e.type === 'batch') {
        Object.assign(progress, { epoch: e.epoch, batch: e.batch, loss: e.loss });
        beat(progress);
        return;
      }
      writes = writes.then(async () => {
        await store.put(trainingKeys.checkpoint(pair.pairKey), e.bytes);
        await putJSON(store, trainingKeys.checkpointMeta(pair.pairKey), {
          pairKey: pair.pairKey,
          epoch: e.epoch,
          attempt,
          savedAt: new Date().toISOString(),
        });
      });
    };
    // The main thread is free while a thread trains: heartbeat on a timer, too (a step can outlast a beat).
    const timer = setInterval(() => beat(progress), 2_000);
    let out;
    try {
      out = await runTask('trainModel', job, onEvent);
      await writes;
    } finally {
      clearInterval(timer);
    }
    const k = pair.pairKey;
    await putJSON(store, trainingKeys.modelJson(k), out.saved.modelJson);
    await store.put(trainingKeys.weightsBin(k), out.saved.weightsBin);
    const { valLossCurve: _v, valAccuracyCurve: _a, ...metrics } = out.result;
    const result: TrainModelResult = {
      ...metrics,
      pairId: input.pairId,
      pairKey: k,
      modelId: pair.model.modelId,
      modelName: pair.model.modelName,
      architecture: pair.model.architecture,
      dataset: pair.manifest.name,
      datasetSha: pair.manifest.sha256,
      source: pair.source?.manifest.name ?? null,
      sourcePairKey: pair.source?.pairKey ?? null,
      recipeHash: trainingRecipeHash(r),
      depth: pair.spec.layers.length,
      resumedFromEpoch: checkpoint?.epoch ?? 0,
      attempt,
      transferredWeights: out.transferred,
      resultKey: trainingKeys.result(k),
      weightsKey: trainingKeys.modelJson(k),
      weightsBinKey: trainingKeys.weightsBin(k),
      checkpointKey: input.keepCheckpoint ? trainingKeys.checkpoint(k) : null,
    };
    await putJSON(store, result.resultKey, result);
    if (!input.keepCheckpoint) await store.delete(trainingKeys.checkpoint(k));
    return result;
  }

  return {
    /** Trains one pair (or returns its stored result); heartbeats {epoch, batch, loss} every ≤ 2 s. */
    async trainModel(input: TrainModelInput): Promise<TrainModelResult> {
      try {
        const pair = await resolvePair(store, input);
        if (input.simulate)
          return await simulateTrainPair(store, pair, input.pairId, simulationSettings(input.simulate));
        return await trainPair(pair, input);
      } catch (e) {
        throw permanent(e);
      }
    },
  };
}
