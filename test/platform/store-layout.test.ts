// Every store key is spelled in src/store-layout.ts and nowhere else: no other source file holds a string or
// template that starts with one of the store's key families (comments and messages that name a key in prose are
// not literals that start with it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = path.join(__dirname, '../..');
const FAMILIES = [
  'datasets',
  'features',
  'generations',
  'encoder',
  'encodings',
  'ranker',
  'trained',
  'checkpoints',
  'campaigns',
  'transferability',
  'recommender',
  'evaluations',
  'reports',
  'verified',
  'builds',
  'doctor',
];
const KEY = new RegExp(`^(${FAMILIES.join('|')})/`);

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

test('store keys are spelled only in src/store-layout.ts', () => {
  const found: string[] = [];
  for (const dir of ['src', 'activities', 'workflows', 'workers', 'infra', 'cli', 'bench']) {
    for (const file of files(path.join(root, dir))) {
      const rel = path.relative(root, file).split(path.sep).join('/');
      if (rel === 'src/store-layout.ts') continue;
      const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (
          (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) &&
          KEY.test(node.text) &&
          !ts.isImportDeclaration(node.parent) &&
          !ts.isExportDeclaration(node.parent)
        ) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart());
          found.push(`${rel}:${line + 1} '${node.text}'`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  assert.deepEqual(found, [], `store keys built outside src/store-layout.ts:\n${found.join('\n')}`);
});
