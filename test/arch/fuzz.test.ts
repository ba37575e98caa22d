import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ArchitectureError,
  canonicalHash,
  generateModels,
  loadArchitecture,
  toSentences,
  validityError,
  ZOO,
  zooModel,
} from '../../src/arch';
import { Rng } from '../../src/arch/generator';
import { referenceFile } from '../helpers/reference';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'arch');
const NLDS = JSON.parse(fs.readFileSync(referenceFile('nlds-example.json'), 'utf8'));

const SEEDS: unknown[] = [
  NLDS,
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'keras2-sequential.json'), 'utf8')),
  JSON.parse(fs.readFileSync(path.join(FIXTURES, 'keras3-functional.json'), 'utf8')),
  ...ZOO.map((n) => zooModel(n)),
  ...generateModels({ seed: 2, count: 20, input: { height: 32, width: 32, channels: 3 }, classes: 10 }).map(
    (m) => m.spec,
  ),
];
const WEIRD: unknown[] = [
  null,
  0,
  -1,
  1,
  2.5,
  1e12,
  -1e12,
  '',
  'x',
  'SAME',
  'Convolution2D',
  'ImageData',
  'input',
  true,
  [],
  {},
  [1],
  [0, 0],
  { a: 1 },
  [[[[]]]],
];
const TYPES = [
  'Convolution2D',
  'Pooling2D',
  'Dense',
  'Eltwise',
  'Concat',
  'Flatten',
  'UNK',
  'Conv2D',
  'Add',
  'InputLayer',
  'ImageData',
  'Softmax',
];

/** Every (container, key) in a JSON tree. */
function slots(
  value: unknown,
  out: Array<[Record<string, unknown> | unknown[], string | number]> = [],
): typeof out {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([value, i]), slots(v, out)));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, k]);
      slots(v, out);
    }
  }
  return out;
}

function mutate(doc: unknown, rng: Rng): unknown {
  const all = slots(doc);
  if (all.length === 0) return rng.pick(WEIRD);
  const [container, key] = rng.pick(all);
  const c = container as Record<string | number, unknown>;
  switch (rng.between(0, 6)) {
    case 0:
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete c[key];
      break;
    case 1:
      c[key] = structuredClone(rng.pick(WEIRD));
      break;
    case 2:
      c[key] = rng.pick(TYPES);
      break;
    case 3: {
      const v = c[key];
      if (typeof v === 'number') c[key] = rng.pick([0, -v, v * 1000, v + 1, Math.floor(v / 2), v + 0.5]);
      else c[key] = rng.pick(WEIRD);
      break;
    }
    case 4:
      if (Array.isArray(container)) container.push(structuredClone(container[key as number]));
      break;
    case 5:
      if (Array.isArray(container) && container.length > 1) {
        const j = rng.between(0, container.length - 1);
        [container[key as number], container[j]] = [container[j], container[key as number]];
      }
      break;
    default: {
      const [other, k2] = rng.pick(all);
      c[key] = structuredClone((other as Record<string | number, unknown>)[k2]);
    }
  }
  return doc;
}

test('≥1,000 random mutations of valid specs, NLDS and Keras files never crash: clean one-line errors', () => {
  const rng = new Rng(20261128);
  let accepted = 0;
  let rejected = 0;
  const started = Date.now();
  for (let i = 0; i < 1500; i++) {
    let doc: unknown = structuredClone(SEEDS[i % SEEDS.length]);
    const rounds = rng.between(1, 3);
    for (let r = 0; r < rounds; r++) doc = mutate(doc, rng);
    doc = JSON.parse(JSON.stringify(doc) ?? 'null');
    const t0 = Date.now();
    try {
      const { spec } = loadArchitecture(doc);
      const sentences = toSentences(spec);
      assert.ok(sentences.length >= 1);
      validityError(spec);
      assert.match(canonicalHash(spec), /^[0-9a-f]{16}$/);
      accepted++;
    } catch (err) {
      rejected++;
      assert.ok(
        err instanceof ArchitectureError,
        `case ${i}: not a clean error: ${(err as Error)?.stack ?? err}`,
      );
      assert.ok(!err.message.includes('\n'), `case ${i}: multi-line message`);
      assert.doesNotMatch(
        err.message,
        /Cannot read|undefined|is not a function|NaN/,
        `case ${i}: ${err.message}`,
      );
    }
    assert.ok(Date.now() - t0 < 2000, `case ${i} took ${Date.now() - t0} ms`);
  }
  assert.ok(accepted > 100 && rejected > 100, `accepted ${accepted}, rejected ${rejected}`);
  assert.ok(Date.now() - started < 60_000);
});

test('the CLI prints one clean line and exits 1 for broken files (no stack trace)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-fuzz-cli-'));
  try {
    const broken = structuredClone(NLDS);
    broken.nldsJson.layers[4].layer_type = null;
    const files: Array<[string, string]> = [
      ['truncated.json', JSON.stringify(NLDS).slice(0, 500)],
      ['bad-layer.json', JSON.stringify(broken)],
      ['bad-spec.json', JSON.stringify({ ...zooModel('lenet5'), classes: 'ten' })],
    ];
    for (const [name, text] of files) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'dlrec.js'), 'tokens', file], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 1, `${name}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^dlrec: /);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
