// One ranker member = one (feature kind, classifier) model. fitMember is a pure function from training data to
// a JSON-able member, so that the platform can train members as separate, parallel activities.
import { seededRandom, shuffle } from '../random';
import type { Classifier, ClassifierJSON } from '../ml/classifiers/classifier';
import { RankerInputError } from './errors';
import { checkLabels, checkMatrix, takeRows } from '../ml/classifiers/matrix';
import {
  classifierFromJSON,
  createClassifier,
  isClassifierName,
  settingsFor,
  CLASSIFIER_NAMES,
  type ClassifierName,
  type ClassifierSettings,
  type ProfileName,
} from './profiles';

/** Training data of one feature kind: n×d features and the dataset index of each row. */
export interface LabelledFeatures {
  X: Float32Array;
  n: number;
  d: number;
  y: Int32Array | number[];
}

export interface MemberOptions {
  /** number of classes (repository datasets); default max(y) + 1 */
  numClasses?: number;
  /** classifier settings (default 'paper', the paper's; CI and laptops want 'mini' or 'smoke') */
  profile?: ProfileName;
  /** per-classifier option overrides on top of the profile */
  overrides?: Partial<ClassifierSettings>;
  /** share of each class held out to measure accuracy (0 = none) */
  holdOut?: number;
  seed?: number;
}

export interface MemberJSON {
  kind: string;
  classifier: ClassifierName;
  numClasses: number;
  /** accuracy on the held-out rows; null when nothing was held out */
  heldOutAccuracy: number | null;
  trainRows: number;
  heldOutRows: number;
  fitSeconds: number;
  model: ClassifierJSON;
}

export interface RankerMember {
  kind: string;
  classifier: ClassifierName;
  heldOutAccuracy: number | null;
  model: Classifier;
  json: MemberJSON;
}

/** Stratified, seeded split of row indices: `share` of every class goes to `test` (at least one row when the class has ≥ 2). */
export function holdOutSplit(
  y: Int32Array,
  numClasses: number,
  share: number,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  if (!(share >= 0 && share < 1)) throw new RankerInputError(`holdOut must be in [0, 1), got ${share}`);
  const rng = seededRandom(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const rows = Int32Array.from(y.keys()).filter((i) => y[i] === c);
    shuffle(rows, rng);
    const m = share > 0 && rows.length >= 2 ? Math.max(1, Math.round(rows.length * share)) : 0;
    rows.forEach((r, i) => (i < m ? test : train).push(r));
  }
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

export function fitMember(
  kind: string,
  classifier: string,
  data: LabelledFeatures,
  options: MemberOptions = {},
): MemberJSON {
  if (!isClassifierName(classifier)) {
    throw new RankerInputError(
      `unknown classifier '${classifier}'; use one of ${CLASSIFIER_NAMES.join(', ')}`,
    );
  }
  const { X, n, d } = data;
  checkMatrix(X, n, d, `features '${kind}'`);
  let maxLabel = 0;
  for (let i = 0; i < n; i++) maxLabel = Math.max(maxLabel, data.y[i]);
  const numClasses = options.numClasses ?? maxLabel + 1;
  const y = checkLabels(data.y, n, numClasses);
  const seed = options.seed ?? 1;
  const split = holdOutSplit(y, numClasses, options.holdOut ?? 0.2, seed);
  const settings = settingsFor(options.profile ?? 'paper', options.overrides);
  const model = createClassifier(classifier, {
    ...settings[classifier],
    seed,
  } as ClassifierSettings[typeof classifier]);
  const t0 = process.hrtime.bigint();
  model.fit(
    takeRows(X, d, split.train),
    split.train.length,
    d,
    Int32Array.from(split.train, (r) => y[r]),
    numClasses,
  );
  const fitSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  let heldOutAccuracy: number | null = null;
  if (split.test.length > 0) {
    const pred = model.predict(takeRows(X, d, split.test), split.test.length, d);
    let ok = 0;
    split.test.forEach((r, i) => (ok += pred[i] === y[r] ? 1 : 0));
    heldOutAccuracy = ok / split.test.length;
  }
  return {
    kind,
    classifier,
    numClasses,
    heldOutAccuracy,
    trainRows: split.train.length,
    heldOutRows: split.test.length,
    fitSeconds,
    model: model.toJSON(),
  };
}

export function memberFromJSON(json: MemberJSON): RankerMember {
  if (!json || typeof json.kind !== 'string' || !isClassifierName(json.classifier) || !json.model) {
    throw new RankerInputError('ranker member JSON needs kind, classifier and model; the file is damaged');
  }
  const model = classifierFromJSON(json.model);
  return { kind: json.kind, classifier: json.classifier, heldOutAccuracy: json.heldOutAccuracy, model, json };
}
