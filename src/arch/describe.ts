/**
 * An architecture in words, for people choosing one: a generated model's hash says nothing, "4 conv (3×3,
 * 32–128 filters), 2 pool, BatchNorm, 3 dense" does.
 */
import { analyze } from './shapes';
import type { ArchitectureSpec, LayerSpec } from './spec';
import { ZOO_ENTRIES } from './zoo';

export interface ArchitectureDescription {
  /** The zoo's name of the network (`ResNet-20`), or `generated CNN`. */
  family: string;
  /** The family and its layers, e.g. `generated CNN: 4 conv (3×3, 32–128 filters), 2 pool, BatchNorm, 3 dense`. */
  description: string;
  /** Weight layers (convolutions and dense layers, shortcut projections included). */
  depth: number;
  params: number;
  flops: number;
}

/** `ResNet-20` from the zoo title `ResNet-20 (CIFAR, …)`; undefined for a name outside the zoo. */
export function zooFamily(name: string): string | undefined {
  return ZOO_ENTRIES.find((e) => e.name === name.toLowerCase())
    ?.title.split(/[,(]/)[0]
    .trim();
}

const range = (values: number[]) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
};

function convPart(convs: Extract<LayerSpec, { type: 'Convolution2D' }>[]): string {
  const shapes = [...new Map(convs.map(({ params: { kernel: k } }) => [`${k[0]}×${k[1]}`, k[0] * k[1]]))]
    .sort((a, b) => a[1] - b[1])
    .map(([shape]) => shape);
  // Beyond three kernel shapes a list reads worse than the span from the smallest to the largest.
  const k = shapes.length <= 3 ? shapes.join('/') : `${shapes[0]}–${shapes.at(-1)}`;
  return `${convs.length} conv (${k}, ${range(convs.map((c) => c.params.filters))} filters)`;
}

const count = (n: number, what: string, plural = what) => (n ? [`${n} ${n > 1 ? plural : what}`] : []);

/** `zooName`: the campaign's architecture key when it is a zoo model (its family is then the zoo's name). */
export function describeArchitecture(spec: ArchitectureSpec, zooName?: string): ArchitectureDescription {
  const of = <T extends LayerSpec['type']>(t: T) =>
    spec.layers.filter((l): l is Extract<LayerSpec, { type: T }> => l.type === t);
  const has = (t: LayerSpec['type'], word: string) => (of(t).length ? [word] : []);
  const convs = of('Convolution2D');
  const parts = [
    ...(convs.length ? [convPart(convs)] : []),
    ...count(of('Pooling2D').length, 'pool'),
    ...has('GlobalAveragePooling2D', 'global average pool'),
    ...count(of('Eltwise').length, 'residual merge', 'residual merges'),
    ...count(of('Concat').length, 'concat merge', 'concat merges'),
    ...has('BatchNormalization', 'BatchNorm'),
    ...has('Dropout', 'dropout'),
    ...has('LRN', 'LRN'),
    ...has('ReLU', 'ReLU'),
    ...has('Tanh', 'tanh'),
    ...has('Sigmoid', 'sigmoid'),
    ...has('Power', 'power'),
    ...has('AbsoluteValue', 'abs'),
    ...count(of('UNK').length, 'unknown layer', 'unknown layers'),
    ...count(of('Dense').length, 'dense'),
  ];
  const family = (zooName && zooFamily(zooName)) || 'generated CNN';
  const { params, flops } = analyze(spec);
  return {
    family,
    description: `${family}: ${parts.join(', ')}`,
    depth: convs.length + of('Dense').length,
    params,
    flops,
  };
}
