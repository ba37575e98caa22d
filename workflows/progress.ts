import { defineQuery, setHandler } from '@temporalio/workflow';

/** What every dlrec workflow answers to the `progress` query (shown by the CLI and usable from the UI). */
export interface WorkflowProgress {
  stage: string;
  total: number;
  done: number;
  failed: number;
  running: number;
  /** Seconds, estimated from the completion rate so far; null until something has finished. */
  etaSeconds: number | null;
  detail?: Record<string, unknown>;
}

export const progressQuery = defineQuery<WorkflowProgress>('progress');

/** A mutable progress record wired to the query; `Date.now()` is deterministic inside workflows. */
export function trackProgress(stage: string, total = 0) {
  const started = Date.now();
  const p: WorkflowProgress = { stage, total, done: 0, failed: 0, running: 0, etaSeconds: null };
  setHandler(progressQuery, () => {
    const finished = p.done + p.failed;
    const elapsed = (Date.now() - started) / 1000;
    const eta =
      finished > 0 && p.total > finished
        ? (elapsed / finished) * (p.total - finished)
        : finished > 0
          ? 0
          : null;
    return { ...p, etaSeconds: eta === null ? null : Math.round(eta) };
  });
  return p;
}
