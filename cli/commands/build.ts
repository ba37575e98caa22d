import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { getJSON } from '../../infra/store';
import { dlrecHome } from '../../infra/paths';
import { devServerPorts, temporalTarget } from '../../infra/temporal';
import type { EvaluationSummary } from '../../src/recommendation';
import { profile, PROFILE_NAMES, type ProfileName } from '../../src/profiles';
import { simulationSettings } from '../../src/training/simulation-settings';
import { RepositoryBuildWorkflow } from '../../workflows';
import type { BuildInput } from '../../workflows/build';
import { checkSimulationHome, simulationMirror } from '../simulation';
import { addTimeoutOptions, timeoutsFromOptions, type TimeoutOptions } from './schedule';
import { CPU_QUEUE } from '../../workflows/queues';
import { defineAction } from '../output';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';

const f = (v: number | null | undefined, d = 3) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(d);

export function register(program: Command): void {
  const cmd = addTimeoutOptions(
    program
      .command('build')
      .description('build the model repository end to end (RepositoryBuildWorkflow); re-running resumes')
      .addOption(new Option('--profile <name>', 'build profile').choices(PROFILE_NAMES).default('mini'))
      .option('--id <id>', 'workflow id (default dlrec-build-<profile>); the same id resumes')
      .option('--report <dir>', 'where to write the HTML report (default $DLREC_HOME/reports/<build id>)')
      .option('--no-worker', 'rely on external workers')
      .option(
        '--simulate',
        'simulated trainer (no GPU work; accuracies from a known law) and a local mirror for the downloads; needs its own DLREC_HOME',
      )
      .option('--failure-rate <share>', 'with --simulate: share of training attempts that fail', parseFloat)
      .option('--epoch-seconds <s>', 'with --simulate: the longest simulated epoch', parseFloat),
  );
  defineAction(cmd, async (ctx) => {
    const o = ctx.opts as {
      profile: ProfileName;
      id?: string;
      worker: boolean;
      report?: string;
      simulate?: boolean;
      failureRate?: number;
      epochSeconds?: number;
    };
    const timeouts = timeoutsFromOptions(ctx.opts as TimeoutOptions); // a usage error before dialling
    const store = ctx.store();
    await checkSimulationHome(store, o.simulate === true);
    const input: BuildInput = { profile: o.profile, ...(timeouts && { timeouts }) };
    let closeMirror = async () => {};
    if (o.simulate) {
      const p = profile(o.profile);
      input.simulate = simulationSettings({
        ...(o.failureRate !== undefined ? { failureRate: o.failureRate } : {}),
        ...(o.epochSeconds !== undefined ? { maxEpochSeconds: o.epochSeconds } : {}),
      });
      const served = await simulationMirror(p.datasets.names, p.ranker.samples, p.datasets.seed);
      if (served.mirror) input.mirror = served.mirror;
      closeMirror = served.close;
    }
    const result = await withTemporal({ store, worker: o.worker }, (client) =>
      runWorkflow(ctx, client, RepositoryBuildWorkflow, {
        workflowId: o.id ?? `dlrec-build-${o.profile}${o.simulate ? '-simulated' : ''}`,
        taskQueue: CPU_QUEUE,
        args: [input],
        label: `build ${o.profile}${o.simulate ? ' (simulated)' : ''}`,
        // A finished build is re-run: every stage finds its artifacts, so only what changed is redone.
        rerunCompleted: true,
      }),
    ).finally(closeMirror);
    // The report lives in the store; copy it next to the user.
    // One folder per build: a smoke build never overwrites the mini build's report.
    const reportDir = path.resolve(
      o.report ?? path.join(dlrecHome(), 'reports', result.workflowId.replace(/[^A-Za-z0-9_.-]/g, '_')),
    );
    const prefix = result.reportKey.slice(0, result.reportKey.lastIndexOf('/') + 1);
    for (const obj of await store.list(prefix)) {
      const file = path.join(reportDir, obj.key.slice(prefix.length));
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(file, await store.get(obj.key));
    }
    const summary = await getJSON<EvaluationSummary>(store, result.evaluationKey);
    const target = await temporalTarget();
    const ui = target.external ? undefined : `http://${devServerPorts().host}:${devServerPorts().uiPort}`;
    // One held-out dataset's recommendation, from the honest protocol (regressor trained without it).
    const held = summary.datasets[0];
    const heldOut = summary.loo.predictions
      .filter((p) => p.dataset === held)
      .sort((a, b) => b.predicted - a.predicted)
      .slice(0, 5);
    const h = result.headline;
    const floor = result.encoder.floor;
    const human = [
      `build ${result.workflowId} (${result.profile}) finished: ${result.sweep.done} trained models on ${result.datasets.length} datasets (${result.sweep.failed} failed)`,
      `honest leave-one-dataset-out: Kendall τ ${f(h.kendall)}, Spearman ρ ${f(h.spearman)}, MAE ${f(h.mae)}, top-1 regret ${f(h.regret, 1)} pts, hit@3 ${f(h.hitAt3, 2)}`,
      ...(summary.similarity
        ? [
            `similarity family probe: hit rate ${f(summary.similarity.familyHitRate)} over ${summary.similarity.probes.length} unseen variants`,
          ]
        : []),
      `regressor in use: ${summary.regressor?.default ?? 'selected'}; baselines: ${Object.entries(
        summary.baselines,
      )
        .map(([n, b]) => `${n} τ ${f(b.mean.kendall)} regret ${f(b.mean.regret, 1)}`)
        .join(', ')}`,
      `Table 1 mean Kendall ${f(h.table1Kendall)}; encoder perplexity ${f(result.encoder.perplexity, 1)} (unigram ${f(result.encoder.unigramPerplexity, 1)})` +
        (floor
          ? `; on linear models ${f(floor.perplexity, 1)} vs the generator's own ${f(floor.generatorPerplexity, 1)} (the floor)`
          : ''),
      `recommendation for held-out '${held}' (nothing learned from it):`,
      ...heldOut.map(
        (p, i) => `  ${i + 1}. ${p.model.padEnd(28)} predicted ${f(p.predicted)}  actual ${f(p.actual)}`,
      ),
      `report: ${path.join(reportDir, 'index.html')}`,
      ui ? `Temporal UI: ${ui}` : `Temporal: ${target.address}`,
      `next: npx dlrec recommend ./my-images --top 5`,
    ];
    return {
      data: { ...result, report: path.join(reportDir, 'index.html'), temporalUi: ui },
      human: human.join('\n'),
    };
  });
}
