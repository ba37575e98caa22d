import type { ArchitectureSpec, LayerSpec } from '../../src/arch/spec';

/** A square convolution layer, `inputs` only when the layer is not fed by the one before it. */
export const conv = (
  id: string,
  filters: number,
  k: number,
  s: number,
  padding: 'SAME' | 'VALID',
  inputs?: string[],
): LayerSpec => ({
  id,
  type: 'Convolution2D',
  params: { filters, kernel: [k, k], strides: [s, s], padding },
  ...(inputs ? { inputs } : {}),
});

/** Ids of the conv layers whose every reader is a BatchNormalization layer (built without a bias). */
export function convsReadOnlyByBatchNorm(spec: ArchitectureSpec): LayerSpec[] {
  const readers = (id: string) =>
    spec.layers.filter((l, i) => (l.inputs ?? [spec.layers[i - 1]?.id]).includes(id)).map((l) => l.type);
  return spec.layers.filter(
    (l) =>
      l.type === 'Convolution2D' &&
      readers(l.id).length > 0 &&
      readers(l.id).every((t) => t === 'BatchNormalization'),
  );
}
