// TrainRankerWorkflow through the real CLI against a private Temporal dev server, then `dlrec similarity` on a
// folder of real PNG files (MNIST digits written with sharp) and on a dataset name.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';
import { writeDigitFolder } from '../helpers/images';
import { temporalForTests } from '../helpers/services';

const services = temporalForTests('ranker-wf');
const { root } = services;

test('ranker train (workflow) → similarity of a PNG folder and of a dataset; re-running resumes', async () => {
  const env = { TEMPORAL_ADDRESS: services.temporal.address, DLREC_HOME: path.join(root, 'home') };
  const folder = path.join(root, 'digits');
  await writeDigitFolder(folder);

  const none = await runCli(['similarity', folder, '--json'], env);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /no dataset similarity ranker is trained yet.*dlrec ranker train/);

  const trainArgs = ['ranker', 'train', '--profile', 'smoke', '--datasets', 'mnist,fashion-mnist,shapes'];
  const trained = await runCli([...trainArgs, '--samples', '120', '--json'], env);
  assert.equal(trained.code, 0, trained.stderr);
  const t = trained.json<{
    key: string;
    datasets: string[];
    members: Array<{
      key: string;
      kind: string;
      classifier: string;
      heldOutAccuracy: number;
      fitSeconds: number;
    }>;
  }>();
  assert.deepEqual(t.datasets, ['mnist', 'fashion-mnist', 'shapes']);
  assert.equal(t.members.length, 20);
  assert.deepEqual(new Set(t.members.map((m) => m.kind)), new Set(['gist', 'daisy', 'lbp', 'hog']));
  // Three very different datasets: every member must beat chance (1/3) on its held-out rows.
  for (const m of t.members)
    assert.ok(m.heldOutAccuracy > 0.5, `${m.kind}/${m.classifier}: ${m.heldOutAccuracy}`);

  const sim = await runCli(['similarity', folder, '--json'], env);
  assert.equal(sim.code, 0, sim.stderr);
  const s = sim.json<{
    similarity: Record<string, number>;
    mostSimilar: string;
    family: string;
    samples: number;
    seconds: number;
  }>();
  assert.equal(s.mostSimilar, 'mnist', JSON.stringify(s.similarity));
  assert.equal(s.family, 'digits');
  assert.equal(s.samples, 64);
  assert.deepEqual(Object.keys(s.similarity), t.datasets);
  assert.ok(Math.abs(Object.values(s.similarity).reduce((a, b) => a + b, 0) - 1) < 1e-9);
  assert.ok(s.seconds > 0);

  const byName = await runCli(['similarity', 'fashion-mnist', '--samples', '100', '--json'], env);
  assert.equal(byName.code, 0, byName.stderr);
  assert.equal(byName.json<{ mostSimilar: string }>().mostSimilar, 'fashion-mnist');

  // The same command again attaches to the finished workflow; a new workflow id over the same inputs finds
  // every stored member (same fitSeconds: read back, not refitted).
  const again = await runCli([...trainArgs, '--samples', '120', '--json'], env);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(
    again.json<{ members: Array<{ key: string }> }>().members.map((m) => m.key),
    t.members.map((m) => m.key),
  );
  const withId = await runCli([...trainArgs, '--samples', '120', '--id', 'rerun', '--json'], env);
  assert.equal(withId.code, 0, withId.stderr);
  const w = withId.json<{ key: string; members: Array<{ fitSeconds: number }> }>();
  assert.equal(w.key, t.key);
  assert.deepEqual(
    w.members.map((m) => m.fitSeconds),
    t.members.map((m) => m.fitSeconds),
    'a new workflow reuses the stored members',
  );
});
