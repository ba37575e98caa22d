/**
 * Training recipes. `paper` is Sankaran et al.'s setting: SGD lr 0.1, momentum 0.9, weight decay 5e-4,
 * batch 128, up to 100 epochs with early stopping on a validation split, random crop (pad 4) + horizontal
 * flip, per-channel mean/std normalisation. `mini` keeps it and shrinks the budget; `smoke` is one short
 * epoch without augmentation that only proves the pipeline.
 */
import { canonicalJsonHash } from '../content-hash';

export type ProfileName = 'paper' | 'mini' | 'smoke';
export const PROFILES: readonly ProfileName[] = ['paper', 'mini', 'smoke'];

export interface Recipe {
  profile: ProfileName;
  optimizer: 'sgd-momentum';
  learningRate: number;
  momentum: number;
  weightDecay: number;
  batchSize: number;
  maxEpochs: number;
  /** Fraction of the training images held out for early stopping (0 disables early stopping). */
  validationSplit: number;
  /** Stop after this many epochs without a better validation loss; the best epoch's weights are kept. */
  patience: number;
  /** Linear learning-rate warm-up over this many batches (0 = none): lr 0.1 from random init can diverge. */
  warmupBatches: number;
  augment: { cropPadding: number; horizontalFlip: boolean };
  /**
   * Accumulate each batch's gradient over slices of this many images (0 = whole batch at once). The
   * update is the same up to rounding, but BatchNorm normalises per slice. For heartbeats on slow steps.
   */
  microBatch: number;
  normalize: 'per-channel';
  seed: number;
  /** Use at most this many training images (0 = all). */
  trainLimit: number;
  /** Use at most this many test images (0 = all). */
  testLimit: number;
}

const PAPER: Recipe = {
  profile: 'paper',
  optimizer: 'sgd-momentum',
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  batchSize: 128,
  maxEpochs: 100,
  validationSplit: 0.1,
  patience: 10,
  warmupBatches: 100,
  augment: { cropPadding: 4, horizontalFlip: true },
  microBatch: 0,
  normalize: 'per-channel',
  seed: 1,
  trainLimit: 0,
  testLimit: 0,
};

const OVERRIDES: Record<ProfileName, Partial<Recipe>> = {
  paper: {},
  mini: { maxEpochs: 10, patience: 3, trainLimit: 10000, testLimit: 2000 },
  // One short epoch to prove the pipeline end to end: a gentler lr so that any model learns a little.
  smoke: {
    maxEpochs: 1,
    batchSize: 32,
    learningRate: 0.01,
    warmupBatches: 10,
    validationSplit: 0,
    augment: { cropPadding: 0, horizontalFlip: false },
    trainLimit: 1000,
    testLimit: 500,
  },
};

/** Datasets whose classes change meaning under a mirror image (digits, letters): no horizontal flip. */
const NO_FLIP_FAMILIES = new Set(['digits', 'letters', 'characters', 'text']);

export class RecipeError extends Error {
  override name = 'RecipeError';
}

/**
 * The recipe for a profile, adapted to a dataset family (flip off for digits) and with explicit overrides
 * applied last. Throws RecipeError naming the bad field.
 */
export function recipeFor(
  profile: ProfileName = 'paper',
  opts: { family?: string; overrides?: Partial<Recipe> } = {},
): Recipe {
  if (!PROFILES.includes(profile)) {
    throw new RecipeError(`unknown training profile '${profile}'; use one of ${PROFILES.join(', ')}`);
  }
  const r: Recipe = { ...PAPER, ...OVERRIDES[profile], profile };
  r.augment = { ...PAPER.augment, ...OVERRIDES[profile].augment };
  if (opts.family && NO_FLIP_FAMILIES.has(opts.family)) r.augment.horizontalFlip = false;
  const o = opts.overrides ?? {};
  Object.assign(r, o, { augment: { ...r.augment, ...(o.augment ?? {}) } });
  return validateRecipe(r);
}

export function validateRecipe(r: Recipe): Recipe {
  const positive = ['learningRate', 'batchSize', 'maxEpochs'] as const;
  for (const k of positive) {
    if (!(Number.isFinite(r[k]) && r[k] > 0))
      throw new RecipeError(`recipe.${k} must be a positive number, got ${r[k]}`);
  }
  for (const k of [
    'batchSize',
    'maxEpochs',
    'patience',
    'warmupBatches',
    'trainLimit',
    'testLimit',
  ] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 0)
      throw new RecipeError(`recipe.${k} must be a whole number ≥ 0, got ${r[k]}`);
  }
  if (!(r.momentum >= 0 && r.momentum < 1))
    throw new RecipeError(`recipe.momentum must be in [0, 1), got ${r.momentum}`);
  if (!(r.weightDecay >= 0)) throw new RecipeError(`recipe.weightDecay must be ≥ 0, got ${r.weightDecay}`);
  if (!(r.validationSplit >= 0 && r.validationSplit < 1)) {
    throw new RecipeError(`recipe.validationSplit must be in [0, 1), got ${r.validationSplit}`);
  }
  if (!Number.isInteger(r.augment.cropPadding) || r.augment.cropPadding < 0) {
    throw new RecipeError(
      `recipe.augment.cropPadding must be a whole number ≥ 0, got ${r.augment.cropPadding}`,
    );
  }
  return r;
}

/** Hash of a training recipe (keys sorted): part of a trained pair's idempotency key. */
export function trainingRecipeHash(r: Recipe): string {
  return canonicalJsonHash(r, 16);
}
