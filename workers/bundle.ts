import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dlrecHome, PROJECT_ROOT } from '../infra/paths';

/**
 * The project files the workflow bundle is made of: workflows/index.ts and every relative module it imports at
 * run time, transitively (`import type` is erased by the compiler and does not count). Workflows read plain data
 * modules of src/ (the build profiles): a changed profile must give a new bundle, or a cached one would run
 * stale settings.
 */
export async function bundleSources(
  entry = path.join(PROJECT_ROOT, 'workflows', 'index.ts'),
): Promise<string[]> {
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = await fs.readFile(file, 'utf8');
    const specifiers = text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'(\.[^']+)'/gms);
    for (const [, spec] of specifiers) {
      const base = path.resolve(path.dirname(file), spec);
      const candidates = [`${base}.ts`, path.join(base, 'index.ts'), base];
      const found = await Promise.all(
        candidates.map((c) =>
          fs.stat(c).then(
            (st) => st.isFile(),
            () => false,
          ),
        ),
      );
      const target = candidates[found.indexOf(true)];
      if (target) await visit(target);
    }
  };
  await visit(entry);
  return [...seen].sort();
}

/** Hash of the bundle's sources and of the locked dependencies (the SDK's own workflow runtime among them). */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await bundleSources())
    hash.update(path.relative(PROJECT_ROOT, file)).update(await fs.readFile(file));
  hash.update(await fs.readFile(path.join(PROJECT_ROOT, 'package-lock.json')).catch(() => Buffer.alloc(0)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundling the workflows (webpack) takes seconds; every CLI command that runs a workflow needs it,
 * so the bundle is cached under $DLREC_HOME keyed by the hash of its sources (bundleSources).
 */
export async function workflowBundle(): Promise<{ code: string }> {
  const file = path.join(dlrecHome(), 'cache', `workflow-bundle-${await sourceHash()}.js`);
  try {
    return { code: await fs.readFile(file, 'utf8') };
  } catch {
    const { code } = await bundleWorkflowCode({
      workflowsPath: require.resolve('../workflows'),
      logger: {
        log: () => undefined,
        trace: () => undefined,
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: (m) => process.stderr.write(m + '\n'),
      },
    });
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file + '.tmp', code);
    await fs.rename(file + '.tmp', file);
    return { code };
  }
}
