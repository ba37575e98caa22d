/**
 * EncoderWorkflow(input: EncoderWorkflowInput) → EncoderWorkflowResult
 *   input:  { generationPrefix: 'generations/<run>' (GenerateModelsWorkflow's prefix, or any store prefix holding
 *             sentences.txt [+ models.jsonl, manifest.json]), profile: EncoderProfile (src/profiles.ts `encoder`) }
 *   output: { encoderKey, word2vecKey, lmKey, perplexity, unigramPerplexity, experimentKey, vggVsRandom, epochs, dim }
 *           encoderKey names encoder/<encoderKey>/ (lm.json, experiment.json, tsne.svg); lmKey and experimentKey
 *           are store keys. On success encoder/current.json names this encoder (what `dlrec encode` uses).
 * trainWord2Vec (CPU) → trainLanguageModel (GPU queue; checkpoints every epoch and resumes on retry) →
 * encoderExperiment (GPU queue). Every step is idempotent on its artifacts, so re-running resumes.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EncoderProfile } from '../src/encoder/profiles';
import { trackProgress } from './progress';
import { CPU_QUEUE, GPU_QUEUE } from './queues';

export interface EncoderWorkflowInput {
  generationPrefix: string;
  profile: EncoderProfile;
}

const retry = { maximumAttempts: 5, initialInterval: '5s', backoffCoefficient: 2 } as const;

// word2vec's fit is one synchronous loop (no heartbeats while it runs): bounded by startToClose only.
const cpu = proxyActivities<Activities>({ taskQueue: CPU_QUEUE, startToCloseTimeout: '12 hours', retry });

// The language model heartbeats after every batch; a lost worker is noticed within heartbeatTimeout and the
// retry resumes from the last epoch's checkpoint.
const gpu = proxyActivities<Activities>({
  taskQueue: GPU_QUEUE,
  startToCloseTimeout: '48 hours',
  heartbeatTimeout: '5 minutes',
  retry,
});

export async function EncoderWorkflow(input: EncoderWorkflowInput) {
  const progress = trackProgress('word2vec', 3);
  const w2v = await cpu.trainWord2Vec(input);
  progress.done++;
  progress.stage = 'language model';
  const lm = await gpu.trainLanguageModel({ ...input, word2vecKey: w2v.word2vecKey });
  progress.done++;
  progress.stage = 'experiment';
  progress.detail = { perplexity: lm.perplexity, unigramPerplexity: lm.unigramPerplexity };
  const experiment = await gpu.encoderExperiment({ encoderKey: lm.encoderKey });
  progress.done++;
  progress.stage = 'done';
  return {
    encoderKey: lm.encoderKey,
    word2vecKey: w2v.word2vecKey,
    lmKey: lm.lmKey,
    perplexity: lm.perplexity,
    unigramPerplexity: lm.unigramPerplexity,
    experimentKey: experiment.experimentKey,
    vggVsRandom: experiment.vggVsRandom,
    floor: experiment.floor,
    epochs: lm.epochs,
    dim: lm.dim,
  };
}

export type EncoderWorkflowResult = Awaited<ReturnType<typeof EncoderWorkflow>>;
