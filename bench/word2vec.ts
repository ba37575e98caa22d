/**
 * word2vec throughput: words/s of skip-gram negative sampling (window 5, 5 negatives, sample 1e-3)
 * over sentences from the architecture generator.
 * Usage: npx tsx bench/word2vec.ts [--dim 512] [--models 2000] [--epochs 1]
 */
import { generateModels } from '../src/arch';
import { PROFILES } from '../src/profiles';
import { Word2Vec } from '../src/encoder/word2vec';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const dim = option(args, 'dim', 512);
  const models = option(args, 'models', 2000);
  const epochs = option(args, 'epochs', 1);
  const generated = generateModels({ ...PROFILES.mini.generation, count: models });
  const sentences = generated.flatMap((m) => [...m.sentences, ...m.unkSentences]);
  const cpu = process.cpuUsage();
  const fit = new Word2Vec({ dim, epochs }).fit(sentences);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return {
    bench: 'word2vec',
    dim,
    epochs,
    sentences: sentences.length,
    words: fit.trainedWords,
    wordsPerSecond: Math.round(fit.wordsPerSecond),
    wordsPerCpuSecond: Math.round(fit.trainedWords / cpuSeconds),
    finalLoss: fit.lossPerEpoch[fit.lossPerEpoch.length - 1],
  };
}

if (require.main === module) run(process.argv.slice(2)).then((r) => console.log(JSON.stringify(r, null, 2)));
