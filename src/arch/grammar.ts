/**
 * The grammar of generated models: a body of conv/pool/normalisation/activation/dropout/LRN/power/abs
 * layers starting with a convolution (for a share of models with residual or concat blocks), Flatten, an
 * optional dense block (a grid Dense, then maybe BatchNormalization and Dropout), and the classifier head
 * Dense_512_glorot_normal Dense_256_glorot_normal Dense_{classes}_glorot_normal (+ Softmax, no token).
 * The target sentence length is triangular on MIN_TOKENS..MAX_TOKENS. Shapes are tracked while drawing,
 * so that a layer that makes the model invalid is redrawn at once.
 */
import { layerOutput, type Shape } from './shapes';
import { INPUT_ID, type LayerSpec } from './spec';
import { CONV_FILTERS, DENSE_INITS, DENSE_UNITS, DROPOUT_RATES, HEAD_INIT, LRN_SIZES } from './tokens';

export const MIN_TOKENS = 5;
export const MAX_TOKENS = 23;

export interface InputShape {
  height: number;
  width: number;
  channels: number;
}

/** Architectures are drawn from the one seeded stream (src/random.ts). */
export { SeededRandom as Rng } from '../random';
import type { SeededRandom as Rng } from '../random';

export type BodyKind =
  'conv' | 'pool' | 'bn' | 'relu' | 'tanh' | 'sigmoid' | 'dropout' | 'lrn' | 'power' | 'abs';
export const BODY_WEIGHTS: Array<[BodyKind, number]> = [
  ['conv', 30],
  ['pool', 13],
  ['bn', 12],
  ['relu', 15],
  ['tanh', 3],
  ['sigmoid', 3],
  ['dropout', 10],
  ['lrn', 5],
  ['power', 4],
  ['abs', 5],
];
const BODY_TOTAL = BODY_WEIGHTS.reduce((a, [, w]) => a + w, 0);
export const STRIDE_DRAW = [1, 1, 1, 1, 1, 1, 1, 2, 2, 3];
export const POOL_KERNEL_DRAW = [1, 2, 2, 2, 3, 3, 3, 4, 5];
export const POOL_STRIDE_DRAW = [1, 1, 2, 2, 2, 3];
/** The grammar's coin flips, named so that grammar-likelihood.ts scores sentences with the same numbers. */
export const CHANCES = {
  convSquareKernel: 0.8,
  convSameStride: 0.85,
  convSamePadding: 0.6,
  poolSquareKernel: 0.85,
  poolSameStride: 0.85,
  poolMax: 0.7,
  poolSamePadding: 0.5,
  denseBlock: 0.35,
  denseExtra: 0.5,
  denseBatchNorm: 0.5,
  blockPerStep: 0.35,
} as const;
const C = CHANCES;

type NewLayer = LayerSpec extends infer L ? (L extends LayerSpec ? Omit<L, 'id' | 'inputs'> : never) : never;

/** Builds one model layer by layer, tracking shapes so that invalid draws are caught at once. */
export class Draft {
  layers: LayerSpec[] = [];
  shapes: Shape[] = [];
  params = 0;
  flops = 0;
  tokens = 0;
  dag = false;
  constructor(readonly inputShape: Shape) {}

  get last(): number {
    return this.layers.length - 1;
  }
  shapeOf(i: number): Shape {
    return i < 0 ? this.inputShape : this.shapes[i];
  }
  /** Appends a layer reading `from` (default: the previous layer); false (and nothing added) if invalid. */
  push(layer: NewLayer, from?: number[]): boolean {
    const full = Object.assign({ id: `l${this.layers.length + 1}` }, layer) as LayerSpec;
    const shapes: Shape[] = from ? from.map((i) => this.shapeOf(i)) : [this.shapeOf(this.last)];
    const out = layerOutput(full, shapes);
    if (typeof out === 'string') return false;
    if (from && !(from.length === 1 && from[0] === this.last)) {
      full.inputs = from.map((i) => (i < 0 ? INPUT_ID : this.layers[i].id));
      this.dag = true;
    }
    this.layers.push(full);
    this.shapes.push(out.shape);
    this.params += out.params;
    this.flops += out.flops;
    if (full.type !== 'Softmax') this.tokens++;
    return true;
  }
}

export function drawConv(rng: Rng, filters?: number, kernel?: number): NewLayer {
  const kr = kernel ?? rng.between(1, 5);
  const kc = kernel ?? (rng.chance(C.convSquareKernel) ? kr : rng.between(1, 5));
  const sr = kernel ? 1 : rng.pick(STRIDE_DRAW);
  const sc = kernel ? 1 : rng.chance(C.convSameStride) ? sr : rng.pick(STRIDE_DRAW);
  const padding = kernel || rng.chance(C.convSamePadding) ? 'SAME' : 'VALID';
  return {
    type: 'Convolution2D',
    params: { filters: filters ?? rng.pick(CONV_FILTERS), kernel: [kr, kc], strides: [sr, sc], padding },
  };
}

export function drawBodyLayer(rng: Rng, kind: BodyKind): NewLayer {
  switch (kind) {
    case 'conv':
      return drawConv(rng);
    case 'pool': {
      const kr = rng.pick(POOL_KERNEL_DRAW);
      const kc = rng.chance(C.poolSquareKernel) ? kr : rng.pick(POOL_KERNEL_DRAW);
      const sr = rng.pick(POOL_STRIDE_DRAW);
      const sc = rng.chance(C.poolSameStride) ? sr : rng.pick(POOL_STRIDE_DRAW);
      return {
        type: 'Pooling2D',
        params: {
          func: rng.chance(C.poolMax) ? 'MAX' : 'AVERAGE',
          kernel: [kr, kc],
          strides: [sr, sc],
          padding: rng.chance(C.poolSamePadding) ? 'SAME' : 'VALID',
        },
      };
    }
    case 'bn':
      return { type: 'BatchNormalization' };
    case 'relu':
      return { type: 'ReLU' };
    case 'tanh':
      return { type: 'Tanh' };
    case 'sigmoid':
      return { type: 'Sigmoid' };
    case 'dropout':
      return { type: 'Dropout', params: { rate: rng.pick(DROPOUT_RATES) } };
    case 'lrn':
      return { type: 'LRN', params: { size: rng.pick(LRN_SIZES) } };
    case 'power':
      return { type: 'Power' };
    case 'abs':
      return { type: 'AbsoluteValue' };
  }
}

export function drawKind(rng: Rng): BodyKind {
  let r = rng.next() * BODY_TOTAL;
  for (const [kind, w] of BODY_WEIGHTS) if ((r -= w) < 0) return kind;
  return 'conv';
}

const FILTER_SET = new Set<number>(CONV_FILTERS);

/** A residual block (conv, [BN], ReLU, conv, Eltwise with the block input) or a two-branch concat block. */
function drawBlock(rng: Rng, d: Draft): boolean {
  const x = d.last;
  const c = d.shapeOf(x)[2];
  if (FILTER_SET.has(c) && rng.chance(0.6)) {
    const k = rng.pick([1, 3, 3, 5]);
    if (!d.push(drawConv(rng, c, k))) return false;
    if (rng.chance(0.5)) d.push({ type: 'BatchNormalization' });
    d.push({ type: 'ReLU' });
    if (!d.push(drawConv(rng, c, k))) return false;
    const op = rng.pick(['SUM', 'SUM', 'SUM', 'PROD', 'MAX'] as const);
    return d.push({ type: 'Eltwise', params: { op } }, [d.last, x]);
  }
  if (!d.push(drawConv(rng, rng.pick(CONV_FILTERS), 1), [x])) return false;
  const a = d.last;
  if (!d.push(drawConv(rng, rng.pick(CONV_FILTERS), rng.pick([3, 5])), [x])) return false;
  return d.push({ type: 'Concat' }, [a, d.last]);
}

/** Triangular on MIN_TOKENS..MAX_TOKENS (mode in the middle), like the spread of the paper's corpus. */
function drawLength(rng: Rng): number {
  const span = MAX_TOKENS - MIN_TOKENS;
  return MIN_TOKENS + Math.round(((rng.next() + rng.next()) / 2) * span);
}

/** Draws of one layer before the model is rejected; tokens a residual/concat block needs. */
export const MAX_LAYER_TRIES = 8;
export const BLOCK_ROOM = 5;
/** Bodies shorter than this never get blocks. */
export const BLOCK_MIN_BODY = 6;
/** Flatten and the three head Dense layers: the tokens after the body besides the dense block. */
export const TAIL_TOKENS = 4;

/** Draws one model; null when it had to be rejected. */
export function drawModel(rng: Rng, input: InputShape, classes: number, dagShare: number): Draft | null {
  const d = new Draft([input.height, input.width, input.channels]);
  const target = drawLength(rng);
  let denseLen = rng.chance(C.denseBlock)
    ? 1 + (rng.chance(C.denseExtra) ? 1 : 0) + (rng.chance(C.denseExtra) ? 1 : 0)
    : 0;
  const bodyLen = Math.max(1, target - TAIL_TOKENS - denseLen);
  denseLen = Math.min(denseLen, target - TAIL_TOKENS - bodyLen);
  let blocks =
    bodyLen >= BLOCK_MIN_BODY && rng.chance(dagShare) ? (bodyLen >= 12 && rng.chance(0.4) ? 2 : 1) : 0;

  let ok = false;
  for (let t = 0; t < MAX_LAYER_TRIES && !ok; t++) ok = d.push(drawConv(rng));
  if (!ok) return null;
  while (d.tokens < bodyLen) {
    if (blocks > 0 && bodyLen - d.tokens >= BLOCK_ROOM && rng.chance(C.blockPerStep)) {
      blocks--;
      if (!drawBlock(rng, d)) return null;
      continue;
    }
    ok = false;
    for (let t = 0; t < MAX_LAYER_TRIES && !ok; t++) ok = d.push(drawBodyLayer(rng, drawKind(rng)));
    if (!ok) return null;
  }
  if (!d.push({ type: 'Flatten' })) return null;
  if (denseLen > 0) {
    d.push({ type: 'Dense', params: { units: rng.pick(DENSE_UNITS), init: rng.pick(DENSE_INITS) } });
    if (denseLen > 1)
      d.push(
        rng.chance(C.denseBatchNorm)
          ? { type: 'BatchNormalization' }
          : { type: 'Dropout', params: { rate: rng.pick(DROPOUT_RATES) } },
      );
    if (denseLen > 2) d.push({ type: 'Dropout', params: { rate: rng.pick(DROPOUT_RATES) } });
  }
  for (const units of [512, 256, classes]) d.push({ type: 'Dense', params: { units, init: HEAD_INIT } });
  d.push({ type: 'Softmax' });
  return d;
}
