#!/usr/bin/env node
'use strict';
// `npm run bench -- NAME [--json] [args…]`: runs bench/NAME.ts's `run(args)` and prints its result.
require('tsx/cjs');
const fs = require('node:fs');
const path = require('node:path');

const [name, ...rest] = process.argv.slice(2);
const dir = path.resolve(__dirname, '..', 'bench');
const available = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => f.slice(0, -3))
  : [];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [--json]; NAME is one of: ${available.join(', ')}\n`);
  process.exit(2);
}
const json = rest.includes('--json');
const args = rest.filter((a) => a !== '--json');
require(path.join(dir, `${name}.ts`))
  .run(args)
  .then((result) => {
    process.stdout.write(json ? JSON.stringify(result) + '\n' : JSON.stringify(result, null, 2) + '\n');
  })
  .catch((err) => {
    process.stderr.write(`bench ${name}: ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  });
