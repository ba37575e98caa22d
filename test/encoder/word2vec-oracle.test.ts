/**
 * word2vec against independent oracles: gensim's neighbours on the same corpus (fixture made by
 * test/fixtures/encoder/make_word2vec_fixture.py), and the WebAssembly kernel against plain arithmetic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generateModels } from '../../src/arch';
import { PROFILES } from '../../src/profiles';
import { Word2Vec, cosineSimilarity } from '../../src/encoder/word2vec';
import { Word2VecTables, SIGMOID_TABLE_SIZE } from '../../src/encoder/word2vec-kernel';
import { SeededRandom } from '../../src/random';

interface GensimFixture {
  corpusSha256: string;
  config: { dim: number; window: number; negative: number; sample: number; epochs: number; minCount: number };
  minCount: number;
  k: number;
  neighbours: Record<string, string[]>;
  seedAgreement: number[];
  chanceAgreement: number;
}
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../fixtures/encoder/word2vec-gensim.json'), 'utf8'),
) as GensimFixture;

function corpus(): string[] {
  const models = generateModels({ ...PROFILES.mini.generation, count: 3000 });
  return models.flatMap((m) => [...m.sentences]);
}

function neighbours(model: Word2Vec, token: string, k: number): string[] {
  const v = model.vector(token)!;
  return model.vocabulary
    .filter((t) => t !== token)
    .map((t) => [t, cosineSimilarity(v, model.vector(t)!)] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([t]) => t);
}

function agreement(model: Word2Vec): number {
  const tokens = Object.keys(fixture.neighbours);
  let sum = 0;
  for (const t of tokens) {
    const ours = new Set(neighbours(model, t, fixture.k));
    sum += fixture.neighbours[t].filter((n) => ours.has(n)).length / fixture.k;
  }
  return sum / tokens.length;
}

const sentences = corpus();
const text = sentences.join('\n') + '\n';
if (process.env.DLREC_WRITE_CORPUS) fs.writeFileSync(process.env.DLREC_WRITE_CORPUS, text);

test('the gensim fixture was made on the corpus this test builds', () => {
  const sha = createHash('sha256').update(text).digest('hex');
  assert.equal(
    sha,
    fixture.corpusSha256,
    'the generator changed: regenerate word2vec-gensim.json (see its script)',
  );
});

for (const threads of [1, 2]) {
  test(`word2vec (${threads} thread${threads > 1 ? 's' : ''}) agrees with gensim's neighbours as gensim agrees with itself across seeds`, (t) => {
    const model = new Word2Vec({ ...fixture.config, seed: 1 });
    model.fit(sentences, { threads });
    const ours = agreement(model);
    t.diagnostic(
      `agreement ${ours.toFixed(3)}, gensim across seeds ${fixture.seedAgreement.map((a) => a.toFixed(3))}`,
    );
    const bar = 0.75 * Math.min(...fixture.seedAgreement);
    assert.ok(
      ours >= bar && ours > 10 * fixture.chanceAgreement,
      `top-${fixture.k} neighbour agreement with gensim ${ours.toFixed(3)}; gensim across seeds ` +
        `${fixture.seedAgreement.map((a) => a.toFixed(3)).join(', ')}; chance ${fixture.chanceAgreement.toFixed(3)}`,
    );
  });
}

// [2, 4, 4, 5]: a noise word drawn twice in a row, whose second dot product must see the first update (the
// kernel fuses each update with the next target's dot product only when the rows differ); at alpha 1 a stale
// dot product is far outside the tolerance (checked by breaking the kernel so).
for (const [targets, alpha] of [
  [[2, 4, 5], 0.05],
  [[2, 4, 4, 5], 1],
] as const)
  test(`the WebAssembly kernel trains a pair as plain arithmetic does (targets ${targets}, alpha ${alpha})`, () => {
    const dim = 40; // padded to 48: the padding must stay zero
    const t = new Word2VecTables({ rows: 6, dim, threads: 1, maxTargets: 4 });
    const rng = new SeededRandom(5);
    const inputs = Array.from({ length: 6 }, () =>
      Float64Array.from({ length: dim }, () => rng.normal() * 0.5),
    );
    const outputs = Array.from({ length: 6 }, () =>
      Float64Array.from({ length: dim }, () => rng.normal() * 0.5),
    );
    inputs.forEach((v, r) => t.floats.set(v, t.inputRow(r) / 4));
    outputs.forEach((v, r) => t.floats.set(v, t.outputRow(r) / 4));
    targets.forEach((r, i) => (t.ints[t.targetList(0) + i] = t.outputRow(r)));
    const loss = t.trainPair(0, t.inputRow(1), targets.length, alpha);

    // The oracle: word2vec.c's update with an exact sigmoid, in float64.
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-Math.max(-6, Math.min(6, x))));
    const input = inputs[1];
    const grad = new Float64Array(dim);
    let expectedLoss = 0;
    targets.forEach((r, i) => {
      const out = outputs[r];
      const f = input.reduce((s, x, k) => s + x * out[k], 0);
      const label = i === 0 ? 1 : 0;
      expectedLoss -= Math.log(label ? sigmoid(f) : 1 - sigmoid(f));
      const g = (label - sigmoid(f)) * alpha;
      for (let k = 0; k < dim; k++) {
        grad[k] += g * out[k];
        out[k] += g * input[k];
      }
    });
    for (let k = 0; k < dim; k++) input[k] += grad[k];
    // The sigmoid tables have bins of 12/SIGMOID_TABLE_SIZE: σ is off by at most a quarter of that.
    const tol = (12 / SIGMOID_TABLE_SIZE) * 0.25 * alpha * 3 + 1e-5;
    const close = (row: number, want: Float64Array, what: string) => {
      for (let k = 0; k < t.stride; k++) {
        const got = t.floats[row / 4 + k];
        if (k >= dim) assert.equal(got, 0, `${what}: padding ${k} stays zero`);
        else
          assert.ok(
            Math.abs(got - want[k]) <= tol * (1 + Math.abs(want[k])),
            `${what}[${k}] ${got} vs ${want[k]}`,
          );
      }
    };
    close(t.inputRow(1), input, 'context row');
    for (const r of targets) close(t.outputRow(r), outputs[r], `output row ${r}`);
    close(t.outputRow(3), outputs[3], 'untouched output row');
    assert.ok(Math.abs(loss - expectedLoss) < 0.02 * expectedLoss, `loss ${loss} vs ${expectedLoss}`);
    for (let k = 0; k < t.stride; k++)
      assert.equal(t.floats[t.scratchRow(0) / 4 + k], 0, 'gradient row cleared');
  });

test('the committed kernel binary is its WebAssembly text source', () => {
  execFileSync(process.execPath, [path.join(__dirname, '../../scripts/build-wasm.js'), '--check'], {
    stdio: 'pipe',
  });
});

test('a sentence trained in the kernel equals its pairs drawn and trained one by one in JavaScript', () => {
  // The oracle is the per-pair loop trainShard ran before the kernel took it over: same draws, same order.
  const dim = 40;
  const rows = 9;
  const window = 3;
  const negative = 4;
  const noise = Int32Array.from({ length: 1237 }, (_, i) => (i * 7919) % rows);
  const sentence = [3, 1, 4, 1, 5, 8, 2, 6, 5, 3, 5, 8, 7, 0];
  const layout = {
    rows,
    dim,
    threads: 1,
    maxTargets: negative + 1,
    noiseLength: noise.length,
    maxSentence: 20,
  };
  const [kernel, oracle] = [new Word2VecTables(layout), new Word2VecTables(layout)];
  const init = new SeededRandom(11);
  const start = Float32Array.from(
    { length: kernel.floats.length - kernel.inputBase / 4 },
    () => init.normal() * 0.1,
  );
  for (const t of [kernel, oracle]) {
    t.setNoise(noise);
    for (let r = 0; r < rows; r++) {
      t.floats.set(start.subarray(r * dim, (r + 1) * dim), t.inputRow(r) / 4);
      t.floats.set(start.subarray((rows + r) * dim, (rows + r + 1) * dim), t.outputRow(r) / 4);
    }
  }
  const alpha = 0.025;
  const rngKernel = new SeededRandom(99);
  kernel.ints.set(sentence, kernel.sentenceBuffer(0));
  kernel.trainSentence(0, sentence.length, window, negative, alpha, rngKernel);

  const rng = new SeededRandom(99);
  let loss = 0;
  let pairs = 0;
  for (let pos = 0; pos < sentence.length; pos++) {
    const shrink = rng.int(window);
    const first = Math.max(0, pos - window + shrink);
    const last = Math.min(sentence.length - 1, pos + window - shrink);
    for (let c = first; c <= last; c++) {
      if (c === pos) continue;
      const targets = [sentence[pos]];
      for (let d = 0; d < negative; d++) {
        const target = noise[rng.int(noise.length)];
        if (target !== sentence[pos]) targets.push(target);
      }
      targets.forEach((r, i) => (oracle.ints[oracle.targetList(0) + i] = oracle.outputRow(r)));
      loss += oracle.trainPair(0, oracle.inputRow(sentence[c]), targets.length, alpha);
      pairs++;
    }
  }
  const io = kernel.ioBlock(0) / 8;
  assert.equal(rngKernel.state, rng.state);
  assert.equal(kernel.doubles[io + 2], pairs);
  assert.equal(kernel.doubles[io + 1], loss);
  const tablesOf = (t: Word2VecTables) => t.floats.slice(t.inputBase / 4);
  assert.deepEqual(tablesOf(kernel), tablesOf(oracle));
});

test("threads' replicas hand every update to the shared tables: shared += replica − snapshot", () => {
  const t = new Word2VecTables({ rows: 3, dim: 20, threads: 2, maxTargets: 2, replicas: true });
  const shared = t.inputRow(1) / 4;
  t.floats.fill(0.5, shared, shared + t.stride); // input row 1
  const out = t.outputRow(2) / 4;
  t.floats.fill(-1, out, out + t.stride); // output row 2
  t.startReplica(0);
  t.startReplica(1);
  const row = (base: number, r: number) => base / 4 + r * t.stride;
  const [r0, r1] = [t.tablesOf(0), t.tablesOf(1)];
  assert.notEqual(r0.input, t.inputBase, 'threads train replicas, not the shared rows');
  assert.equal(t.floats[row(r1.input, 1) + 3], 0.5, 'a replica starts as the shared tables');
  t.floats[row(r0.input, 1) + 3] += 0.25; // thread 0 moves input row 1
  t.floats[row(r1.input, 1) + 3] += 1; // thread 1 moves the same entry
  t.floats[row(r1.output, 2) + 0] += 2; // and an output entry
  t.mergeReplica(0);
  assert.equal(t.floats[shared + 3], 0.75, "thread 0's update reached the shared row");
  t.mergeReplica(1);
  assert.equal(t.floats[shared + 3], 1.75, "both threads' updates add up");
  assert.equal(t.floats[out], 1, "thread 1's output update reached the shared row");
  assert.equal(t.floats[row(r1.input, 1) + 3], 1.75, 'the merging replica restarts from the shared tables');
  t.mergeReplica(1);
  assert.equal(t.floats[shared + 3], 1.75, 'an unchanged replica adds nothing');
  assert.equal(t.floats[shared + 4], 0.5, 'untouched entries stay');
});
