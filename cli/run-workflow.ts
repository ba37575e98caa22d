import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle, WorkflowResultType, WorkflowStartOptions } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Workflow } from '@temporalio/workflow';
import type { WorkflowProgress } from '../workflows/progress';
import type { CommandContext } from './output';

/**
 * Starts a workflow (or attaches to the running/finished one with the same id: re-running a command
 * resumes instead of duplicating), shows its `progress` query as a bar, and returns its result.
 * A failed or terminated run is started anew (its stored artifacts are reused).
 */
export async function runWorkflow<W extends Workflow>(
  ctx: CommandContext,
  client: Client,
  workflow: W,
  opts: {
    workflowId: string;
    taskQueue: string;
    args: Parameters<W>;
    label: string;
    /**
     * Start a new run when the last one completed (instead of returning its result): for workflows whose
     * activities reuse their stored artifacts, so a new run redoes only what a newer dlrec computes differently.
     */
    rerunCompleted?: boolean;
  },
): Promise<WorkflowResultType<W>> {
  let handle: WorkflowHandle<W>;
  try {
    handle = await client.workflow.start(workflow, {
      workflowId: opts.workflowId,
      taskQueue: opts.taskQueue,
      args: opts.args,
      workflowIdReusePolicy: opts.rerunCompleted ? 'ALLOW_DUPLICATE' : 'ALLOW_DUPLICATE_FAILED_ONLY',
    } as unknown as WorkflowStartOptions<W>);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    ctx.log(`attaching to existing workflow ${opts.workflowId}`);
    handle = client.workflow.getHandle<W>(opts.workflowId);
  }
  const desc = await handle.describe().catch(() => undefined);
  if (desc && desc.status.name === 'COMPLETED') return handle.result();
  if (!ctx.json) ctx.log(`workflow ${opts.workflowId} (watch it in the Temporal UI)`);
  let bar: ReturnType<CommandContext['progress']> | undefined;
  let stage = '';
  // One query at a time, each with a deadline, and the last one awaited before returning: the caller closes the
  // connection next, and a query still in the client's retry backoff would then throw "Channel has been shut
  // down" from a timer and crash the process (seen in CI).
  const stop = new AbortController();
  const polling = (async () => {
    while (!stop.signal.aborted) {
      try {
        const p = await client.withDeadline(Date.now() + 5_000, () =>
          handle.query<WorkflowProgress>('progress'),
        );
        if (p.stage !== stage || !bar) {
          bar?.stop();
          stage = p.stage;
          bar = ctx.progress(`${opts.label}: ${p.stage}`, Math.max(1, p.total));
        }
        bar.update(p.done + p.failed);
      } catch {
        // Not answering yet (no worker picked it up) or already closed.
      }
      await sleep(1000, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  })();
  try {
    return await handle.result();
  } finally {
    stop.abort();
    await polling;
    bar?.stop();
  }
}
