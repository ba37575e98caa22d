/**
 * EncoderWorkflow(input: EncoderWorkflowInput) → EncoderWorkflowResult
 *   input:  { generationPrefix: 'generations/<run>' (GenerateModelsWorkflow's prefix, or any store prefix holding
 *             sentences.txt [+ models.jsonl, manifest.json]), profile: EncoderProfile (src/profiles.ts `encoder`),
 *             timeouts?: BuildTimeouts (workflows/timeouts.ts) }
 *   output: { encoderKey, word2vecKey, lmKey, perplexity, unigramPerplexity, experimentKey, vggVsRandom, epochs, dim }
 *           encoderKey names encoder/<encoderKey>/ (lm.json, experiment.json, tsne.svg); lmKey and experimentKey
 *           are store keys. On success encoder/current.json names this encoder (what `dlrec encode` uses).
 * trainWord2Vec (CPU) → trainLanguageModel (GPU queue; checkpoints every epoch and resumes on retry) →
 * encoderExperiment (GPU queue). Every step is idempotent on its artifacts, so re-running resumes.
 */
import type { SimulatedTraining } from '../src/training/simulation-settings';
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EncoderProfile } from '../src/encoder/profiles';
import { validInput } from './failures';
import { trackProgress } from './progress';
import { CPU_QUEUE, GPU_QUEUE } from './queues';
import { resolveTimeouts, scheduleToStart, type BuildTimeouts } from './timeouts';

export interface EncoderWorkflowInput {
  generationPrefix: string;
  profile: EncoderProfile;
  /**
   * heartbeatSeconds bounds word2vec's silence (and the language model's, never below 5 minutes);
   * scheduleToStartMinutes bounds the wait for a GPU worker.
   */
  timeouts?: BuildTimeouts;
  /** A simulated build: the language model's training steps are simulated (src/training/simulation.ts). */
  simulate?: Partial<SimulatedTraining>;
}

const retry = { maximumAttempts: 5, initialInterval: '5s', backoffCoefficient: 2 } as const;

export async function EncoderWorkflow(input: EncoderWorkflowInput) {
  const { heartbeatSeconds, scheduleToStartMinutes } = validInput(() => resolveTimeouts(input.timeouts));
  // word2vec fits on a worker thread and heartbeats its progress every ≤ 2 s: a lost worker is noticed within
  // heartbeatSeconds (default 2 minutes) and the step is redone on another (it has no checkpoints; minutes).
  const cpu = proxyActivities<Activities>({
    taskQueue: CPU_QUEUE,
    startToCloseTimeout: '12 hours',
    heartbeatTimeout: `${heartbeatSeconds} seconds`,
    retry,
  });
  // The language model heartbeats after every batch and the retry resumes from the last epoch's checkpoint. At
  // least 5 minutes (as before): its activity loads TensorFlow on the worker's own thread first (on a new GPU, the
  // PTX JIT), and the experiment does not heartbeat at all.
  const gpu = proxyActivities<Activities>({
    taskQueue: GPU_QUEUE,
    startToCloseTimeout: '48 hours',
    heartbeatTimeout: `${Math.max(300, heartbeatSeconds)} seconds`,
    ...scheduleToStart(scheduleToStartMinutes),
    retry,
  });
  const progress = trackProgress('word2vec', 3);
  const { timeouts: _timeouts, ...stage } = input;
  const w2v = await cpu.trainWord2Vec(stage);
  progress.done++;
  progress.stage = 'language model';
  const lm = await gpu.trainLanguageModel({ ...stage, word2vecKey: w2v.word2vecKey });
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
