/**
 * Canonical form and hash of an ArchitectureSpec: two specs that build the same network (same input,
 * classes, layer types, parameters and edges, whatever the layer ids or name) get the same hash.
 */
import { createHash } from 'node:crypto';
import { resolveInputs } from './graph';
import type { ArchitectureSpec, LayerSpec } from './spec';

/** JSON with object keys sorted, so that key order never changes a hash. */
export function sortedJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJSON).join(',')}]`;
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJSON(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** One layer without its id; a fast path for the layer types the generator draws. */
function layerKey(layer: LayerSpec): string {
  switch (layer.type) {
    case 'Convolution2D': {
      const p = layer.params;
      return `C${p.filters},${p.kernel[0]},${p.kernel[1]},${p.strides[0]},${p.strides[1]},${p.padding}`;
    }
    case 'Pooling2D': {
      const p = layer.params;
      return `P${p.func},${p.kernel[0]},${p.kernel[1]},${p.strides[0]},${p.strides[1]},${p.padding}`;
    }
    case 'Dense':
      return `D${layer.params.units},${layer.params.init}`;
    case 'Dropout':
      return `O${layer.params.rate}`;
    case 'LRN':
      return `L${layer.params.size}`;
    default:
      return layer.params && Object.keys(layer.params).length
        ? `${layer.type}${sortedJSON(layer.params)}`
        : layer.type;
  }
}

/** The canonical text: input, classes, then each layer with the indices of its inputs (-1 = model input). */
export function canonicalForm(spec: ArchitectureSpec, inputs: number[][] = resolveInputs(spec)): string {
  const { height, width, channels } = spec.input;
  let out = `${height}x${width}x${channels}|${spec.classes}`;
  spec.layers.forEach((layer, i) => {
    const edges = inputs[i];
    out += `|${layerKey(layer)}`;
    if (edges.length !== 1 || edges[0] !== i - 1) out += `<${edges.join(',')}`;
  });
  return out;
}

/** 16 hex digits (64 bits) of sha256 over the canonical form: collisions are negligible at 10^6 models. */
export function canonicalHash(spec: ArchitectureSpec, inputs?: number[][]): string {
  return createHash('sha256').update(canonicalForm(spec, inputs)).digest('hex').slice(0, 16);
}
