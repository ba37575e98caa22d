/**
 * C (m×n) = A (m×p) · Bᵀ (B given as n×p), row-major float32, on WebAssembly SIMD (matmul.wat): the MLP's
 * three products per layer and step. The JavaScript 2×2-blocked loop it replaces was half the paper ranker's
 * MLP fit and most of `dlrec recommend`'s prediction time. The operands are copied into the module's memory,
 * which costs O(mp + np + mn) against the product's O(mnp). The memory is never grown: growing detaches its
 * old ArrayBuffer, and the first detach in a thread makes V8 check every typed-array access of that thread
 * from then on (the image features ran 25% slower after it). A larger need gets a new, larger memory and a
 * new instance of the compiled module (one per thread) instead.
 */
import { WASM_BASE64 } from './matmul-wasm';

// Node's WebAssembly API, as much as is used here (tsconfig has no DOM lib).
interface Memory {
  readonly buffer: ArrayBuffer;
}
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number }) => Memory;
};

interface Kernel {
  matmulABt(A: number, B: number, C: number, m: number, n: number, p: number): void;
}

const PAGE = 65_536;
let compiled: object | undefined;
let kernel: Kernel | undefined;
let floats = new Float32Array(0);

function kernelWith(bytes: number): Kernel {
  if (!kernel || bytes > floats.byteLength) {
    compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
    // At least double, so that a slowly growing need makes few instances.
    const pages = Math.max(Math.ceil(bytes / PAGE), (2 * floats.byteLength) / PAGE, 16);
    const memory = new WebAssembly.Memory({ initial: pages });
    kernel = new WebAssembly.Instance(compiled, { env: { memory } }).exports as Kernel;
    floats = new Float32Array(memory.buffer);
  }
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
