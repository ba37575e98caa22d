/**
 * The layout of the artifact store: every key dlrec reads or writes is spelled here and nowhere else
 * (test/platform/store-layout.test.ts checks it). Keys derived from inputs take the content hash their caller
 * computed (src/content-hash.ts), so equal inputs find the stored output. docs/architecture.md draws the flow.
 */

/** datasets/<name>/<sha>/{train,test}.u8, labels, manifest.json; datasets/<name>/current.json; recipes/. */
export const DATASETS_PREFIX = 'datasets/';

/**
 * A dataset's versions: datasets/<name>/<sha>/{train,test}.{u8,labels} + manifest.json, the current version's
 * pointer datasets/<name>/current.json, and recipe pointers datasets/<name>/recipes/<recipeHash>.json.
 */
export const datasetKeys = (name: string) => ({
  split: (sha: string, split: string, part: 'u8' | 'labels') => `datasets/${name}/${sha}/${split}.${part}`,
  manifest: (sha: string) => `datasets/${name}/${sha}/manifest.json`,
  current: `datasets/${name}/current.json`,
  recipe: (recipeHash: string) => `datasets/${name}/recipes/${recipeHash}.json`,
});

/**
 * Image features of one sample of a dataset version: features/<datasetSha>/<kind>/<variant>.f32 per kind, and
 * features/<datasetSha>/<variant>.json, written last, which marks them complete.
 */
export const featureKeys = (datasetSha: string, variant: string) => ({
  meta: `features/${datasetSha}/${variant}.json`,
  kind: (kind: string) => `features/${datasetSha}/${kind}/${variant}.f32`,
});

/** A generation run: generations/<run>/{models.jsonl, sentences.txt, vocab.txt, manifest.json, shards/}. */
export const generationKeys = (run: string) => ({
  prefix: `generations/${run}`,
  shard: (i: number) => `generations/${run}/shards/shard-${String(i).padStart(4, '0')}.json`,
});

/**
 * The encoder stage. runKey excludes the epoch count, so training to more epochs resumes from the stored
 * checkpoints; encodings are keyed by the sha256 of the models file they encode.
 */
export const CURRENT_ENCODER_KEY = 'encoder/current.json';
export const encoderArtifacts = {
  word2vec: (word2vecKey: string) => `encoder/${word2vecKey}/word2vec.json`,
  word2vecSummary: (word2vecKey: string) => `encoder/${word2vecKey}/word2vec-summary.json`,
  checkpointPrefix: (runKey: string) => `encoder/${runKey}/lm/`,
  checkpoint: (runKey: string, epoch: number) => `encoder/${runKey}/lm/epoch-${epoch}.json`,
  lm: (encoderKey: string) => `encoder/${encoderKey}/lm.json`,
  summary: (encoderKey: string) => `encoder/${encoderKey}/summary.json`,
  experiment: (encoderKey: string) => `encoder/${encoderKey}/experiment.json`,
  tsne: (encoderKey: string) => `encoder/${encoderKey}/tsne.svg`,
  encodings: (encoderKey: string, modelsSha: string) => `encodings/${encoderKey}/${modelsSha}.json`,
};

/** The dataset similarity ranker: members, the assembled ranker, its leave-one-out and family probe. */
export const CURRENT_RANKER_KEY = 'ranker/current.json';
export const rankerKeys = {
  ranker: (id: string) => `ranker/${id}/ranker.json`,
  member: (hash: string) => `ranker/members/${hash}.json`,
  probe: (hash: string) => `ranker/probe/${hash}.json`,
  looRow: (hash: string) => `ranker/loo/rows/${hash}.json`,
  loo: (hash: string) => `ranker/loo/${hash}.json`,
  currentLoo: 'ranker/loo/current.json',
};

/** A trained pair: its result, weights and (while it trains) its checkpoint. */
export const trainingKeys = {
  result: (pairKey: string) => `trained/${pairKey}/result.json`,
  modelJson: (pairKey: string) => `trained/${pairKey}/model.json`,
  weightsBin: (pairKey: string) => `trained/${pairKey}/weights.bin`,
  checkpoint: (pairKey: string) => `checkpoints/${pairKey}/latest.bin`,
  checkpointMeta: (pairKey: string) => `checkpoints/${pairKey}/meta.json`,
};

/** A training campaign (the sweep): its plan, results, failures and summary. */
export const campaignKeys = (id: string) => ({
  plan: `campaigns/${id}/plan.json`,
  items: `campaigns/${id}/plan.jsonl`,
  planModels: `campaigns/${id}/plan-models.jsonl`,
  failure: (index: number) => `campaigns/${id}/failures/${String(index).padStart(6, '0')}.json`,
  results: `campaigns/${id}/results.jsonl`,
  failed: `campaigns/${id}/failed.jsonl`,
  models: `campaigns/${id}/models.jsonl`,
  summary: `campaigns/${id}/summary.json`,
});

/** LogME/LEEP of every result; the partial file holds the scores so far while it runs. */
export const transferabilityKeys = (hash: string) => ({
  scores: `transferability/${hash}.json`,
  partial: `transferability/${hash}.partial.json`,
});

/** The fitted recommender, the evaluation (its summary and stored parts) and the rendered report. */
export const RECOMMENDER_POINTER = 'recommender/current.json';
export const recommenderKey = (hash: string) => `recommender/${hash}.json`;
export const evaluationKeys = (hash: string) => ({
  summary: `evaluations/${hash}/summary.json`,
  partsPrefix: `evaluations/${hash}/parts/`,
  part: (id: string) => `evaluations/${hash}/parts/${id}.json`,
});
export const reportPrefix = (hash: string) => `reports/${hash}`;

/** Rows users measured with `dlrec recommend --verify --add`, one file per dataset version. */
export const VERIFIED_PREFIX = 'verified/';
export const verifiedKey = (datasetSha: string) => `${VERIFIED_PREFIX}${datasetSha}.json`;

/** One record per finished build, and the pointer to the latest. */
export const BUILDS_PREFIX = 'builds/';
export const BUILD_POINTER = `${BUILDS_PREFIX}current.json`;
export const buildKey = (workflowId: string) => `${BUILDS_PREFIX}${encodeURIComponent(workflowId)}.json`;

/** `dlrec doctor`'s write-and-read-back probes. */
export const doctorProbeKey = (token: string) => `doctor/${token}.bin`;
