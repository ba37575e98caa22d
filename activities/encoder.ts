/**
 * Encoder activities: word2vec → language model (checkpointed every epoch) → the paper's experiment, and
 * batch encoding of stored models. Artifact layout: src/encoder/stored-encoder.ts. Every output key is a
 * hash of the inputs (corpus content, profile section), and an output already stored is returned as is.
 */
import { simulationIdentity, simulationSettings, type SimulatedTraining } from '../src/training/simulation';
import { ApplicationFailure } from '@temporalio/common';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GenerationManifest } from '../src/arch/generation-files';
import { writeEncodings } from '../src/encoder/encodings-file';
import { splitCorpus, type EncoderCorpus, type GeneratorFloor } from '../src/encoder/experiment';
import { modelSentenceGroupsYielding } from '../src/encoder/generation-corpus';
import type { EpochReport, LanguageModelJSON } from '../src/encoder/language-model';
import { unigramPerplexity } from '../src/encoder/metrics';
import { Vocabulary } from '../src/encoder/vocabulary';
import type { EncoderProfile } from '../src/encoder/profiles';
import {
  CURRENT_ENCODER_KEY,
  encoderArtifacts as keys,
  type CurrentEncoder,
} from '../src/encoder/stored-encoder';
import type { Word2VecProgress } from '../src/encoder/word2vec';
import { PROFILES } from '../src/profiles';
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { heartbeater, withHeartbeats, type ActivityDeps } from './context';
import type { LanguageModelEvent } from './thread-tasks';
import { simulatedEpoch } from './training-simulated';
import { runTask } from './threads';
import { jsonHash } from '../src/content-hash';

const hashOf = (value: unknown) => jsonHash(value, 16);

export interface Word2VecSummary {
  word2vecKey: string;
  key: string;
  generationPrefix: string;
  dim: number;
  vocabulary: number;
  trainSentences: number;
  heldOutSentences: number;
  lossPerEpoch: number[];
  wordsPerSecond: number;
}

export interface LanguageModelSummary {
  encoderKey: string;
  runKey: string;
  lmKey: string;
  word2vecKey: string;
  generationPrefix: string;
  profile: EncoderProfile;
  dim: number;
  epochs: number;
  /** Epoch the run resumed from (0: trained from word2vec). */
  resumedFromEpoch: number;
  perplexity: number;
  unigramPerplexity: number;
  perplexityPerEpoch: number[];
  history: EpochReport[];
}

interface StoredCorpus {
  corpus: EncoderCorpus;
  /** Content identity of the corpus files (sha256 of sentences.txt and models.jsonl). */
  contentId: string;
  manifest?: GenerationManifest;
}

/** A generation prefix's sentences, split into training and held-out models as the profile says. */
async function readCorpus(
  store: ArtifactStore,
  prefix: string,
  profile: EncoderProfile,
): Promise<StoredCorpus> {
  const sentencesKey = `${prefix}/sentences.txt`;
  const sentencesInfo = await store.head(sentencesKey);
  if (!sentencesInfo) throw new Error(`no corpus at '${prefix}': ${sentencesKey} is not in the store`);
  const modelsInfo = await store.head(`${prefix}/models.jsonl`);
  const manifest = (await store.exists(`${prefix}/manifest.json`))
    ? await getJSON<GenerationManifest>(store, `${prefix}/manifest.json`)
    : undefined;
  const groups = await modelSentenceGroupsYielding(
    (await store.get(sentencesKey)).toString('utf8'),
    modelsInfo ? (await store.get(modelsInfo.key)).toString('utf8') : undefined,
    manifest?.unkCopies ?? 0,
  );
  return {
    corpus: splitCorpus(groups, manifest?.seed ?? 1, profile),
    contentId: hashOf([sentencesInfo.sha256, modelsInfo?.sha256 ?? null]),
    manifest,
  };
}

/** The generation options the experiment's random models are drawn with: the corpus's own where known. */
function generationOf(profile: EncoderProfile, manifest?: GenerationManifest) {
  const base = PROFILES[profile.name].generation;
  if (!manifest) return base;
  const { seed, input, classes, unkProb, unkCopies } = manifest;
  return { ...base, seed, input, classes, unkProb, unkCopies };
}

/** The part of a profile that decides the training split. */
const splitOf = (p: EncoderProfile) => ({
  heldOutShare: p.heldOutShare,
  maxTrainSentences: p.maxTrainSentences,
});

async function latestCheckpoint(store: ArtifactStore, runKey: string, maxEpoch: number): Promise<number> {
  let latest = 0;
  for (const o of await store.list(keys.checkpointPrefix(runKey))) {
    const m = /epoch-(\d+)\.json$/.exec(o.key);
    if (m && Number(m[1]) <= maxEpoch) latest = Math.max(latest, Number(m[1]));
  }
  return latest;
}

export function encoderActivities({ store }: ActivityDeps) {
  return {
    /**
     * Skip-gram word2vec on the training split → encoder/<word2vecKey>/word2vec.json. The fit runs on a worker
     * thread (activities/threads.ts; the same bytes as an in-process fit with the same seed): at paper scale it is
     * 10–20 minutes of synchronous CPU that would otherwise stall this worker's event loop — heartbeats, polling,
     * its health file. Heartbeats carry { epoch, epochs, words, totalWords, loss } every ≤ 2 s.
     */
    async trainWord2Vec(input: {
      generationPrefix: string;
      profile: EncoderProfile;
    }): Promise<Word2VecSummary> {
      const { generationPrefix, profile } = input;
      type Progress = Partial<Word2VecProgress> & { stage: string };
      return withHeartbeats<Word2VecSummary, Progress>({ stage: 'reading corpus' }, async (report) => {
        const { corpus, contentId } = await readCorpus(store, generationPrefix, profile);
        const word2vecKey = hashOf(['word2vec', contentId, profile.word2vec, splitOf(profile)]);
        const summaryKey = keys.word2vecSummary(word2vecKey);
        if (await store.exists(summaryKey)) return getJSON<Word2VecSummary>(store, summaryKey);
        let fitting: Progress = { stage: 'word2vec' };
        report(fitting);
        const { model, fit } = await runTask(
          'fitWord2Vec',
          { config: profile.word2vec, sentences: corpus.train, threads: word2vecThreads() },
          (p) => report((fitting = { stage: 'word2vec', ...p })),
        );
        report({ ...fitting, stage: 'storing' });
        await putJSON(store, keys.word2vec(word2vecKey), model);
        const summary: Word2VecSummary = {
          word2vecKey,
          key: keys.word2vec(word2vecKey),
          generationPrefix,
          dim: model.config.dim,
          vocabulary: model.tokens.length,
          trainSentences: corpus.train.length,
          heldOutSentences: corpus.heldOut.length,
          lossPerEpoch: fit.lossPerEpoch,
          wordsPerSecond: fit.wordsPerSecond,
        };
        await putJSON(store, summaryKey, summary); // last: its presence marks the step done
        return summary;
      });
    },

    /**
     * The tied 3-layer LSTM language model, initialised from word2vec, trained to profile.lmEpochs. After every
     * epoch a full checkpoint (weights, Adam moments, epoch, RNG) goes to encoder/<runKey>/lm/epoch-N.json; a
     * retry (or a later call with more epochs) resumes from the latest one. Heartbeats carry epoch/perplexity.
     */
    async trainLanguageModel(input: {
      generationPrefix: string;
      word2vecKey: string;
      profile: EncoderProfile;
      /** Simulated training steps (a simulated build): epochs pass and checkpoint, the weights stay word2vec's. */
      simulate?: Partial<SimulatedTraining>;
    }): Promise<LanguageModelSummary> {
      const { generationPrefix, word2vecKey, profile } = input;
      const sim = input.simulate ? simulationSettings(input.simulate) : null;
      const runKey = hashOf([
        'lm',
        word2vecKey,
        profile.languageModel,
        ...(sim ? [simulationIdentity(sim)] : []),
      ]);
      const encoderKey = hashOf(['encoder', runKey, profile.lmEpochs]);
      if (await store.exists(keys.summary(encoderKey)))
        return getJSON<LanguageModelSummary>(store, keys.summary(encoderKey));
      const beat = heartbeater();
      const { corpus } = await readCorpus(store, generationPrefix, profile);
      const resumedFromEpoch = await latestCheckpoint(store, runKey, profile.lmEpochs);
      let start: LanguageModelJSON;
      if (resumedFromEpoch) start = await getJSON(store, keys.checkpoint(runKey, resumedFromEpoch));
      else
        start = await runTask(
          'initLanguageModel',
          { word2vec: await getJSON(store, keys.word2vec(word2vecKey)), config: profile.languageModel },
          () => undefined,
        );
      // Fitted on a worker thread (activities/threads.ts): the steps are synchronous, and here they would
      // stall heartbeats, queries and the worker's other activities. Checkpoint writes run in order here.
      let epoch = start.epoch;
      let perplexity = start.history[start.history.length - 1]?.heldOutPerplexity ?? null;
      let writes: Promise<unknown> = Promise.resolve();
      const onEvent = (e: LanguageModelEvent) => {
        if (e.type === 'batch')
          return beat({ epoch: epoch + 1, batch: e.batch, batches: e.batches, perplexity });
        ({ epoch, heldOutPerplexity: perplexity } = e.report);
        writes = writes.then(() => putJSON(store, keys.checkpoint(runKey, e.report.epoch), e.model));
        beat({ epoch, perplexity });
      };
      const job = { model: start, train: corpus.train, heldOut: corpus.heldOut, epochs: profile.lmEpochs };
      const timer = setInterval(() => beat({ epoch: epoch + 1, perplexity }), 5_000);
      let model: LanguageModelJSON;
      try {
        model = sim
          ? await simulateLanguageModel(job, sim, onEvent)
          : await runTask('fitLanguageModel', job, onEvent);
        await writes;
      } finally {
        clearInterval(timer);
      }
      const perplexityPerEpoch = model.history.map((h) => h.heldOutPerplexity);
      const lmKey = keys.lm(encoderKey);
      // The served model drops Adam's moments: two thirds of the bytes, useless for encoding.
      await putJSON(store, lmKey, { ...model, optimizer: null });
      const summary: LanguageModelSummary = {
        encoderKey,
        runKey,
        lmKey,
        word2vecKey,
        generationPrefix,
        profile,
        dim: model.config.dim,
        epochs: model.epoch,
        resumedFromEpoch,
        perplexity: perplexityPerEpoch[perplexityPerEpoch.length - 1],
        unigramPerplexity: unigramPerplexity(corpus.train, corpus.heldOut, new Vocabulary(model.tokens)),
        perplexityPerEpoch,
        history: model.history,
      };
      await putJSON(store, keys.summary(encoderKey), summary);
      return summary;
    },

    /**
     * Encodes every model of a JSONL artifact (spec lines, {id, spec} or {id, sentences}) →
     * encodings/<encoderKey>/<sha256 of the file>.json (format: src/encoder/encodings-file.ts).
     */
    async encodeModels(input: { encoderKey: string; modelsKey: string }) {
      const info = await store.head(input.modelsKey);
      if (!info) throw new Error(`no models file at '${input.modelsKey}' in the store`);
      const key = keys.encodings(input.encoderKey, info.sha256);
      if (await store.exists(key)) {
        const { ids, dim } = await getJSON<{ ids: string[]; dim: number }>(store, key);
        return { key, count: ids.length, dim };
      }
      const lines = (await store.get(input.modelsKey))
        .toString('utf8')
        .split('\n')
        .filter((l) => l.trim());
      const lm = await getJSON<LanguageModelJSON>(store, keys.lm(input.encoderKey));
      // On a pooled thread: LSTM inference for every model would otherwise hold this worker's event loop.
      const { ids, vectors, unknown } = await withHeartbeats({ encoded: 0, total: lines.length }, (report) =>
        runTask('encodeModels', { model: lm, lines }, report),
      );
      if (ids.length === 0) throw new Error(`the models file '${input.modelsKey}' is empty`);
      await putJSON(store, key, writeEncodings(input.encoderKey, ids, vectors, unknown));
      return { key, count: ids.length, dim: lm.config.dim };
    },

    /**
     * The paper's experiment on a trained encoder (VGG-like vs random models: 5-NN purity, silhouette, t-SNE;
     * held-out and unigram perplexity) → encoder/<key>/experiment.json + tsne.svg; then points
     * encoder/current.json at this encoder.
     */
    async encoderExperiment(input: { encoderKey: string }) {
      const { encoderKey } = input;
      const summary = await getJSON<LanguageModelSummary>(store, keys.summary(encoderKey));
      const experimentKey = keys.experiment(encoderKey);
      // Experiments stored before the generator floor existed are redone (the trained encoder is reused).
      const stored = (await store.exists(experimentKey))
        ? await getJSON<{ floor?: unknown }>(store, experimentKey)
        : null;
      if (!stored || stored.floor === undefined) {
        const { corpus, manifest } = await readCorpus(store, summary.generationPrefix, summary.profile);
        const lm = await getJSON<LanguageModelJSON>(store, keys.lm(encoderKey));
        const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dlrec-encoder-exp-'));
        try {
          // On a pooled thread: at paper size this is minutes of inference and t-SNE.
          const evaluation = await withHeartbeats({ stage: 'experiment' }, (report) =>
            runTask(
              'evaluateEncoder',
              {
                model: lm,
                corpus,
                options: {
                  outDir: dir,
                  models: summary.profile.experimentModels,
                  tsneIterations: summary.profile.tsneIterations,
                  generation: generationOf(summary.profile, manifest),
                },
              },
              (e) => report({ stage: 'experiment', ...e }),
            ),
          );
          await store.put(keys.tsne(encoderKey), await fs.readFile(evaluation.plot));
          const { plot: _localPlot, ...rest } = evaluation;
          await putJSON(store, experimentKey, {
            encoderKey,
            dim: lm.config.dim,
            epochs: lm.epoch,
            profile: summary.profile.name,
            ...rest,
            plotKey: keys.tsne(encoderKey),
          });
        } finally {
          await fs.rm(dir, { recursive: true, force: true });
        }
      }
      const current: CurrentEncoder = {
        encoderKey,
        lmKey: summary.lmKey,
        experimentKey,
        dim: summary.dim,
        epochs: summary.epochs,
        profile: summary.profile.name,
      };
      await putJSON(store, CURRENT_ENCODER_KEY, current);
      const e = await getJSON<{
        perplexity: number;
        unigramPerplexity: number;
        vggVsRandom: { knnPurity: number; silhouette: number; modelsPerClass: number };
        floor: GeneratorFloor | null;
      }>(store, experimentKey);
      return {
        experimentKey,
        perplexity: e.perplexity,
        unigramPerplexity: e.unigramPerplexity,
        vggVsRandom: e.vggVsRandom,
        floor: e.floor,
      };
    },
  };
}

/**
 * The language model's training steps, simulated: each epoch waits the simulation's longest epoch and is reported
 * and checkpointed as a real one; the weights stay at their word2vec initialisation and perplexity is not measured.
 */
async function simulateLanguageModel(
  job: { model: LanguageModelJSON; train: string[]; epochs: number },
  sim: SimulatedTraining,
  onEvent: (e: LanguageModelEvent) => void,
): Promise<LanguageModelJSON> {
  const model = { ...job.model, history: [...job.model.history] };
  for (let epoch = model.epoch + 1; epoch <= job.epochs; epoch++) {
    const t0 = performance.now();
    await simulatedEpoch(sim.maxEpochSeconds * 1000, () => onEvent({ type: 'batch', batch: 0, batches: 1 }));
    const report = {
      epoch,
      trainLoss: NaN,
      heldOutPerplexity: NaN,
      tokensPerSecond: 0,
      seconds: (performance.now() - t0) / 1000,
    };
    model.epoch = epoch;
    model.history.push(report);
    onEvent({ type: 'epoch', report, model: { ...model, history: [...model.history] } });
  }
  return model;
}

/**
 * DLREC_WORD2VEC_THREADS: threads of one word2vec fit (default 1, deterministic). More train replicas of the
 * tables merged every few thousand words (src/encoder/word2vec-shards.ts): 2 threads gave 1.6–1.9× one
 * thread's words/s on the 2-core bench machine, but the vectors then depend on the threads' timing.
 */
function word2vecThreads(): number {
  const n = Number(process.env.DLREC_WORD2VEC_THREADS ?? 1);
  if (!Number.isInteger(n) || n < 1)
    throw ApplicationFailure.nonRetryable(
      `DLREC_WORD2VEC_THREADS must be a positive integer, not '${process.env.DLREC_WORD2VEC_THREADS}': fix the worker's environment`,
      'DlrecConfigError',
    );
  return n;
}
