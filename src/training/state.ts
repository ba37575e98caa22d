/**
 * Training state for checkpoints: weights, optimiser slots, epoch, RNG state and the bookkeeping early
 * stopping needs, serialised to one byte buffer (a JSON header + the float32 arrays it describes).
 */

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface TrainingState {
  /** Epochs completed. */
  epoch: number;
  /** Every model weight (trainable and not, e.g. BatchNorm moving statistics), in model.weights order. */
  weights: NamedArray[];
  /** Optimiser state from optimizer.getWeights(): iteration count and momentum accumulators. */
  optimizer: NamedArray[];
  /** Weights of the best validation epoch so far (early stopping restores them), or null. */
  bestWeights: NamedArray[] | null;
  rngState: number;
  /** Optimiser steps taken (drives the learning-rate warm-up). */
  step: number;
  bestValLoss: number | null;
  epochsSinceBest: number;
  diverged: boolean;
  lossCurve: number[];
  valLossCurve: number[];
  valAccuracyCurve: number[];
  /** Training seconds and images processed so far (resumed runs keep counting). */
  trainSeconds: number;
  imagesSeen: number;
  /** Per-channel normalisation computed on the training split. */
  mean: number[];
  std: number[];
}

const MAGIC = 'DLRECSTATE1';

type Header = Omit<TrainingState, 'weights' | 'optimizer' | 'bestWeights'> & {
  arrays: { group: 'weights' | 'optimizer' | 'bestWeights'; name: string; shape: number[] }[];
  hasBest: boolean;
};

export function encodeState(state: TrainingState): Uint8Array {
  const { weights, optimizer, bestWeights, ...rest } = state;
  const groups = [
    ['weights', weights],
    ['optimizer', optimizer],
    ['bestWeights', bestWeights ?? []],
  ] as const;
  const arrays: Header['arrays'] = [];
  const blobs: Float32Array[] = [];
  for (const [group, list] of groups) {
    for (const a of list) {
      arrays.push({ group, name: a.name, shape: a.shape });
      blobs.push(a.data);
    }
  }
  const header: Header = { ...rest, bestValLoss: rest.bestValLoss, arrays, hasBest: bestWeights !== null };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  // Pad the header so the float data starts 4-byte aligned and can be viewed without copying.
  const headLen = MAGIC.length + 4 + json.length;
  const pad = (4 - (headLen % 4)) % 4;
  const dataBytes = blobs.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(headLen + pad + dataBytes);
  out.set(Buffer.from(MAGIC, 'ascii'), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, json.length + pad, true);
  out.set(json, MAGIC.length + 4);
  out.fill(0x20, headLen, headLen + pad);
  let o = headLen + pad;
  for (const b of blobs) {
    out.set(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), o);
    o += b.byteLength;
  }
  return out;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function decodeState(bytes: Uint8Array): TrainingState {
  const magic = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(MAGIC.length, bytes.length)).toString(
    'ascii',
  );
  if (magic !== MAGIC)
    throw new CheckpointError('not a dlrec training checkpoint (bad magic); delete it to retrain');
  const len = new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length, true);
  const start = MAGIC.length + 4;
  const header = JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + start, len).toString('utf8'),
  ) as Header;
  const copy = new Uint8Array(bytes.subarray(start + len)); // aligned private copy of the float data
  const floats = new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  const groups: Record<Header['arrays'][number]['group'], NamedArray[]> = {
    weights: [],
    optimizer: [],
    bestWeights: [],
  };
  let o = 0;
  for (const a of header.arrays) {
    const n = a.shape.reduce((x, y) => x * y, 1);
    if (o + n > floats.length)
      throw new CheckpointError('truncated dlrec training checkpoint; delete it to retrain');
    groups[a.group].push({ name: a.name, shape: a.shape, data: floats.subarray(o, o + n) });
    o += n;
  }
  const { arrays: _arrays, hasBest, ...rest } = header;
  return {
    ...rest,
    weights: groups.weights,
    optimizer: groups.optimizer,
    bestWeights: hasBest ? groups.bestWeights : null,
  };
}
