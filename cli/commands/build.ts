import { Option, type Command } from 'commander';
import { PROFILE_NAMES, type ProfileName } from '../../src/profiles';
import { RepositoryBuildWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { defineAction } from '../output';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';

export function register(program: Command): void {
  const cmd = program
    .command('build')
    .description('build the model repository end to end (RepositoryBuildWorkflow); re-running resumes')
    .addOption(new Option('--profile <name>', 'build profile').choices(PROFILE_NAMES).default('mini'))
    .option('--id <id>', 'workflow id (default dlrec-build-<profile>); the same id resumes')
    .option('--no-worker', 'rely on external workers');
  defineAction(cmd, async (ctx) => {
    const o = ctx.opts as { profile: ProfileName; id?: string; worker: boolean };
    const workflowId = o.id ?? `dlrec-build-${o.profile}`;
    const result = await withTemporal({ store: ctx.store(), worker: o.worker }, (client) =>
      runWorkflow(ctx, client, RepositoryBuildWorkflow, {
        workflowId,
        taskQueue: CPU_QUEUE,
        args: [{ profile: o.profile }],
        label: `build ${o.profile}`,
      }),
    );
    return {
      data: { workflowId, ...result },
      human: `build ${workflowId} finished:\n${JSON.stringify(result, null, 2)}`,
    };
  });
}
