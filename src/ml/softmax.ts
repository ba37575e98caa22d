/** Row-wise softmax of an n×k row-major matrix (max subtracted first, so large scores do not overflow). */
export function softmaxRows(
  scores: ArrayLike<number>,
  n: number,
  k: number,
  out: Float64Array = new Float64Array(n * k),
): Float64Array {
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, scores[i * k + c]);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp(scores[i * k + c] - max);
    for (let c = 0; c < k; c++) out[i * k + c] /= sum;
  }
  return out;
}
