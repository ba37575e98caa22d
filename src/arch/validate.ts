/**
 * Validation of ArchitectureSpec JSON: the JSON Schema (architecture.schema.json, checked with ajv),
 * then the graph rules a schema cannot express (unique ids, edges to earlier layers).
 * Every error names the JSON path ($.layers[3].params.kernel[0]) and the reason.
 */
import Ajv, { type ErrorObject } from 'ajv';
import schema from './architecture.schema.json';
import { ArchitectureError, resolveInputs } from './graph';
import type { ArchitectureSpec } from './spec';

/** A spec file or object that does not match the format; `errors` lists each problem as "path: reason". */
export class SpecValidationError extends ArchitectureError {
  override name = 'SpecValidationError';
  constructor(readonly errors: string[]) {
    super(
      errors.length === 1
        ? `invalid architecture spec: ${errors[0]}`
        : `invalid architecture spec (${errors.length} problems): ${errors.join('; ')}`,
    );
  }
}

const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false });
const check = ajv.compile(schema);
export { schema as ARCHITECTURE_SCHEMA };

/** `/layers/3/params/kernel/0` → `$.layers[3].params.kernel[0]`. */
export function jsonPath(pointer: string): string {
  let out = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part)
      ? `[${part}]`
      : /^[A-Za-z_$][\w$]*$/.test(part)
        ? `.${part}`
        : `[${JSON.stringify(part)}]`;
  }
  return out;
}

function describe(e: ErrorObject): string {
  const path = jsonPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${path}: unknown property '${p.additionalProperty}'`;
    case 'required':
      return `${path}: missing required property '${p.missingProperty}'`;
    case 'discriminator':
      return p.error === 'mapping'
        ? `${path}.type: unknown layer type ${JSON.stringify(p.tagValue)} (see architecture.schema.json for the types; use UNK for others)`
        : `${path}.type: a layer needs a string 'type'`;
    case 'const':
      return `${path}: must be ${JSON.stringify(p.allowedValue)}`;
    case 'enum':
      return `${path}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${path}: ${e.message ?? 'is invalid'}`;
  }
}

const MAX_REPORTED = 5;

/**
 * Checks that `value` is an ArchitectureSpec (schema and graph rules) and returns it typed.
 * Throws SpecValidationError naming each problem's JSON path (at most five are listed).
 * It does not check buildability (shapes, head): see analyze() in shapes.ts.
 */
export function parseSpec(value: unknown): ArchitectureSpec {
  if (!check(value)) {
    const seen = new Set<string>();
    for (const e of check.errors ?? [])
      if (e.keyword !== 'oneOf' && e.keyword !== 'if') seen.add(describe(e));
    const errors = [...seen];
    throw new SpecValidationError(
      errors.length ? errors.slice(0, MAX_REPORTED) : ['$: does not match the schema'],
    );
  }
  const spec = value as unknown as ArchitectureSpec;
  try {
    resolveInputs(spec);
  } catch (err) {
    if (err instanceof ArchitectureError) throw new SpecValidationError([`$.${err.message}`]);
    throw err;
  }
  return spec;
}
