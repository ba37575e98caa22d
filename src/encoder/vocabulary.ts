/** Token ↔ id mapping for the language model: special tokens first, then the word2vec vocabulary. */
import { BOS, EOS, UNK, tokenize } from './tokens';

export const SPECIAL_TOKENS = [BOS, EOS, UNK] as const;

export class Vocabulary {
  private readonly index: Map<string, number>;
  readonly bos: number;
  readonly eos: number;
  readonly unk: number;

  constructor(readonly tokens: readonly string[]) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
    if (this.index.size !== tokens.length) throw new Error('vocabulary has duplicate tokens');
    for (const special of SPECIAL_TOKENS) {
      if (!this.index.has(special)) throw new Error(`vocabulary lacks the special token ${special}`);
    }
    this.bos = this.index.get(BOS)!;
    this.eos = this.index.get(EOS)!;
    this.unk = this.index.get(UNK)!;
  }

  /** Specials plus `tokens` (duplicates of the specials, e.g. a corpus UNK, are merged). */
  static withSpecials(tokens: readonly string[]): Vocabulary {
    const special = new Set<string>(SPECIAL_TOKENS);
    return new Vocabulary([...SPECIAL_TOKENS, ...tokens.filter((t) => !special.has(t))]);
  }

  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  id(token: string): number {
    return this.index.get(token) ?? this.unk;
  }

  /** [BOS, t1..tn]: what the model reads; the targets are [t1..tn, EOS]. */
  encodeSentence(sentence: string): Int32Array {
    const tokens = tokenize(sentence);
    const ids = new Int32Array(tokens.length + 1);
    ids[0] = this.bos;
    tokens.forEach((t, i) => (ids[i + 1] = this.id(t)));
    return ids;
  }

  countUnknown(sentence: string): number {
    return tokenize(sentence).filter((t) => !this.index.has(t)).length;
  }
}
