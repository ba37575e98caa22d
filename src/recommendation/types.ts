/**
 * The data contracts between the repository build's stages and the recommender.
 * A campaign result is one trained model: an architecture trained on `dataset`, from scratch
 * (`source` null) or fine-tuned from its weights pre-trained on `source`.
 */
export interface CampaignResult {
  pairId: string;
  /** Canonical hash of the architecture spec. */
  modelId: string;
  /** Human name: a zoo name (`lenet5`) or a generated model's id. */
  modelName: string;
  /** Key of Table 1 and of the architecture-mean baseline: the zoo name, or `generated:<id>`. */
  architecture: string;
  dataset: string;
  source: string | null;
  /** Test accuracy in [0, 1]. */
  accuracy: number;
  /** Test images behind `accuracy`, its binomial standard error, and the target's class count (chance = 1/classes). */
  testImages?: number;
  standardError?: number;
  classes?: number;
  params: number;
  flops: number;
  depth: number;
  /** Trained weights (TensorFlow.js format) in the artifact store. */
  weightsKey?: string;
  /** Simulated builds only: the law's expected accuracy (what the regressor should recover). */
  law?: number;
}

/**
 * Similarity of each repository dataset to the others, each row from a ranker trained WITHOUT that dataset
 * (the leave-one-out matrix): rows[d][j] = share of votes for datasets[j] when d's images are ranked.
 */
export interface SimilarityTable {
  datasets: string[];
  rows: Record<string, number[]>;
  /** The ranker members' disagreement about each held-out dataset (bits); absent in older artifacts. */
  disagreement?: Record<string, number>;
}
