import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitMember, fitMemberInThread, fitMembersInThread } from '../../src/ranker';

// Three classes that differ in their first five features, plus deterministic clutter.
const n = 240;
const d = 16;
const X = Float32Array.from({ length: n * d }, (_, i) => {
  const row = Math.floor(i / d);
  return ((i * 7919) % 101) / 101 + (i % d < 5 ? (row % 3) * 0.4 : 0);
});
const y = Int32Array.from({ length: n }, (_, i) => i % 3);
const data = { X, n, d, y };
const options = { profile: 'smoke' as const, seed: 4 };

test('a member fitted on a worker thread is the one fitMember makes on the main thread', async () => {
  for (const classifier of ['random-forest', 'mlp'] as const) {
    const here = fitMember('hog', classifier, data, options);
    const there = await fitMemberInThread('hog', classifier, data, options);
    assert.deepEqual(there.model, here.model);
    assert.equal(there.heldOutAccuracy, here.heldOutAccuracy);
  }
  const many = await fitMembersInThread(
    [
      { kind: 'a', classifier: 'naive-bayes' },
      { kind: 'b', classifier: 'linear-svm' },
    ],
    { a: data, b: data },
    options,
  );
  assert.deepEqual(
    many.map((m) => [m.kind, m.classifier]),
    [
      ['a', 'naive-bayes'],
      ['b', 'linear-svm'],
    ],
  );
  assert.deepEqual(many[1].model, fitMember('b', 'linear-svm', data, options).model);
});

test('a failing fit on the thread rejects with the fit error', async () => {
  await assert.rejects(fitMemberInThread('hog', 'no-such-classifier', data, options), /unknown classifier/);
});
