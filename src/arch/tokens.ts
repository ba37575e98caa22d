/**
 * Layer tokens and the vocabulary, in the scheme the paper's published implementation writes:
 *   Convolution2D_{filters}_{kr}_{kc}_{sr}_{sc}_{PAD}, Pooling2D_{kr}_{kc}_{sr}_{sc}_{FUNC}_{PAD},
 *   Dense_{units}_{init}, Dropout_{p}, LRN_{size}, bare names, and UNK for anything off the grid.
 * Input and Softmax carry no token (as ImageData/Softmax/CrossEntropyLoss in the published code).
 */
import type { LayerSpec } from './spec';

export const UNK = 'UNK';
export const CONV_FILTERS = [32, 64, 128, 256, 384, 512] as const;
export const KERNEL_SIZES = [1, 2, 3, 4, 5] as const;
export const STRIDES = [1, 2, 3] as const;
export const PADDINGS = ['SAME', 'VALID'] as const;
/** The published vocabulary also has GLOBAL-* pooling functions; spec.ts pools are MAX/AVERAGE only. */
export const POOL_FUNCS = ['MAX', 'AVERAGE', 'GLOBAL-MAX', 'GLOBAL-AVERAGE'] as const;
export const DENSE_UNITS = [10, 20, 30, 40, 50, 100, 200, 300, 512, 1024, 2048] as const;
export const DENSE_INITS = ['glorot_uniform', 'he_uniform', 'random_uniform'] as const;
export const DROPOUT_RATES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
export const LRN_SIZES = [3, 5, 7] as const;
/** Layers whose token is their bare type name. */
export const BARE_TOKENS = [
  'AbsoluteValue',
  'BatchNormalization',
  'Flatten',
  'Power',
  'ReLU',
  'Sigmoid',
  'Tanh',
];
/** The classifier head every generated model ends with: Dense_512, Dense_256, Dense_{classes}, glorot_normal. */
export const HEAD_INIT = 'glorot_normal';
export const HEAD_UNITS = [512, 256] as const;
/** Class counts of the repository datasets (MNIST/CIFAR-10/SVHN/STL-10: 10, letters: 26, GTSRB: 43, CIFAR-100: 100). */
export const HEAD_CLASS_COUNTS = [10, 26, 43, 100] as const;
/** Merge layers of DAG models (no counterpart in the published vocabulary, which is sequential-only). */
export const MERGE_TOKENS = ['Concat', 'Eltwise_SUM', 'Eltwise_PROD', 'Eltwise_MAX'];
/** dlrec's global-average-pooling layer reads as the published implementation's GLOBAL-AVERAGE pooling. */
export const GLOBAL_AVERAGE_TOKEN = 'Pooling2D_1_1_1_1_GLOBAL-AVERAGE_VALID';

const CONV_FILTER_SET = new Set<number>(CONV_FILTERS);
const DENSE_UNIT_SET = new Set<number>(DENSE_UNITS);
const DENSE_INIT_SET = new Set<string>(DENSE_INITS);
const LRN_SET = new Set<number>(LRN_SIZES);

const inRange = (v: unknown, lo: number, hi: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const pair = (p: unknown, lo: number, hi: number): p is [number, number] =>
  Array.isArray(p) && p.length === 2 && inRange(p[0], lo, hi) && inRange(p[1], lo, hi);
const isPadding = (p: unknown): boolean => p === 'SAME' || p === 'VALID';

/** `Dropout_0.3` for rates on the 0.1 grid, else null. */
export function dropoutToken(rate: unknown): string | null {
  if (typeof rate !== 'number' || !Number.isFinite(rate)) return null;
  const tenth = Math.round(rate * 10);
  if (tenth < 1 || tenth > 9 || Math.abs(rate * 10 - tenth) > 1e-6) return null;
  return `Dropout_0.${tenth}`;
}

/** Whether Dense_{units}_glorot_normal is a head token for a model with `classes` outputs. */
export function isHeadUnits(units: number, classes: number): boolean {
  return (
    units === 512 ||
    units === 256 ||
    units === classes ||
    (HEAD_CLASS_COUNTS as readonly number[]).includes(units)
  );
}

/**
 * The token of one layer, UNK when its type or parameters are off the published grid, or null for
 * layers that carry no token (Softmax). `classes` decides which glorot_normal Dense layers are head tokens.
 */
export function tokenFor(layer: LayerSpec, classes: number): string | null {
  const p = (layer.params ?? {}) as Record<string, unknown>;
  switch (layer.type) {
    case 'Convolution2D':
      if (!CONV_FILTER_SET.has(p.filters as number) || !pair(p.kernel, 1, 5) || !pair(p.strides, 1, 3))
        return UNK;
      if (!isPadding(p.padding)) return UNK;
      return `Convolution2D_${p.filters}_${p.kernel[0]}_${p.kernel[1]}_${p.strides[0]}_${p.strides[1]}_${p.padding}`;
    case 'Pooling2D':
      if (!pair(p.kernel, 1, 5) || !pair(p.strides, 1, 3) || !isPadding(p.padding)) return UNK;
      if (p.func !== 'MAX' && p.func !== 'AVERAGE') return UNK;
      return `Pooling2D_${p.kernel[0]}_${p.kernel[1]}_${p.strides[0]}_${p.strides[1]}_${p.func}_${p.padding}`;
    case 'Dense': {
      const units = p.units as number;
      if (p.init === HEAD_INIT && isHeadUnits(units, classes)) return `Dense_${units}_${HEAD_INIT}`;
      if (!DENSE_UNIT_SET.has(units) || !DENSE_INIT_SET.has(p.init as string)) return UNK;
      return `Dense_${units}_${p.init}`;
    }
    case 'Dropout':
      return dropoutToken(p.rate) ?? UNK;
    case 'LRN':
      return LRN_SET.has(p.size as number) ? `LRN_${p.size}` : UNK;
    case 'Eltwise':
      return p.op === 'SUM' || p.op === 'PROD' || p.op === 'MAX' ? `Eltwise_${p.op}` : UNK;
    case 'Concat':
      return 'Concat';
    case 'GlobalAveragePooling2D':
      return GLOBAL_AVERAGE_TOKEN;
    case 'Softmax':
      return null;
    default:
      return BARE_TOKENS.includes(layer.type) ? layer.type : UNK;
  }
}

/**
 * The whole vocabulary, one entry per token, UNK last. It contains every token of the published
 * vocabulary (pooling fields reordered to the sentence order) plus the head tokens for the repository's
 * class counts and `extraClasses`, and dlrec's merge tokens.
 */
export function vocabulary(extraClasses: number[] = []): string[] {
  const out: string[] = [];
  // kernel rows, kernel cols, stride rows, stride cols: the order both token kinds write them in
  const windows = KERNEL_SIZES.flatMap((kr) =>
    KERNEL_SIZES.flatMap((kc) => STRIDES.flatMap((sr) => STRIDES.map((sc) => `${kr}_${kc}_${sr}_${sc}`))),
  );
  for (const f of CONV_FILTERS)
    for (const w of windows) for (const pad of PADDINGS) out.push(`Convolution2D_${f}_${w}_${pad}`);
  for (const fn of POOL_FUNCS)
    for (const w of windows) for (const pad of PADDINGS) out.push(`Pooling2D_${w}_${fn}_${pad}`);
  out.push(...BARE_TOKENS);
  for (const r of DROPOUT_RATES) out.push(dropoutToken(r) as string);
  for (const u of DENSE_UNITS) for (const init of DENSE_INITS) out.push(`Dense_${u}_${init}`);
  for (const s of LRN_SIZES) out.push(`LRN_${s}`);
  const head = [
    ...HEAD_UNITS,
    ...HEAD_CLASS_COUNTS,
    ...extraClasses.filter((c) => Number.isInteger(c) && c > 0),
  ];
  for (const u of [...new Set(head)]) out.push(`Dense_${u}_${HEAD_INIT}`);
  out.push(...MERGE_TOKENS, UNK);
  return [...new Set(out)];
}
