import type { Client } from '@temporalio/client';
import type { ArtifactStore } from '../infra/store';
import {
  connectClient,
  ensureSearchAttributes,
  ensureTemporal,
  type TemporalTarget,
} from '../infra/temporal';
import { withWorkers } from '../workers/worker';
import { UserError } from './output';

export interface SessionOptions {
  store: ArtifactStore;
  /** false: rely on external workers (`--no-worker`). */
  worker?: boolean;
}

/**
 * Connects to Temporal (starting the embedded server when TEMPORAL_ADDRESS is unset) and runs `fn`
 * with in-process workers on both queues unless --no-worker.
 */
export async function withTemporal<T>(
  opts: SessionOptions,
  fn: (client: Client, target: TemporalTarget) => Promise<T>,
): Promise<T> {
  let target: TemporalTarget;
  let client: Client;
  try {
    target = await ensureTemporal();
    client = await connectClient(target);
    if (target.external) await ensureSearchAttributes(client, target.namespace);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  try {
    if (opts.worker === false) return await fn(client, target);
    return await withWorkers({ target, store: opts.store, shutdownGraceMs: 5_000 }, () => fn(client, target));
  } finally {
    await client.connection.close();
  }
}
