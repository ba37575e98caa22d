import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeFeatures, featureNames, type FeatureLayout } from '../../src/regressor';

const layout: FeatureLayout = {
  similarity: 2,
  encoding: 3,
  descriptors: ['params', 'depth'],
  scores: ['logme'],
};

test('composeFeatures concatenates similarity ⊕ encoding ⊕ log-sized descriptors ⊕ scores', () => {
  const row = composeFeatures(
    { similarity: [0.9, 0.1], encoding: [1, 2, 3], params: 999, depth: 18, scores: { logme: -0.5 } },
    layout,
  );
  assert.deepEqual(Array.from(row), [Math.fround(0.9), Math.fround(0.1), 1, 2, 3, 3, 18, -0.5]); // log10(1000) = 3
  assert.deepEqual(featureNames(layout, ['cifar10', 'mnist']), [
    'similarity:cifar10',
    'similarity:mnist',
    'encoding:0',
    'encoding:1',
    'encoding:2',
    'log10(1+params)',
    'depth',
    'score:logme',
  ]);
});

test('composeFeatures names the missing or mismatched part', () => {
  assert.throws(() => composeFeatures({ similarity: [1], encoding: [1, 2, 3] }, layout), /1 similarities/);
  assert.throws(
    () =>
      composeFeatures({ similarity: [1, 2], encoding: [1, 2, 3], depth: 3, scores: { logme: 0 } }, layout),
    /descriptor 'params'/,
  );
  assert.throws(
    () => composeFeatures({ similarity: [1, 2], encoding: [1, 2, 3], params: 1, depth: 3 }, layout),
    /score 'logme'/,
  );
});
