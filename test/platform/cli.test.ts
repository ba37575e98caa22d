import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli';

test('unknown flag → exit 2 with one line, no stack trace', async () => {
  const r = await runCli(['doctor', '--no-such-flag']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown option '--no-such-flag'/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('unknown command → exit 2', async () => {
  const r = await runCli(['frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command/);
});

test('bad option value → exit 2 naming the flag', async () => {
  const r = await runCli(['worker', '--queue', 'tpu']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--queue/);
});

test('--help lists the commands and exits 0', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['doctor', 'server', 'worker']) assert.match(r.stdout, new RegExp(`\\b${c}\\b`));
});
