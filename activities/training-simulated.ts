/**
 * trainModel with the simulated trainer (TrainModelInput.simulate): the same activity at the Temporal level —
 * same store layout, heartbeats, a checkpoint per epoch that a retry resumes from, injected faults, the source
 * pair trained first for a fine-tune — with the GPU work replaced by a wait scaled from the model's FLOPs and
 * the accuracy taken from the law of src/training/simulation.ts.
 */
import { Context } from '@temporalio/activity';
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { analyze } from '../src/arch';
import { trainingRecipeHash } from '../src/training/recipe';
import {
  epochSeconds,
  injectedFault,
  lawAccuracy,
  measuredAccuracy,
  type SimulatedTraining,
} from '../src/training/simulation';
import { activityAttempt, heartbeater } from './context';
import type { ResolvedPair, TrainModelResult } from './training-types';
import { trainingKeys } from './training-keys';

/** Waits `ms`, cancellable inside an activity (a cancelled or timed-out attempt stops at once). */
async function wait(ms: number): Promise<void> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    // Outside an activity (domain tests): a plain timer.
  }
  if (ctx) await ctx.sleep(ms);
  else await new Promise((r) => setTimeout(r, ms));
}

/**
 * One simulated epoch of `ms`: `tick` (a heartbeat, a progress event) at least every second meanwhile.
 * Cancellable inside an activity.
 */
export async function simulatedEpoch(ms: number, tick: () => void): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    tick();
    await wait(Math.min(1_000, end - Date.now()));
  }
}

/** What a simulated pair reaches: the law's accuracy and the measured one (deterministic: no timing, no faults). */
export function simulatedOutcome(
  pair: ResolvedPair,
  sim: SimulatedTraining,
  params = analyze(pair.spec).params,
): { law: number; accuracy: number } {
  const dataset = (d: ResolvedPair['manifest']) => ({
    name: d.name,
    family: d.family,
    classes: d.classNames.length,
  });
  const law = lawAccuracy(
    { modelId: pair.model.modelId, params, depth: pair.spec.layers.length },
    dataset(pair.manifest),
    pair.source ? dataset(pair.source.manifest) : null,
    sim.seed,
  );
  return { law, accuracy: measuredAccuracy(law, sim.testImages, sim.seed, pair.pairKey) };
}

export class SimulatedFault extends Error {
  override name = 'SimulatedFault';
}

/** One simulated pair (its source first, for a fine-tune); idempotent on its result like the real trainer. */
export async function simulateTrainPair(
  store: ArtifactStore,
  pair: ResolvedPair,
  pairId: string,
  sim: SimulatedTraining,
): Promise<TrainModelResult> {
  const k = pair.pairKey;
  const resultKey = trainingKeys.result(k);
  if (await store.exists(resultKey))
    return { ...(await getJSON<TrainModelResult>(store, resultKey)), pairId, reused: true };
  if (pair.source)
    await simulateTrainPair(
      store,
      pair.source,
      `${pairId} (pre-training on ${pair.source.manifest.name})`,
      sim,
    );
  const attempt = activityAttempt();
  const beat = heartbeater(1_000);
  // An unreadable checkpoint costs the epochs it held, not the pair (as for the real trainer).
  const meta = (await store.exists(trainingKeys.checkpointMeta(k)))
    ? await getJSON<{ epoch: number }>(store, trainingKeys.checkpointMeta(k)).catch(() => ({ epoch: 0 }))
    : { epoch: 0 };
  const { params, flops } = analyze(pair.spec);
  const perEpoch = epochSeconds(flops, sim) * 1000;
  const faultAt = injectedFault(k, attempt, sim);
  const t0 = performance.now();
  for (let epoch = meta.epoch + 1; epoch <= sim.epochs; epoch++) {
    await simulatedEpoch(perEpoch, () => beat({ pairId, pairKey: k, epoch, simulated: true }));
    if (faultAt === epoch)
      throw new SimulatedFault(`injected failure of attempt ${attempt} in epoch ${epoch} of ${pairId}`);
    await putJSON(store, trainingKeys.checkpointMeta(k), { pairKey: k, epoch, attempt, simulated: true });
  }
  const { law, accuracy } = simulatedOutcome(pair, sim, params);
  const m = pair.manifest;
  const seconds = (performance.now() - t0) / 1000;
  // The "weights": the architecture itself, so that a consumer of weightsKey finds a readable document.
  await putJSON(store, trainingKeys.modelJson(k), { simulated: true, spec: pair.spec });
  const result: TrainModelResult = {
    accuracy,
    loss: -Math.log(Math.max(accuracy, 1e-6)),
    lossCurve: [],
    epochs: sim.epochs,
    stoppedEarly: false,
    diverged: false,
    seconds,
    imagesPerSecond: 0,
    backend: 'simulated',
    params,
    flops,
    trainImages: 0,
    testImages: sim.testImages,
    pairId,
    pairKey: k,
    modelId: pair.model.modelId,
    modelName: pair.model.modelName,
    architecture: pair.model.architecture,
    dataset: m.name,
    datasetSha: m.sha256,
    source: pair.source?.manifest.name ?? null,
    sourcePairKey: pair.source?.pairKey ?? null,
    recipeHash: trainingRecipeHash(pair.recipe),
    depth: pair.spec.layers.length,
    resumedFromEpoch: meta.epoch,
    attempt,
    transferredWeights: 0,
    resultKey,
    weightsKey: trainingKeys.modelJson(k),
    weightsBinKey: '',
    checkpointKey: null,
    simulatedLaw: law,
  };
  await putJSON(store, resultKey, result);
  await store.delete(trainingKeys.checkpointMeta(k));
  return result;
}
