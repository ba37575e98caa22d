import { Context } from '@temporalio/activity';
import type { ArtifactStore } from '../infra/store';

/** What every activity needs from its worker: the artifact store the worker was started with. */
export interface ActivityDeps {
  store: ArtifactStore;
}

/**
 * Heartbeats at most every `everyMs` (Temporal throttles too, but this keeps payload building cheap). Call it at the
 * start of the activity: the activity's context is taken then, not at each beat. Beats come from timers and from
 * worker threads' message events, and a pooled thread's events run in the async context of the activity that
 * started the thread (its MessagePort's), which may be another, finished, activity.
 */
export function heartbeater(everyMs = 5_000): (details?: unknown) => void {
  let context: Context | undefined;
  try {
    context = Context.current();
  } catch {
    // Outside an activity (domain tests call the same code): nothing to heartbeat to.
  }
  let last = 0;
  return (details) => {
    const now = Date.now();
    if (!context || now - last < everyMs) return;
    last = now;
    try {
      context.heartbeat(details);
    } catch {
      // The activity has finished (a late timer or event): nothing to heartbeat to.
    }
  };
}

/**
 * Runs `work` while heartbeating its latest progress: on every report (throttled to `everyMs`) and on a timer every
 * `everyMs`, so a step that reports nothing for a while (a fit on a worker thread, a conversion) still beats.
 */
export async function withHeartbeats<T, P = unknown>(
  initial: P,
  work: (report: (progress: P) => void) => Promise<T>,
  everyMs = 2_000,
): Promise<T> {
  const beat = heartbeater(everyMs);
  let progress = initial;
  beat(progress);
  const timer = setInterval(() => beat(progress), everyMs);
  try {
    return await work((p) => beat((progress = p)));
  } finally {
    clearInterval(timer);
  }
}

/** This activity's attempt (1 outside an activity, e.g. in domain tests). */
export function activityAttempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}
