import path from 'node:path';
import { dlrecHome } from '../paths';
import { FileArtifactStore } from './file-store';
import { S3ArtifactStore } from './s3-store';
import { StoreError, type ArtifactStore } from './types';

export interface StoreOptions {
  /** file:///abs/path, a plain path, or s3://bucket/prefix. Default: $DLREC_STORE, else $DLREC_HOME/artifacts. */
  url?: string;
  s3Endpoint?: string;
  s3PathStyle?: boolean;
}

export function defaultStoreUrl(): string {
  return process.env.DLREC_STORE || 'file://' + path.join(dlrecHome(), 'artifacts');
}

export function openStore(opts: StoreOptions = {}): ArtifactStore {
  const url = opts.url || defaultStoreUrl();
  if (url.startsWith('s3://')) {
    const rest = url.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    if (!bucket)
      throw new StoreError(`store URL '${url}' names no bucket; use s3://bucket/prefix`, 'bad-url');
    return new S3ArtifactStore(bucket, prefix, {
      endpoint: opts.s3Endpoint,
      forcePathStyle: opts.s3PathStyle,
    });
  }
  if (url.startsWith('file://')) return new FileArtifactStore(url.slice('file://'.length));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new StoreError(`unsupported store URL '${url}': use file:///path or s3://bucket/prefix`, 'bad-url');
  }
  return new FileArtifactStore(path.resolve(url));
}
