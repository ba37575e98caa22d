import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkKey, sha256Hex } from './keys';
import { checksumError, verifyingStream } from './file-store';
import { StoreError, type ArtifactStore, type ObjectInfo } from './types';

// dlrec targets Node 20 (the GPU image's tfjs-node-gpu needs it); the SDK's Node-22 notice would pollute stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export const MULTIPART_THRESHOLD = 8 * 1024 * 1024;

export interface S3StoreOptions {
  endpoint?: string;
  forcePathStyle?: boolean;
  region?: string;
  maxAttempts?: number;
}

/**
 * s3://bucket/prefix as artifact store. The sha256 travels as object metadata (x-amz-meta-sha256),
 * so any S3-compatible server works. Credentials come from the standard AWS chain; the SDK's
 * standard retry mode backs off on throttling and 5xx, never on 4xx.
 */
export class S3ArtifactStore implements ArtifactStore {
  readonly url: string;
  readonly client: S3Client;
  private readonly endpointLabel: string;

  constructor(
    readonly bucket: string,
    readonly prefix: string,
    opts: S3StoreOptions = {},
  ) {
    this.url = `s3://${bucket}/${prefix}`.replace(/\/$/, '');
    const config: S3ClientConfig = {
      region: opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      maxAttempts: opts.maxAttempts ?? 4,
      retryMode: 'standard',
    };
    const endpoint = opts.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
    if (endpoint) config.endpoint = endpoint;
    config.forcePathStyle = opts.forcePathStyle ?? Boolean(endpoint);
    this.endpointLabel = endpoint ?? 'AWS S3';
    this.client = new S3Client(config);
  }

  private objectKey(key: string): string {
    checkKey(key);
    return this.prefix ? `${this.prefix.replace(/\/$/, '')}/${key}` : key;
  }

  async put(key: string, data: Uint8Array | string): Promise<ObjectInfo> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const sha256 = sha256Hex(bytes);
    if (bytes.byteLength > MULTIPART_THRESHOLD) {
      const tmp = await tempFile();
      await fs.writeFile(tmp, bytes);
      try {
        await this.uploadFile(key, tmp, sha256);
      } finally {
        await fs.rm(tmp, { force: true });
      }
    } else {
      await this.call(key, () =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.objectKey(key),
            Body: bytes,
            Metadata: { sha256 },
          }),
        ),
      );
    }
    return { key, size: bytes.byteLength, sha256 };
  }

  /** Spools to a temporary file first: the sha256 must be known before the upload starts. */
  async putStream(key: string, body: Readable): Promise<ObjectInfo> {
    checkKey(key);
    const tmp = await tempFile();
    const hash = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        body,
        new Transform({
          transform(chunk: Buffer, _e, cb) {
            hash.update(chunk);
            size += chunk.length;
            cb(null, chunk);
          },
        }),
        createWriteStream(tmp),
      );
      const sha256 = hash.digest('hex');
      if (size > MULTIPART_THRESHOLD) await this.uploadFile(key, tmp, sha256);
      else await this.put(key, await fs.readFile(tmp));
      return { key, size, sha256 };
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /** Multipart upload: the object appears only when CompleteMultipartUpload succeeds. */
  private async uploadFile(key: string, file: string, sha256: string): Promise<void> {
    await this.call(key, async () => {
      const upload = new Upload({
        client: this.client,
        params: {
          Bucket: this.bucket,
          Key: this.objectKey(key),
          Body: createReadStream(file),
          Metadata: { sha256 },
        },
        partSize: MULTIPART_THRESHOLD,
        queueSize: 2,
        leavePartsOnError: false,
      });
      await upload.done();
    });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return { key, size: out.ContentLength ?? 0, sha256: out.Metadata?.sha256 ?? '' };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.translate(err, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  private async open(key: string): Promise<{ body: Readable; info: ObjectInfo }> {
    const out = await this.call(key, () =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })),
    );
    const info = { key, size: out.ContentLength ?? 0, sha256: out.Metadata?.sha256 ?? '' };
    if (!info.sha256) {
      throw new StoreError(
        `artifact '${key}' in ${this.url} has no recorded sha256; it was not written by dlrec`,
        'checksum-mismatch',
      );
    }
    return { body: out.Body as Readable, info };
  }

  async get(key: string): Promise<Buffer> {
    const { body, info } = await this.open(key);
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const actual = sha256Hex(bytes);
    if (actual !== info.sha256) throw checksumError(this.url, key, info.sha256, actual);
    return bytes;
  }

  async getStream(key: string): Promise<Readable> {
    const { body, info } = await this.open(key);
    return verifyingStream(body, this.url, info);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const out: ObjectInfo[] = [];
    const base = this.prefix ? this.prefix.replace(/\/$/, '') + '/' : '';
    let token: string | undefined;
    do {
      const page = await this.call(prefix, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base + prefix, ContinuationToken: token }),
        ),
      );
      for (const o of page.Contents ?? []) {
        const key = (o.Key ?? '').slice(base.length);
        const info = await this.head(key);
        if (info) out.push(info);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    await this.call(key, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })),
    );
  }

  private async call<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err, key);
    }
  }

  /** One clear message naming what is wrong and how to fix it. */
  private translate(err: unknown, key: string): Error {
    if (err instanceof StoreError) return err;
    const e = err as {
      name?: string;
      code?: string;
      message?: string;
      $metadata?: { httpStatusCode?: number };
    };
    const name = e.name ?? e.code ?? '';
    const status = e.$metadata?.httpStatusCode;
    if (name === 'NoSuchBucket') {
      return new StoreError(
        `S3 bucket '${this.bucket}' does not exist at ${this.endpointLabel}; create it or fix --store`,
        'no-bucket',
      );
    }
    if (name === 'NoSuchKey' || status === 404) {
      return new StoreError(`artifact '${key}' not found in ${this.url}`, 'not-found');
    }
    if (
      [
        'InvalidAccessKeyId',
        'SignatureDoesNotMatch',
        'AccessDenied',
        'InvalidToken',
        'ExpiredToken',
      ].includes(name) ||
      status === 403
    ) {
      return new StoreError(
        `S3 at ${this.endpointLabel} refused the credentials (${name || status}); check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
        'access-denied',
      );
    }
    if (name === 'CredentialsProviderError') {
      return new StoreError(
        `no AWS credentials found for ${this.url}; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE`,
        'access-denied',
      );
    }
    const code = e.code ?? (err as { cause?: { code?: string } }).cause?.code ?? '';
    if (
      ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code) ||
      name === 'TimeoutError'
    ) {
      return new StoreError(
        `S3 endpoint ${this.endpointLabel} is unreachable (${code || name}); start it or fix --s3-endpoint / AWS_ENDPOINT_URL_S3`,
        'unreachable',
      );
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

async function tempFile(): Promise<string> {
  return path.join(os.tmpdir(), `dlrec-upload-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}
