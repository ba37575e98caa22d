/**
 * Importer for Keras `model.to_json()` (Keras 2 and 3) and TensorFlow.js `model.toJSON()` / model.json
 * (`modelTopology`), Sequential and Functional. Fused activations become their own layers; layers with no
 * dlrec counterpart (or unusable settings such as dilation) become UNK; nested models become one UNK.
 */
import type { ArchitectureSpec } from '../spec';
import { assemble, ImportError, isPosInt, isRecord, MAX_LAYERS, unk } from './assemble';
import type { ForeignNode, NewLayer, Record_ } from './assemble';

function pairOf(v: unknown, fallback?: unknown): [number, number] | null {
  const x = v ?? fallback;
  if (isPosInt(x)) return [x, x];
  if (Array.isArray(x) && x.length === 2 && isPosInt(x[0]) && isPosInt(x[1])) return [x[0], x[1]];
  return null;
}
function paddingOf(v: unknown): 'SAME' | 'VALID' | null {
  const s = typeof v === 'string' ? v.toUpperCase() : v === undefined ? 'VALID' : '';
  return s === 'SAME' || s === 'VALID' ? s : null;
}
const isOnes = (v: unknown): boolean =>
  v === undefined || v === null || v === 1 || (Array.isArray(v) && v.every((x) => x === 1));

/** Keras initializer (string or {class_name, config}) → snake_case name, e.g. 'glorot_uniform'. */
export function initializerName(v: unknown): string {
  if (typeof v === 'string') return v.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  if (!isRecord(v) || typeof v.class_name !== 'string') return 'glorot_uniform';
  if (v.class_name === 'VarianceScaling' && isRecord(v.config)) {
    const { scale, mode, distribution } = v.config;
    const dist = distribution === 'uniform' ? 'uniform' : 'normal';
    if (scale === 1 && mode === 'fan_avg') return `glorot_${dist}`;
    if (scale === 2 && mode === 'fan_in') return `he_${dist}`;
    if (scale === 1 && mode === 'fan_in') return `lecun_${dist}`;
  }
  return initializerName(v.class_name);
}

/** A Keras activation name as dlrec layers ([] for linear). */
function activation(v: unknown): NewLayer[] {
  const a =
    typeof v === 'string'
      ? v.toLowerCase()
      : isRecord(v)
        ? String(v.class_name ?? '').toLowerCase()
        : 'linear';
  if (a === 'linear' || a === '' || a === 'none') return [];
  if (a === 'relu') return [{ type: 'ReLU' }];
  if (a === 'tanh') return [{ type: 'Tanh' }];
  if (a === 'sigmoid') return [{ type: 'Sigmoid' }];
  if (a === 'softmax') return [{ type: 'Softmax' }];
  return [unk(`activation:${a}`)];
}

/** One Keras layer as dlrec layers, the fused activation last. */
function mapLayer(cls: string, c: Record_): NewLayer[] {
  switch (cls) {
    case 'Conv2D':
    case 'Convolution2D': {
      const filters = c.filters ?? c.nb_filter;
      const kernel = pairOf(c.kernel_size, c.nb_row !== undefined ? [c.nb_row, c.nb_col] : undefined);
      const strides = pairOf(c.strides ?? c.subsample, 1);
      const pad = paddingOf(c.padding ?? c.border_mode);
      const plain = isOnes(c.dilation_rate) && isOnes(c.groups);
      if (!isPosInt(filters) || !kernel || !strides || !pad || !plain)
        return [unk(cls), ...activation(c.activation)];
      return [
        { type: 'Convolution2D', params: { filters, kernel, strides, padding: pad } },
        ...activation(c.activation),
      ];
    }
    case 'MaxPooling2D':
    case 'MaxPool2D':
    case 'AveragePooling2D':
    case 'AvgPool2D': {
      const kernel = pairOf(c.pool_size, 2);
      const strides = pairOf(c.strides, kernel ?? undefined);
      const pad = paddingOf(c.padding ?? c.border_mode);
      if (!kernel || !strides || !pad) return [unk(cls)];
      const func = cls.startsWith('Max') ? 'MAX' : 'AVERAGE';
      return [{ type: 'Pooling2D', params: { func, kernel, strides, padding: pad } }];
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalAvgPool2D':
      return [{ type: 'GlobalAveragePooling2D' }];
    case 'Dense': {
      const units = c.units ?? c.output_dim;
      if (!isPosInt(units)) return [unk(cls), ...activation(c.activation)];
      const init = initializerName(c.kernel_initializer ?? c.init).slice(0, 64) || 'glorot_uniform';
      return [{ type: 'Dense', params: { units, init } }, ...activation(c.activation)];
    }
    case 'Dropout': {
      const rate = c.rate ?? c.p;
      return typeof rate === 'number' && rate >= 0 && rate < 1
        ? [{ type: 'Dropout', params: { rate } }]
        : [unk(cls)];
    }
    case 'BatchNormalization':
      return [{ type: 'BatchNormalization' }];
    case 'Flatten':
      return [{ type: 'Flatten' }];
    case 'Activation':
      return activation(c.activation);
    case 'ReLU':
      return [{ type: 'ReLU' }];
    case 'Softmax':
      return [{ type: 'Softmax' }];
    case 'Add':
      return [{ type: 'Eltwise', params: { op: 'SUM' } }];
    case 'Multiply':
      return [{ type: 'Eltwise', params: { op: 'PROD' } }];
    case 'Maximum':
      return [{ type: 'Eltwise', params: { op: 'MAX' } }];
    case 'Concatenate':
      return [{ type: 'Concat' }];
    default:
      return [unk(cls)];
  }
}

/** Batch shape [null, H, W, C] (channels_last) from an input layer's or first layer's config. */
function inputShape(c: Record_): ArchitectureSpec['input'] | null {
  const raw =
    c.batch_input_shape ?? c.batch_shape ?? (Array.isArray(c.input_shape) ? [null, ...c.input_shape] : null);
  if (!Array.isArray(raw) || raw.length !== 4) return null;
  const dims = raw.slice(1);
  if (!dims.every(isPosInt)) return null;
  const [a, b, ch] = c.data_format === 'channels_first' ? [dims[1], dims[2], dims[0]] : dims;
  return { height: a as number, width: b as number, channels: ch as number };
}

/** Names of the layers a Functional layer reads, from Keras 2/TF.js or Keras 3 inbound_nodes. */
function inboundNames(nodes: unknown): string[] {
  if (!Array.isArray(nodes) || nodes.length === 0) return [];
  const first = nodes[0];
  const out: string[] = [];
  if (Array.isArray(first)) {
    for (const e of first) if (Array.isArray(e) && typeof e[0] === 'string') out.push(e[0]);
    return out;
  }
  const visit = (v: unknown, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (isRecord(v)) {
      const hist = isRecord(v.config) ? v.config.keras_history : undefined;
      if (v.class_name === '__keras_tensor__' && Array.isArray(hist) && typeof hist[0] === 'string')
        out.push(hist[0]);
      else Object.values(v).forEach((x) => visit(x, depth + 1));
    }
  };
  if (isRecord(first)) visit(first.args, 0);
  return out;
}

/** The model config inside a Keras/TF.js document, and the JSON path it was found at. */
function modelConfig(value: unknown): { model: Record_; path: string } {
  if (!isRecord(value)) throw new ImportError('$', 'must be a JSON object');
  if (isRecord(value.modelTopology)) {
    const t = value.modelTopology;
    return isRecord(t.model_config)
      ? { model: t.model_config, path: '$.modelTopology.model_config' }
      : { model: t, path: '$.modelTopology' };
  }
  if (isRecord(value.model_config)) return { model: value.model_config, path: '$.model_config' };
  return { model: value, path: '$' };
}

/** Reads a Keras / TF.js model JSON as an ArchitectureSpec; `classes` overrides the inferred class count. */
export function importKeras(value: unknown, opts: { classes?: number } = {}): ArchitectureSpec {
  const { model, path } = modelConfig(value);
  const cls = model.class_name;
  if (typeof cls !== 'string')
    throw new ImportError(`${path}.class_name`, 'missing: expected Sequential, Functional or Model');
  const config = model.config;
  const layersPath = Array.isArray(config) ? `${path}.config` : `${path}.config.layers`;
  const list = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(list)) throw new ImportError(layersPath, 'must be an array of layers');
  if (list.length > MAX_LAYERS) throw new ImportError(layersPath, `has over ${MAX_LAYERS} layers`);
  const sequential = cls === 'Sequential';
  if (!sequential && cls !== 'Functional' && cls !== 'Model') {
    throw new ImportError(
      `${path}.class_name`,
      `unsupported model class '${cls}': expected Sequential, Functional or Model`,
    );
  }

  let input: ArchitectureSpec['input'] | null = null;
  const nodes: ForeignNode[] = [];
  list.forEach((raw, i) => {
    const at = `${layersPath}[${i}]`;
    if (!isRecord(raw) || typeof raw.class_name !== 'string') {
      throw new ImportError(at, 'must be an object with class_name and config');
    }
    const c = isRecord(raw.config) ? raw.config : {};
    const nameRaw = raw.name ?? c.name;
    const name = typeof nameRaw === 'string' && nameRaw ? nameRaw : `layer_${i}`;
    input ??= inputShape(c);
    const inputs = sequential ? null : inboundNames(raw.inbound_nodes);
    if (raw.class_name === 'InputLayer') {
      nodes.push({ name, path: at, kind: 'input', layers: [], inputs: sequential ? null : [] });
      return;
    }
    // Sequential layers (inputs null) read the previous one; the first reads the model input.
    nodes.push({ name, path: at, kind: 'layer', layers: mapLayer(raw.class_name, c), inputs });
  });
  if (!sequential) {
    const inputsCount = nodes.filter((n) => n.kind === 'input').length;
    if (inputsCount !== 1)
      throw new ImportError(layersPath, `expected exactly one InputLayer, found ${inputsCount}`);
  }
  if (!input) {
    throw new ImportError(
      layersPath,
      'no input shape: expected batch_input_shape/batch_shape [null, H, W, C] on the first layer',
    );
  }
  const classes = opts.classes ?? inferClasses(nodes);
  if (classes === null) {
    throw new ImportError(
      layersPath,
      'cannot tell the number of classes: the model does not end in a Dense layer (pass --classes)',
    );
  }
  const name = isRecord(config) && typeof config.name === 'string' ? config.name : undefined;
  return assemble(nodes, input, classes, name, layersPath);
}

/** Units of the last Dense layer (the classifier), if any. */
function inferClasses(nodes: ForeignNode[]): number | null {
  for (let i = nodes.length - 1; i >= 0; i--) {
    for (let j = nodes[i].layers.length - 1; j >= 0; j--) {
      const l = nodes[i].layers[j];
      if (l.type === 'Dense') return l.params.units >= 2 ? l.params.units : null;
    }
  }
  return null;
}
