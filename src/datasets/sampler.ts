import { SeededRandom } from '../random';
import { subset, type ImageSet, type SplitPair } from './types';

export const DEFAULT_SAMPLE_SIZE = 512;

/**
 * s distinct indices drawn uniformly from 0..n-1 with a seeded partial Fisher–Yates shuffle, returned in
 * ascending order (the sample is a set; ascending order reads memory in sequence). s ≥ n gives all indices.
 */
export function sampleIndices(n: number, s: number, seed: number): Uint32Array {
  if (!Number.isInteger(s) || s < 1) throw new RangeError(`sample size must be a positive integer, got ${s}`);
  if (s >= n) return Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new SeededRandom(seed);
  const pool = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < s; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, s).sort();
}

/** A uniform, seeded sample of s images (default 512) from a split; the whole split when it has ≤ s images. */
export function sampleImages(set: ImageSet, s = DEFAULT_SAMPLE_SIZE, seed = 0): ImageSet {
  return subset(set, sampleIndices(set.count, s, seed));
}

/**
 * Seeded, stratified hold-out: per class, round(fraction × size) images (at least one when the class has two
 * or more and the fraction is not 0) become the test split; train and test keep ascending order.
 */
export function stratifiedSplit(set: ImageSet, testFraction: number, seed: number): SplitPair {
  const rng = new SeededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < set.classNames.length; c++) {
    const members: number[] = [];
    for (let i = 0; i < set.count; i++) if (set.labels[i] === c) members.push(i);
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    const nTest =
      members.length >= 2 && testFraction > 0 ? Math.max(1, Math.round(members.length * testFraction)) : 0;
    test.push(...members.slice(0, nTest));
    train.push(...members.slice(nTest));
  }
  const asc = (a: number, b: number) => a - b;
  return { train: subset(set, train.sort(asc)), test: subset(set, test.sort(asc)) };
}
