/**
 * Importer for the paper's NLDS JSON: `nldsJson.layers[]` ({layer_type, layer_id, layer_params}),
 * edges in `nldsJson.neural_flow.layer_links` ({from, to}; file order when absent), input size and
 * classes in the ImageData layer. Loss layers carry no token and are dropped; unknown layer types and
 * unusable parameters become UNK layers.
 */
import type { ArchitectureSpec } from '../spec';
import { BARE_TOKENS } from '../tokens';
import { assemble, ImportError, isPosInt, isRecord, MAX_LAYERS, unk } from './assemble';
import type { ForeignNode, NewLayer, Record_ } from './assemble';

const padding = (v: unknown): 'SAME' | 'VALID' | null => {
  const s = typeof v === 'string' ? v.toUpperCase() : '';
  return s === 'SAME' || s === 'VALID' ? s : null;
};

/** One NLDS layer as dlrec layers ([] for layers without a token, handled by the caller). */
function mapLayer(type: string, p: Record_): NewLayer {
  switch (type) {
    case 'Convolution2D': {
      const pad = padding(p.border_mode);
      const f = p.nb_filter;
      const k = [p.kernel_row, p.kernel_col];
      const s = [p.stride_row ?? 1, p.stride_col ?? 1];
      if (!isPosInt(f) || !k.every(isPosInt) || !s.every(isPosInt) || !pad) return unk(type);
      return {
        type: 'Convolution2D',
        params: { filters: f, kernel: k as [number, number], strides: s as [number, number], padding: pad },
      };
    }
    case 'Pooling2D': {
      const fn = typeof p.function === 'string' ? p.function.toUpperCase() : '';
      if (fn === 'GLOBAL-AVERAGE' || fn === 'GLOBAL_AVERAGE') return { type: 'GlobalAveragePooling2D' };
      const pad = padding(p.border_mode);
      const k = [p.kernel_row, p.kernel_col];
      const s = [p.stride_row ?? p.kernel_row, p.stride_col ?? p.kernel_col];
      if ((fn !== 'MAX' && fn !== 'AVERAGE') || !k.every(isPosInt) || !s.every(isPosInt) || !pad)
        return unk(type);
      return {
        type: 'Pooling2D',
        params: { func: fn, kernel: k as [number, number], strides: s as [number, number], padding: pad },
      };
    }
    case 'Dense': {
      const units = p.output_dim ?? p.units;
      const init = p.init ?? 'glorot_uniform';
      if (!isPosInt(units) || typeof init !== 'string' || !init) return unk(type);
      return { type: 'Dense', params: { units, init: init.slice(0, 64) } };
    }
    case 'Dropout': {
      const rate = p.probability ?? p.rate;
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) return unk(type);
      return { type: 'Dropout', params: { rate } };
    }
    case 'LRN': {
      const size = p.local_size ?? p.size ?? p.n;
      return isPosInt(size) && size < 100 ? { type: 'LRN', params: { size } } : unk(type);
    }
    case 'Eltwise': {
      const op = typeof p.operation === 'string' ? p.operation.toUpperCase() : 'SUM';
      const norm = op === 'PRODUCT' ? 'PROD' : op;
      return norm === 'SUM' || norm === 'PROD' || norm === 'MAX'
        ? { type: 'Eltwise', params: { op: norm } }
        : unk(type);
    }
    case 'Concat':
      return { type: 'Concat' };
    default:
      // the bare layers and Softmax (which has no token) keep their names
      return BARE_TOKENS.includes(type) || type === 'Softmax' ? ({ type } as NewLayer) : unk(type);
  }
}

/** Reads NLDS JSON (the whole file, or its `nldsJson` object) as an ArchitectureSpec. */
export function importNlds(value: unknown): ArchitectureSpec {
  const base = isRecord(value) && 'nldsJson' in value ? '$.nldsJson' : '$';
  const root = base === '$' ? value : (value as Record_).nldsJson;
  if (!isRecord(root)) throw new ImportError(base, 'must be an object with a "layers" array');
  const list = root.layers;
  if (!Array.isArray(list)) throw new ImportError(`${base}.layers`, 'must be an array of layers');
  if (list.length > MAX_LAYERS) throw new ImportError(`${base}.layers`, `has over ${MAX_LAYERS} layers`);

  let input: ArchitectureSpec['input'] | undefined;
  let classes: number | undefined;
  const nodes: ForeignNode[] = [];
  list.forEach((raw, i) => {
    const path = `${base}.layers[${i}]`;
    if (!isRecord(raw)) throw new ImportError(path, 'must be an object with layer_type and layer_params');
    const type = raw.layer_type;
    if (typeof type !== 'string' || !type)
      throw new ImportError(`${path}.layer_type`, 'must be a non-empty string');
    const idRaw = raw.layer_id ?? raw.layer_name ?? `${type}_${i}`;
    const name = typeof idRaw === 'string' || typeof idRaw === 'number' ? String(idRaw) : `${type}_${i}`;
    const p = isRecord(raw.layer_params) ? raw.layer_params : {};
    if (type === 'ImageData') {
      const dims = [p.rows, p.cols, p.channels];
      if (!dims.every(isPosInt)) {
        throw new ImportError(
          `${path}.layer_params`,
          'ImageData needs positive integer rows, cols and channels',
        );
      }
      if (!isPosInt(p.classes) || p.classes < 2) {
        throw new ImportError(`${path}.layer_params.classes`, 'must be an integer ≥ 2');
      }
      input = { height: p.rows as number, width: p.cols as number, channels: p.channels as number };
      classes = p.classes;
      nodes.push({ name, path, kind: 'input', layers: [], inputs: null });
      return;
    }
    const isLoss = /loss$/i.test(type);
    nodes.push({
      name,
      path,
      kind: isLoss ? 'skip' : 'layer',
      layers: isLoss ? [] : [mapLayer(type, p)],
      inputs: null,
    });
  });
  if (!input || classes === undefined) {
    throw new ImportError(
      `${base}.layers`,
      'no ImageData layer: it gives the input size and the number of classes',
    );
  }

  const flow = root.neural_flow;
  const linksPath = `${base}.neural_flow.layer_links`;
  if (isRecord(flow) && flow.layer_links !== undefined) {
    const links = flow.layer_links;
    if (!Array.isArray(links)) throw new ImportError(linksPath, 'must be an array of {from, to}');
    const incoming = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
    links.forEach((l, i) => {
      const at = `${linksPath}[${i}]`;
      if (!isRecord(l)) throw new ImportError(at, 'must be an object {from, to}');
      const from = typeof l.from === 'number' ? String(l.from) : l.from;
      const to = typeof l.to === 'number' ? String(l.to) : l.to;
      for (const [end, v] of [
        ['from', from],
        ['to', to],
      ] as const) {
        if (typeof v !== 'string') throw new ImportError(`${at}.${end}`, 'must be the id of a layer');
        if (!incoming.has(v)) throw new ImportError(`${at}.${end}`, `no layer '${v}'`);
      }
      incoming.get(to as string)?.push(from as string);
    });
    // With explicit links, a layer nothing feeds reads the model input.
    const inputName = nodes.find((n) => n.kind === 'input')?.name as string;
    for (const n of nodes) {
      if (n.kind === 'input') n.inputs = [];
      else {
        const ins = incoming.get(n.name) as string[];
        n.inputs = ins.length ? ins : [inputName];
      }
    }
  } else if (nodes[0].kind !== 'input') {
    // Sequential file order: the ImageData layer must come first to be the input.
    throw new ImportError(
      `${base}.layers[0]`,
      'without neural_flow.layer_links, the first layer must be ImageData',
    );
  }
  const meta = isRecord(root.model_meta) ? root.model_meta : {};
  const name = typeof meta.model_name === 'string' ? meta.model_name : undefined;
  return assemble(nodes, input, classes, name, linksPath);
}
