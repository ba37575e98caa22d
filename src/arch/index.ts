/**
 * dlrec's architecture language — the public surface other modules use (keep these names stable):
 *
 *   Types       ArchitectureSpec, LayerSpec, LayerType (spec.ts: layers in topological order, `inputs` = edges)
 *   Validation  parseSpec(json) → ArchitectureSpec; throws SpecValidationError ("$.layers[3].params.kernel[0]: …")
 *               ARCHITECTURE_SCHEMA (architecture.schema.json)
 *   Tokens      tokenFor(layer, classes), vocabulary(extraClasses?), UNK
 *   Sentences   toSentences(spec): string[] — one sentence per input→output path
 *   Shapes      inferShapes(spec) (output shape per layer), countParams(spec), countFlops(spec),
 *               analyze(spec) (all three at once), validityError(spec) → reason | null
 *   Identity    canonicalHash(spec) — equal for specs that build the same network
 *   Head        headLayerIds(spec) (what fine-tuning replaces), withClasses(spec, classes) (re-targeted, validated)
 *   Zoo         ZOO (names), ZOO_ENTRIES, zooModel(name, input?, classes?)
 *   Words       describeArchitecture(spec, zooName?) → family, description, depth (weight layers), params, FLOPs
 *   Generator   generateModels({seed, count, input, classes, unkProb?, unkCopies?}) → GeneratedModel[]
 *               generateShard({seed, shardIndex, count, input, classes, unkProb, unkCopies}) — one shard, pure;
 *               generateShards(...) (streamed, deduplicated, topped up), shardSeed, shardCounts, SHARD_SIZE
 *               writeGeneration(outDir, opts) / writeGenerationParallel(outDir, opts, workers) (worker threads,
 *               byte-identical output) / GenerationWriter — models.jsonl, sentences.txt, vocab.txt, manifest.json.
 *               A sharded run (workflow) does: shards i = 0..n-1 with shardCounts(count) via generateShard (or
 *               renderShard(generateShard(...)) to pass text), writer.addShard/addRendered in index order, then
 *               top-up shards i = n, n+1, … with count = writer.missing until it is 0, then writer.finish().
 *   Importers   tokenizeFile(path), readArchitectureFile(path), loadArchitecture(json), detectFormat(json),
 *               importNlds(json), importKeras(json)
 * Every error thrown for bad input is an ArchitectureError (subclasses: SpecValidationError, ImportError,
 * InvalidArchitectureError) with a one-line message naming the JSON path or layer and the reason.
 */
export * from './spec';
export { headLayerIds, withClasses } from './head';
export { ArchitectureError, toSentences, resolveInputs, paths, sinks, layerTokens, MAX_PATHS } from './graph';
export { parseSpec, SpecValidationError, ARCHITECTURE_SCHEMA, jsonPath } from './validate';
export { tokenFor, vocabulary, UNK, HEAD_CLASS_COUNTS } from './tokens';
export {
  analyze,
  inferShapes,
  countParams,
  countFlops,
  validityError,
  InvalidArchitectureError,
  type Shape,
  type Analysis,
} from './shapes';
export { canonicalHash, canonicalForm } from './canonical';
export { ZOO, ZOO_ENTRIES, zooModel, UnknownZooModelError, type ZooEntry } from './zoo';
export { describeArchitecture, zooFamily, type ArchitectureDescription } from './describe';
export {
  generateModels,
  generateShard,
  generateShards,
  dedupeAcrossShards,
  shardSeed,
  shardCounts,
  SHARD_SIZE,
  MAX_TOP_UPS,
  type GeneratedModel,
  type GenerateOptions,
  type ShardOptions,
  type ShardResult,
} from './generator';
export {
  writeGeneration,
  GenerationWriter,
  renderShard,
  type GenerationManifest,
  type RenderedShard,
} from './generation-files';
export { writeGenerationParallel, defaultWorkers } from './generation-parallel';
export {
  tokenizeFile,
  readArchitectureFile,
  loadArchitecture,
  detectFormat,
  importNlds,
  importKeras,
  ImportError,
  type ArchitectureFormat,
} from './importers';
export { SpecBuilder } from './builder';
