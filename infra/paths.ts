import path from 'node:path';

/** Root of this checkout (infra/ sits directly below it). */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Where dlrec keeps its local state: the embedded Temporal database, the default file store. */
export function dlrecHome(): string {
  return path.resolve(process.env.DLREC_HOME ?? path.join(process.cwd(), '.dlrec'));
}

/** Tools installed by `npm run setup` (temporal, versitygw, helm, kubeconform). */
export function toolsBin(): string {
  return path.join(PROJECT_ROOT, '.tools', 'bin');
}
