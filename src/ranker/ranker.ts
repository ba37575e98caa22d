// DatasetSimilarityRanker: which repository dataset does a sample of images resemble? Every (feature kind,
// classifier) member votes for one dataset per sample image; the normalised vote counts are the similarity.
import { RankerInputError } from './errors';
import { checkMatrix, type FeatureMatrix } from '../ml/classifiers/matrix';
import {
  fitMember,
  memberFromJSON,
  type LabelledFeatures,
  type MemberJSON,
  type MemberOptions,
  type RankerMember,
} from './member';
import { CLASSIFIER_NAMES, type ClassifierName } from './profiles';

export interface RankerFitOptions extends Omit<MemberOptions, 'numClasses'> {
  /** classifiers to train for every feature kind (default: all five) */
  classifiers?: readonly ClassifierName[];
}

export interface MemberVotes {
  kind: string;
  classifier: ClassifierName;
  heldOutAccuracy: number | null;
  /** votes per repository dataset (same order as datasetNames) */
  votes: number[];
}

export interface SimilarityResult {
  /** dataset name → share of all votes, sums to 1 */
  similarity: Record<string, number>;
  mostSimilar: string;
  /** vote counts per dataset, in datasetNames order */
  votes: number[];
  totalVotes: number;
  samples: number;
  members: MemberVotes[];
  /** memberDisagreement(members), in bits: high for images unlike every repository dataset. */
  disagreement: number;
}

export interface RankerJSON {
  type: 'dataset-similarity-ranker';
  version: 1;
  datasetNames: string[];
  members: MemberJSON[];
}

export class DatasetSimilarityRanker {
  datasetNames: string[] = [];
  members: RankerMember[] = [];

  /** Trains every (feature kind × classifier) member; `trainingData[kind].y` indexes `datasetNames`. */
  fit(
    trainingData: Record<string, LabelledFeatures>,
    datasetNames: string[],
    options: RankerFitOptions = {},
  ): this {
    const kinds = Object.keys(trainingData);
    if (kinds.length === 0) throw new RankerInputError('ranker.fit needs features of at least one kind');
    const classifiers = options.classifiers ?? CLASSIFIER_NAMES;
    const members: MemberJSON[] = [];
    for (const kind of kinds) {
      for (const classifier of classifiers) {
        members.push(
          fitMember(kind, classifier, trainingData[kind], { ...options, numClasses: datasetNames.length }),
        );
      }
    }
    const r = DatasetSimilarityRanker.fromMembers(datasetNames, members);
    this.datasetNames = r.datasetNames;
    this.members = r.members;
    return this;
  }

  /** Assembles a ranker from members trained separately (e.g. by parallel activities) with fitMember. */
  static fromMembers(datasetNames: string[], members: MemberJSON[]): DatasetSimilarityRanker {
    if (datasetNames.length < 2 || new Set(datasetNames).size !== datasetNames.length) {
      throw new RankerInputError(
        `a ranker needs at least 2 distinct dataset names, got [${datasetNames.join(', ')}]`,
      );
    }
    if (members.length === 0) throw new RankerInputError('a ranker needs at least one trained member');
    const r = new DatasetSimilarityRanker();
    r.datasetNames = [...datasetNames];
    r.members = members.map((m) => {
      if (m.numClasses !== datasetNames.length) {
        throw new RankerInputError(
          `member ${m.kind}/${m.classifier} was trained on ${m.numClasses} datasets, not the ${datasetNames.length} named`,
        );
      }
      return memberFromJSON(m);
    });
    return r;
  }

  /** Feature kinds the members need. */
  get kinds(): string[] {
    return [...new Set(this.members.map((m) => m.kind))];
  }

  /** Majority-vote similarity of s sample images, given their features of every kind the members use. */
  similarity(featuresByKind: Record<string, FeatureMatrix>): SimilarityResult {
    if (this.members.length === 0)
      throw new RankerInputError('the ranker is not trained: call fit or fromJSON first');
    const k = this.datasetNames.length;
    let samples = -1;
    for (const kind of this.kinds) {
      const f = featuresByKind[kind];
      if (!f)
        throw new RankerInputError(
          `similarity needs '${kind}' features of the sample images (got: ${Object.keys(featuresByKind).join(', ') || 'none'})`,
        );
      checkMatrix(f.X, f.n, f.d, `features '${kind}'`);
      if (samples >= 0 && f.n !== samples) {
        throw new RankerInputError(
          `features '${kind}' have ${f.n} rows but another kind has ${samples}; extract all kinds from the same images`,
        );
      }
      samples = f.n;
    }
    if (samples <= 0) throw new RankerInputError('similarity needs at least one sample image');
    const votes = new Array<number>(k).fill(0);
    const members: MemberVotes[] = this.members.map((m) => {
      const f = featuresByKind[m.kind];
      const pred = m.model.predict(f.X, f.n, f.d);
      const mv = new Array<number>(k).fill(0);
      for (let i = 0; i < pred.length; i++) mv[pred[i]]++;
      mv.forEach((v, c) => (votes[c] += v));
      return { kind: m.kind, classifier: m.classifier, heldOutAccuracy: m.heldOutAccuracy, votes: mv };
    });
    return fuseVotes(this.datasetNames, votes, samples, members);
  }

  toJSON(): RankerJSON {
    return {
      type: 'dataset-similarity-ranker',
      version: 1,
      datasetNames: this.datasetNames,
      members: this.members.map((m) => m.json),
    };
  }

  static fromJSON(json: RankerJSON): DatasetSimilarityRanker {
    if (!json || json.type !== 'dataset-similarity-ranker' || json.version !== 1) {
      throw new RankerInputError(
        'not a dataset-similarity-ranker (version 1) JSON; retrain with `dlrec ranker train`',
      );
    }
    return DatasetSimilarityRanker.fromMembers(json.datasetNames, json.members);
  }
}

/** Normalises vote counts into the similarity vector; ties for the most similar go to the earlier dataset. */
export function fuseVotes(
  datasetNames: string[],
  votes: number[],
  samples: number,
  members: MemberVotes[],
): SimilarityResult {
  const total = votes.reduce((a, b) => a + b, 0);
  const similarity: Record<string, number> = {};
  let best = 0;
  datasetNames.forEach((name, c) => {
    similarity[name] = total > 0 ? votes[c] / total : 0;
    if (votes[c] > votes[best]) best = c;
  });
  return {
    similarity,
    mostSimilar: datasetNames[best],
    votes,
    totalVotes: total,
    samples,
    members,
    disagreement: memberDisagreement(members),
  };
}

/** Entropy in bits of a vote count vector. */
function entropy(votes: number[]): number {
  const total = votes.reduce((a, b) => a + b, 0);
  return votes.reduce((h, v) => (v > 0 ? h - (v / total) * Math.log2(v / total) : h), 0);
}

/**
 * How much the members disagree beyond their own uncertainty, in bits: the entropy of all votes pooled minus the
 * members' mean entropy (the mutual information between member and vote). On images like a dataset they were
 * trained on, members that hesitate hesitate alike; on images unlike every one of them each member extrapolates
 * its own way, often with certainty, so the pooled votes spread while each member's do not.
 */
export function memberDisagreement(members: MemberVotes[]): number {
  if (members.length === 0) return 0;
  const pooled = members[0].votes.map((_, c) => members.reduce((s, m) => s + m.votes[c], 0));
  return entropy(pooled) - members.reduce((s, m) => s + entropy(m.votes), 0) / members.length;
}
