/**
 * Build profiles: how big each stage of a repository build is.
 * - smoke: CI; seconds per stage, proves every stage runs end to end.
 * - mini: `npm start` on a 2-core laptop without internet, the whole build in ≤ 20 minutes.
 * - paper: the published campaign, for GPU pools on Kubernetes.
 */
import type { ClassifierName, ClassifierSettings } from './ranker/profiles';
import { ENCODER_PROFILES, type EncoderProfile } from './encoder/profiles';
import type { Recipe } from './training/recipe';
import type { DatasetMirror } from './datasets/mirror';

export { PROFILE_NAMES, type ProfileName } from './profile-names';
import { PROFILE_NAMES, type ProfileName } from './profile-names';

export interface DatasetsProfile {
  /** Repository datasets; offline and derived ones are built locally, the others need `dlrec datasets fetch`. */
  names: string[];
  /** Images per class for the derived datasets (train, test). */
  derivedPerClass: { train: number; test: number };
  seed: number;
  /** Where datasets are downloaded from instead of the registry's URLs: tests, simulations, an organisation's internal mirror. */
  mirror?: DatasetMirror;
}

export interface RankerProfile {
  /** Sample images per repository dataset (the paper: 512). */
  samples: number;
  seed: number;
  /** Classifier settings of src/ranker/profiles.ts (smoke/mini/paper) and per-classifier overrides. */
  classifierProfile: ProfileName;
  overrides?: Partial<ClassifierSettings>;
  classifiers: ClassifierName[];
  /** Share of every dataset held out to report each member's accuracy. */
  holdOut: number;
  /** Member-training activities in flight at once. */
  parallelMembers: number;
}

const RANKER_CLASSIFIERS: ClassifierName[] = [
  'naive-bayes',
  'random-forest',
  'gradient-boosting',
  'mlp',
  'linear-svm',
];

/** The training sweep (TrainingSweepWorkflow): which pairs to train and with which recipe. */
export interface SweepProfile {
  /** Canonical zoo models: trained on every repository dataset, then fine-tuned from every other one. */
  zoo: string[];
  fineTune: boolean;
  /** Generated models (stratified by depth and size) trained from scratch on every repository dataset. */
  generated: number;
  /** Generated models above a cap are not drawn (0 = no cap); activations = floats per image, all layers. */
  caps: { params: number; flops: number; activations: number };
  seed: number;
  recipe: { profile: ProfileName; overrides: Partial<Recipe> };
  /** 0 = the recipe's own. */
  limits: { epochs: number; trainImages: number; testImages: number };
  /** Fine-tunes only, over `limits` (pre-trained weights need fewer epochs than training from scratch). */
  fineTuneLimits?: { epochs?: number; trainImages?: number };
  /** trainModel activities in flight; attempts per pair before it is recorded as failed. */
  concurrency: number;
  attempts: number;
  /** Plan items per page; the workflow continues as new once its history passes historyLimit events. */
  pageSize: number;
  historyLimit: number;
  keepCheckpoints: boolean;
}

// Sized on the shared 2-core machine (wasm backend): see the training integration notes in the report.
const SWEEPS: Record<ProfileName, SweepProfile> = {
  smoke: {
    zoo: ['lenet5'],
    fineTune: true,
    generated: 2,
    caps: { params: 1_500_000, flops: 10e6, activations: 60_000 },
    seed: 1,
    recipe: { profile: 'smoke', overrides: {} },
    limits: { epochs: 1, trainImages: 256, testImages: 128 },
    concurrency: 2,
    attempts: 2,
    pageSize: 8,
    historyLimit: 2_000,
    keepCheckpoints: false,
  },
  mini: {
    // Three canonical nets, each pre-trained on every dataset and fine-tuned on every other (Table 1's rows).
    zoo: ['lenet1', 'lenet4', 'lenet5'],
    fineTune: true,
    generated: 16,
    caps: { params: 1_500_000, flops: 10e6, activations: 60_000 },
    seed: 1,
    recipe: { profile: 'mini', overrides: { batchSize: 32, learningRate: 0.01, warmupBatches: 10 } },
    // 1,000 test images keep an accuracy's standard error ≤ 1.6 points (the emoji sets have ~375).
    limits: { epochs: 3, trainImages: 1_000, testImages: 1_000 },
    fineTuneLimits: { epochs: 1 },
    concurrency: 2,
    attempts: 2,
    pageSize: 50,
    historyLimit: 10_000,
    keepCheckpoints: false,
  },
  paper: {
    zoo: ['vgg16', 'nin', 'allcnnc', 'resnet20', 'wrn-16-4', 'preact-resnet20', 'lenet5'],
    fineTune: true,
    generated: 1_200,
    caps: { params: 0, flops: 0, activations: 0 },
    seed: 1,
    recipe: { profile: 'paper', overrides: {} },
    limits: { epochs: 0, trainImages: 0, testImages: 0 },
    concurrency: 8,
    attempts: 3,
    pageSize: 200,
    historyLimit: 10_000,
    keepCheckpoints: true,
  },
};

/** The architecture generation: how many models, at which input and class count, with which UNK copies. */
export interface GenerationProfile {
  seed: number;
  count: number;
  input: { height: number; width: number; channels: number };
  classes: number;
  unkProb: number;
  unkCopies: number;
  shardSize: number;
}

export interface BuildProfile {
  name: ProfileName;
  datasets: DatasetsProfile;
  ranker: RankerProfile;
  generation: GenerationProfile;
  /** The encoder stage (src/encoder/profiles.ts: word2vec + language-model sizes, the experiment). */
  encoder: EncoderProfile;
  sweep: SweepProfile;
}

export const PROFILES: Record<ProfileName, BuildProfile> = {
  smoke: {
    name: 'smoke',
    datasets: {
      names: ['mnist', 'fashion-mnist', 'colour-digits', 'shapes'],
      derivedPerClass: { train: 40, test: 10 },
      seed: 1,
    },
    ranker: {
      samples: 100,
      seed: 1,
      classifierProfile: 'smoke',
      classifiers: RANKER_CLASSIFIERS,
      holdOut: 0.2,
      parallelMembers: 2,
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
    encoder: ENCODER_PROFILES.smoke,
    sweep: SWEEPS.smoke,
  },
  mini: {
    name: 'mini',
    datasets: {
      // Five real image sets (MNIST, Fashion-MNIST, three emoji art styles) and three derived ones.
      names: [
        'mnist',
        'fashion-mnist',
        'emoji-google',
        'emoji-apple',
        'emoji-twitter',
        'colour-digits',
        'glyphs',
        'shapes',
      ],
      derivedPerClass: { train: 500, test: 100 },
      seed: 1,
    },
    ranker: {
      samples: 256,
      seed: 1,
      classifierProfile: 'mini',
      classifiers: RANKER_CLASSIFIERS,
      holdOut: 0.2,
      parallelMembers: 2,
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
    encoder: ENCODER_PROFILES.mini,
    sweep: SWEEPS.mini,
  },
  paper: {
    name: 'paper',
    datasets: {
      names: ['mnist', 'fashion-mnist', 'cifar-10', 'cifar-100', 'svhn', 'stl-10', 'gtsrb'],
      derivedPerClass: { train: 5000, test: 1000 },
      seed: 1,
    },
    ranker: {
      samples: 512,
      seed: 1,
      classifierProfile: 'paper',
      classifiers: RANKER_CLASSIFIERS,
      holdOut: 0.2,
      parallelMembers: 4,
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
    encoder: ENCODER_PROFILES.paper,
    sweep: SWEEPS.paper,
  },
};

export function profile(name: string): BuildProfile {
  const p = PROFILES[name as ProfileName];
  if (!p) throw new Error(`unknown profile '${name}': use one of ${PROFILE_NAMES.join(', ')}`);
  return p;
}
