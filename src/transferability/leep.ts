/**
 * LEEP (Nguyen et al., ICML 2020): log expected empirical prediction. From the source model's class
 * probabilities θ(x) on target images and the target labels, build the empirical conditional P(y | z) of
 * target label given source class, then average log Σ_z P(y_i | z) θ(x_i)_z. Higher (closer to 0) = better.
 */
import { TransferabilityInputError, checkLabels } from './labels';
import { softmaxRows } from '../ml/softmax';

/** `outputs` is row-major N × Z: logits (softmaxed here) or, with `probabilities: true`, rows summing to 1. */
export function leep(
  outputs: Float32Array | Float64Array,
  labels: ArrayLike<number>,
  opts: { probabilities?: boolean } = {},
): number {
  const N = labels.length;
  const K = checkLabels(labels, 'LEEP');
  if (outputs.length % N !== 0) {
    throw new TransferabilityInputError(`LEEP: ${outputs.length} outputs do not split into ${N} rows`);
  }
  const Z = outputs.length / N;
  const theta = opts.probabilities ? Float64Array.from(outputs) : softmaxRows(outputs, N, Z);
  if (opts.probabilities) {
    for (let i = 0; i < N; i++) {
      let sum = 0;
      for (let z = 0; z < Z; z++) sum += theta[i * Z + z];
      if (Math.abs(sum - 1) > 1e-3) {
        throw new TransferabilityInputError(
          `LEEP: row ${i} sums to ${sum}, not 1; pass logits without probabilities:true`,
        );
      }
    }
  }
  const joint = new Float64Array(K * Z); // P̂(y, z)
  for (let i = 0; i < N; i++) for (let z = 0; z < Z; z++) joint[labels[i] * Z + z] += theta[i * Z + z] / N;
  const marginal = new Float64Array(Z); // P̂(z)
  for (let y = 0; y < K; y++) for (let z = 0; z < Z; z++) marginal[z] += joint[y * Z + z];
  let total = 0;
  for (let i = 0; i < N; i++) {
    const y = labels[i];
    let p = 0;
    for (let z = 0; z < Z; z++) if (marginal[z] > 0) p += (joint[y * Z + z] / marginal[z]) * theta[i * Z + z];
    total += Math.log(p);
  }
  return total / N;
}
