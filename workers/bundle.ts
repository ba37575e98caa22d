import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { dlrecHome, PROJECT_ROOT } from '../infra/paths';

/** Hash of every source file the workflow bundle can contain. */
async function sourceHash(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.name.endsWith('.ts')) hash.update(full).update(await fs.readFile(full));
    }
  };
  await walk(path.join(PROJECT_ROOT, 'workflows'));
  hash.update(await fs.readFile(path.join(PROJECT_ROOT, 'package-lock.json')).catch(() => Buffer.alloc(0)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundling the workflows (webpack) takes seconds; every CLI command that runs a workflow needs it,
 * so the bundle is cached under $DLREC_HOME keyed by the hash of the workflow sources.
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
