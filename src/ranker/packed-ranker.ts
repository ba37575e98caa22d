// The ranker's packed form (src/ml/packed-json.ts) beside its JSON in the store: a cache for queries, which
// read it in a fraction of the JSON's time. The build writes it, and so does the first query of a store built
// before it existed (where the store takes writes); the JSON stays the record, and a packed form made from
// another version of it is ignored.
import type { ArtifactStore } from '../../infra/store';
import { packJSON, unpackJSON } from '../ml/packed-json';
import type { RankerJSON } from './ranker';

/** ranker/<id>/ranker.json → ranker/<id>/ranker.packed */
export const packedRankerKey = (jsonKey: string): string => jsonKey.replace(/\.json$/, '') + '.packed';

interface PackedRanker {
  /** the JSON this was made from */
  source: { key: string; sha256: string };
  ranker: RankerJSON;
}

/** Stores the packed form of `ranker`, the JSON at `key` whose sha256 is `sha256`. */
export async function storePackedRanker(
  store: ArtifactStore,
  key: string,
  sha256: string,
  ranker: RankerJSON,
): Promise<void> {
  const packed: PackedRanker = { source: { key, sha256 }, ranker };
  await store.put(packedRankerKey(key), packJSON(packed));
}

/**
 * The ranker JSON at `key` (sha256 `sha256`) from its packed form; undefined when there is none for it.
 * Unpacked once `unpackAfter` has settled (see loadRanker).
 */
export async function readPackedRanker(
  store: ArtifactStore,
  key: string,
  sha256: string,
  unpackAfter?: Promise<unknown>,
): Promise<RankerJSON | undefined> {
  const info = await store.head(packedRankerKey(key));
  if (!info) return undefined;
  const bytes = await store.get(packedRankerKey(key));
  await unpackAfter?.catch(() => undefined);
  const packed = unpackJSON<PackedRanker>(bytes);
  return packed.source?.key === key && packed.source.sha256 === sha256 ? packed.ranker : undefined;
}

/** Makes sure the JSON at `key` has its packed form (the build calls it after storing a ranker). */
export async function ensurePackedRanker(store: ArtifactStore, key: string): Promise<void> {
  const info = await store.head(key);
  if (!info) throw new Error(`no ranker at ${key} in ${store.url}`);
  if (await readPackedRanker(store, key, info.sha256).catch(() => undefined)) return;
  const json = JSON.parse((await store.get(key)).toString('utf8')) as RankerJSON;
  await storePackedRanker(store, key, info.sha256, json);
}
