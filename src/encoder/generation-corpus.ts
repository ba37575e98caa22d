/**
 * Reads a stored generation run (models.jsonl + sentences.txt, see src/arch/generation-files.ts) back into
 * per-model sentence groups, so the encoder holds out whole models exactly as encoderCorpus() does.
 * sentences.txt lists per model its path sentences, then `unkCopies` UNK copies of them; models.jsonl
 * has one spec per line in the same order. Without models.jsonl (a bare sentence corpus) every sentence
 * is its own group.
 */
import { toSentences, type ArchitectureSpec } from '../arch';

export class CorpusFormatError extends Error {
  override name = 'CorpusFormatError';
}

export function sentenceLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim().length > 0);
}

export function modelSentenceGroups(sentencesText: string, modelsText?: string, unkCopies = 0): string[][] {
  const groups: string[][] = [];
  for (const group of sentenceGroups(sentencesText, modelsText, unkCopies)) groups.push(group);
  return groups;
}

/**
 * The same, yielding to the event loop every `every` models: a paper corpus (190,000 models, 220 MB of specs)
 * takes tens of seconds to re-tokenise, which on a worker's main thread would starve its heartbeats.
 */
export async function modelSentenceGroupsYielding(
  sentencesText: string,
  modelsText?: string,
  unkCopies = 0,
  every = 2_000,
): Promise<string[][]> {
  const groups: string[][] = [];
  for (const group of sentenceGroups(sentencesText, modelsText, unkCopies)) {
    if (groups.push(group) % every === 0) await new Promise((r) => setImmediate(r));
  }
  return groups;
}

function* sentenceGroups(sentencesText: string, modelsText?: string, unkCopies = 0): Generator<string[]> {
  const sentences = sentenceLines(sentencesText);
  if (!modelsText) {
    for (const s of sentences) yield [s];
    return;
  }
  let at = 0;
  let models = 0;
  for (const line of sentenceLines(modelsText)) {
    const spec = JSON.parse(line) as ArchitectureSpec;
    const originals = toSentences(spec);
    const size = originals.length * (1 + unkCopies);
    if (sentences[at] !== originals[0]) {
      throw new CorpusFormatError(
        `sentences.txt line ${at + 1} does not start model ${models + 1} of models.jsonl: ` +
          'the two files are not from the same generation run (regenerate with `dlrec generate`)',
      );
    }
    yield sentences.slice(at, at + size);
    models++;
    at += size;
  }
  if (at !== sentences.length) {
    throw new CorpusFormatError(
      `sentences.txt has ${sentences.length} sentences but models.jsonl accounts for ${at} ` +
        `(unkCopies ${unkCopies}): the files are not from the same generation run`,
    );
  }
}
