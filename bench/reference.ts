/**
 * Runs a reference script of bench/reference/ (Keras, gensim, scikit-*) in the same run as a bench, so that
 * the bench can print the reference's figure and the ratio. Optional: without the Python venv the bench says
 * how to add it and prints its own figure only.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const INSTALL =
  'python3 -m venv .venv-anchors && .venv-anchors/bin/pip install tensorflow-cpu scikit-learn scikit-image gensim ' +
  '(see bench/reference/README.md), or set DLREC_REFERENCE_PYTHON';

export interface ReferenceRun<T> {
  /** The script's JSON line, or undefined when the reference is not installed or failed. */
  result?: T;
  /** Why there is no result. */
  note?: string;
}

function python(): string | undefined {
  const configured = process.env.DLREC_REFERENCE_PYTHON;
  if (configured) return configured;
  const venv = path.join(ROOT, '.venv-anchors', 'bin', 'python');
  return fs.existsSync(venv) ? venv : undefined;
}

/** Runs bench/reference/<script> with `args`; its last stdout line is its JSON result. */
export function runReference<T>(
  script: string,
  args: string[] = [],
  timeoutMs = 3_600_000,
): Promise<ReferenceRun<T>> {
  const py = python();
  if (!py) return Promise.resolve({ note: `reference not installed: ${INSTALL}` });
  const file = path.join(ROOT, 'bench', 'reference', script);
  return new Promise((resolve) => {
    execFile(py, [file, ...args], { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      if (err)
        return resolve({ note: `${script} failed: ${(stderr || err.message).trim().split('\n').pop()}` });
      try {
        resolve({ result: JSON.parse(last) as T });
      } catch {
        resolve({ note: `${script} printed no JSON line: ${last.slice(0, 200)}` });
      }
    });
  });
}

/** ours / reference, rounded to 3 digits (null without a reference figure). */
export function ratio(ours: number, reference: number | undefined): number | null {
  return reference && reference > 0 ? Math.round((ours / reference) * 1000) / 1000 : null;
}
