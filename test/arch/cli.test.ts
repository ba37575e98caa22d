import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dlrec.js');
const dlrec = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('dlrec generate --json prints the manifest as one JSON document and writes the four files', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-cli-gen-'));
  try {
    const r = dlrec('generate', '--count', '300', '--seed', '4', '--classes', '100', '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const manifest = JSON.parse(r.stdout);
    assert.equal(manifest.models, 300);
    assert.equal(manifest.classes, 100);
    assert.deepEqual(fs.readdirSync(out).sort(), [
      'manifest.json',
      'models.jsonl',
      'sentences.txt',
      'vocab.txt',
    ]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8')), manifest);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});

test('dlrec zoo show, tokens and bad flags', () => {
  const show = dlrec('zoo', 'show', 'lenet5', '--input', '32x32x1', '--classes', '10', '--json');
  assert.equal(show.status, 0, show.stderr);
  const spec = JSON.parse(show.stdout);
  assert.equal(spec.params, 61_706);
  assert.ok(spec.flops > 0);
  const file = path.join(os.tmpdir(), `dlrec-cli-lenet-${process.pid}.json`);
  fs.writeFileSync(file, show.stdout);
  try {
    const tokens = dlrec('tokens', file, '--json');
    assert.equal(tokens.status, 0, tokens.stderr);
    const doc = JSON.parse(tokens.stdout);
    assert.equal(doc.format, 'spec');
    assert.deepEqual(doc.sentences, [
      'UNK Tanh Pooling2D_2_2_2_2_AVERAGE_VALID UNK Tanh Pooling2D_2_2_2_2_AVERAGE_VALID Flatten UNK Tanh UNK Tanh Dense_10_glorot_uniform',
    ]);
  } finally {
    fs.rmSync(file, { force: true });
  }
  const bad = dlrec('generate', '--out', '/tmp/x', '--input', '32by32');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--input must be HxWxC/);
});
