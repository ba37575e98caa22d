import { ensureDataset, findEntry } from '../src/datasets';
import type { DatasetsProfile } from '../src/profiles';
import type { ActivityDeps } from './context';

export interface PreparedDataset {
  name: string;
  family: string;
  sha256: string;
  classes: number;
  train: number;
  test: number;
}

export function datasetActivities({ store }: ActivityDeps) {
  return {
    /** Materialises one repository dataset in the store (idempotent: a stored version is reused). */
    async prepareDataset(input: { name: string; datasets: DatasetsProfile }): Promise<PreparedDataset> {
      const entry = findEntry(input.name);
      const derived = entry?.derived
        ? { perClass: input.datasets.derivedPerClass, seed: input.datasets.seed }
        : {};
      const m = await ensureDataset(store, input.name, derived);
      return {
        name: m.name,
        family: m.family,
        sha256: m.sha256,
        classes: m.classNames.length,
        train: m.splits.train.count,
        test: m.splits.test.count,
      };
    },
  };
}
