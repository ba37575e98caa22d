import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  analyze,
  canonicalHash,
  generateModels,
  generateShard,
  generateShards,
  parseSpec,
  toSentences,
  UNK,
  writeGeneration,
  writeGenerationParallel,
} from '../../src/arch';

const CIFAR = { height: 32, width: 32, channels: 3 };

test('the same seed gives the same models; another seed gives others', () => {
  const a = generateModels({ seed: 5, count: 300, input: CIFAR, classes: 10 });
  const b = generateModels({ seed: 5, count: 300, input: CIFAR, classes: 10 });
  const c = generateModels({ seed: 6, count: 300, input: CIFAR, classes: 10 });
  assert.deepEqual(a, b);
  const other = new Set(c.map((m) => m.id));
  assert.ok(a.filter((m) => other.has(m.id)).length < 30);
});

test('a shard depends only on (seed, shard index): sharded and single runs agree', () => {
  const run = [...generateShards({ seed: 9, count: 900, input: CIFAR, classes: 10, shardSize: 300 })];
  assert.equal(run.length, 3);
  const alone = generateShard({ seed: 9, shardIndex: 2, count: 300, input: CIFAR, classes: 10 });
  assert.deepEqual(
    run[2].models.map((m) => m.id),
    alone.models.map((m) => m.id),
  );
  assert.deepEqual(run[2].sentences, alone.sentences);
});

test('every generated model is a valid, distinct spec with its sentences and UNK copies', () => {
  const shard = generateShard({ seed: 3, shardIndex: 0, count: 1000, input: CIFAR, classes: 10 });
  const ids = new Set<string>();
  let unk = 0;
  let tokens = 0;
  for (const m of shard.models) {
    parseSpec(JSON.parse(JSON.stringify(m.spec)));
    const a = analyze(m.spec);
    assert.equal(a.params, m.params);
    assert.equal(a.flops, m.flops);
    assert.equal(m.spec.id, canonicalHash(m.spec));
    assert.ok(!ids.has(m.id));
    ids.add(m.id);
    assert.deepEqual(m.sentences, toSentences(m.spec));
    assert.equal(m.unkSentences.length, 2 * m.sentences.length);
    for (const s of m.sentences)
      assert.match(
        s,
        /^Convolution2D_.* Flatten (.* )?Dense_512_glorot_normal Dense_256_glorot_normal Dense_10_glorot_normal$/,
      );
    for (const s of m.unkSentences) {
      const words = s.split(' ');
      unk += words.filter((w) => w === UNK).length;
      tokens += words.length;
    }
  }
  assert.equal(
    shard.sentences.length,
    shard.models.reduce((n, m) => n + 3 * m.sentences.length, 0),
  );
  const rate = unk / tokens;
  assert.ok(rate > 0.18 && rate < 0.22, `UNK rate ${rate}`);
  const dag = shard.models.filter((m) => m.sentences.length > 1).length;
  assert.ok(dag > 50 && dag < 300, `DAG models ${dag}`);
});

test('sentence lengths spread over 5 to 23 tokens', () => {
  const shard = generateShard({ seed: 4, shardIndex: 0, count: 3000, input: CIFAR, classes: 10 });
  const lengths = shard.models.flatMap((m) => m.sentences.map((s) => s.split(' ').length));
  const min = Math.min(...lengths);
  const max = Math.max(...lengths);
  const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  assert.equal(min, 5);
  assert.ok(max >= 22 && max <= 23, `max ${max}`);
  assert.ok(mean > 12 && mean < 16, `mean ${mean}`);
  for (let len = 5; len <= 22; len++) assert.ok(lengths.includes(len), `no sentence of ${len} tokens`);
});

test('cross-shard duplicates are dropped and topped up to exactly the count', () => {
  // A tiny input leaves few distinct models, so shards collide.
  const input = { height: 1, width: 1, channels: 1 };
  const shards = [...generateShards({ seed: 1, count: 3000, input, classes: 10, shardSize: 500 })];
  const ids = shards.flatMap((s) => s.models.map((m) => m.id));
  assert.equal(ids.length, 3000);
  assert.equal(new Set(ids).size, 3000);
  assert.ok(shards.length > 6, 'a top-up shard was needed');
});

test('writeGeneration writes byte-identical files with a manifest of their sha256', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-gen-test-'));
  try {
    const opts = { seed: 21, count: 1500, input: CIFAR, classes: 43, shardSize: 500 };
    const m1 = writeGeneration(path.join(root, 'a'), opts);
    const m2 = writeGeneration(path.join(root, 'b'), opts);
    for (const f of ['models.jsonl', 'sentences.txt', 'vocab.txt', 'manifest.json']) {
      assert.ok(fs.readFileSync(path.join(root, 'a', f)).equals(fs.readFileSync(path.join(root, 'b', f))), f);
    }
    assert.deepEqual(m1, m2);
    assert.equal(m1.models, 1500);
    for (const [f, entry] of Object.entries(m1.files)) {
      const bytes = fs.readFileSync(path.join(root, 'a', f));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256, f);
      assert.equal(bytes.length, entry.bytes);
    }
    const lines = fs
      .readFileSync(path.join(root, 'a', 'models.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(lines.length, 1500);
    const first = JSON.parse(lines[0]);
    assert.ok(first.id && first.params > 0 && first.flops > 0);
    parseSpec(first);
    const sentences = fs
      .readFileSync(path.join(root, 'a', 'sentences.txt'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(sentences.length, m1.sentences);
    assert.ok(sentences[0].endsWith('Dense_43_glorot_normal'));
    const vocab = fs
      .readFileSync(path.join(root, 'a', 'vocab.txt'), 'utf8')
      .trim()
      .split('\n');
    assert.ok(vocab.includes('Dense_43_glorot_normal') && vocab.includes(UNK));
    const all = new Set(vocab);
    for (const s of sentences.slice(0, 2000)) for (const w of s.split(' ')) assert.ok(all.has(w), w);
    assert.ok(!fs.readdirSync(path.join(root, 'a')).some((f) => f.endsWith('.partial')));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('writeGenerationParallel (worker threads) writes the same bytes as writeGeneration', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-gen-par-'));
  try {
    const opts = { seed: 8, count: 1200, input: CIFAR, classes: 10, shardSize: 300 };
    const seq = writeGeneration(path.join(root, 'seq'), opts);
    const par = await writeGenerationParallel(path.join(root, 'par'), opts, 2);
    assert.deepEqual(par, seq);
    for (const f of ['models.jsonl', 'sentences.txt', 'vocab.txt', 'manifest.json']) {
      assert.ok(
        fs.readFileSync(path.join(root, 'seq', f)).equals(fs.readFileSync(path.join(root, 'par', f))),
        f,
      );
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
