// scripts/check-imports.js (part of `npm run lint`): the project's own tree passes, and a tree with an import
// circle, an upward import and a run-time import of activities/ from workflows/ fails naming each.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const script = path.join(__dirname, '../../scripts/check-imports.js');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dlrec-imports-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

const check = (dir?: string) =>
  spawnSync(process.execPath, [script, ...(dir ? ['--root', dir] : [])], { encoding: 'utf8' });

test('the project has no import circles and every import runs downwards', () => {
  const r = check();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /no import circles/);
});

test('a circle (even of types), an upward import, a run-time activities import in a workflow and a kit import outside src/ml all fail', () => {
  const files: Record<string, string> = {
    'src/a.ts': "import type { B } from './b';\nexport type A = B;\n",
    'src/b.ts': "import type { A } from './a';\nexport type B = { a?: A };\n",
    'src/c.ts': "export { x } from '../activities/x';\n",
    'activities/x.ts': 'export const x = 1;\n',
    'src/ml/k.ts': "import type { A } from '../a';\nexport type K = A;\n",
    'workflows/w.ts':
      "import { x } from '../activities/x';\nimport type { A } from '../src/a';\nexport const w: A | number = x;\n",
  };
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  const r = check(root);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /import circle \(2 files\): src\/a\.ts → src\/b\.ts → src\/a\.ts/);
  assert.match(r.stderr, /src\/c\.ts imports activities\/x\.ts: src\/ may not import from activities\//);
  assert.match(r.stderr, /workflows\/w\.ts imports activities\/x\.ts at run time/);
  assert.match(
    r.stderr,
    /src\/ml\/k\.ts imports src\/a\.ts: src\/ml\/ may import only from src\/ml\/, src\/random\.ts/,
  );
  assert.match(r.stderr, /4 problem\(s\)/);
});
