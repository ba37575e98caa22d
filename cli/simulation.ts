/**
 * `dlrec build --simulate`: the simulated trainer (src/training/simulation.ts) with the datasets that need a
 * download served by a local mirror of synthetic archives in their real formats (src/datasets/mirror.ts), so
 * the whole build — fetch included — runs offline at its real size.
 *
 * A simulated build stores synthetic datasets and a build record whose accuracies come from a law: it must never
 * share a home with real builds. The first simulated build marks its home (simulation.json); a real build refuses
 * such a home, and a simulated one refuses a home that holds real builds.
 */
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { availability, findEntry } from '../src/datasets/registry';
import { startDatasetMirror } from '../src/datasets/mirror';
import type { BuildInput } from '../workflows/build';
import { UserError } from './output';
import { BUILD_POINTER, BUILDS_PREFIX } from '../src/store-layout';

const MARK = 'simulation.json';

export class SimulationHomeError extends UserError {
  override name = 'SimulationHomeError';
}

/** Refuses to mix simulated and real builds in one store (see above); marks the home of a simulated one. */
export async function checkSimulationHome(store: ArtifactStore, simulate: boolean): Promise<void> {
  const marked = await store.exists(MARK);
  if (!simulate && marked)
    throw new SimulationHomeError(
      `this DLREC_HOME holds a simulated build (synthetic datasets, accuracies from a law); ` +
        'run real builds with another DLREC_HOME',
    );
  if (!simulate) return;
  if (!marked) {
    const real = (await store.list(BUILDS_PREFIX)).filter((o) => o.key !== BUILD_POINTER);
    if (real.length)
      throw new SimulationHomeError(
        `this DLREC_HOME holds ${real.length} real build(s); a simulated build would replace their datasets ` +
          'and current build: run it with its own home, e.g. DLREC_HOME=~/.dlrec-simulation dlrec build --simulate',
      );
    await putJSON(store, MARK, { simulated: true, since: new Date().toISOString() });
  } else await getJSON(store, MARK);
}

/** Images per split of every mirrored dataset: enough for the ranker's samples and its held-out share. */
export function mirrorSize(rankerSamples: number): { train: number; test: number } {
  return { train: Math.max(200, Math.ceil(rankerSamples * 1.5)), test: Math.max(100, rankerSamples >> 1) };
}

/**
 * Starts a mirror for the profile's datasets that need a download (none: no mirror) and returns the build
 * input's `mirror` with a close function; the mirror lives as long as this process.
 */
export async function simulationMirror(
  datasets: string[],
  rankerSamples: number,
  seed: number,
): Promise<{ mirror: BuildInput['mirror']; close: () => Promise<void> }> {
  const remote = datasets.filter((d) => {
    const e = findEntry(d);
    return e !== undefined && availability(e) === 'needs-download';
  });
  if (!remote.length) return { mirror: undefined, close: async () => {} };
  const served = await startDatasetMirror({ datasets: remote, ...mirrorSize(rankerSamples), seed });
  return { mirror: served.mirror, close: served.close };
}
