#!/usr/bin/env node
'use strict';
// The `dlrec` entry point: TypeScript sources run through tsx's require hook.
require('tsx/cjs');
require('../cli/prestart.ts').prestartFor(process.argv.slice(2));
require('../cli/main.ts')
  .main(process.argv.slice(2))
  .catch((err) => {
    process.stderr.write(`dlrec: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  });
