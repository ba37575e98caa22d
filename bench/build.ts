/**
 * `npm run bench -- build [--json] [--profile mini] [--home DIR] [--port 7533]`: `dlrec build` on a fresh store,
 * as `npm start` runs it, with the time of every stage read from the Temporal history (each child workflow's start
 * and close; "encode models, transferability" is the gap between the last of the parallel stages and evaluate).
 * It starts its own Temporal dev server on `--port` (and `--port`+1 for the UI) in `--home`, and stops it after.
 * Target for the mini profile on 2 cores: ≤ 20 minutes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { BUILD_STAGES, isolatedBuild } from '../infra/isolated-build';

const opt = (args: string[], name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};

const BUDGET_SECONDS: Record<string, number> = { mini: 20 * 60 };

interface BuildResult {
  workflowId: string;
  headline: Record<string, number>;
  sweep: { total: number; done: number; failed: number };
  datasets: string[];
}

export async function run(args: string[]): Promise<Record<string, unknown>> {
  const profile = opt(args, 'profile', 'mini');
  const home = path.resolve(opt(args, 'home', fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-bench-build-'))));
  const port = Number(opt(args, 'port', '7533'));
  return isolatedBuild<BuildResult, Record<string, unknown>>(
    { profile, home, port },
    async ({ result, seconds: wallSeconds, address }) => {
      const connection = await Connection.connect({ address });
      const client = new Client({ connection });
      const times = async (id: string) => {
        const d = await client.workflow.getHandle(id).describe();
        return { start: d.startTime.getTime(), close: d.closeTime?.getTime() ?? NaN };
      };
      const whole = await times(result.workflowId);
      const stages: Record<string, { startSeconds: number; seconds: number }> = {};
      for (const s of BUILD_STAGES) {
        const t = await times(`${result.workflowId}/${s}`);
        stages[s] = {
          startSeconds: Math.round(t.start - whole.start) / 1000,
          seconds: Math.round(t.close - t.start) / 1000,
        };
      }
      const parallelEnd = Math.max(
        ...['encoder', 'sweep', 'ranker-loo'].map((s) => stages[s].startSeconds + stages[s].seconds),
      );
      stages['encode models, transferability'] = {
        startSeconds: parallelEnd,
        seconds: Math.round((stages.evaluate.startSeconds - parallelEnd) * 1000) / 1000,
      };
      await connection.close();
      const budget = BUDGET_SECONDS[profile];
      return {
        profile,
        wallSeconds,
        workflowSeconds: Math.round(whole.close - whole.start) / 1000,
        ...(budget ? { budgetSeconds: budget, withinBudget: wallSeconds <= budget } : {}),
        stages,
        datasets: result.datasets.length,
        sweep: result.sweep,
        headline: result.headline,
        cores: os.cpus().length,
        home,
      };
    },
  );
}
