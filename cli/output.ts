import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openStore, StoreError, type ArtifactStore } from '../infra/store';

/** Wrong flags or arguments: exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
/** Something the user must fix (bad file, missing artifact, unreachable service): exit 1, one clear line. */
export class UserError extends Error {
  override name = 'UserError';
}

export interface GlobalOptions {
  json?: boolean;
  verbose?: boolean;
  store?: string;
  s3Endpoint?: string;
  s3PathStyle?: boolean;
}

export interface Progress {
  update(done: number, extra?: Record<string, unknown>): void;
  stop(): void;
}

export interface CommandContext {
  opts: GlobalOptions & Record<string, unknown>;
  json: boolean;
  /** Logs go to stderr so that --json output stays one document on stdout. */
  log(message: string): void;
  store(): ArtifactStore;
  /** A progress bar on stderr (silent with --json or when stderr is no TTY). */
  progress(label: string, total: number): Progress;
}

export interface CommandResult {
  /** The --json document. */
  data: unknown;
  /** Human output; defaults to pretty JSON. */
  human?: string;
  exitCode?: number;
}

export function contextFor(command: Command): CommandContext {
  const opts = command.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
  let store: ArtifactStore | undefined;
  return {
    opts,
    json: Boolean(opts.json),
    log: (m) => process.stderr.write(m + '\n'),
    store: () =>
      (store ??= openStore({ url: opts.store, s3Endpoint: opts.s3Endpoint, s3PathStyle: opts.s3PathStyle })),
    progress: (label, total) => makeProgress(label, total, Boolean(opts.json)),
  };
}

function makeProgress(label: string, total: number, quiet: boolean): Progress {
  if (quiet || !process.stderr.isTTY) {
    return { update: () => undefined, stop: () => undefined };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done, extra) => bar.update(done, extra), stop: () => bar.stop() };
}

/** Attaches an action that returns a result; prints it per --json and maps errors to exit codes. */
export function defineAction<A extends unknown[]>(
  command: Command,
  fn: (ctx: CommandContext, ...args: A) => Promise<CommandResult>,
): Command {
  return command.action(async (...raw: unknown[]) => {
    const cmd = raw[raw.length - 1] as Command;
    const ctx = contextFor(cmd);
    const args = raw.slice(0, cmd.registeredArguments.length) as A;
    try {
      const result = await fn(ctx, ...args);
      if (ctx.json) process.stdout.write(JSON.stringify(result.data, null, 2) + '\n');
      else process.stdout.write((result.human ?? JSON.stringify(result.data, null, 2)) + '\n');
      process.exitCode = result.exitCode ?? 0;
    } catch (err) {
      reportError(err, Boolean(ctx.opts.verbose));
    }
  });
}

export function reportError(err: unknown, verbose: boolean): void {
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`dlrec: ${e.message}\n`);
  if (verbose && e.stack) process.stderr.write(e.stack + '\n');
  else if (!(e instanceof UserError || e instanceof UsageError || e instanceof StoreError)) {
    process.stderr.write('(run with --verbose for details)\n');
  }
  process.exitCode = e instanceof UsageError ? 2 : 1;
}

/** Parses a positive integer flag, or throws a UsageError naming the flag. */
export function intOption(name: string, min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`${name} must be an integer ≥ ${min}, got '${value}'`);
    return n;
  };
}
