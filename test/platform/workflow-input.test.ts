// Bad input to a workflow fails the run at once, non-retryably, with the problem named — instead of failing
// workflow tasks forever (a run started from the Temporal UI with a typo would otherwise hang, and a schedule's
// overlap policy would skip every later run).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ApplicationFailure, Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { FileArtifactStore } from '../../infra/store';
import { RepositoryBuildWorkflow, TrainRankerWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { withWorkers } from '../../workers/worker';
import { temporalForTests } from '../helpers/services';
import type { BuildInput } from '../../workflows/build';
import type { RankerWorkflowInput } from '../../workflows/ranker';

const services = temporalForTests('wf-input');
const { root: dir } = services;

async function failureOf(start: (client: Client) => Promise<unknown>): Promise<ApplicationFailure> {
  const connection = await Connection.connect({ address: services.temporal.address });
  const client = new Client({ connection });
  const target = { address: services.temporal.address, namespace: 'default', external: true };
  try {
    return await withWorkers({ target, store: new FileArtifactStore(path.join(dir, 'store')) }, async () => {
      const err = await start(client).then(
        () => assert.fail('the workflow should have failed'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof WorkflowFailedError, String(err));
      assert.ok(err.cause instanceof ApplicationFailure, String(err.cause));
      return err.cause;
    });
  } finally {
    await connection.close();
  }
}

test('a build started with an unknown profile fails at once, naming the profiles', async () => {
  const t0 = Date.now();
  const cause = await failureOf((client) =>
    client.workflow.execute(RepositoryBuildWorkflow, {
      workflowId: 'bad-profile',
      taskQueue: CPU_QUEUE,
      args: [{ profile: 'mnii' } as unknown as BuildInput],
    }),
  );
  assert.equal(cause.type, 'DlrecBadInput');
  assert.equal(cause.nonRetryable, true);
  assert.match(cause.message, /unknown profile 'mnii': use one of smoke, mini, paper/);
  assert.ok(Date.now() - t0 < 30_000, 'failed on its first workflow task, not after retries');
});

test('a ranker run with too few datasets fails the run with the reason', async () => {
  const cause = await failureOf((client) =>
    client.workflow.execute(TrainRankerWorkflow, {
      workflowId: 'bad-ranker',
      taskQueue: CPU_QUEUE,
      args: [{ datasets: ['mnist'], ranker: {} } as unknown as RankerWorkflowInput],
    }),
  );
  assert.equal(cause.type, 'DlrecBadInput');
  assert.match(cause.message, /the ranker needs at least 2 distinct datasets, got \[mnist\]/);
});
