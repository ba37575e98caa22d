import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from './helpers';

const BIN = path.join(__dirname, '..', '..', 'bin', 'dlrec.js');

function dlrec(home: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DLREC_HOME: home, DLREC_STORE: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('dlrec datasets add / list --json, and one clear error line for a bad folder', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [cls, v] of [
      ['dark', 30],
      ['light', 220],
    ] as const) {
      mkdirSync(path.join(dir, 'src', cls), { recursive: true });
      for (let i = 0; i < 3; i++) {
        const png = await sharp(Buffer.alloc(20 * 20, v + i), { raw: { width: 20, height: 20, channels: 1 } })
          .toColourspace('b-w')
          .png()
          .toBuffer();
        writeFileSync(path.join(dir, 'src', cls, `${i}.png`), png);
      }
    }
    writeFileSync(path.join(dir, 'src', 'dark', 'bad.png'), 'nope');
    const home = path.join(dir, 'home');
    const add = dlrec(home, 'datasets', 'add', 'mine', path.join(dir, 'src'), '--size', '16', '--json');
    assert.equal(add.code, 0, add.stderr);
    const added = JSON.parse(add.stdout);
    assert.deepEqual(added.shape, [16, 16, 1]);
    assert.equal(added.train + added.test, 6);
    assert.equal(added.skippedFiles[0].file, 'dark/bad.png');

    const list = dlrec(home, 'datasets', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout).datasets as Array<{
      name: string;
      availability: string;
      stored: boolean;
    }>;
    assert.equal(rows.find((r) => r.name === 'mine')?.availability, 'registered');
    assert.equal(rows.find((r) => r.name === 'glyphs')?.availability, 'derived');
    assert.equal(rows.find((r) => r.name === 'svhn')?.availability, 'needs-download');

    const bad = dlrec(home, 'datasets', 'add', 'other', path.join(dir, 'src', 'dark'));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^dlrec: .*not inside a class folder|^dlrec: .*no usable images/m);
    assert.doesNotMatch(bad.stderr, /--verbose/);
  } finally {
    cleanup();
  }
});
