import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RepositoryRecord } from '../../src/recommendation';

const datasets = ['a', 'b', 'c'];
const row = (architecture: string, dataset: string, accuracy: number, source: string | null = null) => ({
  architecture,
  dataset,
  source,
  accuracy,
});
// Scratch results: x = (0.9, 0.5, 0.7), y = (0.5, 0.3, —); levels a 0.7, b 0.4, c 0.7. A fine-tuned row is not a record.
const results = [
  row('x', 'a', 0.9),
  row('x', 'b', 0.5),
  row('x', 'c', 0.7),
  row('y', 'a', 0.5),
  row('y', 'b', 0.3),
  row('x', 'c', 0.99, 'a'),
];

test('RepositoryRecord: hand-computed columns, and excluded datasets are never read', () => {
  const record = new RepositoryRecord(datasets, results);
  const near = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) < 1e-12, `${actual}`);
  // Target c (excluded: its own result), similarity a 0.75, b 0.25.
  const x = record.features('x', [0.75, 0.25, 0], new Set(['c']));
  near(x.recordMean, 0.7);
  near(x.recordWeighted, 0.75 * 0.9 + 0.25 * 0.5);
  near(x.recordBest, 0.9);
  near(x.recordRelative, (0.9 - 0.7 + (0.5 - 0.4)) / 2);
  // Leave-one-dataset-out: a held out too leaves only b.
  const y = record.features('y', [0, 1, 0], new Set(['c', 'a']));
  assert.deepEqual(y, { recordMean: 0.3, recordWeighted: 0.3, recordBest: 0.3, recordRelative: 0.3 - 0.4 });
  // Zero similarity to every known dataset: the weighted column falls back to the mean.
  near(record.features('x', [0, 0, 1], new Set()).recordWeighted, 0.7);
});

test('RepositoryRecord: an architecture with no usable result gets the mean level and no relative skill', () => {
  const record = new RepositoryRecord(datasets, results);
  assert.deepEqual(record.features('unseen', [1, 0, 0], new Set(['c'])), {
    recordMean: 0.55,
    recordWeighted: 0.55,
    recordBest: 0.55,
    recordRelative: 0,
  });
  assert.equal(record.features('y', [0, 0, 1], new Set(['a', 'b'])).recordRelative, 0);
});
