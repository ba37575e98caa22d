/**
 * Format detection and loading of any architecture file: a dlrec spec, NLDS JSON or Keras/TF.js JSON.
 */
import fs from 'node:fs';
import { ArchitectureError, toSentences } from '../graph';
import type { ArchitectureSpec } from '../spec';
import { SPEC_FORMAT } from '../spec';
import { parseSpec } from '../validate';
import { ImportError, isRecord } from './assemble';
import { importKeras } from './keras';
import { importNlds } from './nlds';

export { ImportError } from './assemble';
export { importKeras, initializerName } from './keras';
export { importNlds } from './nlds';

export type ArchitectureFormat = 'spec' | 'nlds' | 'keras';

/** Which format a parsed JSON document is in; throws ImportError when none fits. */
export function detectFormat(value: unknown): ArchitectureFormat {
  if (isRecord(value)) {
    if (value.format === SPEC_FORMAT) return 'spec';
    if ('nldsJson' in value) return 'nlds';
    if (Array.isArray(value.layers) && value.layers.some((l) => isRecord(l) && 'layer_type' in l))
      return 'nlds';
    if ('modelTopology' in value || 'model_config' in value || typeof value.class_name === 'string')
      return 'keras';
  }
  throw new ImportError(
    '$',
    `unrecognised architecture format: expected a dlrec spec ("format": "${SPEC_FORMAT}"), ` +
      'NLDS JSON ("nldsJson".layers) or Keras/TF.js model JSON ("class_name" or "modelTopology")',
  );
}

/** Any supported document as a (schema-checked) ArchitectureSpec. */
export function loadArchitecture(
  value: unknown,
  opts: { classes?: number } = {},
): { format: ArchitectureFormat; spec: ArchitectureSpec } {
  const format = detectFormat(value);
  const spec =
    format === 'spec' ? parseSpec(value) : format === 'nlds' ? importNlds(value) : importKeras(value, opts);
  return { format, spec };
}

/** Reads and parses an architecture file; errors name the file and the problem. */
export function readArchitectureFile(
  file: string,
  opts: { classes?: number } = {},
): { format: ArchitectureFormat; spec: ArchitectureSpec } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ArchitectureError(
      `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(err))}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ArchitectureError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  try {
    return loadArchitecture(value, opts);
  } catch (err) {
    if (err instanceof ArchitectureError) err.message = `${file}: ${err.message}`;
    throw err;
  }
}

/** The sentences (one per input→output path) of an architecture file in any supported format. */
export function tokenizeFile(
  file: string,
  opts: { classes?: number } = {},
): { format: ArchitectureFormat; spec: ArchitectureSpec; sentences: string[] } {
  const { format, spec } = readArchitectureFile(file, opts);
  return { format, spec, sentences: toSentences(spec) };
}
