/**
 * The simulated trainer's laws: what a simulated training run takes (seconds, scaled from the model's FLOPs),
 * whether an attempt fails (injected faults), and what accuracy it reaches — a known, deterministic law of
 * (architecture, source, target), so a test can check that the accuracy regressor recovers it.
 *
 * A simulated build exercises everything around training at its real size (Temporal, planning, paging, retries,
 * the store, the ranker, the encoder's inference, the regressor, the report) without a GPU. Its accuracies are
 * never mixed with real ones: the pair key of a simulated run includes the law (activities/training.ts).
 */
import { createHash } from 'node:crypto';
import type { SimulatedTraining } from './simulation-settings';

export * from './simulation-settings';

/** A uniform number in [0, 1) from the parts (sha256: stable across processes, platforms and versions). */
export function unitHash(...parts: Array<string | number>): number {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

/** A standard normal number from the parts (Box–Muller on two hashes). */
function normalHash(...parts: Array<string | number>): number {
  const u = Math.max(unitHash(...parts, 'u'), 1e-12);
  const v = unitHash(...parts, 'v');
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface LawModel {
  modelId: string;
  params: number;
  depth: number;
}
export interface LawDataset {
  name: string;
  family: string;
  classes: number;
}

/**
 * How hard a dataset is: the share of the way from chance to 100% that no model gets. Drawn per dataset name
 * from the seed, in [0.03, 0.45].
 */
export function lawDifficulty(dataset: string, seed: number): number {
  return 0.03 + 0.42 * unitHash('difficulty', seed, dataset);
}

/**
 * The law's expected accuracy, in [chance, 0.995]:
 *   ceiling  = 1 − difficulty(target)
 *   capacity = σ((log10 params − 5) / 0.7) · 0.7 + σ((depth − 12) / 5) · 0.3       (bigger, deeper: better)
 *   scratch  = chance + (ceiling − chance) · (0.35 + 0.6 · capacity^(1 + 2·difficulty)) + 0.03 · quirk(model)
 *              (hard targets reward capacity more; quirk is the architecture's own N(0, 1) draw)
 *   fine-tune: + (0.06 if source and target share a family else 0.015) − 0.04 · max(0, difficulty(source) − difficulty(target))
 */
export function lawAccuracy(
  model: LawModel,
  target: LawDataset,
  source: LawDataset | null,
  seed: number,
): number {
  const chance = 1 / target.classes;
  const d = lawDifficulty(target.name, seed);
  const ceiling = 1 - d;
  const capacity =
    0.7 * sigmoid((Math.log10(Math.max(1, model.params)) - 5) / 0.7) + 0.3 * sigmoid((model.depth - 12) / 5);
  let acc =
    chance +
    (ceiling - chance) * (0.35 + 0.6 * capacity ** (1 + 2 * d)) +
    0.03 * normalHash('quirk', seed, model.modelId);
  if (source) {
    const ds = lawDifficulty(source.name, seed);
    acc += (source.family === target.family ? 0.06 : 0.015) - 0.04 * Math.max(0, ds - d);
  }
  return Math.min(0.995, Math.max(chance, acc));
}

/** A measured accuracy: the law plus binomial noise of `testImages` test images (normal approximation). */
export function measuredAccuracy(
  law: number,
  testImages: number,
  ...noiseKey: Array<string | number>
): number {
  const se = Math.sqrt((law * (1 - law)) / testImages);
  const k = Math.round((law + se * normalHash('noise', ...noiseKey)) * testImages);
  return Math.min(testImages, Math.max(0, k)) / testImages;
}

/** Seconds of one simulated epoch. */
export function epochSeconds(flops: number, s: SimulatedTraining): number {
  return Math.min(s.maxEpochSeconds, Math.max(s.minEpochSeconds, (flops / 1e6) * s.secondsPerMflop));
}

/** The epoch (1-based) at which this attempt fails, or null: a deterministic draw per pair and attempt. */
export function injectedFault(pairKey: string, attempt: number, s: SimulatedTraining): number | null {
  if (unitHash('fault', s.seed, pairKey, attempt) >= s.failureRate) return null;
  return 1 + Math.floor(unitHash('fault-epoch', s.seed, pairKey, attempt) * s.epochs);
}
