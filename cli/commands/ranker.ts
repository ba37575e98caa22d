import { Option, type Command } from 'commander';
import { DatasetError, DEFAULT_SAMPLE_SIZE, findEntry, readManifest } from '../../src/datasets';
import { PROFILE_NAMES, profile as buildProfile, type ProfileName } from '../../src/profiles';
import { NoRankerError, similarityOfImages } from '../../src/ranker';
import { LeaveOneOutRankerWorkflow, TrainRankerWorkflow } from '../../workflows';
import type { RankerWorkflowInput } from '../../workflows/ranker';
import { CPU_QUEUE } from '../../workflows/queues';
import { defineAction, intOption, UserError, type CommandContext } from '../output';
import { runWorkflow } from '../run-workflow';
import { withTemporal } from '../temporal-session';
import { jsonHash } from '../../src/content-hash';

interface RankerOptions {
  datasets?: string;
  samples?: number;
  profile: ProfileName;
  id?: string;
  worker: boolean;
}

/** Workflow input from the flags: the build profile's ranker and derived-dataset settings, flags on top. */
function workflowInput(o: RankerOptions): RankerWorkflowInput {
  const p = buildProfile(o.profile);
  const datasets = o.datasets
    ? o.datasets
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : p.datasets.names;
  return {
    datasets,
    ranker: { ...p.ranker, samples: o.samples ?? p.ranker.samples },
    derived: { perClass: p.datasets.derivedPerClass, seed: p.datasets.seed },
  };
}

/** Same inputs and store → same workflow id, so re-running attaches to (or resumes) the same run. */
const workflowId = (what: string, input: RankerWorkflowInput, storeUrl: string) =>
  `dlrec-ranker-${what}-${jsonHash([input, storeUrl], 12)}`;

function addRankerOptions(cmd: Command, minDatasets: number): Command {
  return cmd
    .option('--datasets <a,b,…>', `repository datasets (≥ ${minDatasets}; default: the profile's)`)
    .option(
      '--samples <n>',
      "sample images per dataset (default: the profile's; the paper's 512)",
      intOption('--samples'),
    )
    .addOption(
      new Option('--profile <name>', 'build profile (classifier settings)')
        .choices(PROFILE_NAMES)
        .default('mini'),
    )
    .option('--id <id>', 'workflow id (default: derived from the inputs; the same id resumes)')
    .option('--no-worker', 'rely on external workers');
}

async function run<W extends typeof TrainRankerWorkflow | typeof LeaveOneOutRankerWorkflow>(
  ctx: CommandContext,
  workflow: W,
  what: string,
  minDatasets: number,
) {
  const o = ctx.opts as unknown as RankerOptions;
  const input = workflowInput(o);
  if (input.datasets.length < minDatasets)
    throw new UserError(`--datasets needs at least ${minDatasets} dataset names, got '${o.datasets}'`);
  for (const name of input.datasets) {
    if (!findEntry(name) && !(await readManifest(ctx.store(), name)))
      throw new UserError(`unknown dataset '${name}' in --datasets: see 'dlrec datasets list'`);
  }
  const id = o.id ?? workflowId(what, input, ctx.store().url);
  const result = await withTemporal({ store: ctx.store(), worker: o.worker }, (client) =>
    runWorkflow(ctx, client, workflow, {
      workflowId: id,
      taskQueue: CPU_QUEUE,
      args: [input] as Parameters<W>,
      label: `ranker ${what}`,
    }),
  );
  return { id, result: result as Awaited<ReturnType<W>> };
}

const pct = (v: number) => `${(100 * v).toFixed(0)}%`.padStart(5);

export function register(program: Command): void {
  const ranker = program.command('ranker').description('the dataset similarity ranker');

  const train = addRankerOptions(
    ranker.command('train').description('train the ranker on repository datasets (TrainRankerWorkflow)'),
    2,
  );
  defineAction(train, async (ctx) => {
    const { id, result } = await run(ctx, TrainRankerWorkflow, 'train', 2);
    const lines = result.members.map(
      (m) =>
        `  ${m.kind.padEnd(6)} ${m.classifier.padEnd(18)} held-out accuracy ${m.heldOutAccuracy === null ? '—' : m.heldOutAccuracy.toFixed(3)}`,
    );
    return {
      data: { workflowId: id, ...result },
      human: `ranker ${result.id} trained on ${result.datasets.join(', ')} (${result.samples} samples each), stored at ${result.key}:\n${lines.join('\n')}`,
    };
  });

  const loo = addRankerOptions(
    ranker
      .command('loo')
      .description('leave-one-out similarity matrix over repository datasets (LeaveOneOutRankerWorkflow)'),
    3,
  );
  defineAction(loo, async (ctx) => {
    const { id, result } = await run(ctx, LeaveOneOutRankerWorkflow, 'loo', 3);
    const w = Math.max(8, ...result.datasets.map((d) => d.length));
    const head = `${'held out ↓'.padEnd(w)} ${result.datasets.map((d) => d.slice(0, 5).padStart(5)).join(' ')}  most similar`;
    const rows = result.similarity.map(
      (row, i) => `${result.datasets[i].padEnd(w)} ${row.map(pct).join(' ')}  ${result.mostSimilar[i]}`,
    );
    return {
      data: { workflowId: id, ...result },
      human: `leave-one-out similarity (share of votes; ${result.samples} samples, ${result.profile} classifiers), stored at ${result.key}:\n${head}\n${rows.join('\n')}`,
    };
  });

  const similarity = program
    .command('similarity')
    .description(
      'which repository dataset a folder, zip or dataset resembles (in-process, needs a trained ranker)',
    )
    .argument('<path-or-name>', 'folder of class sub-folders, .zip, IDX/CIFAR files, or a dataset name')
    .option('--samples <n>', 'sample images to score', intOption('--samples'), DEFAULT_SAMPLE_SIZE)
    .option('--seed <n>', 'sampling seed', intOption('--seed', 0), 0);
  defineAction(similarity, async (ctx, source: string) => {
    const o = ctx.opts as { samples: number; seed: number };
    let res;
    try {
      res = await similarityOfImages(ctx.store(), source, { samples: o.samples, seed: o.seed });
    } catch (err) {
      if (err instanceof NoRankerError || err instanceof DatasetError) throw new UserError(err.message);
      throw err;
    }
    const { similarity: sim, mostSimilar, family, samples, seconds } = res;
    const ranked = Object.entries(sim).sort((a, b) => b[1] - a[1]);
    return {
      data: { source, similarity: sim, mostSimilar, family, samples, seconds, timings: res.timings },
      human: [
        `${source}: most similar to ${mostSimilar} (family ${family}); ${samples} images in ${seconds.toFixed(2)} s`,
        ...ranked.map(([name, v]) => `  ${name.padEnd(16)} ${v.toFixed(3)}`),
      ].join('\n'),
    };
  });
}
