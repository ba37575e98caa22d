/**
 * C (m×n) = A (m×p) · Bᵀ (B given as n×p), row-major float32, on WebAssembly SIMD (matmul.wat): the MLP's
 * three products per layer and step. The JavaScript 2×2-blocked loop it replaces was half the paper ranker's
 * MLP fit and most of `dlrec recommend`'s prediction time. The operands are copied into the module's memory
 * (grown as needed; one module per thread), which costs O(mp + np + mn) against the product's O(mnp).
 */
import { WASM_BASE64 } from './matmul-wasm';

// Node's WebAssembly API, as much as is used here (tsconfig has no DOM lib).
interface Memory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
};

interface Kernel {
  memory: Memory;
  matmulABt(A: number, B: number, C: number, m: number, n: number, p: number): void;
}

const PAGE = 65_536;
let kernel: Kernel | undefined;
let floats = new Float32Array(0);

function kernelWith(bytes: number): Kernel {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64')), {})
    .exports as Kernel;
  const have = kernel.memory.buffer.byteLength;
  if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / PAGE));
  if (floats.buffer !== kernel.memory.buffer) floats = new Float32Array(kernel.memory.buffer);
  return kernel;
}

export function matmulABt(
  A: Float32Array,
  B: Float32Array,
  C: Float32Array,
  m: number,
  n: number,
  p: number,
): void {
  const k = kernelWith(4 * (m * p + n * p + m * n));
  const b = m * p;
  const c = b + n * p;
  floats.set(A.subarray(0, m * p), 0);
  floats.set(B.subarray(0, n * p), b);
  k.matmulABt(0, 4 * b, 4 * c, m, n, p);
  C.set(floats.subarray(c, c + m * n));
}
