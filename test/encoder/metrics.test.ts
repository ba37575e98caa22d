import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knnPurity, silhouette, unigramPerplexity } from '../../src/encoder/metrics';
import { Vocabulary } from '../../src/encoder/vocabulary';
import { scatterSvg, tsne2d } from '../../src/encoder/tsne-plot';

interface GoldenCase {
  vectors: number[][];
  labels: number[];
  silhouette: number;
  knnPurity5: number;
}
const golden = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/encoder/metrics-golden.json'), 'utf8'),
) as {
  cases: GoldenCase[];
};

test('metrics: silhouette and 5-NN purity match scikit-learn on the golden fixtures', () => {
  for (const c of golden.cases) {
    const vectors = c.vectors.map((v) => Float32Array.from(v));
    assert.ok(Math.abs(silhouette(vectors, c.labels) - c.silhouette) < 1e-6, `silhouette ${c.silhouette}`);
    assert.ok(Math.abs(knnPurity(vectors, c.labels, 5) - c.knnPurity5) < 1e-9, `purity ${c.knnPurity5}`);
  }
});

test('metrics: bad inputs are rejected with a clear message', () => {
  const v = [Float32Array.of(0), Float32Array.of(1), Float32Array.of(2)];
  assert.throws(() => knnPurity(v, [0, 1], 1), /one label per vector/);
  assert.throws(() => knnPurity(v, [0, 1, 1], 3), /k must be an integer in \[1, 2\]/);
  assert.throws(() => silhouette(v, [0, 0, 0]), /two distinct labels/);
});

test('unigramPerplexity: add-one smoothed unigram over the LM targets (tokens + EOS, unknown → UNK)', () => {
  const vocab = Vocabulary.withSpecials(['ReLU', 'Flatten']);
  // Training targets: ReLU ReLU </s> Flatten </s>; counts +1 smoothing over 5 tokens (<s> </s> UNK ReLU Flatten).
  const train = ['ReLU ReLU', 'Flatten'];
  const total = 5 + 5;
  const p = { relu: 3 / total, eos: 3 / total, unk: 1 / total };
  // Held-out targets: ReLU Mystery </s> → ReLU, UNK, </s>.
  const expected = Math.exp(-(Math.log(p.relu) + Math.log(p.unk) + Math.log(p.eos)) / 3);
  assert.ok(Math.abs(unigramPerplexity(train, ['ReLU Mystery'], vocab) - expected) < 1e-9);
});

test('t-SNE: seeded, keeps separated clusters apart; the SVG has one dot per point and a legend', () => {
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < 30; i++) {
    const label = i % 2;
    vectors.push(Float32Array.from({ length: 6 }, (_, k) => label * 10 + Math.sin(i * 7 + k)));
    labels.push(label);
  }
  const a = tsne2d(vectors, { seed: 3, iterations: 150 });
  assert.deepEqual(tsne2d(vectors, { seed: 3, iterations: 150 }), a);
  const points = a.map(([x, y]) => Float32Array.of(x, y));
  assert.equal(knnPurity(points, labels, 5), 1);

  const svg = scatterSvg(
    a,
    labels,
    [
      { name: 'VGG-like <variants>', colour: '#d62728' },
      { name: 'random', colour: '#1f77b4' },
    ],
    'title',
  );
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.equal((svg.match(/<circle /g) ?? []).length, 30 + 2);
  assert.ok(svg.includes('VGG-like &lt;variants&gt;'));
});
