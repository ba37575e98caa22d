export class TransferabilityInputError extends Error {
  override name = 'TransferabilityInputError';
}

/** Checks labels are integers 0..K−1 and returns K (= max + 1). */
export function checkLabels(labels: ArrayLike<number>, what: string): number {
  let K = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) {
      throw new TransferabilityInputError(
        `${what}: label ${l} at row ${i} is not a class index (integers from 0)`,
      );
    }
    K = Math.max(K, l + 1);
  }
  if (labels.length === 0) throw new TransferabilityInputError(`${what}: no labelled rows given`);
  return K;
}
