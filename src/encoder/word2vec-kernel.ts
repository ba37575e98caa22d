/**
 * word2vec's two embedding tables in WebAssembly memory, trained by the SIMD kernel of word2vec-kernel.wat.
 *
 * Why: the dot products and row updates are nearly all of a fit's time; in plain JavaScript they ran at a
 * tenth of gensim's speed (BLAS). One kernel call trains a whole (context, centre) pair with its negatives,
 * sigmoid and log-sigmoid from tables as word2vec.c and gensim do; one call of `sentence` trains all pairs of a
 * sentence, drawing windows and noise words in the kernel (the JavaScript loop around `pair` took a fifth of
 * a fit's time). Rows are padded with zeros to a multiple of
 * 16 floats: padding stays zero through every update (its products are zero), so dot products and vectors are
 * those of `dim` floats. The memory is shared: several threads can train the same tables (word2vec-shards.ts).
 *
 * Memory layout (byte offsets): sigmoid table, log-sigmoid table, the noise table, then per training thread a
 * gradient row, its target list, its io block (sampling state, loss sum, pairs) and its sentence buffer, then
 * the input rows (syn0), then the output rows (syn1); with several threads, then per thread a replica of both
 * tables and its snapshot (see word2vec-shards.ts).
 */
import type { SeededRandom } from '../random';
import { WASM_BASE64 } from './word2vec-kernel-wasm';

interface KernelExports {
  dot(a: number, b: number, n: number): number;
  update(input: number, output: number, grad: number, g: number, n: number): void;
  apply(input: number, grad: number, n: number): void;
  merge(shared: number, replica: number, snapshot: number, n: number): void;
  pair(
    input: number,
    targets: number,
    count: number,
    alpha: number,
    grad: number,
    n: number,
    sigmoid: number,
    logSigmoid: number,
    size: number,
  ): number;
  sentence(
    kept: number,
    len: number,
    io: number,
    targets: number,
    grad: number,
    noise: number,
    noiseLength: number,
    window: number,
    negative: number,
    alpha: number,
    inputBase: number,
    outputBase: number,
    rowBytes: number,
    n: number,
    sigmoid: number,
    logSigmoid: number,
    size: number,
  ): void;
}

// Node's WebAssembly API, as much as is used here (tsconfig has no DOM lib; @types/node 20 does not declare it).
interface WasmModule {
  readonly kind?: 'module';
}
/** A shared WebAssembly.Memory (it can be posted to other threads). */
export interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
}
declare const WebAssembly: {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: object) => { exports: unknown };
};

let compiled: WasmModule | undefined;
const PAGE = 65_536;
/** Entries of the sigmoid tables over [-MAX_EXP, MAX_EXP] (word2vec.c's EXP_TABLE_SIZE). */
export const SIGMOID_TABLE_SIZE = 1000;
export const MAX_EXP = 6;

/** How to find the tables in a memory (what another thread needs to train them too). */
export interface TablesLayout {
  rows: number;
  dim: number;
  /** Training threads (each has a gradient row and a target list of its own). */
  threads: number;
  /** Most targets of one pair (1 + negatives). */
  maxTargets: number;
  /** Entries of the noise table (0: none; then only `pair` can train). */
  noiseLength?: number;
  /** Most words of one sentence (each thread has a buffer for one). */
  maxSentence?: number;
  /** Each thread trains a replica of the tables of its own, merged into the shared ones now and then. */
  replicas?: boolean;
  memory: SharedMemory;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;
/** A thread's io block: sampling state, loss sum, pair count (see ioBlock). */
const IO_BYTES = 32;

export class Word2VecTables {
  readonly rows: number;
  readonly dim: number;
  readonly memory: SharedMemory;
  /** Floats per row (dim rounded up to a multiple of 16, the kernel's step). */
  readonly stride: number;
  readonly rowBytes: number;
  /** Byte offsets of row 0 of the input (syn0) and output (syn1) tables. */
  readonly inputBase: number;
  readonly outputBase: number;
  /** The whole memory as floats / as 32-bit integers. */
  readonly floats: Float32Array;
  readonly ints: Int32Array;
  readonly kernel: KernelExports;
  /** Byte offset of the noise table (word ids). */
  readonly noiseBase: number;
  readonly noiseLength: number;
  /** The memory as float64 (each thread's loss sum and pair count). */
  readonly doubles: Float64Array;
  /** Byte offset of thread 0's replica (0: no replicas); a replica and its snapshot are tableBytes each. */
  private readonly replicaBase: number;
  private readonly tableBytes: number;
  private readonly scratchBase: number;
  private readonly scratchBytes: number;
  private readonly targetBytes: number;

  /** New tables of `rows` × `dim` (zeros), or `layout`'s tables in the memory another thread made. */
  constructor(layout: Omit<TablesLayout, 'memory'> & { memory?: SharedMemory }) {
    const { rows, dim, threads, maxTargets, noiseLength = 0, maxSentence = 0, replicas = false } = layout;
    this.rows = rows;
    this.dim = dim;
    this.stride = Math.ceil(dim / 16) * 16;
    this.rowBytes = this.stride * 4;
    this.noiseBase = 2 * align16(SIGMOID_TABLE_SIZE * 4);
    this.noiseLength = noiseLength;
    this.scratchBase = this.noiseBase + align16(noiseLength * 4);
    this.targetBytes = align16(maxTargets * 4);
    this.scratchBytes = this.rowBytes + this.targetBytes + IO_BYTES + align16(maxSentence * 4);
    this.inputBase = this.scratchBase + threads * this.scratchBytes;
    this.outputBase = this.inputBase + rows * this.rowBytes;
    this.tableBytes = 2 * rows * this.rowBytes; // both tables: input rows, then output rows
    this.replicaBase = replicas ? this.inputBase + this.tableBytes : 0;
    const end = this.inputBase + this.tableBytes * (replicas ? 1 + 2 * threads : 1);
    const pages = Math.ceil(end / PAGE);
    if (pages > 65_536)
      throw new Error(
        `word2vec: ${rows} tokens × ${dim} dimensions${replicas ? ` on ${threads} threads` : ''} need more than the 4 GiB of WebAssembly memory` +
          (replicas ? '; use fewer threads' : ''),
      );
    this.memory = layout.memory ?? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    this.kernel = new WebAssembly.Instance(compiled, { env: { memory: this.memory } })
      .exports as unknown as KernelExports;
    this.floats = new Float32Array(this.memory.buffer);
    this.ints = new Int32Array(this.memory.buffer);
    this.doubles = new Float64Array(this.memory.buffer);
    if (!layout.memory) this.fillSigmoidTables();
  }

  /** σ and log σ at the centres of SIGMOID_TABLE_SIZE bins over [-MAX_EXP, MAX_EXP] (mirror-symmetric). */
  private fillSigmoidTables(): void {
    const log = this.logSigmoidTable / 4;
    for (let i = 0; i < SIGMOID_TABLE_SIZE; i++) {
      const x = ((i + 0.5) / SIGMOID_TABLE_SIZE) * 2 * MAX_EXP - MAX_EXP;
      this.floats[i] = 1 / (1 + Math.exp(-x));
      this.floats[log + i] = -Math.log1p(Math.exp(-x));
    }
  }

  get logSigmoidTable(): number {
    return align16(SIGMOID_TABLE_SIZE * 4);
  }

  /** Byte offset of a training thread's gradient row; its target list follows it. */
  scratchRow(thread: number): number {
    return this.scratchBase + thread * this.scratchBytes;
  }

  inputRow(r: number): number {
    return this.inputBase + r * this.rowBytes;
  }

  outputRow(r: number): number {
    return this.outputBase + r * this.rowBytes;
  }

  /**
   * Trains one pair: the context's input row against `count` output rows whose byte offsets are in the
   * thread's target list (the first the centre word). Returns the pair's loss.
   */
  trainPair(thread: number, input: number, count: number, alpha: number): number {
    const grad = this.scratchRow(thread);
    return this.kernel.pair(
      input,
      grad + this.rowBytes,
      count,
      alpha,
      grad,
      this.stride,
      0,
      this.logSigmoidTable,
      SIGMOID_TABLE_SIZE,
    );
  }

  /** Byte offsets of the input and output rows a thread trains: its replica's, or the shared tables. */
  tablesOf(thread: number): { input: number; output: number } {
    if (!this.replicaBase) return { input: this.inputBase, output: this.outputBase };
    const input = this.replicaBase + 2 * thread * this.tableBytes;
    return { input, output: input + this.tableBytes / 2 };
  }

  /** A thread's replica and snapshot ← the shared tables (before it trains). */
  startReplica(thread: number): void {
    const replica = this.tablesOf(thread).input;
    const shared = [this.inputBase, this.inputBase + this.tableBytes];
    this.memoryBytes().copyWithin(replica, shared[0], shared[1]);
    this.memoryBytes().copyWithin(replica + this.tableBytes, shared[0], shared[1]);
  }

  /** The shared tables take a thread's updates since its last merge; its replica restarts from them. */
  mergeReplica(thread: number): void {
    const replica = this.tablesOf(thread).input;
    this.kernel.merge(this.inputBase, replica, replica + this.tableBytes, this.tableBytes / 4);
  }

  private memoryBytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer);
  }

  /** Copies the noise table (word ids, drawn uniformly) into the memory: once, by the thread that made it. */
  setNoise(noise: Int32Array): void {
    if (noise.length !== this.noiseLength)
      throw new Error('word2vec: the noise table does not fit its layout');
    this.ints.set(noise, this.noiseBase / 4);
  }

  /** Byte offset of a thread's io block: sampling state (u32) at +0, loss sum and pair count (f64) at +8, +16. */
  ioBlock(thread: number): number {
    return this.scratchRow(thread) + this.rowBytes + this.targetBytes;
  }

  /** Int32 index in `ints` of a thread's sentence buffer. */
  sentenceBuffer(thread: number): number {
    return (this.ioBlock(thread) + IO_BYTES) / 4;
  }

  /**
   * Trains the `length` words in the thread's sentence buffer, all pairs of every window, drawing from `rng`
   * exactly as trainShard did in JavaScript; the loss and pair count go to the thread's io block.
   */
  trainSentence(
    thread: number,
    length: number,
    window: number,
    negative: number,
    alpha: number,
    rng: SeededRandom,
  ): void {
    const io = this.ioBlock(thread);
    this.ints[io / 4] = rng.state;
    const grad = this.scratchRow(thread);
    const { input, output } = this.tablesOf(thread);
    this.kernel.sentence(
      io + IO_BYTES,
      length,
      io,
      grad + this.rowBytes,
      grad,
      this.noiseBase,
      this.noiseLength,
      window,
      negative,
      alpha,
      input,
      output,
      this.rowBytes,
      this.stride,
      0,
      this.logSigmoidTable,
      SIGMOID_TABLE_SIZE,
    );
    rng.state = this.ints[io / 4] >>> 0;
  }

  /** Int32 index of a thread's target list in `ints`. */
  targetList(thread: number): number {
    return (this.scratchRow(thread) + this.rowBytes) / 4;
  }

  /** The input vectors packed `dim` floats per row (what the model keeps). */
  inputVectors(): Float32Array {
    const out = new Float32Array(this.rows * this.dim);
    const first = this.inputBase / 4;
    for (let r = 0; r < this.rows; r++)
      out.set(
        this.floats.subarray(first + r * this.stride, first + r * this.stride + this.dim),
        r * this.dim,
      );
    return out;
  }
}
