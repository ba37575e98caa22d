import type { ArtifactStore, ObjectInfo } from './types';

export async function putJSON(store: ArtifactStore, key: string, value: unknown): Promise<ObjectInfo> {
  return store.put(key, JSON.stringify(value));
}

export async function getJSON<T>(store: ArtifactStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}

/** Returns the stored JSON at key, or computes, stores and returns it: the idempotency pattern of activities. */
export async function getOrPutJSON<T>(store: ArtifactStore, key: string, make: () => Promise<T>): Promise<T> {
  if (await store.exists(key)) return getJSON<T>(store, key);
  const value = await make();
  await putJSON(store, key, value);
  return value;
}
