/**
 * word2vec throughput: words/s of skip-gram negative sampling (512-d, window 5, 5 negatives, sample 1e-3) over
 * sentences from the architecture generator, next to gensim's (1 and 2 workers) on the same corpus in the same
 * run when the reference is installed (bench/reference/README.md).
 * Usage: npm run bench -- word2vec [--dim 512] [--models 2000] [--epochs 1] [--threads N] [--no-reference]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateModels } from '../src/arch';
import { PROFILES } from '../src/profiles';
import { Word2Vec } from '../src/encoder/word2vec';
import { ratio, runReference } from './reference';
import { intOption } from './options';

interface GensimResult {
  sentences: number;
  words: number;
  workers1: { wordsPerSecond: number; trainWordsPerSecond: number };
  workers2: { wordsPerSecond: number; trainWordsPerSecond: number };
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const dim = intOption(args, 'dim', 512);
  const models = intOption(args, 'models', 2000);
  const epochs = intOption(args, 'epochs', 1);
  const threads = intOption(args, 'threads', 1);
  const generated = generateModels({ ...PROFILES.mini.generation, count: models });
  const base = generated.flatMap((m) => [...m.sentences, ...m.unkSentences]);
  // The corpus gensim_w2v.py trains on: the sentences repeated to at least 200,000.
  const sentences = Array.from({ length: Math.max(1, Math.floor(200_000 / base.length)) }, () => base).flat();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const fit = new Word2Vec({ dim, epochs }).fit(sentences, { threads });
  const wholeFitSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const ours = {
    bench: 'word2vec',
    dim,
    epochs,
    threads,
    sentences: sentences.length,
    words: fit.trainedWords,
    // Training alone; wholeFitWordsPerSecond adds the vocabulary and table set-up (gensim's anchor scope).
    wordsPerSecond: Math.round(fit.wordsPerSecond),
    wholeFitWordsPerSecond: Math.round(fit.trainedWords / wholeFitSeconds),
    wordsPerCpuSecond: Math.round(fit.trainedWords / cpuSeconds),
    finalLoss: fit.lossPerEpoch[fit.lossPerEpoch.length - 1],
  };
  if (args.includes('--no-reference') || dim !== 512 || epochs !== 1) return ours;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-w2v-')), 'sentences.txt');
  fs.writeFileSync(file, base.join('\n') + '\n');
  const ref = await runReference<GensimResult>('gensim_w2v.py', [file]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  if (!ref.result) return { ...ours, reference: null, referenceNote: ref.note };
  const g = ref.result;
  return {
    ...ours,
    reference: { tool: 'gensim', ...g },
    // Like for like: the whole call against gensim's whole Word2Vec(...) call, training against training.
    ratioToGensim1Worker: ratio(ours.wholeFitWordsPerSecond, g.workers1.wordsPerSecond),
    ratioToGensim2Workers: ratio(ours.wholeFitWordsPerSecond, g.workers2.wordsPerSecond),
    trainingRatioToGensim1Worker: ratio(ours.wordsPerSecond, g.workers1.trainWordsPerSecond),
    trainingRatioToGensim2Workers: ratio(ours.wordsPerSecond, g.workers2.trainWordsPerSecond),
  };
}

if (require.main === module) run(process.argv.slice(2)).then((r) => console.log(JSON.stringify(r, null, 2)));
