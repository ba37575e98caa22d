import type { SplitPair } from '../types';

export interface PerClass {
  train: number;
  test: number;
}

/** A deterministic dataset generator: same perClass and seed (and, for glyphs, fonts) give the same bytes. */
export interface DerivedGenerator {
  name: string;
  /** Bumped whenever the output for the same parameters changes, so stored versions are not reused. */
  version: number;
  classNames: string[];
  /** Whatever else, beyond perClass and seed, decides the output (installed fonts, ...). */
  environment(): Record<string, unknown>;
  generate(perClass: PerClass, seed: number): Promise<SplitPair>;
}
