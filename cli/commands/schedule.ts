import { isDeepStrictEqual } from 'node:util';
import type { Command } from 'commander';
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { PROFILE_NAMES } from '../../src/profiles';
import { CPU_QUEUE } from '../../workflows/queues';
import { resolveTimeouts, type BuildTimeouts } from '../../workflows/timeouts';
import { defineAction, UsageError, UserError, type CommandContext } from '../output';
import { withTemporal } from '../temporal-session';

/** The flags of `addTimeoutOptions`, as commander parses them. */
export interface TimeoutOptions {
  heartbeatTimeout?: number;
  scheduleToStart?: number;
}

function numberOption(flag: string, unit: string): (value: string) => number {
  return (value) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number of ${unit}, got '${value}'`);
    return n;
  };
}

/**
 * `--heartbeat-timeout` and `--schedule-to-start`: the build's activity timeouts (workflows/timeouts.ts), for
 * every command that starts RepositoryBuildWorkflow (`schedule create`, `build`).
 */
export function addTimeoutOptions(cmd: Command): Command {
  return cmd
    .option(
      '--heartbeat-timeout <seconds>',
      'retry a long activity (training, language model) elsewhere after this much silence (default 120)',
      numberOption('--heartbeat-timeout', 'seconds'),
    )
    .option(
      '--schedule-to-start <minutes>',
      'fail the build when no worker starts a GPU activity within this (default 0: wait for ever)',
      numberOption('--schedule-to-start', 'minutes'),
    );
}

/**
 * The timeouts given on the command line, and only those (the workflow fills in the rest), checked with
 * resolveTimeouts; undefined when none was given, so the workflow input stays `{ profile }`.
 */
export function timeoutsFromOptions(o: TimeoutOptions): BuildTimeouts | undefined {
  const t: BuildTimeouts = {};
  const check = (flag: string, part: BuildTimeouts) => {
    try {
      resolveTimeouts(part);
    } catch (err) {
      throw new UsageError(`${flag}: ${(err as Error).message}`);
    }
    Object.assign(t, part);
  };
  if (o.heartbeatTimeout !== undefined)
    check('--heartbeat-timeout', { heartbeatSeconds: o.heartbeatTimeout });
  if (o.scheduleToStart !== undefined)
    check('--schedule-to-start', { scheduleToStartMinutes: o.scheduleToStart });
  return Object.keys(t).length ? t : undefined;
}

/** Schedules start the repository build (RepositoryBuildWorkflow) and are managed here or in the Temporal UI. */
function summary(d: ScheduleDescription) {
  const action = d.action.type === 'startWorkflow' ? d.action : undefined;
  return {
    id: d.scheduleId,
    paused: d.state.paused,
    note: d.state.note,
    cron: (d.memo?.cron as string | undefined) ?? null,
    calendars: d.spec.calendars ?? [],
    workflowType: action?.workflowType,
    args: action?.args,
    overlap: d.policies.overlap,
    catchupWindowMs: d.policies.catchupWindow,
    recentRuns: d.info.recentActions.map((a) => ({
      workflowId: a.action.workflow.workflowId,
      scheduledAt: a.scheduledAt,
    })),
    nextRuns: d.info.nextActionTimes.slice(0, 3),
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
  };
}

async function session<T>(
  ctx: CommandContext,
  fn: (client: Client) => Promise<T>,
  worker = false,
): Promise<T> {
  return withTemporal({ store: ctx.store(), worker }, (client) => fn(client));
}

function notFound(id: string, err: unknown): never {
  if ((err as Error).name === 'ScheduleNotFoundError')
    throw new UserError(`no schedule '${id}'; see 'dlrec schedule list'`);
  throw err;
}

export function register(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('scheduled retraining: Temporal Schedules that start the repository build');

  defineAction(
    addTimeoutOptions(
      schedule
        .command('create')
        .description('create a schedule that starts RepositoryBuildWorkflow (overlapping runs are skipped)')
        .requiredOption('--id <id>', 'schedule id')
        .requiredOption('--cron <expr>', 'cron expression, e.g. "0 3 * * 0" (Sundays 03:00 UTC)')
        .requiredOption('--profile <name>', `build profile: ${PROFILE_NAMES.join(', ')}`)
        .option(
          '--catchup-window <duration>',
          'how late a missed run may still start (Temporal duration)',
          '1 day',
        )
        .option('--if-not-exists', 'succeed without change when the schedule exists (for deploy hooks)'),
    ),
    async (ctx) => {
      const o = ctx.opts as {
        heartbeatTimeout?: number;
        scheduleToStart?: number;
        id: string;
        cron: string;
        profile: string;
        catchupWindow: string;
        ifNotExists?: boolean;
      };
      if (!PROFILE_NAMES.includes(o.profile as never))
        throw new UsageError(`--profile must be one of ${PROFILE_NAMES.join(', ')}`);
      const timeouts = timeoutsFromOptions(o);
      const args = [{ profile: o.profile, ...(timeouts && { timeouts }) }];
      return session(ctx, async (client) => {
        try {
          const handle = await client.schedule.create({
            scheduleId: o.id,
            spec: { cronExpressions: [o.cron] },
            action: {
              type: 'startWorkflow',
              workflowType: 'RepositoryBuildWorkflow',
              workflowId: `dlrec-build-${o.id}`,
              args,
              taskQueue: CPU_QUEUE,
              searchAttributes: { DlrecProfile: [o.profile], DlrecStage: ['scheduled'] },
            },
            policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: o.catchupWindow as Duration },
            memo: { cron: o.cron },
          });
          const d = summary(await handle.describe());
          return {
            data: { created: true, ...d },
            human:
              `created schedule ${o.id} (${o.cron}, profile ${o.profile}` +
              `${timeouts ? `, timeouts ${JSON.stringify(timeouts)}` : ''})`,
          };
        } catch (err) {
          if (err instanceof ScheduleAlreadyRunning) {
            if (o.ifNotExists) {
              // Left as it is (operators' edits survive upgrades), but say when its input differs from the
              // one asked for, e.g. the chart's timeouts changed: the hook Job's log is where that shows.
              const existing = summary(await client.schedule.getHandle(o.id).describe()).args;
              const inputMatches = isDeepStrictEqual(existing, args);
              return {
                data: { created: false, id: o.id, inputMatches, args: existing },
                human: inputMatches
                  ? `schedule ${o.id} exists; unchanged`
                  : `schedule ${o.id} exists with input ${JSON.stringify(existing)}; unchanged, so ` +
                    `${JSON.stringify(args)} is not applied (delete the schedule and re-run to apply it)`,
              };
            }
            throw new UserError(`schedule '${o.id}' already exists; delete it first or pass --if-not-exists`);
          }
          if (/Cron|cron|invalid/i.test((err as Error).message))
            throw new UsageError(`invalid --cron '${o.cron}': ${(err as Error).message}`);
          throw err;
        }
      });
    },
  );

  defineAction(schedule.command('list').description('list schedules'), async (ctx) =>
    session(ctx, async (client) => {
      const out: ReturnType<typeof summary>[] = [];
      for await (const s of client.schedule.list())
        out.push(summary(await client.schedule.getHandle(s.scheduleId).describe()));
      return {
        data: out,
        human: out.length
          ? out
              .map(
                (s) =>
                  `${s.id}\t${s.paused ? 'paused' : 'active'}\t${s.cron ?? ''}\t${JSON.stringify(s.args)}`,
              )
              .join('\n')
          : 'no schedules',
      };
    }),
  );

  defineAction(
    schedule.command('describe').argument('<id>').description('show a schedule, its recent and next runs'),
    async (ctx, id: string) =>
      session(ctx, async (client) => {
        const d = summary(
          await client.schedule
            .getHandle(id)
            .describe()
            .catch((e) => notFound(id, e)),
        );
        return { data: d, human: JSON.stringify(d, null, 2) };
      }),
  );

  for (const verb of ['pause', 'unpause'] as const) {
    defineAction(
      schedule
        .command(verb)
        .argument('<id>')
        .option('--note <text>', 'why')
        .description(`${verb} a schedule`),
      async (ctx, id: string) =>
        session(ctx, async (client) => {
          const h = client.schedule.getHandle(id);
          await (
            verb === 'pause'
              ? h.pause(ctx.opts.note as string | undefined)
              : h.unpause(ctx.opts.note as string | undefined)
          ).catch((e) => notFound(id, e));
          return { data: { id, paused: verb === 'pause' }, human: `${verb}d ${id}` };
        }),
    );
  }

  defineAction(
    schedule
      .command('trigger')
      .argument('<id>')
      .option('--wait', 'wait for the run to finish (with an in-process worker unless --no-worker)')
      .option('--no-worker', 'with --wait: rely on external workers')
      .description('start a run now (skipped if one is running)'),
    async (ctx, id: string) =>
      session(
        ctx,
        async (client) => {
          const h = client.schedule.getHandle(id);
          const before = new Set(
            (await h.describe().catch((e) => notFound(id, e))).info.recentActions.map(
              (a) => a.action.workflow.workflowId + a.action.workflow.firstExecutionRunId,
            ),
          );
          await h.trigger(ScheduleOverlapPolicy.SKIP);
          if (!ctx.opts.wait) return { data: { id, triggered: true }, human: `triggered ${id}` };
          // The triggered run shows up among the recent actions once Temporal has started it.
          for (let i = 0; i < 100; i++) {
            const d = await h.describe();
            const run = d.info.recentActions.find(
              (a) => !before.has(a.action.workflow.workflowId + a.action.workflow.firstExecutionRunId),
            );
            if (run) {
              const wf = client.workflow.getHandle(run.action.workflow.workflowId, undefined, {
                firstExecutionRunId: run.action.workflow.firstExecutionRunId,
              });
              const result = await wf.result();
              return {
                data: { id, triggered: true, workflowId: run.action.workflow.workflowId, result },
                human: `run ${run.action.workflow.workflowId} completed`,
              };
            }
            await new Promise((r) => setTimeout(r, 300));
          }
          throw new UserError(
            `schedule ${id} did not start a run (is one already running? overlap policy is skip)`,
          );
        },
        Boolean(ctx.opts.wait) && ctx.opts.worker !== false,
      ),
  );

  defineAction(
    schedule.command('delete').argument('<id>').description('delete a schedule (its past runs stay)'),
    async (ctx, id: string) =>
      session(ctx, async (client) => {
        await client.schedule
          .getHandle(id)
          .delete()
          .catch((e) => notFound(id, e));
        return { data: { id, deleted: true }, human: `deleted ${id}` };
      }),
  );
}
