/**
 * The shapes trainModel resolves and returns (activities/training.ts), in a file of their own so that the simulated
 * trainer (activities/training-simulated.ts), which training.ts calls, can name them without an import circle.
 */
import type { ArchitectureSpec } from '../src/arch';
import type { DatasetManifest } from '../src/datasets';
import type { Recipe } from '../src/training/recipe';
import type { TrainResult } from '../src/training/trainer';

export interface ResolvedModel {
  /** The architecture at TRAIN_INPUT and 10 classes: what models.jsonl lists and the encoder encodes. */
  reference: ArchitectureSpec;
  modelId: string;
  modelName: string;
  architecture: string;
  forClasses(classes: number): ArchitectureSpec;
}

export interface ResolvedPair {
  model: ResolvedModel;
  spec: ArchitectureSpec;
  manifest: DatasetManifest;
  recipe: Recipe;
  pairKey: string;
  source: ResolvedPair | null;
}

export interface TrainModelResult extends Omit<TrainResult, 'valLossCurve' | 'valAccuracyCurve' | 'backend'> {
  backend: TrainResult['backend'] | 'simulated';
  /** A simulated run's expected accuracy under the law (the measured one adds test-set noise). */
  simulatedLaw?: number;
  pairId: string;
  pairKey: string;
  modelId: string;
  modelName: string;
  architecture: string;
  dataset: string;
  datasetSha: string;
  source: string | null;
  sourcePairKey: string | null;
  recipeHash: string;
  depth: number;
  resumedFromEpoch: number;
  attempt: number;
  transferredWeights: number;
  resultKey: string;
  weightsKey: string;
  weightsBinKey: string;
  checkpointKey: string | null;
  /** True when this call found the pair already trained and returned the stored result. */
  reused?: boolean;
}
