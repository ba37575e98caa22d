/**
 * Batching for the language model: sentences padded into [rows, length] batches, cut into
 * time-major chunks for truncated BPTT, and gradient clipping.
 */
import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from '../random';

export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  mask: Float32Array;
  rows: number;
  length: number;
}

/**
 * Pads sentences ([BOS, t1..tn] ids) into [rows, length] batches; targets are the inputs shifted by
 * one, so the EOS padding supplies each row's final EOS target. With an rng (training) the order is
 * shuffled, grouping similar lengths so little compute goes to padding; without, it is kept.
 */
export function makeBatches(encoded: Int32Array[], size: number, eosId: number, rng?: SeededRandom): Batch[] {
  const order = encoded.map((_, i) => i);
  if (rng) {
    rng.shuffle(order);
    const pool = size * 16;
    for (let p = 0; p < order.length; p += pool) {
      const part = order.slice(p, p + pool).sort((a, b) => encoded[a].length - encoded[b].length);
      order.splice(p, part.length, ...part);
    }
  }
  const batches: Batch[] = [];
  for (let start = 0; start < order.length; start += size) {
    const rows = order.slice(start, start + size);
    const length = Math.max(...rows.map((i) => encoded[i].length));
    const inputs = new Int32Array(rows.length * length).fill(eosId);
    const targets = new Int32Array(rows.length * length).fill(eosId);
    const mask = new Float32Array(rows.length * length);
    rows.forEach((sentence, r) => {
      const ids = encoded[sentence];
      inputs.set(ids, r * length);
      targets.set(ids.subarray(1), r * length);
      mask.fill(1, r * length, r * length + ids.length);
    });
    batches.push({ inputs, targets, mask, rows: rows.length, length });
  }
  if (rng) rng.shuffle(batches);
  return batches;
}

interface Chunk {
  /** Time-major: entry t*rows + r is step t of row r. */
  ids: tf.Tensor1D;
  targets: tf.Tensor1D;
  mask: tf.Tensor1D;
  count: number;
}

/** Splits a batch into consecutive time chunks of at most `steps` steps, skipping all-padding chunks. */
export function* chunksOf(batch: Batch, steps: number): Generator<Chunk> {
  for (let start = 0; start < batch.length; start += steps) {
    const k = Math.min(steps, batch.length - start);
    const ids = new Int32Array(batch.rows * k);
    const targets = new Int32Array(batch.rows * k);
    const mask = new Float32Array(batch.rows * k);
    let count = 0;
    for (let t = 0; t < k; t++) {
      for (let r = 0; r < batch.rows; r++) {
        const from = r * batch.length + start + t;
        const to = t * batch.rows + r;
        ids[to] = batch.inputs[from];
        targets[to] = batch.targets[from];
        mask[to] = batch.mask[from];
        count += mask[to];
      }
    }
    if (count === 0) return;
    yield {
      ids: tf.tensor1d(ids, 'int32'),
      targets: tf.tensor1d(targets, 'int32'),
      mask: tf.tensor1d(mask),
      count,
    };
  }
}

export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const squared = names.map((n) => tf.sum(tf.square(grads[n])));
    const norm = Math.sqrt(tf.addN(squared).dataSync()[0]);
    const scale = norm > maxNorm ? maxNorm / norm : 1;
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(grads[n], scale);
    return out;
  });
}
