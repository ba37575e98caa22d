/**
 * `dlrec build` in a home of its own with its own embedded Temporal server on `port` (UI on port + 1): what the
 * build benchmark and the history recorder run, so neither touches the user's store or server.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './paths';

const CLI = path.join(PROJECT_ROOT, 'bin', 'dlrec.js');

/** RepositoryBuildWorkflow's child workflows: `<build id>/<stage>` (workflows/build.ts). */
export const BUILD_STAGES = ['datasets', 'generate', 'encoder', 'sweep', 'ranker', 'ranker-loo', 'evaluate'];

export interface IsolatedBuild<T> {
  result: T;
  /** Build wall-clock seconds (Node start included, as a user waits for it). */
  seconds: number;
  address: string;
}

/** Runs the build, then `after` while its server still runs (e.g. to read histories), then stops the server. */
export async function isolatedBuild<T, R>(
  opts: { profile: string; home: string; port: number; args?: string[] },
  after: (build: IsolatedBuild<T>) => Promise<R>,
): Promise<R> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DLREC_HOME: opts.home,
    DLREC_TEMPORAL_PORT: String(opts.port),
    DLREC_TEMPORAL_UI_PORT: String(opts.port + 1),
  };
  delete env.TEMPORAL_ADDRESS;
  const t0 = performance.now();
  try {
    const built = spawnSync(
      process.execPath,
      [CLI, 'build', '--profile', opts.profile, '--json', ...(opts.args ?? [])],
      {
        env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      },
    );
    if (built.status !== 0)
      throw new Error(`dlrec build --profile ${opts.profile} exited with ${built.status}`);
    const seconds = Math.round(performance.now() - t0) / 1000;
    return await after({ result: JSON.parse(built.stdout) as T, seconds, address: `127.0.0.1:${opts.port}` });
  } finally {
    spawnSync(process.execPath, [CLI, 'server', 'stop'], { env, stdio: 'ignore' });
  }
}
