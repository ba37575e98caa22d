// An architecture's classifier head and its re-targeting to another class count (fine-tuning's re-heading).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, headLayerIds, InvalidArchitectureError, withClasses, zooModel } from '../../src/arch';

test('the head is the last weighted layer on the way to the output, with what follows it', () => {
  const lenet = zooModel('lenet5');
  const ids = headLayerIds(lenet);
  const last = lenet.layers.find((l) => l.id === ids.at(-1));
  assert.equal(last?.type, 'Dense');
  assert.ok(ids.length >= 1);
});

test('withClasses re-targets the head, keeps the input, and the result is valid', () => {
  const lenet = zooModel('lenet5');
  const for43 = withClasses(lenet, 43);
  assert.equal(for43.classes, 43);
  assert.deepEqual(for43.input, lenet.input);
  assert.deepEqual(analyze(for43).shapes.at(-1), [43]);
  assert.equal(withClasses(lenet, lenet.classes), lenet);
});

test('a head whose width is not the class count cannot be re-targeted', () => {
  const lenet = zooModel('lenet5');
  const wrong = { ...lenet, classes: 7 };
  assert.throws(() => withClasses(wrong, 10), InvalidArchitectureError);
});
