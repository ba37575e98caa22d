/**
 * Build profiles: how big each stage of a repository build is.
 * - smoke: CI; seconds per stage, proves every stage runs end to end.
 * - mini: `npm start` on a 2-core laptop without internet, the whole build in ≤ 20 minutes.
 * - paper: the published campaign, for GPU pools on Kubernetes.
 */
export type ProfileName = 'smoke' | 'mini' | 'paper';
export const PROFILE_NAMES: ProfileName[] = ['smoke', 'mini', 'paper'];

export interface DatasetsProfile {
  /** Repository datasets; offline and derived ones are built locally, the others need `dlrec datasets fetch`. */
  names: string[];
  /** Images per class for the derived datasets (train, test). */
  derivedPerClass: { train: number; test: number };
  seed: number;
}

export interface BuildProfile {
  name: ProfileName;
  datasets: DatasetsProfile;
  generation: {
    seed: number;
    count: number;
    input: { height: number; width: number; channels: number };
    classes: number;
    unkProb: number;
    unkCopies: number;
    shardSize: number;
  };
}

export const PROFILES: Record<ProfileName, BuildProfile> = {
  smoke: {
    name: 'smoke',
    datasets: {
      names: ['mnist', 'fashion-mnist', 'colour-digits', 'shapes'],
      derivedPerClass: { train: 40, test: 10 },
      seed: 1,
    },
    generation: {
      seed: 7,
      count: 200,
      input: { height: 32, width: 32, channels: 3 },
      classes: 10,
      unkProb: 0.2,
      unkCopies: 2,
      shardSize: 100,
    },
  },
  mini: {
    name: 'mini',
    datasets: {
      names: ['mnist', 'fashion-mnist', 'colour-digits', 'glyphs', 'shapes'],
      derivedPerClass: { train: 500, test: 100 },
      seed: 1,
    },
    generation: {
      seed: 7,
      count: 5_000,
      input: { height: 32, width: 32, channels: 3 },
      classes: 10,
      unkProb: 0.2,
      unkCopies: 2,
      shardSize: 2_500,
    },
  },
  paper: {
    name: 'paper',
    datasets: {
      names: ['mnist', 'fashion-mnist', 'cifar-10', 'cifar-100', 'svhn', 'stl-10', 'gtsrb'],
      derivedPerClass: { train: 5000, test: 1000 },
      seed: 1,
    },
    generation: {
      seed: 7,
      count: 190_000,
      input: { height: 32, width: 32, channels: 3 },
      classes: 10,
      unkProb: 0.2,
      unkCopies: 2,
      shardSize: 10_000,
    },
  },
};

export function profile(name: string): BuildProfile {
  const p = PROFILES[name as ProfileName];
  if (!p) throw new Error(`unknown profile '${name}': use one of ${PROFILE_NAMES.join(', ')}`);
  return p;
}
