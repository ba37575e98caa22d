/**
 * Trained models in TensorFlow.js' own format: model.json (topology + weights manifest) and weights.bin,
 * produced in memory (tf.io.withSaveHandler) for the caller to store, and loadable by tf.loadLayersModel in
 * a browser (which also needs the custom layer classes in custom-layers.ts for LRN/Power/AbsVal/UNK).
 */
import * as tf from '@tensorflow/tfjs';
import './custom-layers';
import type { NamedArray } from './state';

export interface SavedModel {
  /** model.json contents; its weightsManifest points at 'weights.bin'. */
  modelJson: Record<string, unknown>;
  weightsBin: Uint8Array;
}

/** What a consumer needs to feed the model: classes, input size and the per-channel normalisation. */
export interface ModelMetadata {
  classes: number;
  input: { height: number; width: number; channels: number };
  mean: number[];
  std: number[];
}

export async function saveModel(model: tf.LayersModel, metadata: ModelMetadata): Promise<SavedModel> {
  let saved: SavedModel | null = null;
  model.setUserDefinedMetadata({
    dlrec: metadata as unknown as Record<string, unknown>,
  } as unknown as object);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes =
        data === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.concatenateArrayBuffers(data));
      saved = {
        modelJson: {
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          userDefinedMetadata: artifacts.userDefinedMetadata,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        },
        weightsBin: bytes,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('TensorFlow.js did not hand the model artifacts to the save handler');
  return saved;
}

function manifestOf(saved: SavedModel): tf.io.WeightsManifestEntry[] {
  const manifest = saved.modelJson.weightsManifest as tf.io.WeightsManifestConfig | undefined;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new Error('model.json has no weightsManifest: not a TensorFlow.js layers model saved by dlrec');
  }
  return manifest.flatMap((g) => g.weights);
}

/** Loads a saved model back into a tf.LayersModel. */
export async function loadModel(saved: SavedModel): Promise<tf.LayersModel> {
  const weightData = saved.weightsBin.slice().buffer as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: saved.modelJson.modelTopology as object,
      weightSpecs: manifestOf(saved),
      weightData,
    }),
  );
}

/** The weights of a saved model as named float arrays (for Trainer.loadPretrained). */
export function savedWeights(saved: SavedModel): NamedArray[] {
  const specs = manifestOf(saved);
  const tensors = tf.io.decodeWeights(saved.weightsBin.slice().buffer as ArrayBuffer, specs);
  return specs.map((s) => {
    const t = tensors[s.name];
    const out = { name: s.name, shape: s.shape.slice(), data: t.dataSync().slice() as Float32Array };
    t.dispose();
    return out;
  });
}
