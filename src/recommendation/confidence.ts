import type { SimilarityTable } from './types';

export interface Warning {
  code: 'low-confidence' | 'confidence-unknown';
  message: string;
  evidence: Record<string, unknown>;
}

/** What the ranker said about the query: vote shares and its members' disagreement (bits). */
export interface QuerySimilarity {
  similarity: Record<string, number>;
  disagreement: number;
}

const bits = (v: number) => `${v.toFixed(2)} bits`;

/**
 * Warns when the ranker's members disagree about the query more than about any repository dataset held out from
 * them. Each leave-one-out row is a real dataset scored by a ranker that never saw it, and those rows are what
 * the regressor learned from, so the largest disagreement among them is the most any prediction was validated
 * on. The top similarity alone cannot tell: members each sure of a different dataset still pool into a
 * confident-looking share (random noise gets about as high a top share as real digits).
 */
export function confidenceWarnings(query: QuerySimilarity, table: SimilarityTable | undefined): Warning[] {
  const held = table?.disagreement;
  if (!held) {
    const why = table
      ? "this build's leave-one-out artifact predates the members' disagreement: re-run `dlrec ranker loo`"
      : 'no recorded build (builds/current.json) to compare with';
    return [
      { code: 'confidence-unknown', message: `cannot judge how new these images are: ${why}`, evidence: {} },
    ];
  }
  const [weakest, threshold] = Object.entries(held).sort((a, b) => b[1] - a[1])[0];
  if (!(query.disagreement > threshold)) return [];
  const [mostSimilar, top] = Object.entries(query.similarity).sort((a, b) => b[1] - a[1])[0];
  return [
    {
      code: 'low-confidence',
      message:
        `these images resemble no repository dataset: the ranker's members disagree about them by ` +
        `${bits(query.disagreement)}, more than about any repository dataset held out from them (at most ` +
        `${bits(threshold)}, ${weakest}); ${mostSimilar}'s ${(100 * top).toFixed(1)}% of the votes is an ` +
        `extrapolation, and so are the predicted accuracies`,
      evidence: {
        mostSimilar,
        topSimilarity: top,
        disagreement: query.disagreement,
        threshold,
        heldOutDisagreement: held,
      },
    },
  ];
}
