/**
 * The dataset similarity ranker's workflows.
 *
 * TrainRankerWorkflow(input: RankerWorkflowInput) → TrainRankerResult
 *   input:  { datasets: string[], ranker: RankerProfile, derived?: { perClass, seed } }  (src/profiles.ts)
 *   output: { id, key, datasets, families, samples, profile, createdAt, members: [{ kind, classifier,
 *            heldOutAccuracy, fitSeconds, key }] } — key is ranker/<id>/ranker.json; ranker/current.json names it.
 *   Features per dataset (parallel activities) → one member per (feature kind, classifier) (parallel, bounded by
 *   ranker.parallelMembers) → assemble.
 *
 * LeaveOneOutRankerWorkflow(input: RankerWorkflowInput) → LeaveOneOutRankerResult
 *   output: { key, datasets, similarity (n×n, rows = held-out, sum to 1), votes (n×n), disagreement (per held-out
 *   dataset, bits), mostSimilar } — the paper's Figure 4a; stored under ranker/loo/<hash>.json
 *   (ranker/loo/current.json names the latest).
 *
 * Every activity's output key derives from its inputs and is reused when present, so re-running either
 * workflow (same id or a new one) resumes: finished features, members and rows are not recomputed.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DatasetFeaturesMeta, DerivedVersion } from '../activities/ranker';
import type { FeatureKind } from '../src/features';
import type { RankerProfile } from '../src/profiles';
import { failRun } from './failures';
import { trackProgress, type WorkflowProgress } from './progress';
import { CPU_QUEUE } from './queues';

export interface RankerWorkflowInput {
  datasets: string[];
  ranker: RankerProfile;
  /** version of the derived datasets (the build profile's datasets section) */
  derived?: DerivedVersion;
}

/** Feature kinds, as in src/features (kept here: workflow code imports no runtime values from src/). */
const KINDS: FeatureKind[] = ['gist', 'daisy', 'lbp', 'hog'];

// Member fits run on worker threads and heartbeat every 10 s meanwhile; a paper-profile LOO row fits 20 members.
const act = proxyActivities<Activities>({
  taskQueue: CPU_QUEUE,
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2 },
});

/** Runs `tasks` with at most `limit` in flight, counting them in `progress`. */
async function bounded<T>(
  tasks: Array<() => Promise<T>>,
  limit: number,
  progress: WorkflowProgress,
): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) {
      const i = next++;
      progress.running++;
      try {
        out[i] = await tasks[i]();
      } finally {
        progress.running--;
      }
      progress.done++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, lane));
  return out;
}

function checkInput(input: RankerWorkflowInput, min: number): void {
  if (new Set(input.datasets).size !== input.datasets.length || input.datasets.length < min) {
    failRun(`the ranker needs at least ${min} distinct datasets, got [${input.datasets.join(', ')}]`);
  }
}

async function datasetFeatures(
  input: RankerWorkflowInput,
  progress: WorkflowProgress,
): Promise<DatasetFeaturesMeta[]> {
  progress.stage = 'features';
  progress.total += input.datasets.length;
  const { samples, seed } = input.ranker;
  return bounded(
    input.datasets.map(
      (name) => () => act.computeDatasetFeatures({ name, samples, seed, derived: input.derived }),
    ),
    input.datasets.length,
    progress,
  );
}

export async function TrainRankerWorkflow(input: RankerWorkflowInput) {
  checkInput(input, 2);
  const progress = trackProgress('features', 0);
  const features = (await datasetFeatures(input, progress)).map((m) => m.key);
  progress.stage = 'members';
  const pairs = KINDS.flatMap((kind) => input.ranker.classifiers.map((classifier) => ({ kind, classifier })));
  progress.total += pairs.length + 1;
  const members = await bounded(
    pairs.map((p) => () => act.fitRankerMember({ ...p, features, profile: input.ranker })),
    input.ranker.parallelMembers,
    progress,
  );
  progress.stage = 'assemble';
  const current = await act.assembleRanker({
    features,
    members: members.map((m) => m.key),
    profile: input.ranker,
  });
  progress.done++;
  // Does the ranker generalise beyond the images it was trained on? (src/ranker/family-probe.ts)
  progress.stage = 'family probe';
  const familyProbe = await act.probeRankerFamilies({
    ranker: current,
    datasets: input.datasets,
    derived: input.derived,
    samples: input.ranker.samples,
    seed: input.ranker.seed,
  });
  return { ...current, members, familyProbe };
}

export async function LeaveOneOutRankerWorkflow(input: RankerWorkflowInput) {
  checkInput(input, 3);
  const progress = trackProgress('features', 0);
  const features = (await datasetFeatures(input, progress)).map((m) => m.key);
  progress.stage = 'leave-one-out rows';
  progress.total += input.datasets.length;
  const rows = await bounded(
    input.datasets.map(
      (_, heldOut) => () => act.leaveOneOutRankerRow({ features, heldOut, profile: input.ranker }),
    ),
    input.ranker.parallelMembers,
    progress,
  );
  const similarity = rows.map((r) => r.similarity);
  const result = {
    datasets: input.datasets,
    similarity,
    votes: rows.map((r) => r.votes),
    disagreement: rows.map((r) => r.disagreement),
    mostSimilar: similarity.map((row) => input.datasets[row.indexOf(Math.max(...row))]),
    samples: input.ranker.samples,
    profile: input.ranker.classifierProfile,
  };
  const { key } = await act.saveLeaveOneOut({ features, profile: input.ranker, result });
  return { key, ...result };
}
