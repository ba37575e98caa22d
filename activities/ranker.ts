import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { readSplit, sampleImages } from '../src/datasets';
import { augmentSample, AUGMENTATION_VERSION } from '../src/ranker/augment';
import { FEATURE_KINDS, type FeatureKind } from '../src/features';
import {
  CURRENT_RANKER_KEY,
  DatasetSimilarityRanker,
  fitMemberInThread,
  fitMembersInThread,
  heldOutRow,
  leaveOneOutTraining,
  imageSetFeatures,
  rankerKey,
  stackTrainingData,
  type ClassifierName,
  type CurrentRanker,
  type DatasetFeatures,
  type FeatureMatrix,
  type LeaveOneOutRow,
  type MemberJSON,
} from '../src/ranker';
import {
  PROBE_VARIANTS,
  probeImages,
  siblingProbes,
  type FamilyProbeResult,
  type ProbeSet,
} from '../src/ranker/family-probe';
import type { RankerProfile } from '../src/profiles';
import type { RankerJSON } from '../src/ranker/ranker';
import { ensurePackedRanker, storePackedRanker } from '../src/ranker/packed-ranker';
import { withHeartbeats, type ActivityDeps } from './context';
import { runTask } from './threads';
import { manifestOf } from './training';
import { jsonHash } from '../src/content-hash';
import { featureKeys, rankerKeys } from '../src/store-layout';

/** Which version of a derived dataset to use (the build profile's), as PrepareDatasetsWorkflow does. */
export interface DerivedVersion {
  perClass: { train: number; test: number };
  seed: number;
}

export interface DatasetFeaturesInput {
  name: string;
  samples: number;
  seed: number;
  derived?: DerivedVersion;
}

/** features/<sha>/<samples>-<seed>.json: written after the per-kind .f32 files, so it marks them complete. */
export interface DatasetFeaturesMeta {
  name: string;
  family: string;
  datasetSha: string;
  /** rows actually sampled (the whole train split when it is smaller than asked) */
  samples: number;
  seed: number;
  kinds: Record<string, { key: string; d: number }>;
  key: string;
}

export interface MemberInput {
  kind: FeatureKind;
  classifier: ClassifierName;
  /** features meta keys, in label order */
  features: string[];
  profile: RankerProfile;
}

export interface FamilyProbeInput {
  ranker: CurrentRanker;
  datasets: string[];
  derived?: DerivedVersion;
  samples: number;
  seed: number;
}

export interface AssembleInput {
  features: string[];
  members: string[];
  profile: RankerProfile;
}

export interface LeaveOneOutRowInput {
  features: string[];
  heldOut: number;
  profile: RankerProfile;
}

export interface LeaveOneOutRowResult extends LeaveOneOutRow {
  key: string;
  heldOut: string;
}

/** Short content key of canonical JSON (inputs → output key, so a finished activity is found again). */
export function inputKey(value: unknown): string {
  return jsonHash(value, 24);
}

async function readFeatures(
  store: ArtifactStore,
  metaKey: string,
): Promise<DatasetFeatures & { meta: DatasetFeaturesMeta }> {
  const meta = await getJSON<DatasetFeaturesMeta>(store, metaKey);
  const features: Record<string, FeatureMatrix> = {};
  for (const [kind, { key, d }] of Object.entries(meta.kinds)) {
    const buf = await store.get(key);
    // Copy into an aligned buffer: a Buffer's byteOffset need not be a multiple of 4.
    const X = new Float32Array(buf.byteLength / 4);
    new Uint8Array(X.buffer).set(buf);
    features[kind] = { X, n: meta.samples, d };
  }
  return { name: meta.name, features, meta };
}

/** Members' classifier options: the profile's classifier settings plus its per-classifier overrides. */
const memberOptions = (p: RankerProfile) => ({
  profile: p.classifierProfile,
  overrides: p.overrides,
  seed: p.seed,
});

/** The profile fields that change a fit (not e.g. parallelism), for output keys. */
const fitSettings = (p: RankerProfile) => ({
  classifierProfile: p.classifierProfile,
  overrides: p.overrides ?? null,
  classifiers: p.classifiers,
  holdOut: p.holdOut,
  seed: p.seed,
});

/** Heartbeats while `work` runs (on a thread, so this event loop is free to do it). */
const whileBeating = <T>(work: () => Promise<T>): Promise<T> => withHeartbeats(undefined, work, 5_000);

export function rankerActivities({ store }: ActivityDeps) {
  return {
    /** A seeded sample of a dataset's train split at 32×32 and its four features (idempotent). */
    async computeDatasetFeatures(input: DatasetFeaturesInput): Promise<DatasetFeaturesMeta> {
      const manifest = await manifestOf(store, input.name, input.derived);
      const keys = featureKeys(manifest.sha256, `${input.samples}-${input.seed}-aug${AUGMENTATION_VERSION}`);
      const metaKey = keys.meta;
      if (await store.exists(metaKey)) return getJSON<DatasetFeaturesMeta>(store, metaKey);
      const set = await readSplit(store, manifest, 'train');
      const sample = augmentSample(sampleImages(set, input.samples, input.seed), input.seed);
      const samples = sample.count;
      const features = imageSetFeatures(sample);
      const kinds: DatasetFeaturesMeta['kinds'] = {};
      for (const kind of FEATURE_KINDS) {
        const key = keys.kind(kind);
        const f = features[kind];
        await store.put(key, new Uint8Array(f.X.buffer, f.X.byteOffset, f.X.byteLength));
        kinds[kind] = { key, d: f.d };
      }
      const meta: DatasetFeaturesMeta = {
        name: manifest.name,
        family: manifest.family,
        datasetSha: manifest.sha256,
        samples,
        seed: input.seed,
        kinds,
        key: metaKey,
      };
      await putJSON(store, metaKey, meta);
      return meta;
    },

    /**
     * The family probe (src/ranker/family-probe.ts) of a trained ranker: every repository dataset's test images
     * under each variant, and the sibling sets, each scored by the ranker → ranker/probe/<hash>.json.
     */
    async probeRankerFamilies(input: FamilyProbeInput): Promise<{ key: string; familyHitRate: number }> {
      const key = rankerKeys.probe(
        inputKey([
          'family-probe',
          1,
          input.ranker.key,
          input.datasets,
          input.samples,
          input.seed,
          input.derived ?? null,
        ]),
      );
      if (await store.exists(key)) {
        const stored = await getJSON<FamilyProbeResult>(store, key);
        return { key, familyHitRate: stored.familyHitRate };
      }
      const result = await withHeartbeats<FamilyProbeResult, unknown>(
        { probing: 'preparing' },
        async (report) => {
          const probes: ProbeSet[] = [];
          for (const name of input.datasets) {
            const manifest = await manifestOf(store, name, input.derived);
            const test = await readSplit(store, manifest, 'test');
            for (const variant of PROBE_VARIANTS)
              probes.push({
                name: `${name}/${variant}`,
                family: manifest.family,
                images: probeImages(test, variant, input.samples, input.seed),
              });
            report({ prepared: name });
          }
          probes.push(...(await siblingProbes(input.samples, input.seed)));
          // Probe sets are drawn at `samples` images already: their features are the whole set's. Scored on a
          // worker thread: at paper settings the members' predictions take tens of seconds.
          const ranker = await getJSON<RankerJSON>(store, input.ranker.key);
          report({ probing: probes.length });
          return runTask('probeFamilies', { ranker, probes, families: input.ranker.families }, report);
        },
      );
      await putJSON(store, key, result);
      return { key, familyHitRate: result.familyHitRate };
    },

    /** One (feature kind, classifier) member trained on the given datasets' features (idempotent). */
    async fitRankerMember(input: MemberInput) {
      const key = rankerKeys.member(
        inputKey(['member', input.kind, input.classifier, input.features, fitSettings(input.profile)]),
      );
      let member: MemberJSON;
      if (await store.exists(key)) member = await getJSON<MemberJSON>(store, key);
      else {
        const datasets = await Promise.all(input.features.map((k) => readFeatures(store, k)));
        const data = stackTrainingData(datasets)[input.kind];
        member = await whileBeating(() =>
          fitMemberInThread(input.kind, input.classifier, data, {
            ...memberOptions(input.profile),
            numClasses: datasets.length,
            holdOut: input.profile.holdOut,
          }),
        );
        await putJSON(store, key, member);
      }
      return {
        key,
        kind: member.kind,
        classifier: member.classifier,
        heldOutAccuracy: member.heldOutAccuracy,
        fitSeconds: member.fitSeconds,
      };
    },

    /** Members → ranker/<id>/ranker.json (and its packed form), and ranker/current.json pointing at it. */
    async assembleRanker(input: AssembleInput): Promise<CurrentRanker> {
      const metas = await Promise.all(input.features.map((k) => getJSON<DatasetFeaturesMeta>(store, k)));
      const id = inputKey(['ranker', input.features, input.members]);
      const key = rankerKey(id);
      if (!(await store.exists(key))) {
        const members = await Promise.all(input.members.map((k) => getJSON<MemberJSON>(store, k)));
        const ranker = DatasetSimilarityRanker.fromMembers(
          metas.map((m) => m.name),
          members,
        );
        const json = ranker.toJSON();
        const info = await putJSON(store, key, json);
        await storePackedRanker(store, key, info.sha256, json);
      } else await ensurePackedRanker(store, key); // a ranker stored before the packed form
      const current: CurrentRanker = {
        id,
        key,
        datasets: metas.map((m) => m.name),
        families: Object.fromEntries(metas.map((m) => [m.name, m.family])),
        samples: input.profile.samples,
        profile: input.profile.classifierProfile,
        createdAt: new Date().toISOString(),
      };
      await putJSON(store, CURRENT_RANKER_KEY, current);
      return current;
    },

    /** Row `heldOut` of the leave-one-out matrix: a ranker trained on the other datasets scores this one. */
    async leaveOneOutRankerRow(input: LeaveOneOutRowInput): Promise<LeaveOneOutRowResult> {
      // 'disagreement': rows stored before it was recorded lack it, so they are computed again.
      const key = rankerKeys.looRow(
        inputKey(['loo-row', 'disagreement', input.features, input.heldOut, fitSettings(input.profile)]),
      );
      if (await store.exists(key)) return getJSON<LeaveOneOutRowResult>(store, key);
      const datasets = await Promise.all(input.features.map((k) => readFeatures(store, k)));
      const { others, training } = leaveOneOutTraining(datasets, input.heldOut);
      // All members of the row on one worker thread, so the worker stays responsive (and heartbeats).
      const jobs = FEATURE_KINDS.flatMap((kind) =>
        input.profile.classifiers.map((classifier) => ({ kind, classifier })),
      );
      const members = await whileBeating(() =>
        fitMembersInThread(jobs, training, {
          ...memberOptions(input.profile),
          numClasses: others.length,
          holdOut: 0,
        }),
      );
      const ranker = DatasetSimilarityRanker.fromMembers(
        others.map((d) => d.name),
        members,
      );
      const row: LeaveOneOutRowResult = {
        key,
        heldOut: datasets[input.heldOut].name,
        ...heldOutRow(datasets, input.heldOut, ranker),
      };
      await putJSON(store, key, row);
      return row;
    },

    /** Stores the assembled leave-one-out result (matrix + vote proportions, the paper's Figure 4a). */
    async saveLeaveOneOut(input: { features: string[]; profile: RankerProfile; result: unknown }) {
      const key = rankerKeys.loo(inputKey(['loo', input.features, fitSettings(input.profile)]));
      await putJSON(store, key, input.result);
      await putJSON(store, rankerKeys.currentLoo, { key });
      return { key };
    },
  };
}
