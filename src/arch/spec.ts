/**
 * ArchitectureSpec: dlrec's versioned JSON description of a CNN.
 * Layers are listed in topological order; `inputs` names the layers feeding one (the edges of a DAG).
 * A layer without `inputs` reads the previous layer (the model input for the first layer), so a
 * sequential model needs no edges at all.
 */
export const SPEC_FORMAT = 'dlrec.architecture';
export const SPEC_VERSION = 1;
export const INPUT_ID = 'input';

export type Padding = 'SAME' | 'VALID';
export type PoolFunc = 'MAX' | 'AVERAGE';
export type EltwiseOp = 'SUM' | 'PROD' | 'MAX';

export interface ConvolutionParams {
  filters: number;
  kernel: [number, number];
  strides: [number, number];
  padding: Padding;
}
export interface PoolingParams {
  kernel: [number, number];
  strides: [number, number];
  func: PoolFunc;
  padding: Padding;
}
export interface DenseParams {
  units: number;
  init: string;
}

export type LayerSpec =
  | ({ type: 'Convolution2D' } & LayerBase & { params: ConvolutionParams })
  | ({ type: 'Pooling2D' } & LayerBase & { params: PoolingParams })
  | ({ type: 'Dense' } & LayerBase & { params: DenseParams })
  | ({ type: 'Dropout' } & LayerBase & { params: { rate: number } })
  | ({ type: 'LRN' } & LayerBase & { params: { size: number } })
  | ({ type: 'Power' } & LayerBase & { params?: { power?: number; scale?: number; shift?: number } })
  | ({ type: 'Eltwise' } & LayerBase & { params: { op: EltwiseOp } })
  | ({ type: 'Concat' } & LayerBase & { params?: Record<string, never> })
  | ({ type: 'UNK' } & LayerBase & { params?: { originalType?: string; [k: string]: unknown } })
  | ({ type: ParameterlessLayerType } & LayerBase & { params?: Record<string, never> });

export type ParameterlessLayerType =
  | 'BatchNormalization'
  | 'ReLU'
  | 'Tanh'
  | 'Sigmoid'
  | 'AbsoluteValue'
  | 'Flatten'
  | 'GlobalAveragePooling2D'
  | 'Softmax';

export type LayerType = LayerSpec['type'];

interface LayerBase {
  id: string;
  /** Ids of the layers (or `input`) this layer reads; omitted = the previous layer. */
  inputs?: string[];
}

export interface ArchitectureSpec {
  format: typeof SPEC_FORMAT;
  version: typeof SPEC_VERSION;
  name?: string;
  input: { height: number; width: number; channels: number };
  classes: number;
  layers: LayerSpec[];
}
