// The feature threads of a query (`dlrec recommend`, `dlrec similarity`). A light module: the CLI starts
// them before it loads anything else (cli/prestart.ts).
import { queryHelperCount, startFeatureThreads } from '../features/threads';

/** Side of the square the ranker's features are computed on (the paper's 32×32). */
export const RANKER_IMAGE_SIZE = 32;

/** Starts the query's feature threads now, warmed for RANKER_IMAGE_SIZE images. */
export function startQueryThreads(): void {
  startFeatureThreads(RANKER_IMAGE_SIZE, RANKER_IMAGE_SIZE, queryHelperCount());
}
