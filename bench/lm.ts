/**
 * Language-model throughput: training tokens/s of the 3-layer tied LSTM (one epoch over generated
 * sentences, truncated BPTT) on the fastest TF.js backend (or --backend NAME), and the time to
 * encode one model with the typed-array encoder after load.
 * Usage: npm run bench -- lm [--backend wasm|cpu|auto] [--dim 512] [--sentences 128] [--batch 64]
 *
 * With `--profile mini` (or smoke, paper) instead: the encoder trained exactly as that build profile trains it
 * (its corpus, word2vec and language-model settings, all its epochs), and after every epoch the held-out linear
 * models' perplexity over the generator floor (src/encoder/experiment.ts: the grammar's own perplexity, what no
 * model can beat): `perplexityOverFloor` at the end, `curve` per epoch. Minutes: mini is 4 epochs of ~50 s.
 */
import { generateModels } from '../src/arch';
import { encoderCorpus, generatorFloor, trainEncoder } from '../src/encoder/experiment';
import { encoderProfile } from '../src/encoder/profiles';
import { PROFILES } from '../src/profiles';
import { initBackend, type BackendName } from '../src/training/backend';
import { LanguageModelEncoder } from '../src/encoder/language-model';
import { Word2Vec } from '../src/encoder/word2vec';
import { intOption, stringOption } from './options';

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const backend = await initBackend((stringOption(args, 'backend') ?? 'auto') as BackendName | 'auto');
  const profileName = stringOption(args, 'profile');
  if (profileName) return toProfileEnd(profileName, backend.name);
  const dim = intOption(args, 'dim', 512);
  const count = intOption(args, 'sentences', 128);
  const batchSize = intOption(args, 'batch', 64);
  const models = generateModels({ ...PROFILES.mini.generation, count });
  const sentences = models.flatMap((m) => m.sentences).slice(0, count);
  const word2vec = new Word2Vec({ dim, epochs: 1 });
  word2vec.fit(sentences);
  const lm = LanguageModelEncoder.fromWord2Vec(word2vec, { batchSize });
  const cpu = process.cpuUsage();
  const [epoch] = await lm.fit(sentences, { epochs: 1 });
  const used = process.cpuUsage(cpu);
  const tokens = epoch.tokensPerSecond * epoch.seconds;

  // Encoding: ~20-token sentences, after the weights are loaded.
  const probe = sentences.filter((s) => s.split(' ').length >= 15).slice(0, 20);
  lm.encode([probe[0]]);
  const started = performance.now();
  const encodeCpu = process.cpuUsage();
  for (const s of probe) lm.encode([s]);
  const encodeUsed = process.cpuUsage(encodeCpu);
  const result = {
    bench: 'lm',
    backend: backend.name,
    dim,
    layers: lm.config.layers,
    vocabulary: lm.vocabulary.size,
    batchSize,
    tokens,
    tokensPerSecond: Math.round(epoch.tokensPerSecond),
    tokensPerCpuSecond: Math.round(tokens / ((used.user + used.system) / 1e6)),
    encodeMsPerModel: (performance.now() - started) / probe.length,
    encodeCpuMsPerModel: (encodeUsed.user + encodeUsed.system) / 1e3 / probe.length,
    encodeTokensPerModel: probe.reduce((n, s) => n + s.split(' ').length, 0) / probe.length,
  };
  lm.dispose();
  return result;
}

/** The profile's encoder trained to its end, with the perplexity over the generator floor after each epoch. */
async function toProfileEnd(name: string, backend: string): Promise<Record<string, unknown>> {
  const profile = encoderProfile(name);
  const generation = PROFILES[profile.name].generation;
  const corpus = encoderCorpus(profile, generation);
  const curve: Array<Record<string, number>> = [];
  const started = performance.now();
  const trained = await trainEncoder(corpus, profile, (report, lm) => {
    const floor = generatorFloor(lm, corpus, generation);
    curve.push({
      epoch: report.epoch,
      trainLoss: report.trainLoss,
      heldOutPerplexity: report.heldOutPerplexity,
      linearPerplexity: floor?.perplexity ?? NaN,
      perplexityOverFloor: floor ? floor.perplexity / floor.generatorPerplexity : NaN,
      seconds: report.seconds,
    });
  });
  const floor = generatorFloor(trained.languageModel, corpus, generation);
  trained.languageModel.dispose();
  return {
    bench: 'lm',
    profile: profile.name,
    backend,
    dim: trained.languageModel.config.dim,
    learningRate: trained.languageModel.config.learningRate,
    epochs: profile.lmEpochs,
    trainSentences: corpus.train.length,
    generatorPerplexity: floor?.generatorPerplexity ?? null,
    perplexity: floor?.perplexity ?? null,
    perplexityOverFloor: floor ? floor.perplexity / floor.generatorPerplexity : null,
    targetOverFloor: 1.1,
    curve,
    seconds: (performance.now() - started) / 1000,
  };
}

if (require.main === module) run(process.argv.slice(2)).then((r) => console.log(JSON.stringify(r, null, 2)));
