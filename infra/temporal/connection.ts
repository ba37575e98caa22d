import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startDevServer } from './dev-server';
import { temporalTarget, type TemporalTarget } from './config';

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/**
 * Resolves the Temporal service to use. External (TEMPORAL_ADDRESS): never starts anything, fails with the
 * address. Embedded: starts or reuses the dev server unless `startEmbedded` is false.
 */
export async function ensureTemporal(opts: { startEmbedded?: boolean } = {}): Promise<TemporalTarget> {
  const target = await temporalTarget();
  if (!target.external && opts.startEmbedded !== false) await startDevServer();
  return target;
}

export async function connectClient(target: TemporalTarget, timeoutMs = 10_000): Promise<Client> {
  try {
    const connection = await Connection.connect({
      address: target.address,
      tls: target.tls ? { clientCertPair: target.tls } : undefined,
      connectTimeout: timeoutMs,
    });
    await connection.workflowService.getSystemInfo({});
    return new Client({ connection, namespace: target.namespace });
  } catch (err) {
    throw unavailable(target, err);
  }
}

export async function connectWorker(target: TemporalTarget): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({
      address: target.address,
      tls: target.tls ? { clientCertPair: target.tls } : undefined,
    });
  } catch (err) {
    throw unavailable(target, err);
  }
}

function unavailable(target: TemporalTarget, err: unknown): TemporalUnavailableError {
  const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const fix = target.external
    ? 'check TEMPORAL_ADDRESS (and TEMPORAL_TLS_CERT/KEY for mTLS), or unset it to use the embedded server'
    : "run 'dlrec server start' (or 'npm run setup' if the Temporal CLI is missing)";
  return new TemporalUnavailableError(`cannot reach Temporal at ${target.address} (${why}); ${fix}`);
}
