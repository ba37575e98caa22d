export interface BackendInfo {
  name: string;
  available: boolean;
  selected?: boolean;
  note?: string;
}

/**
 * The training backends found on this machine, in the order training tries them, and the one it will use:
 * the first that actually initialises (initBackend('auto'), or the one DLREC_BACKEND names).
 */
export async function listTrainingBackends(): Promise<BackendInfo[]> {
  const { initBackend, probeBackends } =
    require('../src/training/backend') as typeof import('../src/training/backend');
  const found: BackendInfo[] = probeBackends().map((b) => ({
    name: b.name,
    available: b.available,
    ...(b.reason ? { note: b.reason } : {}),
  }));
  try {
    const chosen = await initBackend();
    for (const b of found) {
      const skipped = chosen.details.skipped.find((s) => s.name === b.name);
      if (skipped) Object.assign(b, { available: false, note: skipped.reason });
      if (b.name === chosen.name) {
        b.selected = true;
        const d = chosen.details;
        b.note = [
          'training uses this backend',
          d.tensorflowVersion ? `TensorFlow ${d.tensorflowVersion} on ${d.usesGpu ? 'GPU' : 'CPU'}` : '',
          d.wasmSimd !== undefined ? `SIMD ${d.wasmSimd ? 'on' : 'off'}` : '',
          d.wasmThreads !== undefined ? `${d.wasmThreads} thread(s)` : '',
          `tfjs ${d.tfjsVersion}`,
        ]
          .filter(Boolean)
          .join(', ');
      }
    }
  } catch (e) {
    found.push({ name: 'none', available: false, note: `no backend initialises: ${(e as Error).message}` });
  }
  return found;
}
