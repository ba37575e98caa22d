/** A small fluent builder for ArchitectureSpec, used by the canonical zoo and the importers. */
import {
  INPUT_ID,
  SPEC_FORMAT,
  SPEC_VERSION,
  type ArchitectureSpec,
  type LayerSpec,
  type Padding,
  type PoolFunc,
} from './spec';

type NewLayer = LayerSpec extends infer L ? (L extends LayerSpec ? Omit<L, 'id' | 'inputs'> : never) : never;

export class SpecBuilder {
  readonly layers: LayerSpec[] = [];
  private last = INPUT_ID;
  private counts = new Map<string, number>();

  constructor(
    readonly input: { height: number; width: number; channels: number },
    readonly classes: number,
    readonly name?: string,
  ) {}

  /** Id of the most recently added layer (INPUT_ID before any). */
  get current(): string {
    return this.last;
  }

  /** Adds a layer reading `from` (default: the previous layer) and returns its id. */
  add(layer: NewLayer, from?: string | string[], id?: string): string {
    const n = (this.counts.get(layer.type) ?? 0) + 1;
    this.counts.set(layer.type, n);
    const layerId = id ?? `${layer.type.toLowerCase()}_${n}`;
    const inputs = from === undefined ? undefined : Array.isArray(from) ? from : [from];
    const sequential = inputs === undefined || (inputs.length === 1 && inputs[0] === this.last);
    const full = { id: layerId, ...layer } as LayerSpec;
    if (!sequential) full.inputs = inputs;
    this.layers.push(full);
    this.last = layerId;
    return layerId;
  }

  conv(filters: number, k: number, s = 1, padding: Padding = 'SAME', from?: string): string {
    return this.add(
      { type: 'Convolution2D', params: { filters, kernel: [k, k], strides: [s, s], padding } },
      from,
    );
  }
  pool(func: PoolFunc, k: number, s = k, padding: Padding = 'VALID', from?: string): string {
    return this.add({ type: 'Pooling2D', params: { func, kernel: [k, k], strides: [s, s], padding } }, from);
  }
  dense(units: number, init = 'glorot_uniform', from?: string): string {
    return this.add({ type: 'Dense', params: { units, init } }, from);
  }
  simple(
    type:
      'BatchNormalization' | 'ReLU' | 'Tanh' | 'Sigmoid' | 'Flatten' | 'GlobalAveragePooling2D' | 'Softmax',
    from?: string,
  ): string {
    return this.add({ type }, from);
  }
  dropout(rate: number, from?: string): string {
    return this.add({ type: 'Dropout', params: { rate } }, from);
  }

  build(): ArchitectureSpec {
    const spec: ArchitectureSpec = {
      format: SPEC_FORMAT,
      version: SPEC_VERSION,
      input: { ...this.input },
      classes: this.classes,
      layers: this.layers,
    };
    if (this.name) spec.name = this.name;
    return spec;
  }
}
