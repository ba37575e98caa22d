import { leep } from './leep';
import { TransferabilityInputError } from './labels';
import { logme } from './logme';

export interface TransferabilityScores {
  /** LogME of the penultimate features (mean evidence per sample; higher = transfers better). */
  logme: number;
  /** LEEP of the model's outputs (≤ 0; closer to 0 = transfers better). */
  leep: number;
}

/** A model's forward pass over N labelled target images (src/training/forward.ts produces it). */
export interface ForwardPass {
  count: number;
  features: Float32Array;
  outputs: Float32Array;
  /** Whether `outputs` rows are probabilities (else logits, softmaxed by LEEP). */
  probabilities: boolean;
}

/** Both scores of one (model, target images) pair. */
export function transferabilityScores(pass: ForwardPass, labels: ArrayLike<number>): TransferabilityScores {
  if (labels.length !== pass.count) {
    throw new TransferabilityInputError(`${labels.length} labels for ${pass.count} images`);
  }
  return {
    logme: logme(pass.features, labels).score,
    leep: leep(pass.outputs, labels, { probabilities: pass.probabilities }),
  };
}

/** The stored scores of a repository (transferability/<hash>.json), by campaign pairId. */
export interface TransferabilityFile {
  format: 'dlrec.transferability';
  samples: number;
  scores: Record<string, TransferabilityScores>;
}
