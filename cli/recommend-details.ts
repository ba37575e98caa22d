/**
 * What `dlrec recommend` reads besides the recommender, from the build it answers from: the leave-one-out table
 * (to judge how far the query is from the repository) and each recommended model's spec (to name it in words
 * and to export it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readSimilarityTable } from '../activities/recommendation';
import { resolveModel } from '../activities/training';
import { campaignKeys } from '../activities/training-campaign';
import type { ArtifactStore } from '../infra/store';
import { describeArchitecture, zooFamily, type ArchitectureSpec } from '../src/arch';
import type { Recommendation, SimilarityTable } from '../src/recommendation';

import type { BuildRecord } from './build-record';

export interface ArchitectureInfo {
  /** The zoo name (`resnet20`) or the generated model's id. */
  name: string;
  family: string;
  description: string;
  /** Weight layers; null when the spec could not be read. */
  depth: number | null;
  params: number;
  flops: number;
  /** Canonical hash of the architecture at 10 classes (the campaign's modelId). */
  id: string;
}

export interface RecommendDetails {
  table?: SimilarityTable;
  /** Each recommendation's spec for the target's class count, at dlrec's training input; absent when unknown. */
  specs: (ArchitectureSpec | undefined)[];
  architectures: ArchitectureInfo[];
}

export async function recommendDetails(
  store: ArtifactStore,
  build: BuildRecord | undefined,
  recommendations: Recommendation[],
  classes: number,
): Promise<RecommendDetails> {
  const table = build ? await readSimilarityTable(store, build.keys.looKey) : undefined;
  const specs = await Promise.all(
    recommendations.map(async (r) => {
      const generated = r.architecture.startsWith('generated:');
      if (generated && !build) return undefined;
      const ref = generated
        ? { specKey: campaignKeys(build!.sweep.campaignId).models, id: r.modelId }
        : { zoo: r.architecture };
      return (await resolveModel(store, ref).catch(() => undefined))?.forClasses(classes);
    }),
  );
  const architectures = recommendations.map((r, i): ArchitectureInfo => {
    const zoo = r.architecture.startsWith('generated:') ? undefined : r.architecture;
    const spec = specs[i];
    const family = (zoo && zooFamily(zoo)) || 'generated CNN';
    // Without the spec (no build record, or a campaign file gone) the recommender's own numbers still describe it.
    const words = spec
      ? describeArchitecture(spec, zoo)
      : {
          family,
          description: `${family} (layers unknown: its spec is not in this store's last build)`,
          depth: null,
          params: r.evidence.params,
          flops: r.evidence.flops,
        };
    return { name: r.model, ...words, id: r.modelId };
  });
  return { table, specs, architectures };
}

/**
 * Writes each spec's Keras/TF.js model JSON (`model.toJSON()`: loadable with tf.models.modelFromJSON, or
 * Keras' model_from_json where no dlrec custom layer is used) and the dlrec spec. TF.js is loaded only here.
 */
export async function exportArchitectures(
  dir: string,
  architectures: ArchitectureInfo[],
  specs: (ArchitectureSpec | undefined)[],
): Promise<{ name: string; keras: string; spec: string }[]> {
  // required here, not imported at the top: TF.js takes ~0.7 s to load, more than a recommendation itself.
  const { buildModel } =
    require('../src/training/model-builder') as typeof import('../src/training/model-builder');
  fs.mkdirSync(dir, { recursive: true });
  const out = [];
  for (const [i, spec] of specs.entries()) {
    if (!spec) continue;
    const base = path.join(dir, `${i + 1}-${architectures[i].name.replace(/[^A-Za-z0-9._-]/g, '_')}`);
    const { model } = buildModel(spec, { seed: 0 });
    fs.writeFileSync(`${base}.keras.json`, JSON.stringify(model.toJSON(null, false), null, 2));
    model.dispose();
    fs.writeFileSync(`${base}.spec.json`, JSON.stringify(spec, null, 2));
    out.push({ name: architectures[i].name, keras: `${base}.keras.json`, spec: `${base}.spec.json` });
  }
  return out;
}
