import { Option, type Command } from 'commander';
import { openStore } from '../../infra/store';
import { ensureTemporal } from '../../infra/temporal';
import { startWorkers, type QueueChoice } from '../../workers/worker';
import { defineAction, intOption, UserError } from '../output';

export function register(program: Command): void {
  const cmd = program
    .command('worker')
    .description('serve the dlrec task queues until SIGINT/SIGTERM (in-flight activities drain first)')
    .addOption(
      new Option('--queue <queue>', 'which queue to serve').choices(['cpu', 'gpu', 'all']).default('all'),
    )
    .option('--concurrency <n>', 'concurrent activities per queue', intOption('--concurrency'))
    .option(
      '--shutdown-grace <seconds>',
      'how long in-flight activities may finish after a signal',
      intOption('--shutdown-grace'),
      60,
    );
  defineAction(cmd, async (ctx) => {
    const opts = ctx.opts as {
      queue: QueueChoice;
      concurrency?: number;
      shutdownGrace: number;
      store?: string;
    };
    let target;
    try {
      target = await ensureTemporal();
    } catch (err) {
      throw new UserError((err as Error).message);
    }
    const store = openStore({
      url: opts.store,
      s3Endpoint: ctx.opts.s3Endpoint,
      s3PathStyle: ctx.opts.s3PathStyle,
    });
    const running = await startWorkers({
      target,
      store,
      queue: opts.queue,
      concurrency: opts.concurrency,
      shutdownGraceMs: opts.shutdownGrace * 1000,
      handleSignals: true,
    });
    ctx.log(
      `dlrec worker serving ${running.queues.join(', ')} at ${target.address} (store ${store.url}); Ctrl-C to stop`,
    );
    await running.done;
    return { data: { stopped: true, queues: running.queues }, human: 'worker stopped' };
  });
}
