/**
 * Where the encoder stage keeps its artifacts in the store, and loading the current encoder.
 *
 *   encoder/<word2vecKey>/word2vec.json         Word2Vec.toJSON()
 *   encoder/<word2vecKey>/word2vec-summary.json  fit summary (loss per epoch, words/s, corpus sizes)
 *   encoder/<runKey>/lm/epoch-N.json            language-model checkpoint after epoch N (weights, Adam, RNG)
 *   encoder/<encoderKey>/lm.json                the trained language model (no optimizer state)
 *   encoder/<encoderKey>/summary.json           inputs and per-epoch history of that model
 *   encoder/<encoderKey>/experiment.json        the paper's experiment (perplexities, purity, t-SNE points)
 *   encoder/<encoderKey>/tsne.svg               its t-SNE plot
 *   encoder/current.json                        { encoderKey, … } of the latest finished encoder
 *   encodings/<encoderKey>/<sha256>.json        encodeModels output (encodings-file.ts)
 * runKey excludes the epoch count, so training to more epochs resumes from the stored checkpoints.
 */
import { getJSON, type ArtifactStore } from '../../infra/store';
import { LanguageModelEncoder } from './language-model';

export { CURRENT_ENCODER_KEY, encoderArtifacts } from '../store-layout';
import { CURRENT_ENCODER_KEY, encoderArtifacts } from '../store-layout';

export interface CurrentEncoder {
  encoderKey: string;
  lmKey: string;
  experimentKey: string;
  dim: number;
  epochs: number;
  profile: string;
}

export class NoEncoderError extends Error {
  override name = 'NoEncoderError';
  constructor() {
    super('no encoder is trained yet: run `dlrec encoder train` (CI-fast, 512-d) first');
  }
}

export async function readCurrentEncoder(store: ArtifactStore): Promise<CurrentEncoder> {
  if (!(await store.exists(CURRENT_ENCODER_KEY))) throw new NoEncoderError();
  return getJSON<CurrentEncoder>(store, CURRENT_ENCODER_KEY);
}

export async function loadLanguageModel(
  store: ArtifactStore,
  encoderKey: string,
): Promise<LanguageModelEncoder> {
  return LanguageModelEncoder.fromJSON(await getJSON(store, encoderArtifacts.lm(encoderKey)));
}
