// The container images build from registries only, with the same pins as `npm run setup`: checked here by
// reading the Dockerfiles (the images themselves cannot be built offline).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '..', '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');
const pkg = JSON.parse(read('package.json'));
const wheels = JSON.parse(read('scripts/tools.json')).wheels;

test('Dockerfile.gpu: tfjs-node-gpu pinned to the tfjs-node of package.json, CUDA 12 base, libraries of the pinned wheel', () => {
  const gpu = read('Dockerfile.gpu');
  const tfjsNode = pkg.optionalDependencies['@tensorflow/tfjs-node'];
  assert.match(tfjsNode, /^\d+\.\d+\.\d+$/, 'tfjs-node is pinned exactly');
  assert.equal(gpu.match(/^ARG TFJS_NODE_GPU_VERSION=(.+)$/m)?.[1], tfjsNode);
  assert.equal(
    pkg.dependencies['@tensorflow/tfjs'].replace(/^\^/, ''),
    tfjsNode,
    'tfjs and the binding agree',
  );
  assert.match(gpu.match(/^ARG CUDA_BASE=(.+)$/m)?.[1] ?? '', /^nvidia\/cuda:12\.\d+\.\d+-/);
  assert.match(gpu, /native-tensorflow\.js --variant gpu/);
  // Every library folder on LD_LIBRARY_PATH belongs to the pinned wheel's version.
  const ld = gpu.match(/LD_LIBRARY_PATH=(\S+)/)?.[1] ?? '';
  const dirs = ld.split(':');
  assert.ok(dirs.length >= 10);
  for (const d of dirs)
    assert.match(
      d,
      new RegExp(
        `^/app/\\.tools/libtensorflow/gpu-${wheels.tensorflow.version}/nvidia-wheels/nvidia/\\w+/lib$`,
      ),
    );
  assert.ok(dirs.some((d) => d.includes('/cudnn/')) && dirs.some((d) => d.includes('/cublas/')));
});

test('both images install without install scripts and never download libtensorflow outside the registries', () => {
  for (const f of ['Dockerfile.cpu', 'Dockerfile.gpu']) {
    const text = read(f);
    for (const line of text.split('\n').filter((l) => /npm (ci|install)/.test(l)))
      assert.match(line, /--ignore-scripts/, `${f}: ${line.trim()}`);
    assert.doesNotMatch(text, /storage\.googleapis|tf-builds|curl |wget /, f);
  }
  assert.match(read('Dockerfile.cpu'), /native-tensorflow\.js --variant cpu/);
  // `npm run setup` runs npm's install from scripts/setup-tools.js (beside the tool downloads).
  assert.match(pkg.scripts.setup, /setup-tools\.js --npm-install/);
  assert.match(
    read('scripts/setup-tools.js'),
    /\['install', '--no-audit', '--no-fund', '--ignore-scripts'\]/,
  );
});

test('scripts/tools.json pins every wheel by file name, version and sha256', () => {
  for (const [name, w] of Object.entries(wheels) as [string, Record<string, string>][]) {
    assert.equal(w.name, name);
    assert.match(w.sha256, /^[0-9a-f]{64}$/);
    assert.ok(w.file.startsWith(`${name.replace(/-/g, '_')}-${w.version}-`), `${name}: ${w.file}`);
  }
  assert.equal(
    wheels['tensorflow-cpu'].version,
    wheels.tensorflow.version,
    'CPU and GPU images bind one TensorFlow',
  );
});
