import type { ArtifactStore } from '../infra/store';
import { getJSON } from '../infra/store';
import { BUILD_POINTER, type RepositoryKeys } from '../activities/recommendation';
import { UserError } from './output';

/** What RepositoryBuildWorkflow records when it finishes (builds/current.json). */
export interface BuildRecord {
  workflowId: string;
  profile: string;
  createdAt: string;
  keys: RepositoryKeys;
  rankerKey?: string;
  recommenderKey: string;
  evaluationKey: string;
  reportKey: string;
  headline: Record<string, number>;
}

export async function currentBuild(store: ArtifactStore): Promise<BuildRecord> {
  if (!(await store.exists(BUILD_POINTER))) {
    throw new UserError(
      `no repository has been built in ${store.url} yet: run 'dlrec build --profile mini' (or 'npm start')`,
    );
  }
  return getJSON<BuildRecord>(store, BUILD_POINTER);
}
