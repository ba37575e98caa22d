// What makes a recommendation actionable: architectures in words, one line per architecture when the source
// does not matter, the chance floor, the low-confidence warning and the count of images read and skipped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { FileArtifactStore } from '../../infra/store';
import { describeArchitecture, zooModel, type ArchitectureSpec } from '../../src/arch';
import { imageCounts } from '../../src/datasets/folder';
import { loadImageSource } from '../../src/datasets/repository';
import { memberDisagreement } from '../../src/ranker/ranker';
import { confidenceWarnings, Recommender } from '../../src/recommendation';
import { writeNoiseFolder } from '../helpers/images';
import { synthetic } from './synthetic';

const similarity = { a: 0.7, b: 0.1, c: 0.1, d: 0.05, e: 0.05 };

test('source-independent predictions collapse into one line per architecture', () => {
  const { table, encodings, results } = synthetic(0);
  const top = new Recommender().fit(results, encodings, table, 1).recommend(similarity, 4);
  assert.equal(top.length, 4);
  assert.equal(new Set(top.map((r) => r.modelId)).size, 4, 'the top K are distinct architectures');
  for (const r of top) {
    assert.equal(r.sourceMatters, false, `${r.model}: ${JSON.stringify(r.sources)}`);
    // Every option: from scratch and pre-trained on each of the five datasets.
    assert.deepEqual(r.sources.map((s) => s.dataset ?? '').sort(), ['', 'a', 'b', 'c', 'd', 'e']);
  }
});

test('a source that matters is kept: the best option names it, the others are not listed as equal', () => {
  const { table, encodings, results } = synthetic(0.3);
  const [best] = new Recommender().fit(results, encodings, table, 1).recommend(similarity, 3);
  assert.equal(best.sourceMatters, true);
  assert.equal(best.sourceDataset, 'a');
  assert.ok(!best.sources.some((s) => s.dataset === null), 'from scratch is predicted clearly worse');
});

test('no predicted accuracy is shown below chance without a note', () => {
  const { table, encodings, results } = synthetic(0.3);
  // 30 points harder: a repository where some architectures are predicted below the 50% of a binary task.
  const harder = results.map((r) => ({ ...r, accuracy: r.accuracy - 0.3 }));
  const rec = new Recommender().fit(harder, encodings, table, 1);
  const all = rec.recommend(similarity, 14);
  const lowest = Math.min(...all.map((r) => r.predictedAccuracy));
  assert.ok(lowest < 0.5, `the synthetic repository has a prediction under 50% (lowest ${lowest})`);
  const binary = rec.recommend(similarity, 14, { classes: 2 });
  for (const r of binary) {
    assert.ok(r.predictedAccuracy >= 0.5, `${r.model}: ${r.predictedAccuracy}`);
    const raw = all.find((x) => x.modelId === r.modelId)!.predictedAccuracy;
    assert.equal(r.notes.length, raw < 0.5 ? 1 : 0, `${r.model}: raw ${raw}`);
  }
  assert.deepEqual(binary[0].notes, [], 'the best is above chance');
  assert.match(binary.at(-1)!.notes[0], /below chance for 2 classes \(50\.0%\): shown at chance/);
});

test("low-confidence warning: the members' disagreement is compared with the held-out datasets'", () => {
  const rows = { x: [0, 0.8, 0.2], y: [0.6, 0, 0.4], z: [0.3, 0.7, 0] };
  const table = { datasets: ['x', 'y', 'z'], rows, disagreement: { x: 0.3, y: 0.8, z: 0.5 } };
  const similarity = { x: 0.7, y: 0.2, z: 0.1 };
  assert.deepEqual(confidenceWarnings({ similarity, disagreement: 0.2 }, table), []);
  assert.deepEqual(
    confidenceWarnings({ similarity, disagreement: 0.8 }, table),
    [],
    'as much as a held-out one',
  );
  const [w, ...more] = confidenceWarnings({ similarity, disagreement: 1.1 }, table);
  assert.equal(more.length, 0);
  assert.equal(w.code, 'low-confidence');
  assert.deepEqual(w.evidence, {
    mostSimilar: 'x',
    topSimilarity: 0.7,
    disagreement: 1.1,
    threshold: 0.8,
    heldOutDisagreement: table.disagreement,
  });
  assert.match(w.message, /by 1\.10 bits, more than .* \(at most 0\.80 bits, y\); x's 70\.0% of the votes/);
  // Artifacts without the measure: say that confidence cannot be judged, and how to fix it.
  const [old] = confidenceWarnings({ similarity, disagreement: 1.1 }, { datasets: table.datasets, rows });
  assert.equal(old.code, 'confidence-unknown');
  assert.match(old.message, /dlrec ranker loo/);
});

test('memberDisagreement: members sure of different datasets disagree; members hesitating alike do not', () => {
  const member = (votes: number[]) => ({
    kind: 'k',
    classifier: 'mlp' as const,
    heldOutAccuracy: null,
    votes,
  });
  assert.equal(memberDisagreement([member([10, 0]), member([0, 10])]), 1);
  assert.equal(memberDisagreement([member([5, 5]), member([5, 5])]), 0);
  assert.equal(memberDisagreement([]), 0);
});

test('architectures in words: a zoo model by its family, a generated one by its layers', () => {
  const resnet = describeArchitecture(zooModel('resnet20'), 'resnet20');
  assert.equal(resnet.family, 'ResNet-20');
  assert.equal(resnet.params, 274_442);
  assert.equal(resnet.depth, 22, '19 convolutions, 2 projection shortcuts and the dense head');
  assert.match(resnet.description, /^ResNet-20: 21 conv \(1×1\/3×3, 16–64 filters\), .*9 residual merges/);
  const conv = (id: string, filters: number, k: number) => ({
    id,
    type: 'Convolution2D' as const,
    params: {
      filters,
      kernel: [k, k] as [number, number],
      strides: [1, 1] as [number, number],
      padding: 'SAME' as const,
    },
  });
  const pool = (id: string) => ({
    id,
    type: 'Pooling2D' as const,
    params: {
      kernel: [2, 2] as [number, number],
      strides: [2, 2] as [number, number],
      func: 'MAX' as const,
      padding: 'VALID' as const,
    },
  });
  const dense = (id: string, units: number) => ({
    id,
    type: 'Dense' as const,
    params: { units, init: 'glorot_normal' },
  });
  const spec: ArchitectureSpec = {
    format: 'dlrec.architecture',
    version: 1,
    input: { height: 32, width: 32, channels: 3 },
    classes: 10,
    layers: [
      conv('c1', 32, 3),
      { id: 'bn', type: 'BatchNormalization' },
      conv('c2', 64, 3),
      pool('p1'),
      conv('c3', 128, 3),
      conv('c4', 64, 3),
      pool('p2'),
      { id: 'f', type: 'Flatten' },
      dense('d1', 512),
      dense('d2', 10),
      { id: 's', type: 'Softmax' },
    ],
  };
  const g = describeArchitecture(spec);
  assert.equal(g.description, 'generated CNN: 4 conv (3×3, 32–128 filters), 2 pool, BatchNorm, 2 dense');
  assert.equal(g.depth, 6);
});

test('images read and skipped, with a count per reason, from a folder with corrupt files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-recommend-images-'));
  try {
    await writeNoiseFolder(path.join(dir, 'noise'), 12, 2);
    fs.writeFileSync(path.join(dir, 'noise', 'class-1', 'notes.bmp'), 'not an image');
    const store = new FileArtifactStore(path.join(dir, 'store'));
    const loaded = await loadImageSource(store, path.join(dir, 'noise'));
    const counts = imageCounts(loaded.pair.train.count + loaded.pair.test.count, loaded.skippedFiles);
    assert.deepEqual(counts, {
      read: 12,
      skipped: 3,
      skippedReasons: { 'unsupported-format': 1, corrupt: 2 },
    });
    const corrupt = loaded.skippedFiles.filter((s) => s.kind === 'corrupt').map((s) => s.file);
    assert.deepEqual(corrupt.sort(), ['class-0/garbage.jpg', 'class-0/truncated.png']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
