/**
 * Shared back end of the importers: turns a list of foreign layers (each already mapped to zero or
 * more dlrec layers) and their edges into an ArchitectureSpec in topological order.
 */
import { ArchitectureError } from '../graph';
import { INPUT_ID, SPEC_FORMAT, SPEC_VERSION, type ArchitectureSpec, type LayerSpec } from '../spec';

/** A foreign file that cannot be read as an architecture; the message starts with the JSON path. */
export class ImportError extends ArchitectureError {
  override name = 'ImportError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

export type NewLayer = LayerSpec extends infer L
  ? L extends LayerSpec
    ? Omit<L, 'id' | 'inputs'>
    : never
  : never;

export interface ForeignNode {
  /** The foreign layer's name/id (edges refer to it). */
  name: string;
  /** JSON path of the foreign layer, for error messages. */
  path: string;
  /** 'input' = the model input; 'skip' = passes its first input through (losses, linear activations). */
  kind: 'layer' | 'input' | 'skip';
  /** The dlrec layers this node becomes, chained (e.g. a convolution and its fused activation). */
  layers: NewLayer[];
  /** Names of the nodes it reads; null = the previous node in file order (sequential formats). */
  inputs: string[] | null;
}

export type Record_ = Record<string, unknown>;
export const isRecord = (v: unknown): v is Record_ =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
export const isPosInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** Foreign models longer than this are refused (a bound on what one import may allocate). */
export const MAX_LAYERS = 5000;

/** The layer a foreign type without a dlrec counterpart (or with unusable settings) becomes. */
export const unk = (type: string): NewLayer => ({ type: 'UNK', params: { originalType: type } });

const MAX_ID = 120;

/** Orders nodes topologically (stable: file order among ready nodes) and emits the spec. */
export function assemble(
  nodes: ForeignNode[],
  input: ArchitectureSpec['input'],
  classes: number,
  name: string | undefined,
  edgesPath: string,
): ArchitectureSpec {
  const byName = new Map<string, number>();
  nodes.forEach((n, i) => {
    if (byName.has(n.name)) throw new ImportError(n.path, `duplicate layer name '${n.name}'`);
    byName.set(n.name, i);
  });
  const preds: number[][] = nodes.map((n, i) => {
    if (n.inputs === null) return i > 0 ? [i - 1] : [];
    return n.inputs.map((src) => {
      const k = byName.get(src);
      if (k === undefined)
        throw new ImportError(n.path, `reads '${src}', which is not a layer of this model`);
      return k;
    });
  });
  const order = topologicalOrder(preds, nodes, edgesPath);
  // What a node's consumers read: the last dlrec layer it emitted, or what it passes through.
  const alias: string[] = new Array(nodes.length);
  const used = new Set<string>([INPUT_ID]);
  const layers: LayerSpec[] = [];
  for (const i of order) {
    const node = nodes[i];
    const ins = preds[i].map((k) => alias[k]);
    if (node.kind === 'input') alias[i] = INPUT_ID;
    else if (node.kind === 'skip' || node.layers.length === 0) alias[i] = ins[0] ?? INPUT_ID;
    else {
      let from = ins.length ? ins : [INPUT_ID];
      node.layers.forEach((layer, j) => {
        const id = uniqueId(j === 0 ? node.name : `${node.name}_${layer.type.toLowerCase()}`, used);
        const prev = layers.length ? layers[layers.length - 1].id : INPUT_ID;
        const full = { id, ...layer } as LayerSpec;
        if (!(from.length === 1 && from[0] === prev)) full.inputs = from;
        layers.push(full);
        from = [id];
      });
      alias[i] = from[0];
    }
  }
  if (layers.length === 0) throw new ImportError(edgesPath, 'the model has no layers besides its input');
  const spec: ArchitectureSpec = { format: SPEC_FORMAT, version: SPEC_VERSION, input, classes, layers };
  if (name) spec.name = name.slice(0, 200);
  return spec;
}

function uniqueId(raw: string, used: Set<string>): string {
  const base = (raw || 'layer').slice(0, MAX_ID);
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}_${k}`;
  used.add(id);
  return id;
}

function topologicalOrder(preds: number[][], nodes: ForeignNode[], edgesPath: string): number[] {
  const indegree = preds.map((p) => p.length);
  const consumers: number[][] = preds.map(() => []);
  preds.forEach((p, i) => p.forEach((k) => consumers[k].push(i)));
  const ready: number[] = [];
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const order: number[] = [];
  // Ready nodes are kept sorted so that the order follows the file wherever the edges allow.
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift() as number;
    order.push(i);
    for (const c of consumers[i]) if (--indegree[c] === 0) ready.push(c);
  }
  if (order.length !== nodes.length) {
    const stuck = nodes.find((_, i) => indegree[i] > 0);
    throw new ImportError(edgesPath, `the layer links form a cycle (through '${stuck?.name}')`);
  }
  return order;
}
