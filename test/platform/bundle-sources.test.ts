// The cached workflow bundle is keyed by what it is made of: a changed build profile (src/profiles.ts, imported by
// workflows at run time) must give a new bundle, while type-only imports (activities/) are not part of it.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../../infra/paths';
import { bundleSources } from '../../workers/bundle';

test('bundleSources: workflows and the runtime modules they import, transitively; no type-only imports', async () => {
  const files = (await bundleSources()).map((f) => path.relative(PROJECT_ROOT, f).split(path.sep).join('/'));
  for (const f of ['workflows/index.ts', 'workflows/build.ts', 'src/profiles.ts', 'src/encoder/profiles.ts'])
    assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  assert.ok(!files.some((f) => f.startsWith('activities/')), 'activities are imported as types only');
  assert.ok(!files.includes('src/ranker/profiles.ts'), 'src/profiles.ts imports it as a type only');
});
