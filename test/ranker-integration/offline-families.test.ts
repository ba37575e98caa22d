// The quality criterion, on real data: in leave-one-out over the offline repository, a held-out
// dataset's most similar dataset belongs to its own family whenever another member of that family is there.
// Runs the ranker activities directly (no Temporal) on a small version: 150 samples, smoke classifiers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { rankerActivities } from '../../activities/ranker';
import { FileArtifactStore } from '../../infra/store';
import { PROFILES } from '../../src/profiles';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-ranker-loo-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const REPOSITORY = ['mnist', 'fashion-mnist', 'colour-digits', 'glyphs', 'shapes'];

test('leave-one-out over the offline repository recovers the family (digits: mnist ↔ colour-digits)', async () => {
  const act = rankerActivities({ store: new FileArtifactStore(root) });
  const profile = { ...PROFILES.smoke.ranker, samples: 150 };
  const derived = { perClass: { train: 20, test: 2 }, seed: 1 };
  const metas = [];
  for (const name of REPOSITORY)
    metas.push(
      await act.computeDatasetFeatures({ name, samples: profile.samples, seed: profile.seed, derived }),
    );
  const features = metas.map((m) => m.key);
  const families = metas.map((m) => m.family);
  assert.deepEqual(families, ['digits', 'clothing', 'digits', 'glyphs', 'shapes']);

  const matrix: number[][] = [];
  for (let i = 0; i < REPOSITORY.length; i++) {
    const row = await act.leaveOneOutRankerRow({ features, heldOut: i, profile });
    assert.equal(row.heldOut, REPOSITORY[i]);
    assert.equal(row.similarity[i], 0);
    assert.ok(Math.abs(row.similarity.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    // Members' disagreement (bits), the scale `recommend` judges a new dataset on: at most log2(datasets − 1).
    assert.ok(
      row.disagreement >= 0 && row.disagreement <= Math.log2(REPOSITORY.length - 1),
      `${row.disagreement}`,
    );
    matrix.push(row.similarity);
  }
  const report = matrix
    .map((r, i) => `${REPOSITORY[i].padEnd(14)} ${r.map((v) => v.toFixed(2)).join(' ')}`)
    .join('\n');
  for (let i = 0; i < REPOSITORY.length; i++) {
    const sameFamily = families.some((f, j) => j !== i && f === families[i]);
    if (!sameFamily) continue;
    const best = matrix[i].indexOf(Math.max(...matrix[i]));
    assert.equal(
      families[best],
      families[i],
      `held-out ${REPOSITORY[i]} is most similar to ${REPOSITORY[best]} (${families[best]}), not to its family ${families[i]}:\n${report}`,
    );
  }

  // Idempotent: a second call finds the stored row instead of refitting.
  const t0 = Date.now();
  const again = await act.leaveOneOutRankerRow({ features, heldOut: 0, profile });
  assert.deepEqual(again.similarity, matrix[0]);
  assert.ok(Date.now() - t0 < 2_000);
});
