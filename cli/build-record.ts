import type { ArtifactStore } from '../infra/store';
import { getJSON } from '../infra/store';
import { BUILD_POINTER, type RepositoryKeys } from '../activities/recommendation';
import type { CurrentRanker } from '../src/ranker/stored-ranker';
import { UserError } from './output';
import { buildKey, BUILDS_PREFIX } from '../src/store-layout';

/** What RepositoryBuildWorkflow records when it finishes (builds/<id>.json, and builds/current.json). */
export interface BuildRecord {
  workflowId: string;
  profile: string;
  createdAt: string;
  keys: RepositoryKeys;
  rankerKey?: string;
  /** The build's own ranker (builds before it was recorded fall back to ranker/current.json). */
  ranker?: CurrentRanker;
  recommenderKey: string;
  evaluationKey: string;
  reportKey: string;
  headline: Record<string, number>;
  sweep: { campaignId: string; total: number; done: number; failed: number };
}

export { buildKey } from '../src/store-layout';

/** The builds recorded in the store, newest first. */
export async function listBuilds(store: ArtifactStore): Promise<BuildRecord[]> {
  const keys = (await store.list(BUILDS_PREFIX)).map((o) => o.key).filter((k) => k !== BUILD_POINTER);
  const records = await Promise.all(keys.map((k) => getJSON<BuildRecord>(store, k)));
  return records.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * The build a command reads: `id` (its workflow id, e.g. dlrec-build-mini) or the last one finished. Every
 * artifact (ranker, recommender, evaluation, report) comes from that one record, so a later build of another
 * profile never changes what an earlier one answers.
 */
export async function selectBuild(store: ArtifactStore, id?: string): Promise<BuildRecord> {
  if (id) {
    if (await store.exists(buildKey(id))) return getJSON<BuildRecord>(store, buildKey(id));
    const known = (await listBuilds(store)).map((b) => b.workflowId);
    throw new UserError(
      `no build '${id}' in ${store.url}: ` +
        (known.length
          ? `known builds: ${known.join(', ')}`
          : "run 'dlrec build --profile mini' (or 'npm start')"),
    );
  }
  if (!(await store.exists(BUILD_POINTER))) {
    throw new UserError(
      `no repository has been built in ${store.url} yet: run 'dlrec build --profile mini' (or 'npm start')`,
    );
  }
  return getJSON<BuildRecord>(store, BUILD_POINTER);
}

/** How outputs name the build they answer from. */
export const buildLabel = (b: BuildRecord) => `${b.workflowId} (profile ${b.profile}, ${b.createdAt})`;
