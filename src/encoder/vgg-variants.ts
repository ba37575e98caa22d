/**
 * VGG-like variants for the paper's encoder experiment: stacks of 3×3 conv (-BN) -ReLU blocks with
 * max pooling and dropout, then a dense head, varying depth, width, block sizes, BN, dropout
 * rates and head size. All parameters stay on the token grid of src/arch, so no token is UNK.
 */
import { SpecBuilder, validityError, type ArchitectureSpec } from '../arch';
import { SeededRandom } from '../random';

export interface VggVariantOptions {
  count: number;
  seed: number;
  input?: { height: number; width: number; channels: number };
  classes?: number;
}

const BASE_FILTERS = [32, 64, 128];
const WIDER: Record<number, number> = { 32: 64, 64: 128, 128: 256, 256: 512, 384: 512, 512: 512 };
const DROPOUTS = [0.2, 0.3, 0.4, 0.5];

export function vggVariants(opts: VggVariantOptions): ArchitectureSpec[] {
  const input = opts.input ?? { height: 32, width: 32, channels: 3 };
  const classes = opts.classes ?? 10;
  const rng = new SeededRandom(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];
  const out: ArchitectureSpec[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; out.length < opts.count; attempt++) {
    if (attempt > opts.count * 50)
      throw new Error(`could only draw ${out.length} distinct VGG-like variants`);
    const b = new SpecBuilder(input, classes, `vgg-variant-${out.length + 1}`);
    const blocks = 2 + rng.int(4);
    const batchNorm = rng.next() < 0.7;
    const dropout = rng.next() < 0.8 ? pick(DROPOUTS) : 0;
    let filters = pick(BASE_FILTERS);
    for (let block = 0; block < blocks; block++) {
      const convs = 1 + rng.int(3);
      for (let i = 0; i < convs; i++) {
        b.conv(filters, 3);
        if (batchNorm) b.simple('BatchNormalization');
        b.simple('ReLU');
      }
      b.pool('MAX', 2);
      if (dropout > 0) b.dropout(dropout);
      if (rng.next() < 0.8) filters = WIDER[filters];
    }
    b.simple('Flatten');
    const dense = rng.next() < 0.5 ? 1 : 2;
    for (let i = 0; i < dense; i++) {
      b.dense(pick([256, 512]), 'glorot_normal');
      if (batchNorm) b.simple('BatchNormalization');
      b.simple('ReLU');
      if (dropout > 0) b.dropout(0.5);
    }
    b.dense(classes, 'glorot_normal');
    b.simple('Softmax');
    const spec = b.build();
    const key = JSON.stringify(spec.layers.map(({ id: _id, ...layer }) => layer));
    if (seen.has(key) || validityError(spec) !== null) continue;
    seen.add(key);
    out.push(spec);
  }
  return out;
}
