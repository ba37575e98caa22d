/**
 * The skip-gram pass of word2vec over one shard of the corpus, and the threads that train the other shards
 * at the same time.
 *
 * With one thread a fit is deterministic for its seed. With more, each thread trains a replica of the tables
 * of its own and hands its updates to the shared tables every `syncWords` words (shared += replica − snapshot,
 * under a lock; its replica then restarts from the shared tables). Why not Hogwild on the shared rows, as
 * word2vec.c and gensim do: the architecture vocabulary is small and steep (1,217 tokens on the mini corpus,
 * ten of them 58% of the words), so two threads kept writing the same few rows, each core stole the other's
 * cache lines, and two threads trained no faster than one (words per CPU-second halved). The result depends
 * on the threads' timing (as gensim's with workers > 1) while its quality does not.
 */
import path from 'node:path';
import { Worker, workerData } from 'node:worker_threads';
import { SeededRandom } from '../random';
import { Word2VecTables, type TablesLayout } from './word2vec-kernel';

/** Everything a shard's thread reads; the typed arrays live in SharedArrayBuffers. */
export interface ShardPlan {
  layout: TablesLayout;
  /** Token ids of every sentence, one after another; sentence i is words[starts[i] .. starts[i + 1]). */
  words: Int32Array;
  starts: Int32Array;
  keepProbability: Float64Array;
  window: number;
  negative: number;
  epochs: number;
  learningRate: number;
  /** Corpus words × epochs: the learning rate decays linearly over them. */
  plannedWords: number;
  threads: number;
  /** [0]: corpus words visited so far by all threads (drives the learning rate and progress). */
  visited: BigInt64Array;
  /** Per thread and epoch: [loss sum, pairs] at index 2·(thread·epochs + epoch). */
  loss: Float64Array;
  /** Per helper thread: 0 running, 1 done, 2 failed. */
  status: Int32Array;
  /** A failed helper's error message (UTF-8, zero-padded). */
  error: Uint8Array;
  /** [0]: 1 while a thread merges its replica into the shared tables (with layout.replicas). */
  lock: Int32Array;
}

/**
 * Words a thread trains between merges. A merge passes over both tables (0.53 ms for the mini corpus' 1,217 ×
 * 512, 2% of the ~27 ms a thread takes for 16,384 words); it grows with the rows, so larger vocabularies merge
 * less often (8 words per row). Staler replicas train to a higher loss (2.50 against 2.43 at 65,536 words).
 */
export const syncWords = (rows: number) => Math.max(16_384, 8 * rows);

/** fn() while holding the plan's merge lock. */
function locked(lock: Int32Array, fn: () => void): void {
  while (Atomics.compareExchange(lock, 0, 0, 1) !== 0) Atomics.wait(lock, 0, 1);
  try {
    fn();
  } finally {
    Atomics.store(lock, 0, 0);
    Atomics.notify(lock, 0, 1);
  }
}

/** SharedArrayBuffer-backed copy of a typed array (threads read it without a copy of their own). */
export function shared<T extends Int32Array | Float64Array>(a: T): T {
  const out = new (a.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/** Sentences [from, to) of thread `thread`'s shard. */
export function shardRange(plan: ShardPlan, thread: number): [number, number] {
  const n = plan.starts.length - 1;
  return [Math.floor((n * thread) / plan.threads), Math.floor((n * (thread + 1)) / plan.threads)];
}

/**
 * Trains thread `thread`'s shard for every epoch. `onSentence(epoch, lossSum, pairs)` runs before each sentence
 * with the epoch's running loss (progress; it must not touch training state).
 */
export function trainShard(
  plan: ShardPlan,
  tables: Word2VecTables,
  thread: number,
  rng: SeededRandom,
  onSentence?: (epoch: number, lossSum: number, pairs: number) => void,
): void {
  const { words, starts, keepProbability, window, negative, epochs, learningRate, plannedWords } = plan;
  const { ints, doubles } = tables;
  const io = tables.ioBlock(thread) / 8;
  const kept = tables.sentenceBuffer(thread);
  const [from, to] = shardRange(plan, thread);
  const replicas = plan.layout.replicas === true;
  const every = syncWords(plan.layout.rows);
  let unmerged = 0;
  if (replicas) locked(plan.lock, () => tables.startReplica(thread));
  for (let epoch = 0; epoch < epochs; epoch++) {
    doubles[io + 1] = 0; // loss sum
    doubles[io + 2] = 0; // pairs
    for (let s = from; s < to; s++) {
      onSentence?.(epoch, doubles[io + 1], doubles[io + 2]);
      let length = 0;
      for (let i = starts[s]; i < starts[s + 1]; i++) {
        const w = words[i];
        if (keepProbability[w] >= 1 || rng.next() < keepProbability[w]) ints[kept + length++] = w;
      }
      const visited = Number(Atomics.add(plan.visited, 0, BigInt(starts[s + 1] - starts[s])));
      const alpha = Math.max(learningRate * (1 - visited / (plannedWords + 1)), learningRate * 1e-4);
      // Every window's pairs, with the centre word (label 1) and the noise words (label 0), in the kernel.
      tables.trainSentence(thread, length, window, negative, alpha, rng);
      if (replicas && (unmerged += starts[s + 1] - starts[s]) >= every) {
        locked(plan.lock, () => tables.mergeReplica(thread));
        unmerged = 0;
      }
    }
    const at = 2 * (thread * epochs + epoch);
    plan.loss[at] = doubles[io + 1];
    plan.loss[at + 1] = doubles[io + 2];
  }
  if (replicas) locked(plan.lock, () => tables.mergeReplica(thread));
}

/** The seed of a helper thread's sampling (thread 0 continues the fit's own generator). */
const helperSeed = (seed: number, thread: number) => (seed + Math.imul(thread, 0x9e3779b9)) >>> 0;

/** Starts threads 1 … threads−1 on their shards; they report through plan.status. */
export function startHelpers(plan: ShardPlan, seed: number): Worker[] {
  const ext = path.extname(__filename);
  const code = `${ext === '.ts' ? "require('tsx/cjs');" : ''} require(${JSON.stringify(__filename)}).serveShard();`;
  return Array.from(
    { length: plan.threads - 1 },
    (_, i) =>
      new Worker(code, { eval: true, workerData: { plan, thread: i + 1, seed: helperSeed(seed, i + 1) } }),
  );
}

/** A helper thread's body. */
export function serveShard(): void {
  const { plan, thread, seed } = workerData as { plan: ShardPlan; thread: number; seed: number };
  let outcome = 2;
  try {
    trainShard(plan, new Word2VecTables(plan.layout), thread, new SeededRandom(seed));
    outcome = 1;
  } catch (e) {
    const message = new TextEncoder().encode(String((e as Error)?.message ?? e));
    plan.error.set(message.subarray(0, plan.error.length));
  } finally {
    Atomics.store(plan.status, thread - 1, outcome);
    Atomics.notify(plan.status, thread - 1);
  }
}

/**
 * Blocks until every helper is done (a fit is synchronous), calling `onWait` about once a second. Fails when a
 * helper failed, or when no word was visited for `stallMs` (a helper that died without a word).
 */
export function waitForHelpers(plan: ShardPlan, onWait: () => void, stallMs = 120_000): void {
  let lastVisited = Atomics.load(plan.visited, 0);
  let lastChange = Date.now();
  for (let i = 0; i < plan.status.length; i++) {
    while (Atomics.load(plan.status, i) === 0) {
      Atomics.wait(plan.status, i, 0, 1_000);
      onWait();
      const visited = Atomics.load(plan.visited, 0);
      if (visited !== lastVisited) {
        lastVisited = visited;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs)
        throw new Error(`word2vec: training thread ${i + 1} made no progress for ${stallMs / 1000} s`);
    }
    if (Atomics.load(plan.status, i) === 2) {
      const message = new TextDecoder().decode(plan.error.slice()).replace(/\0+$/, '');
      throw new Error(`word2vec: training thread ${i + 1} failed: ${message}`);
    }
  }
}
