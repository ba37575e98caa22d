/**
 * The classifier head of an architecture, and the same architecture re-targeted to another class count: what
 * fine-tuning replaces, and how a pre-trained model is re-headed for a target dataset.
 */
import { resolveInputs, sinks } from './graph';
import { analyze, InvalidArchitectureError } from './shapes';
import type { ArchitectureSpec } from './spec';

const HAS_WEIGHTS = new Set(['Dense', 'Convolution2D']);

/** The classifier head: the last Dense/Convolution2D on the path to the output (plus weighted layers after it). */
export function headLayerIds(spec: ArchitectureSpec): string[] {
  const inputs = resolveInputs(spec);
  const ids: string[] = [];
  for (let i = sinks(inputs)[0]; i >= 0; i = inputs[i][0] ?? -1) {
    ids.push(spec.layers[i].id);
    if (HAS_WEIGHTS.has(spec.layers[i].type)) return ids;
  }
  throw new InvalidArchitectureError('the model has no Dense or Convolution2D head to replace');
}

/** The same architecture with a head for `classes` outputs (input kept), validated. */
export function withClasses(spec: ArchitectureSpec, classes: number): ArchitectureSpec {
  if (spec.classes === classes) return spec;
  const headId = headLayerIds(spec).at(-1)!;
  const layers = spec.layers.map((l) => {
    if (l.id !== headId) return l;
    const p = l.params as { units?: number; filters?: number };
    const width = l.type === 'Dense' ? p.units : p.filters;
    if (width !== spec.classes) {
      throw new InvalidArchitectureError(
        `cannot re-target '${spec.name ?? 'model'}' to ${classes} classes: its head '${l.id}' has ${width} outputs, not ${spec.classes}`,
      );
    }
    return { ...l, params: l.type === 'Dense' ? { ...p, units: classes } : { ...p, filters: classes } };
  }) as ArchitectureSpec['layers'];
  const out = { ...spec, classes, layers };
  analyze(out);
  return out;
}
