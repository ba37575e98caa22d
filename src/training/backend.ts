/**
 * Chooses the fastest TensorFlow.js backend available at run time:
 *   tensorflow-gpu (@tensorflow/tfjs-node-gpu) → tensorflow (@tensorflow/tfjs-node) → wasm (+ dlrec's
 *   gradient kernels) → cpu (pure JS).
 * The native packages' bindings are built by `npm run setup` (scripts/native-tensorflow.js) against the
 * TensorFlow C library of a pinned PyPI wheel; where that build could not run they do not load, and training
 * falls back to wasm with the reason in `skipped`.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DLREC_WASM_KERNELS, registerWasmTrainingKernels } from './wasm-kernels';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendInfo {
  /** dlrec's name for the backend (tensorflow-gpu and tensorflow are both tf.js' 'tensorflow'). */
  name: BackendName;
  details: {
    tfjsBackend: string;
    tfjsVersion: string;
    /** Why each faster backend was skipped. */
    skipped: { name: BackendName; reason: string }[];
    /** Native backends: the TensorFlow C library's version and whether it placed ops on a GPU. */
    tensorflowVersion?: string;
    usesGpu?: boolean;
    wasmSimd?: boolean;
    wasmThreads?: number;
    /** Kernels dlrec registered on the wasm backend. */
    dlrecKernels?: string[];
  };
}

export class BackendUnavailableError extends Error {
  constructor(name: string, reason: string) {
    super(
      `TensorFlow.js backend '${name}' is not available: ${reason}. ` +
        `Choose one of ${BACKEND_ORDER.join(', ')} or 'auto' (the fastest one that loads).`,
    );
    this.name = 'BackendUnavailableError';
  }
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0];
}

/** Loads a native binding package; tf.js registers its 'tensorflow' backend as a side effect. */
function loadNative(pkg: string): void {
  require(pkg);
}

async function tryNative(
  name: 'tensorflow-gpu' | 'tensorflow',
  details: BackendInfo['details'],
): Promise<void> {
  const probe = probeBackends().find((b) => b.name === name);
  if (!probe?.available) throw new Error(probe?.reason ?? 'unknown backend');
  // TensorFlow's C++ start-up banner (CPU features, oneDNN) would otherwise fill stderr; warnings stay.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  loadNative(NATIVE_PACKAGE[name]);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend failed to initialise');
  const backend = tf.backend() as unknown as { binding: { TF_Version: string }; isUsingGpuDevice: boolean };
  details.tensorflowVersion = backend.binding.TF_Version;
  details.usesGpu = backend.isUsingGpuDevice;
}

const NATIVE_PACKAGE = { 'tensorflow-gpu': '@tensorflow/tfjs-node-gpu', tensorflow: '@tensorflow/tfjs-node' };

async function tryWasm(details: BackendInfo['details']): Promise<void> {
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
  details.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  details.wasmThreads = wasm.getThreadsCount();
  details.dlrecKernels = DLREC_WASM_KERNELS;
}

let current: BackendInfo | null = null;
let currentPreference: BackendName | 'auto' | null = null;

/**
 * Switches tf.js to the preferred backend, or with 'auto' (default; env DLREC_BACKEND overrides) to the
 * first of BACKEND_ORDER that loads. A named backend that cannot load is an error, not a silent fallback.
 */
export async function initBackend(preference: BackendName | 'auto' = envPreference()): Promise<BackendInfo> {
  if (current && preference === currentPreference && tf.getBackend() === current.details.tfjsBackend) {
    return current;
  }
  const candidates = preference === 'auto' ? BACKEND_ORDER : [preference];
  if (!BACKEND_ORDER.includes(candidates[0]))
    throw new BackendUnavailableError(preference, 'unknown backend name');
  const skipped: BackendInfo['details']['skipped'] = [];
  for (const name of candidates) {
    const details: BackendInfo['details'] = { tfjsBackend: '', tfjsVersion: tf.version.tfjs, skipped };
    try {
      if (name === 'tensorflow-gpu' || name === 'tensorflow') await tryNative(name, details);
      else if (name === 'wasm') await tryWasm(details);
      else if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
      await tf.ready();
      details.tfjsBackend = tf.getBackend();
      current = { name, details };
      currentPreference = preference;
      return current;
    } catch (e) {
      if (preference !== 'auto') throw new BackendUnavailableError(name, firstLine(e));
      skipped.push({ name, reason: firstLine(e) });
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${JSON.stringify(skipped)}`);
}

function envPreference(): BackendName | 'auto' {
  const v = process.env.DLREC_BACKEND;
  if (!v || v === 'auto') return 'auto';
  if ((BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendName;
  throw new BackendUnavailableError(v, 'DLREC_BACKEND names an unknown backend');
}

/**
 * For `dlrec doctor` and tests: which backends could load here, without switching the current one. A native
 * package counts only with its binding built (scripts/native-tensorflow.js writes lib/dlrec-native.json).
 */
export function probeBackends(): {
  name: BackendName;
  available: boolean;
  reason?: string;
  build?: unknown;
}[] {
  return BACKEND_ORDER.map((name) => {
    const pkg = {
      ...NATIVE_PACKAGE,
      wasm: '@tensorflow/tfjs-backend-wasm',
      cpu: '@tensorflow/tfjs-backend-cpu',
    }[name];
    let dir: string;
    try {
      dir = path.dirname(require.resolve(`${pkg}/package.json`));
    } catch (e) {
      return { name, available: false, reason: `${pkg} is not installed (${firstLine(e)})` };
    }
    if (name !== 'tensorflow' && name !== 'tensorflow-gpu') return { name, available: true };
    const stamp = path.join(dir, 'lib', 'dlrec-native.json');
    if (!fs.existsSync(stamp))
      return {
        name,
        available: false,
        reason: `${pkg} has no binding built (run \`npm run setup\`, or node scripts/native-tensorflow.js --variant ${name === 'tensorflow' ? 'cpu' : 'gpu'})`,
      };
    return { name, available: true, build: JSON.parse(fs.readFileSync(stamp, 'utf8')) };
  });
}

/** The backend chosen by the last initBackend call, if any. */
export function currentBackend(): BackendInfo | null {
  return current;
}
