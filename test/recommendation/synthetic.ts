import type { CampaignResult, SimilarityTable } from '../../src/recommendation';

/**
 * A synthetic repository whose accuracies follow a known law: quality of the model + `sourceEffect` × similarity
 * to the source (0: pre-training makes no difference, and the scratch accuracy is every option's accuracy).
 */
export function synthetic(sourceEffect = 0.3) {
  let s = 12345;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const datasets = ['a', 'b', 'c', 'd', 'e'];
  const rows: Record<string, number[]> = {};
  for (const d of datasets) {
    const v = datasets.map((o) => (o === d ? 0 : 0.1 + rand()));
    const sum = v.reduce((x, y) => x + y, 0);
    rows[d] = v.map((x) => x / sum);
  }
  const table: SimilarityTable = { datasets, rows };
  const w = Array.from({ length: 6 }, () => rand() - 0.5);
  const encodings = new Map<string, Float32Array>();
  const quality = new Map<string, number>();
  const results: CampaignResult[] = [];
  for (let m = 0; m < 14; m++) {
    const id = `m${m}`;
    const enc = Float32Array.from({ length: 6 }, () => rand() * 2 - 1);
    encodings.set(id, enc);
    quality.set(
      id,
      enc.reduce((acc, v, i) => acc + v * w[i], 0),
    );
    for (const target of datasets) {
      for (const source of [null, ...datasets.filter((d) => d !== target)]) {
        const sim = source ? rows[target][datasets.indexOf(source)] : 0;
        const noise = 0.01 * (rand() - 0.5);
        const acc =
          0.55 + 0.15 * quality.get(id)! + (source ? sourceEffect * sim : 0) + (sourceEffect ? noise : 0);
        results.push({
          pairId: `${id}-${target}-${source}`,
          modelId: id,
          modelName: id,
          architecture: id,
          dataset: target,
          source,
          accuracy: Math.min(1, Math.max(0, acc)),
          params: 1000 * (m + 1),
          flops: 5000 * (m + 1),
          depth: 3 + (m % 4),
        });
      }
    }
  }
  return { table, encodings, results, quality };
}
