import { Context } from '@temporalio/activity';
import type { ArtifactStore } from '../infra/store';

/** What every activity needs from its worker: the artifact store the worker was started with. */
export interface ActivityDeps {
  store: ArtifactStore;
}

/** Heartbeats at most every `everyMs` (Temporal throttles too, but this keeps payload building cheap). */
export function heartbeater(everyMs = 5_000): (details?: unknown) => void {
  let last = 0;
  return (details) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    try {
      Context.current().heartbeat(details);
    } catch {
      // Outside an activity (domain tests call the same code): nothing to heartbeat to.
    }
  };
}
