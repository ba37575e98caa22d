import type { Command } from 'commander';
import { devServerStatus, startDevServer, stopDevServer, temporalTarget } from '../../infra/temporal';
import { defineAction, UserError } from '../output';

async function refuseExternal(): Promise<void> {
  const t = await temporalTarget();
  if (t.external) {
    throw new UserError(
      `TEMPORAL_ADDRESS is set (${t.address}): dlrec manages only the embedded server; unset it to use one`,
    );
  }
}

export function register(program: Command): void {
  const server = program
    .command('server')
    .description('the embedded Temporal dev server (used when TEMPORAL_ADDRESS is unset)');
  defineAction(
    server.command('start').description('start (or reuse) the embedded server in the background'),
    async () => {
      await refuseExternal();
      let s;
      try {
        s = await startDevServer();
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      return {
        data: s,
        human: `${s.started ? 'started' : 'already running'}: Temporal at ${s.address}, UI ${s.uiAddress} (database ${s.dbFile})`,
      };
    },
  );
  defineAction(server.command('stop').description('stop the embedded server'), async () => {
    await refuseExternal();
    const r = await stopDevServer();
    return {
      data: r,
      human: r.stopped ? `stopped (pid ${r.pid})` : 'not running (no server started by dlrec)',
    };
  });
  defineAction(server.command('status').description('is the embedded server running?'), async () => {
    const s = await devServerStatus();
    return {
      data: s,
      human: s.running
        ? `running at ${s.address}, UI ${s.uiAddress}${s.pid ? ` (pid ${s.pid})` : ''}`
        : `not running (would listen on ${s.address})`,
      exitCode: s.running ? 0 : 1,
    };
  });
}
