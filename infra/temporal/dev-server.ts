import { spawn } from 'node:child_process';
import { openSync, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { dlrecHome } from '../paths';
import { findTool } from '../tools';
import { devServerPorts, type DevServerPorts } from './config';

/**
 * The embedded Temporal dev server: `temporal server start-dev` with a SQLite file under $DLREC_HOME,
 * started detached so it outlives the CLI; histories survive restarts because the database is a file.
 */
export interface DevServerStatus {
  running: boolean;
  pid?: number;
  address: string;
  uiAddress: string;
  dbFile: string;
  logFile: string;
  cli?: string;
}

function files(home = dlrecHome()) {
  return {
    db: path.join(home, 'temporal.db'),
    log: path.join(home, 'temporal.log'),
    pid: path.join(home, 'temporal.pid'),
  };
}

/** `temporal` from $DLREC_TEMPORAL_CLI, .tools/bin (installed by `npm run setup`), or PATH. */
export function findTemporalCli(): string | undefined {
  return process.env.DLREC_TEMPORAL_CLI || findTool('temporal');
}

export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await fs.readFile(pidFile, 'utf8')).trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function devServerStatus(ports: DevServerPorts = devServerPorts()): Promise<DevServerStatus> {
  const f = files();
  const pid = await readPid(f.pid);
  return {
    running: await portOpen(ports.host, ports.grpcPort),
    pid,
    address: `${ports.host}:${ports.grpcPort}`,
    uiAddress: `http://${ports.host}:${ports.uiPort}`,
    dbFile: f.db,
    logFile: f.log,
    cli: findTemporalCli(),
  };
}

/** Starts the dev server unless one already answers on the port; waits until it accepts connections. */
export async function startDevServer(
  ports: DevServerPorts = devServerPorts(),
  timeoutMs = 60_000,
): Promise<DevServerStatus & { started: boolean }> {
  const before = await devServerStatus(ports);
  if (before.running) return { ...before, started: false };
  const cli = findTemporalCli();
  if (!cli) {
    throw new Error(
      "the Temporal CLI was not found: run 'npm run setup' (it builds it into .tools/bin), or install it from https://docs.temporal.io/cli#install, or set TEMPORAL_ADDRESS to an existing Temporal service",
    );
  }
  const f = files();
  await fs.mkdir(path.dirname(f.db), { recursive: true });
  const log = openSync(f.log, 'a');
  const child = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--db-filename',
      f.db,
      '--ip',
      ports.host,
      '--port',
      String(ports.grpcPort),
      '--ui-port',
      String(ports.uiPort),
      '--log-level',
      'warn',
      // Search attributes the build workflows set; registering them at start is idempotent.
      '--search-attribute',
      'DlrecProfile=Keyword',
      '--search-attribute',
      'DlrecStage=Keyword',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  await fs.writeFile(f.pid, String(child.pid));
  const deadline = Date.now() + timeoutMs;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  while (Date.now() < deadline) {
    if (exited !== null) {
      throw new Error(`the Temporal dev server exited at start (code ${exited}); see ${f.log}`);
    }
    if (await portOpen(ports.host, ports.grpcPort))
      return { ...(await devServerStatus(ports)), started: true };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `the Temporal dev server did not open ${ports.host}:${ports.grpcPort} within ${timeoutMs / 1000}s; see ${f.log}`,
  );
}

/** Stops the server dlrec started (SIGTERM, then SIGKILL after a grace period). */
export async function stopDevServer(graceMs = 10_000): Promise<{ stopped: boolean; pid?: number }> {
  const f = files();
  const pid = await readPid(f.pid);
  if (!pid) return { stopped: false };
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await fs.rm(f.pid, { force: true });
  return { stopped: true, pid };
}
