import path from 'node:path';
import type { Command } from 'commander';
import { reportData } from '../../activities/recommendation';
import { getJSON } from '../../infra/store';
import type { PairedComparison } from '../../src/evaluation/significance';
import type { EvaluationSummary } from '../../src/recommendation';
import { renderReport } from '../../src/report';
import { EvaluateWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { buildLabel, selectBuild } from '../build-record';
import { defineAction } from '../output';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';
import { jsonHash } from '../../src/content-hash';

const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits);

export function register(program: Command): void {
  defineAction(
    program
      .command('evaluate')
      .description(
        'evaluate the built repository: 80/20 split, honest leave-one-dataset-out, Table 1, baselines (EvaluateWorkflow)',
      )
      .option('--build <id>', 'the build to evaluate (its workflow id; default: the last one finished)')
      .option('--no-worker', 'rely on external workers'),
    async (ctx) => {
      const store = ctx.store();
      const build = await selectBuild(store, ctx.opts.build as string | undefined);
      const id = jsonHash(build.keys, 12);
      const out = await withTemporal({ store, worker: ctx.opts.worker !== false }, (client) =>
        runWorkflow(ctx, client, EvaluateWorkflow, {
          workflowId: `dlrec-evaluate-${id}`,
          taskQueue: CPU_QUEUE,
          args: [
            {
              keys: build.keys,
              meta: { profile: build.profile, createdAt: build.createdAt, workflowId: build.workflowId },
            },
          ],
          label: 'evaluate',
        }),
      );
      const s = await getJSON<EvaluationSummary>(store, out.evaluationKey);
      const data = {
        build: { id: build.workflowId, profile: build.profile, createdAt: build.createdAt },
        loo: s.loo,
        regressor: s.regressor,
        pairedTests: s.pairedTests,
        accuracyStandardError: s.accuracyStandardError,
        similarity: s.similarity,
        ...(s.looTransferability ? { looTransferability: s.looTransferability } : {}),
        ...(s.lawRecovery ? { lawRecovery: s.lawRecovery } : {}),
        split8020: s.split8020,
        table1: s.table1,
        baselines: s.baselines,
        rows: s.rows,
        datasets: s.datasets,
      };
      const lines = [
        `build: ${buildLabel(build)}`,
        `honest leave-one-dataset-out over ${s.datasets.length} datasets, ${s.rows} trained models:`,
        `  Kendall τ ${fmt(s.loo.mean.kendall)}  Spearman ρ ${fmt(s.loo.mean.spearman)}  MAE ${fmt(s.loo.mean.mae)}  RMSE ${fmt(s.loo.mean.rmse)}  top-1 regret ${fmt(s.loo.mean.regret, 1)} pts  hit@3 ${fmt(s.loo.mean.hitAt3, 2)}`,
        ...Object.entries(s.loo.perDataset).map(
          ([d, r]) =>
            `    ${d.padEnd(16)} τ ${fmt(r.kendall)}  MAE ${fmt(r.mae)}  regret ${fmt(r.regret, 1)}  (n=${r.n})`,
        ),
        ...(s.looTransferability
          ? [
              `  with LogME/LEEP as inputs: Kendall τ ${fmt(s.looTransferability.mean.kendall)}  MAE ${fmt(s.looTransferability.mean.mae)}  top-1 regret ${fmt(s.looTransferability.mean.regret, 1)} pts`,
            ]
          : []),
        ...(s.regressor
          ? [
              `  regressor in use: ${s.regressor.default} (selected: τ ${fmt(s.regressor.selected.kendall)} MAE ${fmt(s.regressor.selected.mae)} regret ${fmt(s.regressor.selected.regret, 1)}; paper ensemble: τ ${fmt(s.regressor.ensemble.kendall)} MAE ${fmt(s.regressor.ensemble.mae)} regret ${fmt(s.regressor.ensemble.regret, 1)})`,
            ]
          : []),
        ...(s.lawRecovery
          ? [
              `simulated build: the predictions recover the law with Kendall τ ${fmt(s.lawRecovery.kendall)}, MAE ${fmt(100 * s.lawRecovery.mae, 2)} pts (measured accuracies: τ ${fmt(s.lawRecovery.measuredKendall)}; architecture mean: τ ${fmt(s.lawRecovery.architectureMeanKendall)})`,
            ]
          : []),
        'baselines (same protocol; paired Wilcoxon signed-rank over targets, regressor − baseline):',
        ...Object.entries(s.baselines).map(([b, r]) => {
          const t = s.pairedTests?.[b];
          const vs = (c?: PairedComparison) =>
            c
              ? `${c.meanDifference >= 0 ? '+' : ''}${fmt(c.meanDifference, 3)} (p ${fmt(c.pValue, 3)}, ${c.wins}/${c.n} better)`
              : '—';
          return `    ${b.padEnd(24)} τ ${fmt(r.mean.kendall)}  MAE ${fmt(r.mean.mae)}  regret ${fmt(r.mean.regret, 1)}   ΔMAE ${vs(t?.mae)}  Δregret ${vs(t?.regret)}`;
        }),
        `Table 1 (similarity vs fine-tuned accuracy): mean Pearson ${fmt(s.table1.mean.pearson)}, Spearman ${fmt(s.table1.mean.spearman)}, Kendall ${fmt(s.table1.mean.kendall)} [95% ${fmt(s.table1.mean.low)}, ${fmt(s.table1.mean.high)}] over ${s.table1.cells.length} cells`,
        ...(s.table1.perTarget ?? []).map(
          (t) =>
            `    ${t.dataset.padEnd(16)} τ ${fmt(t.kendall)} [${fmt(t.low)}, ${fmt(t.high)}]  ${t.sources} sources × ${t.architectures} architectures, spread ${fmt(100 * t.spread, 1)} pts`,
        ),
        ...(s.similarity
          ? [
              `similarity family probe: ${fmt(s.similarity.familyHitRate, 3)} of ${s.similarity.probes.length} unseen variants ranked into their own family first` +
                ` (misses: ${
                  s.similarity.probes
                    .filter((p) => !p.hit)
                    .map((p) => `${p.name} → ${p.mostSimilar}`)
                    .join(', ') || 'none'
                })`,
            ]
          : []),
        ...(s.accuracyStandardError
          ? [
              `accuracy standard error (test-set size): mean ${fmt(100 * s.accuracyStandardError.mean, 2)} pts, max ${fmt(100 * s.accuracyStandardError.max, 2)} pts`,
            ]
          : []),
        '80/20 split MSE: ' +
          Object.entries(s.split8020.perRegressor)
            .map(([n, r]) => `${n} ${r.mse.toFixed(4)}`)
            .join(', '),
      ];
      return { data, human: lines.join('\n') };
    },
  );

  defineAction(
    program
      .command('report')
      .description('write the self-contained HTML report of the built repository')
      .requiredOption('--out <dir>', 'output folder')
      .option('--build <id>', 'the build to report (its workflow id; default: the last one finished)'),
    async (ctx) => {
      const store = ctx.store();
      const build = await selectBuild(store, ctx.opts.build as string | undefined);
      const outDir = path.resolve(ctx.opts.out as string);
      const data = await reportData(store, build.keys, build.evaluationKey, {
        profile: build.profile,
        createdAt: build.createdAt,
        workflowId: build.workflowId,
      });
      const r = await renderReport(data, outDir);
      return { data: r, human: `report: ${r.indexHtml}` };
    },
  );
}
