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
