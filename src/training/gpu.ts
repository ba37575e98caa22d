/**
 * What a GPU worker needs to know before it takes work: which NVIDIA GPUs the machine has (nvidia-smi, which
 * the NVIDIA container runtime mounts into GPU containers), and whether TensorFlow itself uses one. A GPU pod
 * whose TensorFlow falls back to the CPU would otherwise train 20–100× slower without a word.
 */
import { spawnSync } from 'node:child_process';
import { initBackend } from './backend';

export interface GpuDevice {
  index: number;
  name: string;
  computeCapability: string;
  memoryMiB: number;
  driver: string;
}

export interface GpuFacts {
  /** From nvidia-smi; empty with `reason` when it is missing or sees nothing. */
  devices: GpuDevice[];
  reason?: string;
  /** TensorFlow's own view, once the tensorflow-gpu backend is loaded. */
  tensorflow?: { version: string; usesGpu: boolean };
}

export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

/** nvidia-smi's device list; never throws. */
export function nvidiaDevices(run = spawnSync): Pick<GpuFacts, 'devices' | 'reason'> {
  const query = 'index,name,compute_cap,memory.total,driver_version';
  const r = run('nvidia-smi', [`--query-gpu=${query}`, '--format=csv,noheader,nounits'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error)
    return { devices: [], reason: `nvidia-smi cannot run (${r.error.message}): no NVIDIA driver here` };
  if (r.status !== 0)
    return { devices: [], reason: `nvidia-smi failed: ${String(r.stderr).trim().split('\n')[0]}` };
  const devices = String(r.stdout)
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [index, name, cc, mem, driver] = line.split(',').map((s) => s.trim());
      return { index: Number(index), name, computeCapability: cc, memoryMiB: Number(mem), driver };
    });
  return devices.length ? { devices } : { devices: [], reason: 'nvidia-smi lists no GPU' };
}

/** Device facts plus TensorFlow's view; loads the tensorflow-gpu backend (throws if it cannot load). */
export async function gpuFacts(): Promise<GpuFacts> {
  const facts: GpuFacts = nvidiaDevices();
  const info = await initBackend('tensorflow-gpu');
  facts.tensorflow = {
    version: info.details.tensorflowVersion ?? '?',
    usesGpu: Boolean(info.details.usesGpu),
  };
  return facts;
}

/** The start check of a GPU worker: resolves with the facts, or throws naming the cause and the fix. */
export async function requireGpu(): Promise<GpuFacts> {
  let facts: GpuFacts;
  try {
    facts = await gpuFacts();
  } catch (e) {
    throw new GpuUnavailableError(
      `this GPU worker cannot load TensorFlow's GPU backend: ${(e as Error).message}. Build it with ` +
        '`node scripts/native-tensorflow.js --variant gpu` (Dockerfile.gpu does), or serve the queue from a CPU worker.',
    );
  }
  if (!facts.tensorflow?.usesGpu) {
    const cause = facts.devices.length
      ? `nvidia-smi sees ${facts.devices.map((d) => `${d.name} (compute ${d.computeCapability})`).join(', ')}, ` +
        'so TensorFlow did not find the CUDA 12 libraries: check LD_LIBRARY_PATH names the nvidia-wheels folders ' +
        '(.tools/libtensorflow/gpu-*/ld-library-path) and the driver supports CUDA 12'
      : `${facts.reason}; run the pod with an NVIDIA GPU (resources.limits nvidia.com/gpu) and the NVIDIA container runtime`;
    throw new GpuUnavailableError(`TensorFlow loaded but uses no GPU: ${cause}.`);
  }
  return facts;
}
