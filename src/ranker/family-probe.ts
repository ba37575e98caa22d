/**
 * The family probe: does the ranker put images it never saw in the right family? A user's digits are never
 * MNIST's own test images: they are recoloured, rescanned at another resolution, noisy, drawn in another style.
 * Each probe is a repository dataset's test split (the ranker samples only train splits) under one such change,
 * or a sibling set the repository does not hold (a fourth emoji art style); a hit is a top-ranked dataset of the
 * probe's family.
 */
import { loadEmojiSet } from '../datasets/emoji';
import { SeededRandom } from '../random';
import { sampleImages } from '../datasets/sampler';
import type { ImageSet } from '../datasets/types';
import { addNoise, asRgb32, NUISANCE_SIZE, recolour, rescan, zoomOut } from './nuisance';

/** Changes a user's images commonly show; each keeps what the image depicts. */
export const PROBE_VARIANTS = ['recolour', 'rescan', 'noise', 'zoom-out'] as const;
export type ProbeVariant = (typeof PROBE_VARIANTS)[number];

export interface ProbeSet {
  /** e.g. 'mnist/recolour' or 'emoji-facebook' */
  name: string;
  family: string;
  images: ImageSet;
}

export interface ProbeOutcome {
  name: string;
  family: string;
  mostSimilar: string;
  predictedFamily: string;
  hit: boolean;
  /** Share of the votes for the probe's own family's datasets. */
  familyShare: number;
}

export interface FamilyProbeResult {
  familyHitRate: number;
  /** Per family: hits / probes. */
  perFamily: Record<string, { hits: number; probes: number }>;
  probes: ProbeOutcome[];
}

/** `count` images of `set` under `variant`, at 32×32 RGB; seeded, so a probe is the same on every run. */
export function probeImages(set: ImageSet, variant: ProbeVariant, count: number, seed: number): ImageSet {
  const base = asRgb32(sampleImages(set, count, seed));
  const rng = new SeededRandom(seed * 31 + PROBE_VARIANTS.indexOf(variant) + 1);
  const out = Uint8Array.from(base.images);
  const per = NUISANCE_SIZE * NUISANCE_SIZE * 3;
  for (let n = 0; n < base.count; n++) {
    const img = out.subarray(n * per, (n + 1) * per);
    // Stronger than the ranker's training nuisances (src/ranker/augment.ts): σ 24 noise, zoom to 60–80 %.
    if (variant === 'recolour') recolour(img, rng);
    else if (variant === 'rescan') rescan(img, 10 + rng.int(7));
    else if (variant === 'noise') addNoise(img, 24, rng);
    else zoomOut(img, rng.range(0.6, 0.8), rng);
  }
  return { ...base, images: out };
}

/** Sibling sets no repository build holds, as probes: a fourth emoji art style (Facebook's). */
export async function siblingProbes(count: number, seed: number): Promise<ProbeSet[]> {
  const { pair } = await loadEmojiSet('facebook');
  const all: ImageSet = {
    ...pair.train,
    images: Uint8Array.from([...pair.train.images, ...pair.test.images]),
    labels: Uint8Array.from([...pair.train.labels, ...pair.test.labels]),
    count: pair.train.count + pair.test.count,
  };
  return [{ name: 'emoji-facebook', family: 'emoji', images: asRgb32(sampleImages(all, count, seed)) }];
}

/** Scores probes with `rank` (images → similarity per dataset) and the datasets' families. */
export function scoreProbes(
  probes: ProbeSet[],
  families: Record<string, string>,
  rank: (images: ImageSet) => Record<string, number>,
): FamilyProbeResult {
  const outcomes = probes.map((p): ProbeOutcome => {
    const sim = rank(p.images);
    const [mostSimilar] = Object.entries(sim).sort((a, b) => b[1] - a[1])[0];
    const predictedFamily = families[mostSimilar] ?? 'unknown';
    const familyShare = Object.entries(sim)
      .filter(([d]) => families[d] === p.family)
      .reduce((s, [, v]) => s + v, 0);
    return {
      name: p.name,
      family: p.family,
      mostSimilar,
      predictedFamily,
      hit: predictedFamily === p.family,
      familyShare,
    };
  });
  const perFamily: FamilyProbeResult['perFamily'] = {};
  for (const o of outcomes) {
    const f = (perFamily[o.family] ??= { hits: 0, probes: 0 });
    f.probes++;
    if (o.hit) f.hits++;
  }
  return {
    familyHitRate: outcomes.length ? outcomes.filter((o) => o.hit).length / outcomes.length : NaN,
    perFamily,
    probes: outcomes,
  };
}
