/**
 * Shape inference, validity, parameter count and FLOPs for an ArchitectureSpec.
 * Shapes are [height, width, channels] for feature maps and [units] after Flatten/Dense/global pooling.
 * Spatial sizes: SAME → ceil(in/stride); VALID → floor((in−k)/stride)+1.
 * Params count every weight and bias; BatchNormalization counts 4 per channel (γ, β, moving mean and
 * variance), as Keras does. FLOPs count a multiply-add as 2 (convolution, dense), one operation per
 * output element for activations, pooling windows and merges, and 2 per element for BatchNormalization.
 * UNK layers pass their input shape through and add nothing: their real cost is unknown.
 */
import type { ArchitectureSpec, LayerSpec } from './spec';
import { ArchitectureError, resolveInputs, sinks } from './graph';

export type Shape = number[];

export interface Analysis {
  /** Output shape of every layer, aligned with spec.layers (empty after the first invalid layer). */
  shapes: Shape[];
  params: number;
  flops: number;
}

/** The spec is well-formed but cannot be built: shapes collapse, Dense before Flatten, bad head, ... */
export class InvalidArchitectureError extends ArchitectureError {
  override name = 'InvalidArchitectureError';
}

function size(s: Shape): number {
  return s.length === 3 ? s[0] * s[1] * s[2] : s.reduce((a, b) => a * b, 1);
}
function spatial(input: number, k: number, stride: number, padding: string): number {
  return padding === 'SAME' ? Math.ceil(input / stride) : Math.floor((input - k) / stride) + 1;
}

function describe(layer: LayerSpec, i: number): string {
  return `layer ${i} (${layer.id}, ${layer.type})`;
}

/**
 * One layer: its output shape, params and FLOPs, or an error message. `ins` are its input shapes.
 * Kept as a single switch because the generator calls it once per drawn layer.
 */
export function layerOutput(
  layer: LayerSpec,
  ins: Shape[],
): { shape: Shape; params: number; flops: number } | string {
  const x = ins[0];
  const needMap = x.length === 3 ? null : 'needs a 3-D feature map but gets a flat vector';
  if (layer.type !== 'Concat' && layer.type !== 'Eltwise' && ins.length !== 1) {
    return `takes exactly one input, got ${ins.length}`;
  }
  switch (layer.type) {
    case 'Convolution2D':
    case 'Pooling2D': {
      if (needMap) return needMap;
      const { kernel, strides, padding } = layer.params;
      const h = spatial(x[0], kernel[0], strides[0], padding);
      const w = spatial(x[1], kernel[1], strides[1], padding);
      if (!(h >= 1 && w >= 1))
        return `output would be ${h}×${w}: the feature map is too small for this kernel/stride`;
      if (layer.type === 'Pooling2D') {
        return { shape: [h, w, x[2]], params: 0, flops: h * w * x[2] * kernel[0] * kernel[1] };
      }
      const f = layer.params.filters;
      const macs = kernel[0] * kernel[1] * x[2] * f;
      return { shape: [h, w, f], params: macs + f, flops: 2 * macs * h * w };
    }
    case 'Dense': {
      if (x.length !== 1) return 'Dense needs a flat input: add Flatten (or global pooling) before it';
      const u = layer.params.units;
      return { shape: [u], params: x[0] * u + u, flops: 2 * x[0] * u };
    }
    case 'Flatten':
      return { shape: [size(x)], params: 0, flops: 0 };
    case 'GlobalAveragePooling2D': {
      return needMap ?? { shape: [x[2]], params: 0, flops: size(x) };
    }
    case 'LRN': {
      return needMap ?? { shape: x, params: 0, flops: size(x) * (layer.params.size + 3) };
    }
    case 'BatchNormalization':
      return { shape: x, params: 4 * x[x.length - 1], flops: 2 * size(x) };
    case 'ReLU':
    case 'Tanh':
    case 'Sigmoid':
    case 'AbsoluteValue':
    case 'Power':
    case 'Softmax':
      return { shape: x, params: 0, flops: size(x) };
    case 'Dropout':
    case 'UNK':
      return { shape: x, params: 0, flops: 0 };
    case 'Eltwise': {
      if (ins.length < 2) return 'Eltwise needs at least two inputs';
      for (const s of ins) {
        if (s.length !== x.length || s.some((d, k) => d !== x[k])) {
          return `Eltwise inputs must have equal shapes, got ${ins.map((t) => t.join('×')).join(' and ')}`;
        }
      }
      return { shape: x, params: 0, flops: (ins.length - 1) * size(x) };
    }
    case 'Concat': {
      if (ins.length < 2) return 'Concat needs at least two inputs';
      const last = x.length - 1;
      for (const s of ins) {
        if (s.length !== x.length || s.some((d, k) => k < last && d !== x[k])) {
          return `Concat inputs must agree on all but the channel axis, got ${ins.map((t) => t.join('×')).join(' and ')}`;
        }
      }
      const shape = x.slice();
      shape[last] = ins.reduce((a, s) => a + s[last], 0);
      return { shape, params: 0, flops: 0 };
    }
    default:
      return `unknown layer type '${(layer as { type: string }).type}'`;
  }
}

/**
 * Full analysis: every layer's output shape, total params and FLOPs. Throws InvalidArchitectureError
 * naming the first layer that cannot be built, or a missing/wrong classifier head (the model must end
 * in one output of shape [classes], optionally followed by Softmax).
 */
export function analyze(spec: ArchitectureSpec): Analysis {
  const inputs = resolveInputs(spec);
  const { height, width, channels } = spec.input;
  const inputShape: Shape = [height, width, channels];
  const shapes: Shape[] = [];
  let params = 0;
  let flops = 0;
  spec.layers.forEach((layer, i) => {
    const out = layerOutput(
      layer,
      inputs[i].map((k) => (k < 0 ? inputShape : shapes[k])),
    );
    if (typeof out === 'string') throw new InvalidArchitectureError(`${describe(layer, i)}: ${out}`);
    shapes.push(out.shape);
    params += out.params;
    flops += out.flops;
  });
  checkHead(spec, shapes, inputs);
  return { shapes, params, flops };
}

function checkHead(spec: ArchitectureSpec, shapes: Shape[], inputs: number[][]): void {
  if (spec.layers.length === 0) throw new InvalidArchitectureError('the model has no layers');
  const outs = sinks(inputs);
  if (outs.length !== 1) {
    throw new InvalidArchitectureError(
      `the model must have exactly one output layer, found ${outs.length} (${outs.map((i) => spec.layers[i].id).join(', ')})`,
    );
  }
  const s = shapes[outs[0]];
  if (s.length !== 1 || s[0] !== spec.classes) {
    throw new InvalidArchitectureError(
      `missing or wrong classifier head: the output is ${s.join('×')} but must be a vector of ${spec.classes} classes ` +
        `(end with Flatten/global pooling and a Dense layer of ${spec.classes} units)`,
    );
  }
}

/** Output shape of every layer (aligned with spec.layers); throws InvalidArchitectureError if invalid. */
export function inferShapes(spec: ArchitectureSpec): Shape[] {
  return analyze(spec).shapes;
}

/** Trainable and non-trainable parameters (see the header for the counting rules). */
export function countParams(spec: ArchitectureSpec): number {
  return analyze(spec).params;
}

/** Forward-pass FLOPs for one image (see the header for the counting rules). */
export function countFlops(spec: ArchitectureSpec): number {
  return analyze(spec).flops;
}

/** Null when the spec is a buildable model for its input and classes, else the reason. */
export function validityError(spec: ArchitectureSpec): string | null {
  try {
    analyze(spec);
    return null;
  } catch (err) {
    if (err instanceof ArchitectureError) return err.message;
    throw err;
  }
}
