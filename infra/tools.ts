import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { toolsBin } from './paths';

/** A tool from .tools/bin (installed by `npm run setup`), else from PATH; undefined when neither. */
export function findTool(name: string): string | undefined {
  const local = path.join(toolsBin(), name);
  if (existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

export function toolVersion(name: string, args: string[] = ['--version']): string | undefined {
  const bin = findTool(name);
  if (!bin) return undefined;
  const out = spawnSync(bin, args, { encoding: 'utf8', timeout: 10_000 });
  const text = (out.stdout || out.stderr || '').trim().split('\n')[0];
  return out.status === 0 ? text : undefined;
}
