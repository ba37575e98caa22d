import type { LayerSpec } from '../../src/arch/spec';

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
