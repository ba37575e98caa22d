#!/usr/bin/env node
/**
 * The project's import rules, checked on every `npm run lint`:
 *  - no import circles between the project's own files (static imports and lazy `require('./x')` alike);
 *  - the layers import only downwards: src/ (the domain) imports nothing from activities/, workflows/, workers/,
 *    cli/ or infra/temporal/; activities/ nothing from workflows/, workers/ or cli/; workflows/ nothing from
 *    workers/ or cli/ (and of activities/ only types, which the workflow bundle erases);
 *  - the learning kit src/ml/ imports nothing of the project but itself and src/random.ts.
 * Type-only imports count too: a circle of types is still two files that cannot be understood apart.
 * Usage: node scripts/check-imports.js [--list] [--root DIR]   (--list prints every edge found, for reading)
 */
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? path.resolve(process.argv[rootArg + 1]) : path.resolve(__dirname, '..');
const FOLDERS = ['src', 'activities', 'workflows', 'workers', 'infra', 'cli', 'bench'];
/** folder (or folder/sub) → prefixes it must not import from. */
const FORBIDDEN = {
  src: ['activities/', 'workflows/', 'workers/', 'cli/', 'infra/temporal/', 'bench/'],
  infra: ['activities/', 'workflows/', 'workers/', 'cli/', 'bench/'],
  activities: ['workflows/', 'workers/', 'cli/', 'bench/'],
  workflows: ['workers/', 'cli/', 'bench/'],
};
/** Imports a layer may make only as types (erased at run time). */
const TYPES_ONLY = { workflows: ['activities/'] };
/** Folders that may import only from the listed prefixes: the learning kit stands alone. */
const ONLY_FROM = { 'src/ml/': ['src/ml/', 'src/random.ts'] };

function sourceFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...sourceFiles(p));
    } else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolve(from, spec) {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')])
    if (fs.existsSync(c) && fs.statSync(c).isFile() && c.endsWith('.ts')) return c;
  return null;
}

/** Every relative import of a file: { to, typeOnly }. */
function importsOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const add = (spec, typeOnly) => {
    const to = resolve(file, spec);
    if (to) out.push({ to, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            clause.namedBindings &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length === 1 &&
      ts.isStringLiteral(node.arguments[0]) &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
        node.expression.kind === ts.SyntaxKind.ImportKeyword)
    ) {
      add(node.arguments[0].text, false);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const rel = (f) => path.relative(root, f).split(path.sep).join('/');
const files = FOLDERS.flatMap((d) => sourceFiles(path.join(root, d)));
const edges = new Map(
  files.map((f) => [rel(f), importsOf(f).map((e) => ({ to: rel(e.to), typeOnly: e.typeOnly }))]),
);

const problems = [];
for (const [from, list] of edges) {
  const layer = from.split('/')[0];
  for (const { to, typeOnly } of list) {
    if ((FORBIDDEN[layer] ?? []).some((p) => to.startsWith(p)))
      problems.push(`${from} imports ${to}: ${layer}/ may not import from ${to.split('/')[0]}/`);
    else if (!typeOnly && (TYPES_ONLY[layer] ?? []).some((p) => to.startsWith(p)))
      problems.push(`${from} imports ${to} at run time: ${layer}/ may import only types from there`);
    for (const [folder, allowed] of Object.entries(ONLY_FROM))
      if (from.startsWith(folder) && !allowed.some((p) => to.startsWith(p)))
        problems.push(`${from} imports ${to}: ${folder} may import only from ${allowed.join(', ')}`);
  }
}

// Circles: strongly connected components of the import graph (Tarjan), each reported with one cycle in it.
const graph = new Map([...edges].map(([f, l]) => [f, [...new Set(l.map((e) => e.to))]]));
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
function strongConnect(v) {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!index.has(w)) {
      strongConnect(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1) components.push(comp);
  }
}
for (const v of graph.keys()) if (!index.has(v)) strongConnect(v);
for (const comp of components) {
  const inComp = new Set(comp);
  // One cycle through the component's first file (breadth-first back to it).
  const start = comp.sort()[0];
  const prev = new Map([[start, null]]);
  const queue = [start];
  let cycle = null;
  while (queue.length && !cycle) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inComp.has(w)) continue;
      if (w === start) {
        cycle = [start];
        for (let u = v; u !== start; u = prev.get(u)) cycle.splice(1, 0, u);
        cycle.push(start);
        break;
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  problems.push(`import circle (${comp.length} files): ${cycle.join(' → ')}`);
}

if (process.argv.includes('--list'))
  for (const [from, list] of edges)
    for (const e of list) console.log(`${from} -> ${e.to}${e.typeOnly ? ' (type)' : ''}`);
if (problems.length) {
  console.error(`check-imports: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-imports: ${files.length} files, no import circles, every import runs downwards`);
