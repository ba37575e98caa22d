import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { findTool } from '../../infra/tools';
import { portOpen } from '../../infra/temporal';

/** Real services for integration tests, started on free loopback ports and stopped by the test. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await portOpen('127.0.0.1', port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not open port ${port} in ${timeoutMs / 1000}s`);
}

function requireTool(name: string): string {
  const bin = findTool(name);
  if (!bin) throw new Error(`${name} not found: run 'npm run setup' (it installs it into .tools/bin)`);
  return bin;
}

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  stop(): Promise<void>;
}

/** versitygw serving a temp folder as S3, with one bucket created. */
export async function startS3Server(bucket = 'dlrec-test'): Promise<S3Server> {
  const bin = requireTool('versitygw');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dlrec-s3-'));
  const sidecar = mkdtempSync(path.join(os.tmpdir(), 'dlrec-s3meta-'));
  const port = await freePort();
  const accessKeyId = 'dlrectestkey';
  const secretAccessKey = 'dlrectestsecret123';
  const child = spawn(
    bin,
    [
      '--access',
      accessKeyId,
      '--secret',
      secretAccessKey,
      '--port',
      `127.0.0.1:${port}`,
      '--quiet',
      'posix',
      '--sidecar',
      sidecar,
      dir,
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(port, child, 'versitygw');
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    bucket,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
      rmSync(sidecar, { recursive: true, force: true });
    },
  };
}

/** Points the AWS credential chain at a test server for the duration of a test file. */
export function useS3Credentials(s3: S3Server): void {
  process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
}

export interface TemporalDevServer {
  address: string;
  grpcPort: number;
  uiPort: number;
  dbFile: string;
  home: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A private `temporal server start-dev` on free ports with its own database and DLREC_HOME. */
export async function startTemporalServer(home?: string): Promise<TemporalDevServer> {
  const bin = requireTool('temporal');
  const dir = home ?? mkdtempSync(path.join(os.tmpdir(), 'dlrec-home-'));
  const grpcPort = await freePort();
  const uiPort = await freePort();
  const dbFile = path.join(dir, 'temporal.db');
  const child = spawn(
    bin,
    [
      'server',
      'start-dev',
      '--db-filename',
      dbFile,
      '--ip',
      '127.0.0.1',
      '--port',
      String(grpcPort),
      '--ui-port',
      String(uiPort),
      '--headless',
      '--log-level',
      'error',
      '--search-attribute',
      'DlrecProfile=Keyword',
      '--search-attribute',
      'DlrecStage=Keyword',
    ],
    { stdio: 'ignore' },
  );
  await waitForPort(grpcPort, child, 'temporal dev server');
  return {
    address: `127.0.0.1:${grpcPort}`,
    grpcPort,
    uiPort,
    dbFile,
    home: dir,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode ? r(null) : child.once('exit', r),
      );
    },
  };
}
