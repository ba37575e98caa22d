// The paper's seven datasets fetched the way a production build fetches them — download with resume, size and
// sha256 checks, conversion into the store — against a local mirror serving small archives in each dataset's real
// format: first through the activity itself, then through PrepareDatasetsWorkflow on a real Temporal server.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  ActivityFailure,
  ApplicationFailure,
  Client,
  Connection,
  WorkflowFailedError,
} from '@temporalio/client';
import { RetryState } from '@temporalio/common';
import { datasetActivities, type PreparedDataset } from '../../activities/datasets';
import { FileArtifactStore } from '../../infra/store';
import {
  downloadBasename,
  PAPER_DATASETS,
  startDatasetMirror,
  syntheticArchives,
  type DatasetMirror,
  type RunningMirror,
} from '../../src/datasets/mirror';
import { getEntry } from '../../src/datasets/registry';
import { readManifest, readSplit } from '../../src/datasets/store';
import { encodeMatV5, encodeSvhnMat, parseMatV5, parseSvhnMat } from '../../src/datasets/svhn-mat';
import { resizeSet, toChannels } from '../../src/datasets/transforms';
import type { ImageSet } from '../../src/datasets/types';
import type { DatasetsProfile } from '../../src/profiles';
import { PrepareDatasetsWorkflow } from '../../workflows';
import { CPU_QUEUE } from '../../workflows/queues';
import { withWorkers } from '../../workers/worker';
import { startTemporalServer } from '../helpers/services';
import { tempDir } from './helpers';

const SIZE = { train: 20, test: 10, seed: 3 };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function profile(mirror: DatasetMirror | undefined, names = PAPER_DATASETS): DatasetsProfile {
  return { names, derivedPerClass: { train: 2, test: 1 }, seed: 1, ...(mirror ? { mirror } : {}) };
}

/** A fresh $DLREC_HOME with a file store in it, removed afterwards. */
async function withHome<T>(fn: (home: string, store: FileArtifactStore) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir('dlrec-mirror-');
  const before = process.env.DLREC_HOME;
  process.env.DLREC_HOME = dir;
  try {
    return await fn(dir, new FileArtifactStore(path.join(dir, 'store')));
  } finally {
    if (before === undefined) delete process.env.DLREC_HOME;
    else process.env.DLREC_HOME = before;
    cleanup();
  }
}

async function withMirror<T>(
  opts: Parameters<typeof startDatasetMirror>[0],
  fn: (m: RunningMirror) => Promise<T>,
): Promise<T> {
  const m = await startDatasetMirror(opts);
  try {
    return await fn(m);
  } finally {
    await m.close();
  }
}

test('MAT v5 writer: round trip through the reader, compressed and not; SVHN layout', () => {
  const X = Uint8Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => (i * 37) % 256);
  const w = Float64Array.from([1.5, -2, 1e9, 0.25, 3, 7]);
  for (const compress of [true, false]) {
    const file = encodeMatV5(
      [
        { name: 'X', dims: [2, 3, 3, 4], data: X },
        { name: 'weights', dims: [2, 3], data: w },
        { name: 'y', dims: [3, 1], data: Uint8Array.of(10, 1, 5) }, // 3 bytes: a small data element
      ],
      { compress },
    );
    assert.equal(file.subarray(126, 128).toString('latin1'), 'IM');
    const vars = parseMatV5(file);
    assert.deepEqual([...vars.keys()], ['X', 'weights', 'y']);
    assert.deepEqual(vars.get('X')!.dims, [2, 3, 3, 4]);
    assert.ok(vars.get('X')!.data instanceof Uint8Array, 'uint8 stays bytes');
    assert.deepEqual([...vars.get('X')!.data], [...X]);
    assert.deepEqual([...vars.get('weights')!.data], [...w]);
    assert.deepEqual([...vars.get('y')!.data], [10, 1, 5]);
  }
  const set: ImageSet = {
    images: Uint8Array.from({ length: 3 * 32 * 32 * 3 }, (_, i) => (i * 7 + (i >> 10)) % 256),
    labels: Uint8Array.of(0, 9, 3),
    count: 3,
    height: 32,
    width: 32,
    channels: 3,
    classNames: [],
  };
  const back = parseSvhnMat(encodeSvhnMat(set));
  assert.deepEqual([...back.labels], [0, 9, 3], "label 0 is stored as 10 and read back as '0'");
  assert.deepEqual([back.height, back.width, back.channels], [32, 32, 3]);
  assert.deepEqual(sha256(back.images), sha256(set.images), 'pixels survive the column-major layout');
});

test('synthetic archives: registry file names, deterministic per seed, classes and datasets tell apart', async () => {
  for (const name of PAPER_DATASETS) {
    const a = syntheticArchives(name, SIZE);
    assert.deepEqual(
      a.map((x) => [x.role, x.basename]),
      getEntry(name).files!.map((f) => [f.role, downloadBasename(f)]),
      `${name}: the registry's roles and file names`,
    );
    const again = syntheticArchives(name, SIZE);
    assert.deepEqual(
      again.map((x) => sha256(x.data)),
      a.map((x) => sha256(x.data)),
      `${name}: deterministic`,
    );
    const other = syntheticArchives(name, { ...SIZE, seed: SIZE.seed + 1 });
    assert.notEqual(sha256(other[0].data), sha256(a[0].data), `${name}: another seed, other images`);
  }
  // A nearest-class-mean classifier on 16×16 RGB pixels: well above chance for classes and for datasets.
  await withHome(async (_home, store) =>
    withMirror({ datasets: ['mnist', 'cifar-10', 'gtsrb', 'svhn'], train: 120, test: 60 }, async (m) => {
      const act = datasetActivities({ store });
      const feats = (s: ImageSet) => {
        const r = resizeSet(toChannels(s, 3), 16, 16);
        const per = 16 * 16 * 3;
        return Array.from({ length: r.count }, (_, n) => r.images.subarray(n * per, (n + 1) * per));
      };
      const accuracy = (tr: Uint8Array[], trY: number[], te: Uint8Array[], teY: number[]) => {
        const K = Math.max(...trY) + 1;
        const mu = Array.from({ length: K }, () => new Float64Array(tr[0].length));
        const n = new Array<number>(K).fill(0);
        tr.forEach((x, i) => {
          n[trY[i]]++;
          x.forEach((v, j) => (mu[trY[i]][j] += v));
        });
        mu.forEach((c, k) => c.forEach((_, j) => (c[j] /= Math.max(1, n[k]))));
        const dist = (x: Uint8Array, c: Float64Array) => x.reduce((s, v, j) => s + (v - c[j]) ** 2, 0);
        const hits = te.filter((x, i) => {
          const d = mu.map((c, k) => (n[k] ? dist(x, c) : Infinity));
          return d.indexOf(Math.min(...d)) === teY[i];
        });
        return hits.length / te.length;
      };
      const all = {
        tr: [] as Uint8Array[],
        trY: [] as number[],
        te: [] as Uint8Array[],
        teY: [] as number[],
      };
      for (const [d, name] of ['mnist', 'cifar-10', 'gtsrb', 'svhn'].entries()) {
        await act.prepareDataset({ name, datasets: profile(m.mirror) });
        const man = (await readManifest(store, name))!;
        const [tr, te] = [await readSplit(store, man, 'train'), await readSplit(store, man, 'test')];
        const acc = accuracy(feats(tr), [...tr.labels], feats(te), [...te.labels]);
        const chance = 1 / man.classNames.length;
        assert.ok(acc > Math.max(0.3, 3 * chance), `${name}: class accuracy ${acc} (chance ${chance})`);
        all.tr.push(...feats(tr).slice(0, 40));
        all.trY.push(...new Array<number>(40).fill(d));
        all.te.push(...feats(te).slice(0, 20));
        all.teY.push(...new Array<number>(20).fill(d));
      }
      const acc = accuracy(all.tr, all.trY, all.te, all.teY);
      assert.ok(acc > 0.6, `dataset accuracy ${acc} (chance 0.25)`);
    }),
  );
});

test('all seven datasets: fetched from the mirror, verified, converted; a second run reuses', async () => {
  await withHome(async (home, store) =>
    withMirror({ ...SIZE }, async (m) => {
      const act = datasetActivities({ store });
      const first: PreparedDataset[] = [];
      for (const name of PAPER_DATASETS) {
        const r = await act.prepareDataset({ name, datasets: profile(m.mirror) });
        first.push(r);
        const entry = getEntry(name);
        const table = m.mirror.files[name];
        assert.deepEqual(r.download, {
          from: 'mirror',
          files: table.length,
          bytes: table.reduce((s, f) => s + f.size!, 0),
          reused: false,
        });
        const man = (await readManifest(store, name))!;
        assert.equal(man.sha256, r.sha256, `${name} is the current version`);
        assert.equal(man.kind, 'fetched');
        assert.equal(man.classNames.length, entry.classNames.length, `${name}: classes`);
        assert.deepEqual(
          [man.height, man.width, man.channels],
          [entry.height, entry.width, entry.channels],
          `${name}: image size`,
        );
        assert.deepEqual([r.classes, r.train, r.test], [entry.classNames.length, SIZE.train, SIZE.test]);
        for (const s of ['train', 'test'] as const) {
          const set = await readSplit(store, man, s);
          assert.equal(set.count, SIZE[s]);
          const present = new Set(set.labels).size;
          assert.equal(present, Math.min(SIZE[s], entry.classNames.length), `${name} ${s}: balanced labels`);
        }
        assert.deepEqual(
          (man.recipe as { files: Array<{ url: string; sha256: string }> }).files,
          table.map((f) => ({ url: f.url, sha256: f.sha256 })),
        );
        for (const f of table) {
          const file = path.join(home, 'downloads', name, downloadBasename(f));
          assert.equal(sha256(fs.readFileSync(file)), f.sha256, `${file} kept, verified`);
        }
      }
      assert.equal(m.requests.length, Object.values(m.mirror.files).flat().length, 'each file fetched once');
      assert.ok(m.requests.every((q) => q.status === 200 && !q.range));
      assert.equal(
        (await readSplit(store, (await readManifest(store, 'cifar-100'))!, 'train')).classNames[0],
        'apple',
      );

      const served = m.requests.length;
      for (const [i, name] of PAPER_DATASETS.entries()) {
        const r = await act.prepareDataset({ name, datasets: profile(m.mirror) });
        assert.equal(r.sha256, first[i].sha256);
        assert.deepEqual(r.download, { ...first[i].download, bytes: 0, reused: true });
      }
      assert.equal(m.requests.length, served, 'a second run downloads nothing');
    }),
  );
});

test('an interrupted download resumes with a Range request; a complete .part is finished (416)', async () => {
  await withHome(async (home, store) =>
    withMirror({ datasets: ['cifar-10', 'svhn'], ...SIZE }, async (m) => {
      const archives = {
        'cifar-10': syntheticArchives('cifar-10', SIZE)[0],
        svhn: syntheticArchives('svhn', SIZE)[1], // test_32x32.mat
      };
      const half = Math.floor(archives['cifar-10'].data.length / 2);
      const part = (name: 'cifar-10' | 'svhn', bytes: Buffer) => {
        const dir = path.join(home, 'downloads', name);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${archives[name].basename}.part`), bytes);
      };
      part('cifar-10', archives['cifar-10'].data.subarray(0, half));
      part('svhn', archives.svhn.data);
      const act = datasetActivities({ store });
      const cifar = await act.prepareDataset({ name: 'cifar-10', datasets: profile(m.mirror) });
      assert.equal(
        cifar.download?.bytes,
        archives['cifar-10'].data.length - half,
        'only the rest was downloaded',
      );
      assert.deepEqual(
        m.requests.map((q) => [q.path, q.range, q.status]),
        [[`/cifar-10/cifar-10-binary.tar.gz`, `bytes=${half}-`, 206]],
      );
      const svhn = await act.prepareDataset({ name: 'svhn', datasets: profile(m.mirror) });
      assert.equal(svhn.train, SIZE.train);
      assert.deepEqual(
        m.requests.slice(1).map((q) => [q.path, q.range, q.status]),
        [
          ['/svhn/train_32x32.mat', undefined, 200],
          ['/svhn/test_32x32.mat', `bytes=${archives.svhn.data.length}-`, 416],
        ],
      );
      assert.ok(!fs.existsSync(path.join(home, 'downloads', 'svhn', 'test_32x32.mat.part')));
    }),
  );
});

test('a corrupted download: retryable error naming the file and both sha256, file deleted; then a retry succeeds', async () => {
  await withHome(async (home, store) =>
    withMirror(
      { datasets: ['mnist', 'fashion-mnist'], ...SIZE, corrupt: ['mnist/train-labels-idx1-ubyte.gz'] },
      async (m) => {
        const act = datasetActivities({ store });
        const good = syntheticArchives('mnist', SIZE).find((a) => a.role === 'train-labels')!.data;
        const bad = Buffer.from(good);
        bad[bad.length >> 1] ^= 0xff;
        const err = await act.prepareDataset({ name: 'mnist', datasets: profile(m.mirror) }).then(
          () => assert.fail('a corrupted file must fail the attempt'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof ApplicationFailure, String(err));
        assert.equal(err.type, 'DlrecChecksumMismatch');
        assert.equal(err.nonRetryable, false, 'retryable: the next attempt downloads it again');
        assert.match(
          err.message,
          /dataset 'mnist': train-labels-idx1-ubyte\.gz \(http:\/\/127\.0\.0\.1:\d+\/mnist\//,
        );
        assert.ok(err.message.includes(`has sha256 ${sha256(bad)}, expected ${sha256(good)}`), err.message);
        const dir = path.join(home, 'downloads', 'mnist');
        assert.ok(!fs.existsSync(path.join(dir, 'train-labels-idx1-ubyte.gz')), 'the bad file was deleted');
        assert.ok(!fs.existsSync(path.join(dir, 'train-labels-idx1-ubyte.gz.part')));
        assert.equal(await readManifest(store, 'mnist'), undefined, 'nothing stored');

        // fashion-mnist has a file of the same name, served intact.
        const fashion = await act.prepareDataset({ name: 'fashion-mnist', datasets: profile(m.mirror) });
        assert.equal(fashion.classes, 10);

        m.setCorrupt([]);
        const r = await act.prepareDataset({ name: 'mnist', datasets: profile(m.mirror) });
        assert.equal(r.train, SIZE.train);
        const mnistGets = m.requests.filter((q) => q.path.startsWith('/mnist/')).map((q) => q.path);
        assert.deepEqual(
          mnistGets.filter((p) => p.endsWith('/train-labels-idx1-ubyte.gz')).length,
          2,
          'the bad file was fetched again',
        );
        assert.equal(mnistGets.length, 5, 'the files verified in the first attempt were not');
      },
    ),
  );
});

test('bad dataset names and datasets the mirror lacks fail non-retryably, saying how to fix', async () => {
  await withHome(async (_home, store) =>
    withMirror({ datasets: ['mnist'], ...SIZE }, async (m) => {
      const act = datasetActivities({ store });
      const failure = async (name: string, datasets: DatasetsProfile) => {
        const e = await act.prepareDataset({ name, datasets }).then(
          () => assert.fail(`${name} should fail`),
          (x: unknown) => x,
        );
        assert.ok(e instanceof ApplicationFailure, String(e));
        assert.equal(e.nonRetryable, true);
        assert.equal(e.type, 'DlrecDatasetUnavailable');
        return e.message;
      };
      assert.match(
        await failure('cifar10', profile(m.mirror)),
        /unknown dataset 'cifar10'.*dlrec datasets add/,
      );
      assert.match(
        await failure('gtsrb', profile(m.mirror)),
        /'gtsrb' must be downloaded, and the mirror http:\/\/127\.0\.0\.1:\d+ does not list it \(it lists mnist\)/,
      );
      const stray = { ...m.mirror, files: { ...m.mirror.files, 'my-set': m.mirror.files.mnist } };
      assert.match(await failure('my-set', profile(stray)), /on the mirror .* but not in the registry/);
      assert.equal(m.requests.length, 0);
    }),
  );
});

test('PrepareDatasetsWorkflow with a mirror on a real Temporal server: a corrupted file is retried, then the run fails clearly; a clean run succeeds', async () => {
  const temporal = await startTemporalServer();
  const { dir, cleanup } = tempDir('dlrec-mirror-wf-');
  const before = process.env.DLREC_HOME;
  process.env.DLREC_HOME = dir;
  const m = await startDatasetMirror({
    datasets: ['mnist', 'svhn', 'gtsrb'],
    ...SIZE,
    corrupt: ['svhn/test_32x32.mat'],
  });
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection });
    const target = { address: temporal.address, namespace: 'default', external: true };
    const store = new FileArtifactStore(path.join(dir, 'store'));
    await withWorkers({ target, store }, async () => {
      const t0 = Date.now();
      const err = await client.workflow
        .execute(PrepareDatasetsWorkflow, {
          workflowId: 'datasets-corrupt',
          taskQueue: CPU_QUEUE,
          args: [profile(m.mirror, ['mnist', 'svhn'])],
        })
        .then(
          () => assert.fail('the run should fail'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof WorkflowFailedError, String(err));
      const activity = err.cause;
      assert.ok(activity instanceof ActivityFailure, String(activity));
      assert.equal(activity.activityType, 'prepareDataset');
      assert.equal(activity.retryState, RetryState.MAXIMUM_ATTEMPTS_REACHED);
      const cause = activity.cause;
      assert.ok(cause instanceof ApplicationFailure, String(cause));
      assert.equal(cause.type, 'DlrecChecksumMismatch');
      const good = syntheticArchives('svhn', SIZE)[1].data;
      const bad = Buffer.from(good);
      bad[bad.length >> 1] ^= 0xff;
      assert.ok(
        cause.message.startsWith(
          `dataset 'svhn': test_32x32.mat (${m.url}/svhn/test_32x32.mat) has sha256 ${sha256(bad)}, expected ${sha256(good)}`,
        ),
        cause.message,
      );
      const gets = m.requests.filter((q) => q.path === '/svhn/test_32x32.mat');
      assert.equal(gets.length, 3, 'three attempts, each downloading the file again');
      assert.equal(
        m.requests.filter((q) => q.path === '/svhn/train_32x32.mat').length,
        1,
        'kept between attempts',
      );
      const history = await client.workflow.getHandle('datasets-corrupt').fetchHistory();
      const started = (history.events ?? [])
        .map((e) => e.activityTaskStartedEventAttributes)
        .filter((a) => a != null);
      assert.deepEqual(
        started.map((a) => a.attempt),
        [1, 3],
        'mnist in one attempt; svhn failed on its third',
      );
      assert.ok(Date.now() - t0 < 120_000);

      m.setCorrupt([]);
      const ok = await client.workflow.execute(PrepareDatasetsWorkflow, {
        workflowId: 'datasets-clean',
        taskQueue: CPU_QUEUE,
        args: [profile(m.mirror, ['mnist', 'svhn', 'gtsrb'])],
      });
      assert.deepEqual(
        ok.map((r) => [r.name, r.classes, r.train, r.test, r.download?.reused]),
        [
          ['mnist', 10, SIZE.train, SIZE.test, true],
          ['svhn', 10, SIZE.train, SIZE.test, false],
          ['gtsrb', 43, SIZE.train, SIZE.test, false],
        ],
      );
      for (const r of ok) assert.equal((await readManifest(store, r.name))?.sha256, r.sha256);
      assert.equal(m.requests.filter((q) => q.path === '/svhn/test_32x32.mat').length, 4);
    });
  } finally {
    await connection.close();
    await m.close();
    await temporal.stop();
    if (before === undefined) delete process.env.DLREC_HOME;
    else process.env.DLREC_HOME = before;
    cleanup();
  }
});
