/** Shared plumbing for dlrec's wasm kernels: the backend's internals they use and the original kernels. */
import * as tf from '@tensorflow/tfjs';

export type TensorInfo = tf.TensorInfo;

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
export interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: unknown): boolean;
}

export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: WasmBackend;
  attrs: Record<string, unknown>;
}

export function wasmKernel(name: string): (args: KernelArgs) => TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`tfjs-backend-wasm has no '${name}' kernel; dlrec needs it to train on wasm.`);
  return k.kernelFunc as unknown as (args: KernelArgs) => TensorInfo;
}

/** tfjs-backend-wasm's own kernels that dlrec replaces, kept to delegate to. */
export const originals = new Map<string, (args: KernelArgs) => TensorInfo>();

export function matMul(backend: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo {
  const plain = originals.get('BatchMatMul') ?? wasmKernel('BatchMatMul');
  return plain({ inputs: { a, b }, backend, attrs: { transposeA: false, transposeB: false } });
}

export function float32(backend: WasmBackend, t: TensorInfo): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`dlrec wasm kernels expect float32 tensors, got ${t.dtype}`);
  return backend.typedArrayFromHeap(t) as Float32Array;
}
