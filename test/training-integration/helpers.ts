/** A real `dlrec worker` child process and a Temporal client for the training integration tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'dlrec.js');

export interface WorkerProcess {
  child: ChildProcess;
  log(): string;
  /** SIGKILL: no drain, no goodbye — what a crashed machine looks like to Temporal. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(env: NodeJS.ProcessEnv, extra: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, [BIN, 'worker', '--queue', 'all', ...extra], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((r) => child.once('exit', r));
  const signal = async (s: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(s);
    await exited;
  };
  return { child, log: () => out, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

export async function connect(address: string): Promise<Client> {
  return new Client({ connection: await Connection.connect({ address }), namespace: 'default' });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
