import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { dlrecHome } from '../../infra/paths';
import { getEntry, offlineNames, type DownloadFile, type RegistryEntry } from './registry';
import { DatasetError } from './types';

/** Downloads a repository dataset's official files with HTTP Range resume and sha256 verification. */
export interface FetchOptions {
  /** Where files go (default $DLREC_HOME/downloads/<name>). */
  dir?: string;
  /** How long to wait for a TCP connection before declaring the machine offline. */
  connectTimeoutMs?: number;
  /** How long a started download may stall. */
  idleTimeoutMs?: number;
  onProgress?: (file: DownloadFile, done: number, total: number | null) => void;
}

export interface FetchedFile {
  role: string;
  url: string;
  path: string;
  size: number;
  sha256: string;
  /** 'verified': matches the registry; 'unverified': the registry has no checksum, this one was computed. */
  check: 'verified' | 'unverified';
  resumedFrom: number;
}

export class OfflineError extends DatasetError {
  override name = 'OfflineError';
}

export function downloadDir(name: string): string {
  return path.join(dlrecHome(), 'downloads', name);
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
}

function request(
  url: string,
  headers: Record<string, string>,
  opts: Required<Pick<FetchOptions, 'connectTimeoutMs' | 'idleTimeoutMs'>>,
  redirects = 5,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const lib = url.startsWith('https:') ? https : http;
    const req = lib.get(url, { headers: { 'user-agent': 'dlrec', ...headers } });
    // Connected but silent servers are cut off too (until the body starts, then the idle timer takes over).
    req.setTimeout(opts.idleTimeoutMs, () =>
      req.destroy(new Error(`no answer within ${opts.idleTimeoutMs} ms`)),
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no connection within ${opts.connectTimeoutMs} ms`)),
      opts.connectTimeoutMs,
    );
    req.on('socket', (s) =>
      s.connecting ? s.once('connect', () => clearTimeout(timer)) : clearTimeout(timer),
    );
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc) {
        res.resume();
        if (redirects === 0) return reject(new Error('too many redirects'));
        return resolve(request(new URL(loc, url).toString(), headers, opts, redirects - 1));
      }
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
  });
}

function offline(url: string, dest: string, cause: string): OfflineError {
  return new OfflineError(
    `cannot download ${url} (${cause}); this machine seems to be offline. ` +
      `Copy that file to ${dest} and run the command again, or use an offline dataset: ${offlineNames().join(', ')}`,
  );
}

/** Downloads one file to dest, resuming a dest.part left by an interrupted run; verifies sha256 when known. */
export async function downloadFile(
  file: DownloadFile,
  dest: string,
  options: FetchOptions = {},
): Promise<FetchedFile> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const finish = async (file_: string, resumedFrom: number): Promise<FetchedFile> => {
    const sha256 = await sha256File(file_);
    const size = (await fs.stat(file_)).size;
    if (file.sha256 && sha256 !== file.sha256) {
      await fs.rm(file_, { force: true });
      throw new DatasetError(
        `${file.url}: sha256 ${sha256} does not match the registry's ${file.sha256}; the file was deleted, run the command again`,
      );
    }
    if (file_ !== dest) await fs.rename(file_, dest);
    return {
      role: file.role,
      url: file.url,
      path: dest,
      size,
      sha256,
      check: file.sha256 ? 'verified' : 'unverified',
      resumedFrom,
    };
  };
  if (await fs.stat(dest).catch(() => undefined)) return finish(dest, 0);
  const part = `${dest}.part`;
  const have = (await fs.stat(part).catch(() => undefined))?.size ?? 0;
  let res: Response;
  try {
    res = await request(file.url, have > 0 ? { range: `bytes=${have}-` } : {}, {
      connectTimeoutMs,
      idleTimeoutMs,
    });
  } catch (e) {
    throw offline(file.url, dest, (e as Error).message);
  }
  if (res.status === 416 && have > 0) {
    res.body.resume();
    return finish(part, have); // the part is already complete
  }
  if (res.status !== 200 && res.status !== 206) {
    res.body.resume();
    throw new DatasetError(
      `${file.url}: the server answered HTTP ${res.status}; try again later or copy the file into ${path.dirname(dest)}`,
    );
  }
  const resumed = res.status === 206 ? have : 0;
  const length = Number(res.headers['content-length'] ?? NaN);
  const total = Number.isFinite(length) ? resumed + length : file.size;
  const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
  let done = resumed;
  await new Promise<void>((resolve, reject) => {
    let idle = setTimeout(
      () => res.body.destroy(new Error(`download stalled for ${idleTimeoutMs} ms`)),
      idleTimeoutMs,
    );
    res.body.on('data', (c: Buffer) => {
      done += c.length;
      clearTimeout(idle);
      idle = setTimeout(
        () => res.body.destroy(new Error(`download stalled for ${idleTimeoutMs} ms`)),
        idleTimeoutMs,
      );
      options.onProgress?.(file, done, total ?? null);
    });
    res.body.on('error', (e) => {
      clearTimeout(idle);
      out.destroy();
      reject(
        new DatasetError(
          `${file.url}: download interrupted after ${done} bytes (${e.message}); run the command again to resume`,
        ),
      );
    });
    res.body.on('end', () => clearTimeout(idle));
    out.on('error', reject);
    out.on('finish', resolve);
    res.body.pipe(out);
  });
  if (file.size !== null && done !== file.size) {
    throw new DatasetError(
      `${file.url}: got ${done} bytes, the registry says ${file.size}; run the command again to resume`,
    );
  }
  return finish(part, resumed);
}

/** Downloads every file of a registry entry (or the given files) into its download folder. */
export async function fetchFiles(entry: RegistryEntry, options: FetchOptions = {}): Promise<FetchedFile[]> {
  if (!entry.files?.length)
    throw new DatasetError(
      `dataset '${entry.name}' has nothing to download (it is ${entry.derived ? 'derived' : 'offline'})`,
    );
  const dir = options.dir ?? downloadDir(entry.name);
  const out: FetchedFile[] = [];
  for (const f of entry.files)
    out.push(await downloadFile(f, path.join(dir, path.basename(new URL(f.url).pathname)), options));
  return out;
}

export async function fetchDataset(name: string, options: FetchOptions = {}): Promise<FetchedFile[]> {
  return fetchFiles(getEntry(name), options);
}
