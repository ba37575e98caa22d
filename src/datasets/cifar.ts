import { DatasetError, labelArray, type ImageSet } from './types';

/** Krizhevsky's binary CIFAR layout: per record the label byte(s), then 1024 R, 1024 G, 1024 B (row-major). */
const PIXELS = 32 * 32;
const RECORD_PIXELS = 3 * PIXELS;

// prettier-ignore
export const CIFAR10_CLASSES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];

export interface CifarOptions {
  /** 'cifar10': one label byte; 'cifar100': coarse then fine label byte. */
  variant: 'cifar10' | 'cifar100';
  /** For CIFAR-100: which label to keep (default fine, the 100-class task). */
  labelKind?: 'fine' | 'coarse';
  classNames?: string[];
}

/** Parses one or more CIFAR binary batch files into an HWC image set. */
export function parseCifarBinary(files: Uint8Array[], opts: CifarOptions, what = 'CIFAR binary'): ImageSet {
  const labelBytes = opts.variant === 'cifar100' ? 2 : 1;
  const record = labelBytes + RECORD_PIXELS;
  let count = 0;
  for (const [i, f] of files.entries()) {
    if (f.length === 0 || f.length % record !== 0) {
      throw new DatasetError(
        `${what} file ${i + 1}: ${f.length} bytes is not a multiple of the ${record}-byte ${opts.variant} record`,
      );
    }
    count += f.length / record;
  }
  const nClasses =
    opts.classNames?.length ?? (opts.variant === 'cifar10' ? 10 : opts.labelKind === 'coarse' ? 20 : 100);
  const names =
    opts.classNames ??
    (opts.variant === 'cifar10' ? CIFAR10_CLASSES : Array.from({ length: nClasses }, (_, i) => String(i)));
  const images = new Uint8Array(count * RECORD_PIXELS);
  const labels = labelArray(count, names.length);
  const labelOffset = opts.variant === 'cifar100' && opts.labelKind !== 'coarse' ? 1 : 0;
  let n = 0;
  for (const f of files) {
    for (let r = 0; r < f.length; r += record, n++) {
      const label = f[r + labelOffset];
      if (label >= names.length)
        throw new DatasetError(`${what}: record ${n} has label ${label} ≥ ${names.length}`);
      labels[n] = label;
      const src = r + labelBytes;
      const dst = n * RECORD_PIXELS;
      for (let p = 0; p < PIXELS; p++) {
        images[dst + 3 * p] = f[src + p];
        images[dst + 3 * p + 1] = f[src + PIXELS + p];
        images[dst + 3 * p + 2] = f[src + 2 * PIXELS + p];
      }
    }
  }
  return { images, labels, count, height: 32, width: 32, channels: 3, classNames: names };
}

/** Writes CIFAR binary records from an HWC 32×32×3 set (tests and export; the inverse of parseCifarBinary). */
export function encodeCifarBinary(
  set: ImageSet,
  variant: 'cifar10' | 'cifar100',
  coarse?: ArrayLike<number>,
): Buffer {
  const labelBytes = variant === 'cifar100' ? 2 : 1;
  const record = labelBytes + RECORD_PIXELS;
  const out = Buffer.alloc(set.count * record);
  for (let n = 0; n < set.count; n++) {
    const r = n * record;
    if (variant === 'cifar100') {
      out[r] = coarse ? coarse[n] : 0;
      out[r + 1] = set.labels[n];
    } else out[r] = set.labels[n];
    for (let p = 0; p < PIXELS; p++) {
      for (let c = 0; c < 3; c++)
        out[r + labelBytes + c * PIXELS + p] = set.images[n * RECORD_PIXELS + 3 * p + c];
    }
  }
  return out;
}
