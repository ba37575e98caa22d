/**
 * The training campaign's plan and summary (CPU queue activities of TrainingSweepWorkflow).
 *
 *   campaigns/<id>/plan.json          what was planned, from which inputs (a re-run with other inputs is refused)
 *   campaigns/<id>/plan.jsonl         one PlanItem per line: phase 1 = from scratch, phase 2 = fine-tunes
 *   campaigns/<id>/plan-models.jsonl  {id, spec} of every generated model in the plan (trainModel reads it)
 *   campaigns/<id>/failures/<n>.json  a pair whose trainModel failed after its retries
 *   campaigns/<id>/results.jsonl      one CampaignResult (src/recommendation/types.ts) per trained pair
 *   campaigns/<id>/failed.jsonl       one {pairId, ..., error} per pair without a result
 *   campaigns/<id>/models.jsonl       {id, spec} per distinct trained model (what the encoder stage encodes)
 *   campaigns/<id>/summary.json
 */
import { ApplicationFailure } from '@temporalio/common';
import readline from 'node:readline';
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { jsonHash } from '../src/content-hash';
import { analyze, canonicalHash, type ArchitectureSpec } from '../src/arch';
import { stratifiedDraw } from '../src/training/model-draw';
import type { SweepProfile } from '../src/profiles';
import { binomialStandardError } from '../src/evaluation/stats';
import type { CampaignResult } from '../src/recommendation/types';
import { simulationIdentity, simulationSettings } from '../src/training/simulation';
import { withHeartbeats, type ActivityDeps } from './context';
import { resolveModel, resolvePair, trainingKeys, type ModelRef, type TrainModelResult } from './training';
import { trainInputFor, type CampaignInput, type PlanItem } from '../src/training/sweep-plan';

export type { CampaignInput, PlanItem } from '../src/training/sweep-plan';

export interface CampaignPlan {
  campaignId: string;
  inputHash: string;
  planKey: string;
  modelsPlanKey: string;
  total: number;
  phases: { scratch: number; fineTune: number };
  zoo: string[];
  generated: number;
  /** Generated models that passed the caps (the pool the stratified draw came from). */
  eligible: number;
}

export { campaignKeys } from '../src/store-layout';
import { campaignKeys } from '../src/store-layout';

interface Candidate {
  id: string;
  depth: number;
  params: number;
}

/** Generated models within the caps, streamed (a paper run's models.jsonl is hundreds of MB). */
async function eligibleModels(store: ArtifactStore, key: string, caps: SweepProfile['caps']) {
  const out: Candidate[] = [];
  const lines = readline.createInterface({ input: await store.getStream(key), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const spec = JSON.parse(line) as ArchitectureSpec & { id: string; params?: number; flops?: number };
    const needs = caps.activations > 0 || spec.params === undefined || spec.flops === undefined;
    const a = needs ? analyze(spec) : null;
    const params = spec.params ?? a!.params;
    const flops = spec.flops ?? a!.flops;
    if (caps.params > 0 && params > caps.params) continue;
    if (caps.flops > 0 && flops > caps.flops) continue;
    if (caps.activations > 0) {
      const acts = a!.shapes.reduce((s, sh) => s + sh.reduce((x, y) => x * y, 1), 0);
      if (acts > caps.activations) continue;
    }
    // Only what the draw needs: a paper run's 190k specs would not fit comfortably in memory.
    out.push({ id: spec.id ?? canonicalHash(spec), depth: spec.layers.length, params });
  }
  return out;
}

/** The specs of the drawn models (a second pass over the file). */
async function specsOf(store: ArtifactStore, key: string, ids: Set<string>) {
  const out = new Map<string, ArchitectureSpec>();
  const lines = readline.createInterface({ input: await store.getStream(key), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const {
      id,
      params: _p,
      flops: _f,
      ...spec
    } = JSON.parse(line) as ArchitectureSpec & {
      id?: string;
      params?: number;
      flops?: number;
    };
    const modelId = id ?? canonicalHash(spec);
    if (ids.has(modelId)) out.set(modelId, spec);
  }
  return out;
}

async function readItems(store: ArtifactStore, key: string): Promise<PlanItem[]> {
  const text = (await store.get(key)).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as PlanItem);
}

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');

/** A trained pair as the recommender reads it (src/recommendation/types.ts). */
export function campaignResult(r: TrainModelResult, pairId: string, classes?: number): CampaignResult {
  return {
    pairId,
    modelId: r.modelId,
    modelName: r.modelName,
    architecture: r.architecture,
    dataset: r.dataset,
    source: r.source,
    accuracy: r.accuracy,
    testImages: r.testImages,
    standardError: binomialStandardError(r.accuracy, r.testImages),
    ...(classes ? { classes } : {}),
    params: r.params,
    flops: r.flops,
    depth: r.depth,
    weightsKey: r.weightsKey,
    ...(r.simulatedLaw !== undefined ? { law: r.simulatedLaw } : {}),
  };
}

export function campaignActivities({ store }: ActivityDeps) {
  return {
    /** Writes the campaign's plan (idempotent: the stored plan is returned when the inputs match). */
    async planCampaign(input: CampaignInput): Promise<CampaignPlan> {
      // Heartbeats on a timer: a worker lost mid-way is noticed in minutes, not at the 2-hour timeout.
      return withHeartbeats(
        undefined,
        async () => {
          const keys = campaignKeys(input.campaignId);
          const { concurrency: _c, attempts: _a, pageSize: _p, historyLimit: _h, ...what } = input.sweep;
          const hashOf = (simulate: unknown) =>
            jsonHash(
              [
                what,
                input.datasets,
                input.generationPrefix ?? null,
                input.derived ?? null,
                ...(simulate ? [simulate] : []),
              ],
              16,
            );
          // A simulation's timing and faults change neither the plan nor a pair's key: only its identity counts.
          const inputHash = hashOf(input.simulate && simulationIdentity(simulationSettings(input.simulate)));
          if (await store.exists(keys.plan)) {
            const plan = await getJSON<CampaignPlan>(store, keys.plan);
            // Plans stored before hashed the whole simulation settings.
            if (plan.inputHash === inputHash || plan.inputHash === hashOf(input.simulate)) return plan;
            throw ApplicationFailure.nonRetryable(
              `campaign '${input.campaignId}' was planned with other settings (profile, datasets or generation); ` +
                'start it with another campaign id',
              'DlrecCampaignConflict',
            );
          }
          const { sweep, datasets } = input;
          let drawn: Candidate[] = [];
          let eligible = 0;
          let specs = new Map<string, ArchitectureSpec>();
          if (sweep.generated > 0) {
            if (!input.generationPrefix)
              throw new Error('the sweep draws generated models but got no generationPrefix');
            const modelsKey = `${input.generationPrefix}/models.jsonl`;
            const pool = await eligibleModels(store, modelsKey, sweep.caps);
            eligible = pool.length;
            drawn = stratifiedDraw(pool, sweep.generated, sweep.seed);
            specs = await specsOf(store, modelsKey, new Set(drawn.map((m) => m.id)));
          }
          // Generated specs at their reference shape: trainModel re-targets the head per dataset.
          await store.put(keys.planModels, jsonl(drawn.map((m) => ({ id: m.id, spec: specs.get(m.id) }))));
          const items: Omit<PlanItem, 'index'>[] = [];
          const gen = (id: string): ModelRef => ({ specKey: keys.planModels, id });
          for (const z of sweep.zoo)
            for (const d of datasets)
              items.push({ pairId: `${z}:${d}`, phase: 1, model: { zoo: z }, dataset: d, source: null });
          for (const m of drawn)
            for (const d of datasets)
              items.push({
                pairId: `gen-${m.id.slice(0, 12)}:${d}`,
                phase: 1,
                model: gen(m.id),
                dataset: d,
                source: null,
              });
          const scratch = items.length;
          if (sweep.fineTune) {
            for (const z of sweep.zoo)
              for (const d of datasets)
                for (const s of datasets)
                  if (s !== d)
                    items.push({
                      pairId: `${z}:${d}<-${s}`,
                      phase: 2,
                      model: { zoo: z },
                      dataset: d,
                      source: s,
                    });
          }
          await store.put(keys.items, jsonl(items.map((it, index) => ({ index, ...it }))));
          const plan: CampaignPlan = {
            campaignId: input.campaignId,
            inputHash,
            planKey: keys.items,
            modelsPlanKey: keys.planModels,
            total: items.length,
            phases: { scratch, fineTune: items.length - scratch },
            zoo: sweep.zoo,
            generated: drawn.length,
            eligible,
          };
          await putJSON(store, keys.plan, plan);
          return plan;
        },
        5_000,
      );
    },

    /** Plan items from `offset`, at most `limit`, never crossing from phase 1 into phase 2. */
    async campaignPage(input: { planKey: string; offset: number; limit: number }): Promise<PlanItem[]> {
      const items = await readItems(store, input.planKey);
      const page = items.slice(input.offset, input.offset + input.limit);
      const phase = page[0]?.phase;
      return page.filter((it) => it.phase === phase);
    },

    /** Records a pair whose trainModel failed for good (its retries spent). */
    async recordPairFailure(input: { campaignId: string; item: PlanItem; error: string }) {
      await putJSON(store, campaignKeys(input.campaignId).failure(input.item.index), {
        ...input.item,
        error: input.error,
        failedAt: new Date().toISOString(),
      });
    },

    /** results.jsonl (CampaignResult per trained pair), failed.jsonl, models.jsonl and summary.json. */
    async summarizeCampaign(input: CampaignInput) {
      // Heartbeats on a timer: a worker lost mid-way is noticed in minutes, not at the 2-hour timeout.
      return withHeartbeats(
        undefined,
        async () => {
          const keys = campaignKeys(input.campaignId);
          const items = await readItems(store, keys.items);
          const results: CampaignResult[] = [];
          const failed: unknown[] = [];
          const models = new Map<string, ArchitectureSpec>();
          const byDataset: Record<string, number[]> = {};
          let seconds = 0;
          for (const item of items) {
            const pair = await resolvePair(store, trainInputFor(item, input));
            const key = trainingKeys.result(pair.pairKey);
            if (!(await store.exists(key))) {
              const fkey = keys.failure(item.index);
              const why = (await store.exists(fkey))
                ? (await getJSON<{ error: string }>(store, fkey)).error
                : 'not run';
              failed.push({ ...item, pairKey: pair.pairKey, error: why });
              continue;
            }
            const r = await getJSON<TrainModelResult>(store, key);
            results.push(campaignResult(r, item.pairId, pair.manifest.classNames.length));
            models.set(r.modelId, (await resolveModel(store, item.model)).reference);
            (byDataset[r.dataset] ??= []).push(r.accuracy);
            seconds += r.seconds;
          }
          await store.put(keys.results, jsonl(results));
          await store.put(keys.failed, jsonl(failed));
          await store.put(keys.models, jsonl([...models].map(([id, spec]) => ({ id, spec }))));
          const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
          const summary = {
            campaignId: input.campaignId,
            total: items.length,
            done: results.length,
            failed: failed.length,
            models: models.size,
            datasets: input.datasets,
            meanAccuracy: Object.fromEntries(Object.entries(byDataset).map(([d, a]) => [d, mean(a)])),
            trainingSeconds: seconds,
            recipe: input.sweep.recipe,
            limits: input.sweep.limits,
            fineTuneLimits: input.sweep.fineTuneLimits ?? null,
            writtenAt: new Date().toISOString(),
          };
          await putJSON(store, keys.summary, summary);
          return {
            campaignId: input.campaignId,
            resultsKey: keys.results,
            failedKey: keys.failed,
            modelsKey: keys.models,
            summaryKey: keys.summary,
            total: items.length,
            done: results.length,
            failed: failed.length,
          };
        },
        5_000,
      );
    },
  };
}
