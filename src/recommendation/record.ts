import type { CampaignResult } from './types';

/** Names of the record columns, in the order `RepositoryRecord.features` returns them. */
export const RECORD_COLUMNS = ['recordMean', 'recordWeighted', 'recordBest', 'recordRelative'] as const;
export type RecordFeatures = Record<(typeof RECORD_COLUMNS)[number], number>;

/**
 * What the repository already knows about an architecture: the accuracies it reached when trained from scratch
 * on the repository datasets. The strongest evidence for a new dataset is how the same architecture fared on
 * similar ones (the paper's encoding alone cannot tell a lucky initialisation from a good design). Callers name
 * the datasets to leave out, so a row never sees its own target's result and the held-out dataset stays unseen.
 */
export class RepositoryRecord {
  private readonly scratch = new Map<string, Map<string, number>>();
  /** Mean scratch accuracy over all architectures on each dataset: its difficulty for the relative column. */
  private readonly level = new Map<string, number>();

  constructor(
    private readonly datasets: string[],
    results: Pick<CampaignResult, 'architecture' | 'dataset' | 'source' | 'accuracy'>[],
  ) {
    const sums = new Map<string, [number, number]>();
    for (const r of results) {
      if (r.source !== null) continue;
      if (!this.scratch.has(r.architecture)) this.scratch.set(r.architecture, new Map());
      this.scratch.get(r.architecture)!.set(r.dataset, r.accuracy);
      const s = sums.get(r.dataset) ?? [0, 0];
      sums.set(r.dataset, [s[0] + r.accuracy, s[1] + 1]);
    }
    for (const [d, [sum, n]] of sums) this.level.set(d, sum / n);
  }

  /**
   * Record columns for `architecture` on a target whose similarity vector (over `datasets`) is `similarity`,
   * using only datasets outside `exclude`. An architecture with no usable result gets the repository's mean
   * level and a relative skill of 0, so unseen models are neither favoured nor punished.
   */
  features(
    architecture: string,
    similarity: ArrayLike<number>,
    exclude: ReadonlySet<string>,
  ): RecordFeatures {
    const own = this.scratch.get(architecture);
    const known = this.datasets.flatMap((d, j) => {
      const acc = own?.get(d);
      return acc === undefined || exclude.has(d)
        ? []
        : [{ acc, sim: similarity[j], level: this.level.get(d)! }];
    });
    if (known.length === 0) {
      const levels = this.datasets
        .filter((d) => !exclude.has(d) && this.level.has(d))
        .map((d) => this.level.get(d)!);
      const mean = levels.length ? levels.reduce((s, v) => s + v, 0) / levels.length : 0;
      return { recordMean: mean, recordWeighted: mean, recordBest: mean, recordRelative: 0 };
    }
    const mean = known.reduce((s, k) => s + k.acc, 0) / known.length;
    const weight = known.reduce((s, k) => s + k.sim, 0);
    return {
      recordMean: mean,
      recordWeighted: weight > 0 ? known.reduce((s, k) => s + k.sim * k.acc, 0) / weight : mean,
      recordBest: Math.max(...known.map((k) => k.acc)),
      recordRelative: known.reduce((s, k) => s + k.acc - k.level, 0) / known.length,
    };
  }
}
