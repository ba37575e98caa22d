/**
 * Model weights and optimiser slots ↔ named float arrays, under stable names: a layer variable's original
 * name (`l_<layer id>/kernel`, as model.json has it). TF.js' own variable names get per-process suffixes,
 * so checkpoints and pre-trained weights must not depend on them.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from './state';

export function weightName(v: tf.LayerVariable): string {
  return (v as unknown as { originalName: string }).originalName;
}

export function variableOf(w: tf.LayerVariable): tf.Variable {
  return (w as unknown as { val: tf.Variable }).val;
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function assign(v: tf.LayerVariable, w: NamedArray): void {
  tf.tidy(() => {
    v.write(tf.tensor(w.data, w.shape));
  });
}

/** Every weight (trainable and not, e.g. BatchNorm moving statistics), copied out. */
export function readWeights(model: tf.LayersModel): NamedArray[] {
  return model.weights.map((v) => ({
    name: weightName(v),
    shape: v.shape.slice() as number[],
    data: v.read().dataSync().slice() as Float32Array,
  }));
}

/**
 * Weights saved when a conv read only by BatchNormalization still had a bias (model-builder now leaves it
 * out): the bias moves into each reading BN's moving mean, which gives the same inference output exactly
 * ((x + b − μ) = (x − (μ − b))); in training BN's batch mean cancels it anyway.
 */
export function foldDroppedBiases(model: tf.LayersModel, weights: NamedArray[]): NamedArray[] {
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const layer of model.layers) {
    const bias = byName.get(`${layer.name}/bias`);
    if (!bias || layer.getClassName() !== 'Conv2D' || layer.getConfig().useBias !== false) continue;
    for (const node of layer.outboundNodes) {
      const key = `${node.outboundLayer.name}/moving_mean`;
      const mean = byName.get(key);
      if (!mean || mean.data.length !== bias.data.length) continue;
      byName.set(key, { ...mean, data: mean.data.map((m, c) => m - bias.data[c]) });
    }
    byName.delete(bias.name);
  }
  return [...byName.values()];
}

/** Restores every weight; a missing or mis-shaped one means the checkpoint belongs to another model. */
export function writeWeights(model: tf.LayersModel, weights: NamedArray[]): void {
  const byName = new Map(foldDroppedBiases(model, weights).map((w) => [w.name, w]));
  for (const v of model.weights) {
    const w = byName.get(weightName(v));
    if (!w || !sameShape(w.shape, v.shape)) {
      throw new Error(`checkpoint does not match this model (weight ${weightName(v)}); delete it to retrain`);
    }
    assign(v, w);
  }
}

/**
 * Transfer learning: copies the weights whose name and shape match, except those of `skipLayers` (layer
 * ids, e.g. the classifier head, which is then freshly initialised).
 */
export function copyMatchingWeights(
  model: tf.LayersModel,
  weights: NamedArray[],
  skipLayers: string[] = [],
): { transferred: string[]; fresh: string[] } {
  const byName = new Map(foldDroppedBiases(model, weights).map((w) => [w.name, w]));
  const skip = skipLayers.map((id) => `l_${id}/`);
  const transferred: string[] = [];
  const fresh: string[] = [];
  for (const v of model.weights) {
    const name = weightName(v);
    const src = byName.get(name);
    if (src && !skip.some((p) => name.startsWith(p)) && sameShape(src.shape, v.shape)) {
      assign(v, src);
      transferred.push(name);
    } else fresh.push(name);
  }
  if (transferred.length === 0) {
    throw new Error(
      'no pre-trained weight matches this model (different architecture?); train it from scratch',
    );
  }
  return { transferred, fresh };
}

/** Optimiser state: 'iter' and one momentum slot per trainable weight, named after the weight. */
export async function readOptimizer(model: tf.LayersModel, optimizer: tf.Optimizer): Promise<NamedArray[]> {
  const stable = new Map(model.trainableWeights.map((w) => [variableOf(w).name, weightName(w)]));
  const ws = await optimizer.getWeights();
  return ws.map((w) => {
    const v = w.name.endsWith('/momentum') ? stable.get(w.name.slice(0, -'/momentum'.length)) : undefined;
    return {
      name: v ? `${v}/momentum` : w.name,
      shape: w.tensor.shape.slice(),
      data: Float32Array.from(w.tensor.dataSync()), // 'iter' is int32: store every slot as float32
    };
  });
}

/** Restores the slots in this model's trainable-weight order (the optimiser matches them by position). */
export async function writeOptimizer(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  slots: NamedArray[],
): Promise<void> {
  if (slots.length === 0) return;
  const byName = new Map(slots.map((a) => [a.name, a]));
  const named = [{ name: slots[0].name, tensor: tf.tensor(slots[0].data, slots[0].shape) }];
  for (const w of model.trainableWeights) {
    const slot = byName.get(`${weightName(w)}/momentum`);
    if (!slot) break; // no step taken yet: slots are created lazily
    named.push({ name: `${variableOf(w).name}/momentum`, tensor: tf.tensor(slot.data, slot.shape) });
  }
  await optimizer.setWeights(named);
  for (const n of named) n.tensor.dispose();
}
