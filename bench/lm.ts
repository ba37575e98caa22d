/**
 * Language-model throughput: training tokens/s of the 3-layer tied LSTM (one epoch over generated
 * sentences, truncated BPTT) on the fastest TF.js backend (or --backend NAME), and the time to
 * encode one model with the typed-array encoder after load.
 * Usage: npx tsx bench/lm.ts [--backend wasm|cpu|auto] [--dim 512] [--sentences 128] [--batch 64]
 */
import { generateModels } from '../src/arch';
import { PROFILES } from '../src/profiles';
import { initBackend, type BackendName } from '../src/training/backend';
import { LanguageModelEncoder } from '../src/encoder/language-model';
import { Word2Vec } from '../src/encoder/word2vec';
import { intOption, stringOption } from './options';

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const backend = await initBackend((stringOption(args, 'backend') ?? 'auto') as BackendName | 'auto');
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

if (require.main === module) run(process.argv.slice(2)).then((r) => console.log(JSON.stringify(r, null, 2)));
