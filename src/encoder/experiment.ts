/**
 * The paper's encoder experiment: train word2vec + the LSTM language model on a generated corpus,
 * report held-out perplexity against a unigram baseline, then encode 70 VGG-like variants and 70
 * random generated models and measure how well the encoding space separates them (5-NN purity,
 * silhouette) with a 2-D t-SNE plot as SVG.
 *
 * Run: npx tsx src/encoder/experiment.ts [smoke|mini|paper] [OUT_DIR]   (prints one JSON document)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateModels, toSentences, type ArchitectureSpec } from '../arch';
import { PROFILES } from '../profiles';
import { LanguageModelEncoder, type EpochReport } from './language-model';
import { generatorPerplexity, grammarLikelihood, isLinearSentence } from '../arch/grammar-likelihood';
import { knnPurity, silhouette, unigramPerplexity } from './metrics';
import { encoderProfile, type EncoderProfile } from './profiles';
import { SeededRandom } from '../random';
import { scatterSvg, tsne2d } from './tsne-plot';
import { vggVariants } from './vgg-variants';
import { Word2Vec, type Word2VecFitResult } from './word2vec';

type Generation = (typeof PROFILES)['mini']['generation'];

export interface EncoderCorpus {
  train: string[];
  heldOut: string[];
}

/** Generated sentences (UNK copies included), split by model so held-out models are unseen. */
export function encoderCorpus(
  profile: EncoderProfile,
  generation: Generation = PROFILES[profile.name].generation,
): EncoderCorpus {
  const models = generateModels(generation);
  return splitCorpus(
    models.map((m) => [...m.sentences, ...m.unkSentences]),
    generation.seed,
    profile,
  );
}

/**
 * Splits per-model sentence groups (originals then UNK copies) into training and held-out sentences:
 * a seeded share of whole models is held out, and training keeps at most maxTrainSentences.
 */
export function splitCorpus(
  groups: string[][],
  seed: number,
  profile: Pick<EncoderProfile, 'heldOutShare' | 'maxTrainSentences'>,
): EncoderCorpus {
  const models = [...groups];
  const rng = new SeededRandom(seed ^ 0xc0ffee);
  rng.shuffle(models);
  const heldOutCount = Math.max(1, Math.round(models.length * profile.heldOutShare));
  let train = models.slice(heldOutCount).flat();
  if (profile.maxTrainSentences > 0 && train.length > profile.maxTrainSentences) {
    train = rng.shuffle(train).slice(0, profile.maxTrainSentences);
  }
  return { train, heldOut: models.slice(0, heldOutCount).flat() };
}

export interface TrainedEncoder {
  word2vec: Word2Vec;
  word2vecFit: Word2VecFitResult;
  languageModel: LanguageModelEncoder;
  history: EpochReport[];
}

export async function trainEncoder(
  corpus: EncoderCorpus,
  profile: EncoderProfile,
  onEpoch?: (report: EpochReport, model: LanguageModelEncoder) => void | Promise<void>,
): Promise<TrainedEncoder> {
  const word2vec = new Word2Vec(profile.word2vec);
  const word2vecFit = word2vec.fit(corpus.train);
  const languageModel = LanguageModelEncoder.fromWord2Vec(word2vec, profile.languageModel);
  const history = await languageModel.fit(corpus.train, {
    epochs: profile.lmEpochs,
    heldOut: corpus.heldOut,
    onEpoch,
  });
  return { word2vec, word2vecFit, languageModel, history };
}

export interface EncoderEvaluation {
  perplexity: number;
  unigramPerplexity: number;
  /** perplexity / unigramPerplexity; the target is ≤ 0.2. */
  perplexityRatio: number;
  /** The same measures on the held-out linear models' sentences, beside the generator's own perplexity there
   *  (null for a corpus this grammar did not generate). */
  floor: GeneratorFloor | null;
  vggVsRandom: { knnPurity: number; silhouette: number; modelsPerClass: number };
  /** Mean wall time to encode one experiment model (all its paths), after load. */
  encodeMsPerModel: number;
  plot: string;
  /** The t-SNE layout (one point per model) and each point's family: 0 = VGG-like, 1 = random. */
  points: [number, number][];
  labels: number[];
}

/**
 * What any next-token model can reach: on held-out sentences the grammar's likelihood can score (linear
 * models, no UNK), the language model's and the unigram's perplexity beside the generator's own — the
 * Bayes-optimal model of that corpus (src/arch/grammar-likelihood.ts).
 */
export interface GeneratorFloor {
  sentences: number;
  perplexity: number;
  unigramPerplexity: number;
  generatorPerplexity: number;
  /** generatorPerplexity / unigramPerplexity: the smallest perplexity ratio this corpus allows. */
  floorRatio: number;
}

export function generatorFloor(
  encoder: LanguageModelEncoder,
  corpus: EncoderCorpus,
  generation: Pick<Generation, 'input' | 'classes'> & { dagShare?: number },
): GeneratorFloor | null {
  const likelihood = grammarLikelihood(generation.input, generation.classes, generation.dagShare);
  // A corpus from another grammar (a bare sentence file) has sentences this generator cannot draw.
  const linear = [...new Set(corpus.heldOut.filter(isLinearSentence))].filter((s) =>
    Number.isFinite(likelihood.logProbability(s)),
  );
  if (linear.length === 0) return null;
  const unigram = unigramPerplexity(corpus.train, linear, encoder.vocabulary);
  const floor = generatorPerplexity(likelihood, linear);
  return {
    sentences: linear.length,
    perplexity: encoder.perplexity(linear),
    unigramPerplexity: unigram,
    generatorPerplexity: floor,
    floorRatio: floor / unigram,
  };
}

export interface EvaluateOptions {
  outDir: string;
  models: number;
  seed?: number;
  tsneIterations?: number;
  generation?: Generation;
}

/** The experiment's two model families: VGG-like variants (label 0) and random generated models (label 1). */
export function experimentModels(count: number, seed: number, generation: Generation): ArchitectureSpec[][] {
  const vgg = vggVariants({ count, seed, input: generation.input, classes: generation.classes });
  // A seed far from the corpus seed, and no UNK copies: these are fresh models, not training data.
  const random = generateModels({ ...generation, seed: seed + 1_000_003, count, unkProb: 0, unkCopies: 0 });
  return [vgg, random.map((m) => m.spec)];
}

export async function evaluateEncoder(
  encoder: LanguageModelEncoder,
  corpus: EncoderCorpus,
  opts: EvaluateOptions,
): Promise<EncoderEvaluation> {
  const seed = opts.seed ?? 1;
  const generation = opts.generation ?? PROFILES.mini.generation;
  const perplexity = encoder.perplexity(corpus.heldOut);
  const unigram = unigramPerplexity(corpus.train, corpus.heldOut, encoder.vocabulary);

  const families = experimentModels(opts.models, seed, generation);
  const sentences = families.map((specs) => specs.map((s) => toSentences(s)));
  const labels = families.flatMap((specs, label) => specs.map(() => label));
  encoder.encode(sentences[0][0]); // load the inference weights outside the timing
  const started = performance.now();
  const vectors = sentences.flat().map((s) => encoder.encode(s));
  const encodeMsPerModel = (performance.now() - started) / vectors.length;

  const points = tsne2d(vectors, { seed, iterations: opts.tsneIterations ?? 500 });
  const series = [
    { name: `VGG-like variants (${opts.models})`, colour: '#d62728' },
    { name: `random generated (${opts.models})`, colour: '#1f77b4' },
  ];
  mkdirSync(opts.outDir, { recursive: true });
  const plot = join(opts.outDir, 'encoder-tsne.svg');
  const title = `t-SNE of ${encoder.config.dim}-d architecture encodings (epoch ${encoder.epoch})`;
  writeFileSync(plot, scatterSvg(points, labels, series, title));
  return {
    perplexity,
    unigramPerplexity: unigram,
    perplexityRatio: perplexity / unigram,
    floor: generatorFloor(encoder, corpus, generation),
    vggVsRandom: {
      knnPurity: knnPurity(vectors, labels, 5),
      silhouette: silhouette(vectors, labels),
      modelsPerClass: opts.models,
    },
    encodeMsPerModel,
    plot,
    points,
    labels,
  };
}

export async function runEncoderExperiment(
  profileName: string,
  outDir: string,
  log: (line: string) => void = () => {},
) {
  const profile = encoderProfile(profileName);
  const generation = PROFILES[profile.name].generation;
  const started = Date.now();
  const corpus = encoderCorpus(profile, generation);
  log(`corpus: ${corpus.train.length} training and ${corpus.heldOut.length} held-out sentences`);
  const trained = await trainEncoder(corpus, profile, (r) =>
    log(`lm epoch ${r.epoch}: ${JSON.stringify(r)}`),
  );
  const evaluation = await evaluateEncoder(trained.languageModel, corpus, {
    outDir,
    models: profile.experimentModels,
    tsneIterations: profile.tsneIterations,
    generation,
  });
  const result = {
    profile: profile.name,
    ...evaluation,
    dim: trained.languageModel.config.dim,
    vocabulary: trained.languageModel.vocabulary.size,
    trainSentences: corpus.train.length,
    heldOutSentences: corpus.heldOut.length,
    word2vec: {
      lossPerEpoch: trained.word2vecFit.lossPerEpoch,
      wordsPerSecond: trained.word2vecFit.wordsPerSecond,
    },
    languageModel: trained.history,
    seconds: (Date.now() - started) / 1000,
  };
  trained.languageModel.dispose();
  return result;
}

if (require.main === module) {
  (async () => {
    const { initBackend } = require('../training/backend') as typeof import('../training/backend');
    const backend = await initBackend();
    const [profileName = 'mini', outDir = join('.dlrec', 'reports', 'encoder')] = process.argv.slice(2);
    process.stderr.write(`tf.js backend: ${backend.name}\n`);
    const result = await runEncoderExperiment(profileName, outDir, (line) =>
      process.stderr.write(line + '\n'),
    );
    process.stdout.write(JSON.stringify({ backend: backend.name, ...result }, null, 2) + '\n');
  })().catch((e) => {
    process.stderr.write(`encoder experiment failed: ${e instanceof Error ? e.message : e}\n`);
    process.exit(1);
  });
}
