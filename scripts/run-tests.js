#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner (tsx compiles on the fly).
// `npm test -- test/arch` runs only the files under the paths given.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
function collect(p, out) {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    for (const e of fs.readdirSync(p).sort()) if (e !== 'fixtures') collect(path.join(p, e), out);
  } else if (p.endsWith('.test.ts')) out.push(p);
  return out;
}
const args = process.argv.slice(2);
const targets = args.length ? args : [path.join(root, 'test')];
const files = targets.flatMap((t) => collect(path.resolve(t), []));
if (files.length === 0) {
  console.error('no test files found under ' + targets.join(', '));
  process.exit(1);
}
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, DLREC_TEST: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
);
process.exit(res.status ?? 1);
