/**
 * For a simulated build (src/training/simulation.ts): how well the regressor's honest leave-one-dataset-out
 * predictions recover the known law, next to the best any predictor could do from the measured accuracies
 * (the law's own test-set noise) and to the architecture-mean baseline.
 */
import { kendallTauB } from '../evaluation/metrics';
import type { PredictionRecord } from '../evaluation/protocols';
import type { CampaignResult } from './types';

export interface LawRecovery {
  /** Mean over held-out targets of Kendall τ between the regressor's predictions and the law. */
  kendall: number;
  /** Mean absolute error of the predictions against the law (accuracy units). */
  mae: number;
  /** The same τ for the measured accuracies themselves: the ceiling that test-set noise leaves. */
  measuredKendall: number;
  /** τ of a prediction by the architecture's mean measured accuracy on the *other* datasets (leave-one-out). */
  architectureMeanKendall: number;
  perTarget: Record<string, { kendall: number; mae: number; n: number }>;
}

const rowKey = (dataset: string, model: string) => `${dataset}|${model}`;
const mean = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : NaN);

/** null when the results carry no law (a real build). */
export function lawRecovery(results: CampaignResult[], predictions: PredictionRecord[]): LawRecovery | null {
  const law = new Map<string, { law: number; architecture: string }>();
  for (const r of results) {
    if (r.law === undefined) continue;
    law.set(rowKey(r.dataset, `${r.modelName}${r.source ? `@${r.source}` : ''}`), {
      law: r.law,
      architecture: `${r.architecture}${r.source ? '@ft' : ''}`,
    });
  }
  if (!law.size) return null;
  const byTarget = new Map<string, Array<PredictionRecord & { law: number; architecture: string }>>();
  for (const p of predictions) {
    const l = law.get(rowKey(p.dataset, p.model));
    if (!l) continue;
    const list = byTarget.get(p.dataset) ?? [];
    list.push({ ...p, ...l });
    byTarget.set(p.dataset, list);
  }
  const perTarget: LawRecovery['perTarget'] = {};
  const measured: number[] = [];
  const archMean: number[] = [];
  for (const [target, rows] of byTarget) {
    if (rows.length < 3) continue;
    const laws = rows.map((r) => r.law);
    perTarget[target] = {
      kendall: kendallTauB(
        rows.map((r) => r.predicted),
        laws,
      ),
      mae: mean(rows.map((r) => Math.abs(r.predicted - r.law))),
      n: rows.length,
    };
    measured.push(
      kendallTauB(
        rows.map((r) => r.actual),
        laws,
      ),
    );
    // Nothing learned from the target: each architecture's mean measured accuracy on the other datasets.
    const others = new Map<string, number[]>();
    for (const r of results)
      if (r.law !== undefined && r.dataset !== target) {
        const a = `${r.architecture}${r.source ? '@ft' : ''}`;
        others.set(a, [...(others.get(a) ?? []), r.accuracy]);
      }
    archMean.push(
      kendallTauB(
        rows.map((r) => mean(others.get(r.architecture) ?? [0])),
        laws,
      ),
    );
  }
  const t = Object.values(perTarget);
  return {
    kendall: mean(t.map((v) => v.kendall)),
    mae: mean(t.map((v) => v.mae)),
    measuredKendall: mean(measured),
    architectureMeanKendall: mean(archMean),
    perTarget,
  };
}
