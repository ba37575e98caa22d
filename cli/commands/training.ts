/**
 * dlrec train | sweep start | sweep status | sweep results — the training stage (issue 5).
 *
 * `dlrec train` runs one pair through Temporal (TrainModelWorkflow → trainModel on the GPU queue, with the
 * in-process worker unless --no-worker), so it gets the same checkpoints, resume and idempotency as the sweep:
 * the same flags again return the stored result without retraining.
 */
import { Option, type Command } from 'commander';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { ModelRef, TrainModelResult } from '../../activities/training';
import { campaignKeys } from '../../activities/training-campaign';
import { getJSON, putJSON, type ArtifactStore } from '../../infra/store';
import { ArchitectureError, canonicalHash, readArchitectureFile, ZOO } from '../../src/arch';
import { PROFILE_NAMES, profile as buildProfile, type ProfileName } from '../../src/profiles';
import { TrainingSweepWorkflow, TrainModelWorkflow } from '../../workflows';
import type { SweepWorkflowInput } from '../../workflows/training';
import type { WorkflowProgress } from '../../workflows/progress';
import { GPU_QUEUE, CPU_QUEUE } from '../../workflows/queues';
import { defineAction, intOption, UserError, type CommandContext } from '../output';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';
import { jsonHash } from '../../src/content-hash';

const hash = (v: unknown) => jsonHash(v, 16);

/** zoo:NAME, or an architecture file stored under specs/<canonical hash>.json. */
async function modelRef(store: ArtifactStore, model: string): Promise<ModelRef> {
  if (model.startsWith('zoo:')) {
    const name = model.slice(4).toLowerCase();
    if (!ZOO.includes(name)) throw new UserError(`unknown zoo model '${name}'; known: ${ZOO.join(', ')}`);
    return { zoo: name };
  }
  let spec;
  try {
    spec = readArchitectureFile(model).spec;
  } catch (e) {
    if (e instanceof ArchitectureError) {
      throw new UserError(`${e.message} (--model takes zoo:NAME or an architecture JSON file)`);
    }
    throw e;
  }
  const id = canonicalHash(spec);
  const specKey = `specs/${id}.json`;
  if (!(await store.exists(specKey))) await putJSON(store, specKey, { id, spec });
  return { specKey, id };
}

function describeResult(r: TrainModelResult): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  return [
    `${r.modelName} on ${r.dataset}${r.source ? ` (fine-tuned from ${r.source})` : ''}: accuracy ${pct(r.accuracy)}, loss ${r.loss.toFixed(3)}`,
    `${r.epochs} epoch(s), ${r.seconds.toFixed(1)} s, ${Math.round(r.imagesPerSecond)} images/s on ${r.backend}` +
      `${r.reused ? ' (stored result)' : ''}`,
    `weights (TF.js): ${r.weightsKey}`,
  ].join('\n');
}

function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description('train one model on a dataset (from scratch, or fine-tuned with --from); idempotent')
    .requiredOption('--model <model>', 'zoo:NAME or an architecture JSON file')
    .requiredOption('--dataset <name>', 'repository or added dataset')
    .option(
      '--from <name>',
      'fine-tune from the weights pre-trained on this dataset (trained first if needed)',
    )
    .option('--epochs <n>', "maximum epochs (default: the profile's recipe)", intOption('--epochs'))
    .option('--limit <n>', 'use at most this many training images', intOption('--limit'))
    .addOption(
      new Option('--profile <name>', 'training recipe and dataset versions')
        .choices(PROFILE_NAMES)
        .default('mini'),
    )
    .option('--no-worker', 'rely on external workers');
  defineAction(cmd, async (ctx) => {
    const o = ctx.opts as {
      model: string;
      dataset: string;
      from?: string;
      epochs?: number;
      limit?: number;
      profile: ProfileName;
      worker: boolean;
    };
    if (o.from === o.dataset) throw new UserError('--from must name another dataset than --dataset');
    const store = ctx.store();
    const p = buildProfile(o.profile);
    const input = {
      pairId: `${o.model}:${o.dataset}${o.from ? `<-${o.from}` : ''}`,
      model: await modelRef(store, o.model),
      dataset: o.dataset,
      source: o.from ?? null,
      recipe: { profile: o.profile, overrides: {} },
      limits: { epochs: o.epochs ?? 0, trainImages: o.limit ?? 0, testImages: 0 },
      derived: { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed },
    };
    const result = await withTemporal({ store, worker: o.worker }, (client) =>
      runWorkflow(ctx, client, TrainModelWorkflow, {
        workflowId: `dlrec-train-${hash(input)}`,
        taskQueue: GPU_QUEUE,
        args: [input],
        label: `train ${input.pairId}`,
      }),
    );
    return { data: result, human: describeResult(result) };
  });
}

/** Starts the campaign's workflow, or again after it closed (every trained pair is re-used). */
async function startSweep(client: Client, workflowId: string, input: SweepWorkflowInput): Promise<boolean> {
  try {
    await client.workflow.start(TrainingSweepWorkflow, {
      workflowId,
      taskQueue: CPU_QUEUE,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return true;
  } catch (e) {
    if (e instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw e;
  }
}

const sweepWorkflowId = (campaign: string) => `dlrec-sweep-${campaign}`;

interface SweepStatus extends Omit<WorkflowProgress, 'detail'> {
  campaignId: string;
  workflowId: string;
  status: string;
}

async function sweepStatus(client: Client, store: ArtifactStore, campaign: string): Promise<SweepStatus> {
  const workflowId = sweepWorkflowId(campaign);
  const handle = client.workflow.getHandle(workflowId);
  const desc = await handle.describe().catch(() => undefined);
  const base = { campaignId: campaign, workflowId };
  if (desc && desc.status.name === 'RUNNING') {
    const p = await handle.query<WorkflowProgress>('progress').catch(() => undefined);
    if (p) return { ...base, status: 'RUNNING', ...p, detail: undefined } as SweepStatus;
    // No worker answers the query: the counts the workflow recorded in its memo after its last page.
    const m = (desc.memo?.progress ?? {}) as { total?: number; done?: number; failed?: number };
    return {
      ...base,
      status: 'RUNNING',
      stage: 'waiting for a worker (counts as of the last finished page)',
      total: m.total ?? 0,
      done: m.done ?? 0,
      failed: m.failed ?? 0,
      running: 0,
      etaSeconds: null,
    };
  }
  const summaryKey = campaignKeys(campaign).summary;
  if (await store.exists(summaryKey)) {
    const s = await getJSON<{ total: number; done: number; failed: number }>(store, summaryKey);
    const status = desc?.status.name ?? 'COMPLETED';
    return {
      ...base,
      status,
      stage: 'done',
      total: s.total,
      done: s.done,
      failed: s.failed,
      running: 0,
      etaSeconds: 0,
    };
  }
  if (!desc)
    throw new UserError(
      `no campaign '${campaign}': start it with \`dlrec sweep start --campaign ${campaign}\``,
    );
  return {
    ...base,
    status: desc.status.name,
    stage: 'stopped',
    total: 0,
    done: 0,
    failed: 0,
    running: 0,
    etaSeconds: null,
  };
}

function registerSweep(program: Command): void {
  const sweep = program.command('sweep').description('the training campaign (TrainingSweepWorkflow)');

  const start = sweep
    .command('start')
    .description('plan and run a campaign; the same campaign id again re-uses every trained pair')
    .addOption(new Option('--profile <name>', 'sweep profile').choices(PROFILE_NAMES).default('mini'))
    .option('--campaign <id>', 'campaign id (default: the profile name)')
    .option(
      '--generated <n>',
      "generated models in the campaign (default: the profile's)",
      intOption('--generated'),
    )
    .option('--detach', 'start it and return (needs external workers: `dlrec worker`)')
    .option('--no-worker', 'rely on external workers');
  defineAction(start, async (ctx: CommandContext) => {
    const o = ctx.opts as {
      profile: ProfileName;
      campaign?: string;
      generated?: number;
      detach?: boolean;
      worker: boolean;
    };
    const p = buildProfile(o.profile);
    if (o.generated !== undefined && o.generated > p.generation.count)
      throw new UserError(
        `--generated ${o.generated}: the ${o.profile} corpus has ${p.generation.count} models`,
      );
    const campaignId = o.campaign ?? o.profile;
    if (!/^[A-Za-z0-9._-]+$/.test(campaignId)) {
      throw new UserError(`campaign id '${campaignId}' may only contain letters, digits, '.', '_' and '-'`);
    }
    const workflowId = sweepWorkflowId(campaignId);
    const input: SweepWorkflowInput = {
      campaignId,
      sweep: o.generated === undefined ? p.sweep : { ...p.sweep, generated: o.generated },
      datasets: p.datasets.names,
      generation: p.generation,
      derived: { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed },
    };
    const store = ctx.store();
    const worker = o.worker && !o.detach;
    const result = await withTemporal({ store, worker }, async (client) => {
      const previous = await client.workflow
        .getHandle(workflowId)
        .describe()
        .catch(() => undefined);
      // A closed campaign runs again (re-using every trained pair); a running one is attached to.
      const started =
        o.detach || (previous && previous.status.name !== 'RUNNING')
          ? await startSweep(client, workflowId, input)
          : false;
      if (o.detach) return { campaignId, workflowId, started };
      return runWorkflow(ctx, client, TrainingSweepWorkflow, {
        workflowId,
        taskQueue: CPU_QUEUE,
        args: [input],
        label: `sweep ${campaignId}`,
      });
    });
    const human =
      'resultsKey' in result
        ? `campaign ${campaignId}: ${result.done}/${result.total} pairs trained, ${result.failed} failed; results in ${result.resultsKey}`
        : `campaign ${campaignId} ${result.started ? 'started' : 'already running'} as ${workflowId}; follow it with \`dlrec sweep status ${campaignId}\``;
    return { data: result, human };
  });

  const status = sweep
    .command('status <id>')
    .description('progress of a campaign: total, done, failed, running, ETA');
  defineAction(status, async (ctx: CommandContext, id: string) => {
    const store = ctx.store();
    const s = await withTemporal({ store, worker: false }, (client) => sweepStatus(client, store, id));
    const eta = s.etaSeconds === null ? 'unknown' : `${s.etaSeconds} s`;
    return {
      data: s,
      human: `campaign ${id} (${s.status}, ${s.stage}): ${s.done}/${s.total} done, ${s.failed} failed, ${s.running} running, ETA ${eta}`,
    };
  });

  const results = sweep.command('results <id>').description("a campaign's results (results.jsonl)");
  defineAction(results, async (ctx: CommandContext, id: string) => {
    const store = ctx.store();
    const keys = campaignKeys(id);
    if (!(await store.exists(keys.results))) {
      throw new UserError(
        `campaign '${id}' has no results yet: it is still running (\`dlrec sweep status ${id}\`) or was never started`,
      );
    }
    const lines = async (key: string) =>
      (await store.exists(key))
        ? (await store.get(key))
            .toString('utf8')
            .split('\n')
            .filter((l) => l)
            .map((l) => JSON.parse(l) as Record<string, unknown>)
        : [];
    const rows = await lines(keys.results);
    const failed = await lines(keys.failed);
    const summary = await getJSON<Record<string, unknown>>(store, keys.summary);
    const table = rows
      .map((r) => `${String((100 * Number(r.accuracy)).toFixed(1)).padStart(5)}%  ${r.pairId}`)
      .join('\n');
    return {
      data: { campaignId: id, summary, results: rows, failed },
      human: `${table}\n${rows.length} trained, ${failed.length} failed (${keys.results})`,
    };
  });
}

export function register(program: Command): void {
  registerTrain(program);
  registerSweep(program);
}
