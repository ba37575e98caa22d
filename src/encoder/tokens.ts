/** Sentence tokenisation shared by word2vec and the language model. */
export const UNK = 'UNK';
export const BOS = '<s>';
export const EOS = '</s>';

/** Splits a sentence of space-separated layer tokens; empty strings are dropped. */
export function tokenize(sentence: string): string[] {
  return sentence.split(/\s+/).filter((t) => t.length > 0);
}
