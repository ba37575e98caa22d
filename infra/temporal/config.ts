import { promises as fs } from 'node:fs';

export interface TemporalTarget {
  address: string;
  namespace: string;
  /** true when TEMPORAL_ADDRESS names an external service: dlrec then never starts a server. */
  external: boolean;
  tls?: { crt: Buffer; key: Buffer };
}

export interface DevServerPorts {
  host: string;
  grpcPort: number;
  uiPort: number;
}

export function devServerPorts(): DevServerPorts {
  return {
    host: process.env.DLREC_TEMPORAL_HOST ?? '127.0.0.1',
    grpcPort: Number(process.env.DLREC_TEMPORAL_PORT ?? 7233),
    uiPort: Number(process.env.DLREC_TEMPORAL_UI_PORT ?? 8233),
  };
}

/** TEMPORAL_ADDRESS set → that service (mTLS from TEMPORAL_TLS_CERT/KEY); unset → the embedded dev server. */
export async function temporalTarget(): Promise<TemporalTarget> {
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const external = process.env.TEMPORAL_ADDRESS;
  if (!external) {
    const p = devServerPorts();
    return { address: `${p.host}:${p.grpcPort}`, namespace, external: false };
  }
  const certPath = process.env.TEMPORAL_TLS_CERT;
  const keyPath = process.env.TEMPORAL_TLS_KEY;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new Error('set both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY for mTLS, or neither');
  }
  const tls =
    certPath && keyPath ? { crt: await fs.readFile(certPath), key: await fs.readFile(keyPath) } : undefined;
  return { address: external, namespace, external: true, tls };
}
