/**
 * word2vec skip-gram with negative sampling, written on typed arrays.
 *
 * Why hand-written: the npm `word2vec` packages wrap Google's C binary (a child process and files),
 * which cannot run in-process inside an activity. This follows the C reference (word2vec.c):
 * frequent-token sub-sampling, a unigram^0.75 noise table, a randomly shrunk window and a learning
 * rate decaying linearly over all epochs; a seeded PRNG makes runs reproducible.
 */
import { decodeFloat32, encodeFloat32 } from './float-codec';
import { SeededRandom } from '../random';
import { tokenize } from './tokens';
import { Word2VecTables } from './word2vec-kernel';
import { shared, startHelpers, trainShard, waitForHelpers, type ShardPlan } from './word2vec-shards';

export interface Word2VecConfig {
  dim: number;
  window: number;
  negative: number;
  /** Sub-sampling threshold (word2vec's -sample); 0 disables it. */
  sample: number;
  minCount: number;
  epochs: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_WORD2VEC_CONFIG: Word2VecConfig = {
  dim: 512,
  window: 5,
  negative: 5,
  sample: 1e-3,
  minCount: 1,
  epochs: 5,
  learningRate: 0.025,
  seed: 1,
};

export interface Word2VecFitResult {
  /** Mean negative-sampling loss per (centre, context) pair, one entry per epoch. */
  lossPerEpoch: number[];
  wordsPerSecond: number;
  trainedWords: number;
}

/** Where a fit stands: reported by `fit`'s onProgress (it never changes what the fit computes). */
export interface Word2VecProgress {
  /** 1-based epoch being trained (the last one once finished). */
  epoch: number;
  epochs: number;
  /** Corpus words visited so far over all epochs (before sub-sampling), of `totalWords`. */
  words: number;
  totalWords: number;
  /** Mean loss per pair so far in this epoch (NaN before its first pair). */
  loss: number;
}

export interface Word2VecFitOptions {
  /**
   * Threads training shards of the corpus at once on the same tables (default 1). One thread is deterministic
   * for the seed; more are faster and, as gensim's workers, not bit-reproducible.
   */
  threads?: number;
  /** Called at most every `progressEveryMs` while training, and after every epoch. */
  onProgress?: (p: Word2VecProgress) => void;
  progressEveryMs?: number;
}

export interface Word2VecJSON {
  format: 'dlrec.word2vec';
  version: 1;
  config: Word2VecConfig;
  tokens: string[];
  counts: number[];
  vectors: string;
}

const NOISE_TABLE_SIZE = 1e6;

export class Word2Vec {
  readonly config: Word2VecConfig;
  private tokens: string[] = [];
  private counts: number[] = [];
  private index = new Map<string, number>();
  private vectors: Float32Array = new Float32Array(0);

  constructor(config: Partial<Word2VecConfig> = {}) {
    this.config = { ...DEFAULT_WORD2VEC_CONFIG, ...config };
    const c = this.config;
    for (const key of ['dim', 'window', 'epochs'] as const) {
      if (!Number.isInteger(c[key]) || c[key] < 1)
        throw new Error(`word2vec ${key} must be a positive integer`);
    }
    if (!Number.isInteger(c.negative) || c.negative < 1) throw new Error('word2vec negative must be ≥ 1');
    if (c.sample < 0) throw new Error('word2vec sample must be ≥ 0');
  }

  get vocabulary(): readonly string[] {
    return this.tokens;
  }

  get dim(): number {
    return this.config.dim;
  }

  /** The token's vector (a view, do not mutate), or undefined for an out-of-vocabulary token. */
  vector(token: string): Float32Array | undefined {
    const i = this.index.get(token);
    if (i === undefined) return undefined;
    return this.vectors.subarray(i * this.config.dim, (i + 1) * this.config.dim);
  }

  count(token: string): number {
    const i = this.index.get(token);
    return i === undefined ? 0 : this.counts[i];
  }

  cosine(a: string, b: string): number {
    const va = this.vector(a);
    const vb = this.vector(b);
    if (!va || !vb) throw new Error(`cosine: token "${!va ? a : b}" is not in the word2vec vocabulary`);
    return cosineSimilarity(va, vb);
  }

  fit(sentences: string[], opts: Word2VecFitOptions = {}): Word2VecFitResult {
    const { onProgress, progressEveryMs = 1_000 } = opts;
    const { dim, window, negative, sample, minCount, epochs, learningRate, seed } = this.config;
    const rng = new SeededRandom(seed);
    const corpus = this.buildVocabulary(sentences, minCount);
    const sentenceCount = corpus.starts.length - 1;
    const vocabSize = this.tokens.length;
    if (vocabSize < 2) throw new Error('word2vec needs a corpus with at least two distinct tokens');
    const threads = Math.max(1, Math.min(Math.floor(opts.threads ?? 1), sentenceCount));

    // Input vectors start small and random, output vectors at zero (as in word2vec.c).
    const noise = buildNoiseTable(this.counts);
    let maxSentence = 0;
    for (let i = 0; i < sentenceCount; i++)
      maxSentence = Math.max(maxSentence, corpus.starts[i + 1] - corpus.starts[i]);
    const layout = {
      rows: vocabSize,
      dim,
      threads,
      maxTargets: negative + 1,
      noiseLength: noise.length,
      maxSentence,
      replicas: threads > 1,
    };
    const tables = new Word2VecTables(layout);
    tables.setNoise(noise);
    const { floats, stride } = tables;
    for (let r = 0, at = tables.inputRow(0) / 4; r < vocabSize; r++, at += stride)
      for (let k = 0; k < dim; k++) floats[at + k] = (rng.next() - 0.5) / dim;
    const totalWords = this.counts.reduce((a, b) => a + b, 0);
    const threshold = sample * totalWords;
    const plan: ShardPlan = {
      layout: { ...layout, memory: tables.memory },
      words: shared(corpus.words),
      starts: shared(corpus.starts),
      keepProbability: shared(
        Float64Array.from(this.counts, (n) =>
          sample <= 0 ? 1 : (Math.sqrt(n / threshold) + 1) * (threshold / n),
        ),
      ),
      window,
      negative,
      epochs,
      learningRate,
      plannedWords: totalWords * epochs,
      threads,
      visited: new BigInt64Array(new SharedArrayBuffer(8)),
      loss: new Float64Array(new SharedArrayBuffer(16 * threads * epochs)),
      status: new Int32Array(new SharedArrayBuffer(4 * (threads - 1))),
      error: new Uint8Array(new SharedArrayBuffer(1024)),
      lock: new Int32Array(new SharedArrayBuffer(4)),
    };
    const lossOf = (epoch: number) => {
      let sum = 0;
      let pairs = 0;
      for (let t = 0; t < threads; t++) {
        sum += plan.loss[2 * (t * epochs + epoch)];
        pairs += plan.loss[2 * (t * epochs + epoch) + 1];
      }
      return pairs > 0 ? sum / pairs : NaN;
    };

    const started = Date.now();
    // Progress reads the clock once per sentence and touches no training state: results do not depend on it.
    let lastReport = started;
    const report = (epoch: number, loss: number) => {
      lastReport = Date.now();
      onProgress?.({
        epoch: epoch + 1,
        epochs,
        words: Number(Atomics.load(plan.visited, 0)),
        totalWords: plan.plannedWords,
        loss,
      });
    };
    const helpers = startHelpers(plan, seed);
    try {
      // Mid-epoch progress shows this thread's running loss (the others' running sums are not shared).
      let current = 0;
      trainShard(plan, tables, 0, rng, (epoch, lossSum, pairs) => {
        if (!onProgress) return;
        if (epoch !== current) report(current, plan.loss[2 * current] / plan.loss[2 * current + 1]);
        current = epoch;
        if (Date.now() - lastReport >= progressEveryMs) report(epoch, pairs > 0 ? lossSum / pairs : NaN);
      });
      waitForHelpers(plan, () => {
        if (onProgress && Date.now() - lastReport >= progressEveryMs) report(epochs - 1, lossOf(epochs - 1));
      });
    } finally {
      for (const h of helpers) void h.terminate();
    }
    const lossPerEpoch = Array.from({ length: epochs }, (_, e) => lossOf(e));
    if (onProgress) report(epochs - 1, lossPerEpoch[epochs - 1]);
    this.vectors = tables.inputVectors();
    const trainedWords = Number(plan.visited[0]);
    const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
    return { lossPerEpoch, wordsPerSecond: trainedWords / seconds, trainedWords };
  }

  toJSON(): Word2VecJSON {
    return {
      format: 'dlrec.word2vec',
      version: 1,
      config: this.config,
      tokens: this.tokens,
      counts: this.counts,
      vectors: encodeFloat32(this.vectors),
    };
  }

  static fromJSON(json: unknown): Word2Vec {
    const j = json as Partial<Word2VecJSON>;
    if (!j || j.format !== 'dlrec.word2vec' || j.version !== 1 || !j.config || !j.tokens || !j.counts) {
      throw new Error('not a dlrec word2vec model (expected format "dlrec.word2vec", version 1)');
    }
    const model = new Word2Vec(j.config);
    model.tokens = j.tokens;
    model.counts = j.counts;
    model.index = new Map(j.tokens.map((t, i) => [t, i]));
    model.vectors = decodeFloat32(j.vectors ?? '', j.tokens.length * model.config.dim);
    return model;
  }

  /** Counts tokens, keeps those seen ≥ minCount (most frequent first) and maps sentences to ids. */
  /**
   * Counts the tokens and writes the corpus as token ids, sentence after sentence (words[starts[i] ..
   * starts[i + 1]) is sentence i). One pass interns each token on first sight; the ids are then renumbered
   * by count (most frequent first, ties by token) and tokens under minCount dropped.
   */
  private buildVocabulary(sentences: string[], minCount: number): { words: Int32Array; starts: Int32Array } {
    const firstSeen = new Map<string, number>();
    const seenCounts: number[] = [];
    let words = new Int32Array(1 << 16);
    const starts = new Int32Array(sentences.length + 1);
    let length = 0;
    sentences.forEach((sentence, i) => {
      for (const token of tokenize(sentence)) {
        let id = firstSeen.get(token);
        if (id === undefined) firstSeen.set(token, (id = seenCounts.push(0) - 1));
        seenCounts[id]++;
        if (length === words.length) words = growInts(words);
        words[length++] = id;
      }
      starts[i + 1] = length;
    });
    const kept = [...firstSeen.entries()]
      .filter(([, id]) => seenCounts[id] >= minCount)
      .sort((a, b) => seenCounts[b[1]] - seenCounts[a[1]] || (a[0] < b[0] ? -1 : 1));
    this.tokens = kept.map(([t]) => t);
    this.counts = kept.map(([, id]) => seenCounts[id]);
    this.index = new Map(this.tokens.map((t, i) => [t, i]));
    const renumber = new Int32Array(seenCounts.length).fill(-1);
    kept.forEach(([, id], i) => (renumber[id] = i));
    // Renumber in place, dropping rare tokens (a sentence can only shrink, so the write never passes the read).
    let at = 0;
    for (let i = 0, read = 0; i < sentences.length; i++) {
      for (; read < starts[i + 1]; read++)
        if (renumber[words[read]] >= 0) words[at++] = renumber[words[read]];
      starts[i + 1] = at;
    }
    return { words: words.slice(0, at), starts };
  }
}

function growInts(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

/** Noise distribution for negative sampling: unigram counts raised to 0.75, as a lookup table. */
function buildNoiseTable(counts: number[]): Int32Array {
  const powered = counts.map((n) => Math.pow(n, 0.75));
  const total = powered.reduce((a, b) => a + b, 0);
  const size = Math.min(NOISE_TABLE_SIZE, Math.max(1000, counts.length * 100));
  const table = new Int32Array(size);
  let word = 0;
  let cumulative = powered[0] / total;
  for (let i = 0; i < size; i++) {
    table[i] = word;
    if ((i + 1) / size > cumulative && word < counts.length - 1) {
      word++;
      cumulative += powered[word] / total;
    }
  }
  return table;
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
