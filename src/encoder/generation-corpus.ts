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
  const sentences = sentenceLines(sentencesText);
  if (!modelsText) return sentences.map((s) => [s]);
  const groups: string[][] = [];
  let at = 0;
  for (const line of sentenceLines(modelsText)) {
    const spec = JSON.parse(line) as ArchitectureSpec;
    const originals = toSentences(spec);
    const size = originals.length * (1 + unkCopies);
    if (sentences[at] !== originals[0]) {
      throw new CorpusFormatError(
        `sentences.txt line ${at + 1} does not start model ${groups.length + 1} of models.jsonl: ` +
          'the two files are not from the same generation run (regenerate with `dlrec generate`)',
      );
    }
    groups.push(sentences.slice(at, at + size));
    at += size;
  }
  if (at !== sentences.length) {
    throw new CorpusFormatError(
      `sentences.txt has ${sentences.length} sentences but models.jsonl accounts for ${at} ` +
        `(unkCopies ${unkCopies}): the files are not from the same generation run`,
    );
  }
  return groups;
}
