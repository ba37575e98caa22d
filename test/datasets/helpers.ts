import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The archive writers live in src/ (the dataset mirror builds the official archive formats with them).
export { makeTar } from '../../src/datasets/tar';
export { makeZip } from '../../src/datasets/zip';

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix = 'dlrec-datasets-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
