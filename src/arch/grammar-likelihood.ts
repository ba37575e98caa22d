/**
 * The generator's own probability of a sentence: the Bayes-optimal next-token model for the corpus that
 * grammar.ts draws, used as the floor under the encoder's language-model perplexity.
 *
 * Scope: linear models (one sentence, no UNK). For those, P(sentence | linear) factorises as
 *   P(bodyLen, denseLen | linear) · P(first conv | valid) · Π P(body layer | its input shape, valid) · P(dense block)
 * and Flatten, the head and EOS are certain. A layer drawn invalid is redrawn, so each accepted layer
 * follows the grammar's proposal restricted to the layers valid on the current shape. Ignored (all tiny
 * here): models rejected after MAX_LAYER_TRIES failed draws, and duplicate models dropped.
 */
import { layerOutput, type Shape } from './shapes';
import type { LayerSpec } from './spec';
import {
  BLOCK_MIN_BODY,
  BLOCK_ROOM,
  BODY_WEIGHTS,
  CHANCES as C,
  MAX_TOKENS,
  MIN_TOKENS,
  POOL_KERNEL_DRAW,
  POOL_STRIDE_DRAW,
  STRIDE_DRAW,
  TAIL_TOKENS,
  type BodyKind,
  type InputShape,
} from './grammar';
import {
  CONV_FILTERS,
  DENSE_INITS,
  DENSE_UNITS,
  DROPOUT_RATES,
  HEAD_INIT,
  LRN_SIZES,
  tokenFor,
} from './tokens';

type Dist<T> = Array<[T, number]>;
type Layer = Omit<LayerSpec, 'id'>;

const uniform = <T>(xs: readonly T[]): Dist<T> => xs.map((x) => [x, 1 / xs.length]);
const coin = <T>(p: number, yes: T, no: T): Dist<T> => [
  [yes, p],
  [no, 1 - p],
];
/** The grammar's `chance(keep) ? x : pick(fresh)`. */
const keepOr = <T>(x: T, keep: number, fresh: Dist<T>): Dist<T> => [
  [x, keep],
  ...fresh.map(([v, p]): [T, number] => [v, (1 - keep) * p]),
];
const KERNELS = [1, 2, 3, 4, 5];

type Window = { kernel: [number, number]; strides: [number, number]; padding: 'SAME' | 'VALID' };

/** A window layer's kernel, strides and padding, drawn as the grammar does for convolutions and pooling. */
function windowDraws(
  kernels: number[],
  keepKernel: number,
  strides: number[],
  keepStride: number,
  same: number,
) {
  const out: Dist<Window> = [];
  for (const [kr, pkr] of uniform(kernels))
    for (const [kc, pkc] of keepOr(kr, keepKernel, uniform(kernels)))
      for (const [sr, psr] of uniform(strides))
        for (const [sc, psc] of keepOr(sr, keepStride, uniform(strides)))
          for (const [padding, pp] of coin(same, 'SAME' as const, 'VALID' as const))
            out.push([{ kernel: [kr, kc], strides: [sr, sc], padding }, pkr * pkc * psr * psc * pp]);
  return out;
}

function convDraws(): Dist<Layer> {
  const windows = windowDraws(KERNELS, C.convSquareKernel, STRIDE_DRAW, C.convSameStride, C.convSamePadding);
  return windows.flatMap(([w, pw]) =>
    uniform(CONV_FILTERS).map(([filters, pf]): [Layer, number] => [
      { type: 'Convolution2D', params: { filters, ...w } } as Layer,
      pw * pf,
    ]),
  );
}

function poolDraws(): Dist<Layer> {
  const windows = windowDraws(
    POOL_KERNEL_DRAW,
    C.poolSquareKernel,
    POOL_STRIDE_DRAW,
    C.poolSameStride,
    C.poolSamePadding,
  );
  return windows.flatMap(([w, pw]) =>
    coin(C.poolMax, 'MAX', 'AVERAGE').map(([func, pf]): [Layer, number] => [
      { type: 'Pooling2D', params: { func, ...w } } as Layer,
      pw * pf,
    ]),
  );
}

const dropoutDraws = (): Dist<Layer> =>
  uniform(DROPOUT_RATES).map(([rate, p]) => [{ type: 'Dropout', params: { rate } } as Layer, p]);

function kindDraws(kind: BodyKind): Dist<Layer> {
  const bare = (type: string): Dist<Layer> => [[{ type } as Layer, 1]];
  switch (kind) {
    case 'conv':
      return convDraws();
    case 'pool':
      return poolDraws();
    case 'bn':
      return bare('BatchNormalization');
    case 'relu':
      return bare('ReLU');
    case 'tanh':
      return bare('Tanh');
    case 'sigmoid':
      return bare('Sigmoid');
    case 'dropout':
      return dropoutDraws();
    case 'lrn':
      return uniform(LRN_SIZES).map(([size, p]) => [{ type: 'LRN', params: { size } } as Layer, p]);
    case 'power':
      return bare('Power');
    case 'abs':
      return bare('AbsoluteValue');
  }
}

/** One distinct token of a draw, with its total proposal probability and one layer that gives it. */
interface Outcome {
  token: string;
  p: number;
  layer: LayerSpec;
}

function byToken(draws: Dist<Layer>, classes: number): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  for (const [l, p] of draws) {
    const layer = { id: 'x', ...l } as LayerSpec;
    const token = tokenFor(layer, classes)!;
    const o = out.get(token);
    if (o) o.p += p;
    else out.set(token, { token, p, layer });
  }
  return out;
}

/** The proposal distributions by token: the first layer (a convolution) and every later body layer. */
export function bodyProposals(classes: number): { first: Map<string, Outcome>; body: Map<string, Outcome> } {
  const total = BODY_WEIGHTS.reduce((a, [, w]) => a + w, 0);
  const body: Dist<Layer> = BODY_WEIGHTS.flatMap(([kind, w]) =>
    kindDraws(kind).map(([l, p]): [Layer, number] => [l, (w / total) * p]),
  );
  return { first: byToken(convDraws(), classes), body: byToken(body, classes) };
}

/** P(round(span · mean of two uniforms) = k): the grammar's triangular sentence length, minus MIN_TOKENS. */
function lengthProbability(k: number, span: number): number {
  const cdf = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x <= 0.5 ? 2 * x * x : 1 - 2 * (1 - x) ** 2);
  return cdf((k + 0.5) / span) - cdf((k - 0.5) / span);
}

/** P(no residual/concat block is drawn | body length): a block is tried once per step with room for one. */
export function linearShare(bodyLen: number, dagShare: number): number {
  if (bodyLen < BLOCK_MIN_BODY) return 1;
  return 1 - dagShare * (1 - (1 - C.blockPerStep) ** (bodyLen - BLOCK_ROOM));
}

/** P(bodyLen, denseLen | the model is linear), keyed `${bodyLen}:${denseLen}`. */
export function skeletonDistribution(dagShare: number): Map<string, number> {
  // 0 with 1 − denseBlock, else 1 + two coin flips of denseExtra.
  const e = C.denseExtra;
  const dense: Dist<number> = [
    [0, 1 - C.denseBlock],
    [1, C.denseBlock * (1 - e) ** 2],
    [2, C.denseBlock * 2 * e * (1 - e)],
    [3, C.denseBlock * e * e],
  ];
  const span = MAX_TOKENS - MIN_TOKENS;
  const joint = new Map<string, number>();
  let linear = 0;
  for (let k = 0; k <= span; k++) {
    const target = MIN_TOKENS + k;
    for (const [drawn, pd] of dense) {
      const bodyLen = Math.max(1, target - TAIL_TOKENS - drawn);
      const denseLen = Math.min(drawn, target - TAIL_TOKENS - bodyLen);
      const p = lengthProbability(k, span) * pd * linearShare(bodyLen, dagShare);
      const key = `${bodyLen}:${denseLen}`;
      joint.set(key, (joint.get(key) ?? 0) + p);
      linear += p;
    }
  }
  for (const [key, p] of joint) joint.set(key, p / linear);
  return joint;
}

/** P(each token of the dense block | its position): a Dense, then BatchNormalization or Dropout, then Dropout. */
function denseBlockSteps(classes: number): Map<string, number>[] {
  const probabilities = (draws: Dist<Layer>) =>
    new Map([...byToken(draws, classes)].map(([t, o]) => [t, o.p]));
  const dense = probabilities(
    uniform(DENSE_UNITS).flatMap(([units, pu]) =>
      uniform(DENSE_INITS).map(([init, pi]): [Layer, number] => [
        { type: 'Dense', params: { units, init } } as Layer,
        pu * pi,
      ]),
    ),
  );
  const dropout = probabilities(dropoutDraws());
  const second = new Map<string, number>([['BatchNormalization', C.denseBatchNorm]]);
  for (const [t, p] of dropout) second.set(t, (second.get(t) ?? 0) + (1 - C.denseBatchNorm) * p);
  return [dense, second, dropout];
}

export interface GrammarLikelihood {
  /** Natural-log probability of a linear model's sentence under the generator; -Infinity if it cannot draw it. */
  logProbability(sentence: string): number;
  /** P(next body token | the body so far, and that the body goes on): the distribution each step draws from. */
  nextBodyToken(body: string[]): Map<string, number>;
}

/** The scorer for one generation setting (input shape, class count, share of DAG models). */
export function grammarLikelihood(input: InputShape, classes: number, dagShare = 0.15): GrammarLikelihood {
  const { first, body } = bodyProposals(classes);
  const skeleton = skeletonDistribution(dagShare);
  const denseSteps = denseBlockSteps(classes);
  const head = [512, 256, classes].map((u) => `Dense_${u}_${HEAD_INIT}`);
  const validMass = new Map<string, number>();
  const proposalAt = (i: number) => (i === 0 ? first : body);

  /** P(token | shape) for the body's i-th draw, redrawn until valid, and the shape after it. */
  const step = (i: number, shape: Shape, token: string) => {
    const proposal = proposalAt(i);
    const o = proposal.get(token);
    if (!o) return null;
    const out = layerOutput(o.layer, [shape]);
    if (typeof out === 'string') return null;
    const cacheKey = `${i === 0 ? 'first' : 'body'}:${shape.join('x')}`;
    let mass = validMass.get(cacheKey);
    if (mass === undefined) {
      mass = 0;
      for (const c of proposal.values()) if (typeof layerOutput(c.layer, [shape]) !== 'string') mass += c.p;
      validMass.set(cacheKey, mass);
    }
    return { p: o.p / mass, shape: out.shape };
  };

  /** The log-probability of a body prefix and the shape after it, or null if the generator cannot draw it. */
  const walk = (tokens: string[]): { logP: number; shape: Shape } | null => {
    let shape: Shape = [input.height, input.width, input.channels];
    let logP = 0;
    for (let i = 0; i < tokens.length; i++) {
      const s = step(i, shape, tokens[i]);
      if (!s) return null;
      logP += Math.log(s.p);
      shape = s.shape;
    }
    return { logP, shape };
  };

  return {
    nextBodyToken(prefix: string[]): Map<string, number> {
      const at = walk(prefix);
      const out = new Map<string, number>();
      if (!at) return out;
      for (const token of proposalAt(prefix.length).keys()) {
        const s = step(prefix.length, at.shape, token);
        if (s) out.set(token, s.p);
      }
      return out;
    },
    logProbability(sentence: string): number {
      const tokens = sentence.split(' ');
      const flatten = tokens.indexOf('Flatten');
      const denseLen = tokens.length - flatten - 1 - head.length;
      if (flatten < 1 || denseLen < 0 || tokens.slice(-head.length).join(' ') !== head.join(' '))
        return -Infinity;
      const skeletonP = skeleton.get(`${flatten}:${denseLen}`) ?? 0;
      const bodyWalk = skeletonP > 0 ? walk(tokens.slice(0, flatten)) : null;
      if (!bodyWalk) return -Infinity;
      const dense = tokens.slice(flatten + 1, flatten + 1 + denseLen);
      const denseP = dense.reduce((p, t, i) => p * (denseSteps[i].get(t) ?? 0), 1);
      return Math.log(skeletonP) + bodyWalk.logP + Math.log(denseP);
    },
  };
}

/** Sentences a linear model gives (no merge, no UNK): the ones the generator's likelihood can score. */
export function isLinearSentence(sentence: string): boolean {
  return !/(^| )(UNK|Concat|Eltwise_[A-Z]+)( |$)/.test(sentence);
}

/**
 * The generator's perplexity over sentences, predicting every token and then EOS as the language model
 * does: exp(−Σ log P(sentence) / Σ (tokens + 1)). The floor no next-token model can beat on that corpus.
 */
export function generatorPerplexity(likelihood: GrammarLikelihood, sentences: string[]): number {
  let nll = 0;
  let targets = 0;
  for (const s of sentences) {
    nll -= likelihood.logProbability(s);
    targets += s.split(' ').length + 1;
  }
  if (targets === 0) throw new Error('generatorPerplexity needs at least one sentence');
  return Math.exp(nll / targets);
}
