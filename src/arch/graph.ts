/**
 * The DAG view of an ArchitectureSpec: resolved edges, sinks, source→sink paths and the sentences
 * (one per path) that the encoder reads.
 */
import { INPUT_ID, type ArchitectureSpec } from './spec';
import { tokenFor } from './tokens';

/** Input/graph problems in a spec: a plain message that names the layer and the fix. */
export class ArchitectureError extends Error {
  override name = 'ArchitectureError';
}

/** Index of the model input in resolved edge lists. */
export const INPUT_INDEX = -1;
/** Enumerating paths is exponential in the number of parallel blocks; refuse rather than hang. */
export const MAX_PATHS = 4096;

/**
 * For every layer, the indices of the layers it reads (INPUT_INDEX for the model input).
 * Throws ArchitectureError for duplicate ids and for inputs that are not earlier layers.
 */
export function resolveInputs(spec: ArchitectureSpec): number[][] {
  const index = new Map<string, number>();
  const out: number[][] = [];
  spec.layers.forEach((layer, i) => {
    if (layer.id === INPUT_ID)
      throw new ArchitectureError(`layers[${i}].id: '${INPUT_ID}' is reserved for the model input`);
    if (index.has(layer.id)) throw new ArchitectureError(`layers[${i}].id: duplicate layer id '${layer.id}'`);
    if (!layer.inputs) out.push([i - 1]);
    else {
      if (layer.inputs.length === 0)
        throw new ArchitectureError(`layers[${i}].inputs: must name at least one layer`);
      out.push(
        layer.inputs.map((name, j) => {
          if (name === INPUT_ID) return INPUT_INDEX;
          const k = index.get(name);
          if (k === undefined) {
            throw new ArchitectureError(
              `layers[${i}].inputs[${j}]: '${name}' is not an earlier layer id (layers must be in topological order)`,
            );
          }
          return k;
        }),
      );
    }
    index.set(layer.id, i);
  });
  return out;
}

/** Layer indices read by no other layer: the model's outputs. */
export function sinks(inputs: number[][]): number[] {
  const used = new Uint8Array(inputs.length);
  for (const list of inputs) for (const k of list) if (k >= 0) used[k] = 1;
  const out: number[] = [];
  for (let i = 0; i < inputs.length; i++) if (!used[i]) out.push(i);
  return out;
}

/** Every input→sink path as a list of layer indices, in a stable order (by consumer, then layer order). */
export function paths(inputs: number[][]): number[][] {
  const consumers: number[][] = Array.from({ length: inputs.length + 1 }, () => []);
  inputs.forEach((list, i) => {
    for (const k of new Set(list)) consumers[k + 1].push(i);
  });
  const out: number[][] = [];
  const stack: number[] = [];
  const walk = (node: number): void => {
    const next = consumers[node + 1];
    if (next.length === 0) {
      if (out.length >= MAX_PATHS) {
        throw new ArchitectureError(
          `the model has more than ${MAX_PATHS} input→output paths; simplify its branches`,
        );
      }
      out.push(stack.slice());
      return;
    }
    for (const c of next) {
      stack.push(c);
      walk(c);
      stack.pop();
    }
  };
  if (inputs.length > 0) walk(INPUT_INDEX);
  return out;
}

/** The token of every layer (null where a layer carries none), for the spec's class count. */
export function layerTokens(spec: ArchitectureSpec): (string | null)[] {
  return spec.layers.map((l) => tokenFor(l, spec.classes));
}

/** Sentences for given per-layer tokens: one per input→sink path, tokens joined by single spaces. */
export function sentencesFromTokens(tokens: (string | null)[], pathList: number[][]): string[] {
  return pathList.map((p) => {
    const words: string[] = [];
    for (const i of p) {
      const t = tokens[i];
      if (t !== null) words.push(t);
    }
    return words.join(' ');
  });
}

/** The sentences the encoder reads for a spec: one per input→sink path (one for a sequential model). */
export function toSentences(spec: ArchitectureSpec): string[] {
  return sentencesFromTokens(layerTokens(spec), paths(resolveInputs(spec)));
}
