#!/usr/bin/env node
// Builds tf.js' native binding (@tensorflow/tfjs-node, or -gpu) against the TensorFlow C library that ships in
// the pinned PyPI wheel (tensorflow-cpu, or tensorflow for CUDA 12), instead of the libtensorflow 2.9.1 that the
// package's own install script downloads from outside the registries.
//
//   node scripts/native-tensorflow.js [--variant cpu|gpu] [--json]
//
// The wheel's libtensorflow_cc.so.2 exports the TF_*/TFE_* C API that the binding calls; its headers are under
// tensorflow/include. The result: .tools/libtensorflow/<variant>-<version>/ (library, headers, and for gpu the
// NVIDIA runtime wheels), node_modules/<package>/deps → there, and lib/napi-v<N>/tfjs_binding.node. Idempotent:
// a build whose stamp matches (wheel, Node ABI, package version) and which loads is kept.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { extractWheel, fetchWheel, pins, pipCommand, root } = require('./wheels');

const VARIANTS = {
  cpu: { pkg: '@tensorflow/tfjs-node', wheel: 'tensorflow-cpu' },
  gpu: { pkg: '@tensorflow/tfjs-node-gpu', wheel: 'tensorflow' },
};
// The C API headers and the few they include from elsewhere in the wheel's include tree.
const MEMBERS = [
  'tensorflow/libtensorflow_cc.so.2',
  'tensorflow/libtensorflow_framework.so.2',
  'tensorflow/include/tensorflow/c/',
  'tensorflow/include/tensorflow/core/platform/ctstring',
  'tensorflow/include/tsl/platform/ctstring',
  'tensorflow/include/xla/tsl/c/',
  'tensorflow-', // dist-info: METADATA names the CUDA wheels of the gpu build
];

function packageDir(pkg) {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] }));
  } catch {
    throw new Error(
      `${pkg} is not installed (npm install --ignore-scripts ${pkg}@<version in package.json>)`,
    );
  }
}

/** node-gyp: the project's, else the one bundled with npm. */
function nodeGyp() {
  const candidates = [
    () => require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] }),
    () =>
      path.join(
        path.dirname(process.env.npm_execpath || ''),
        '..',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
    () =>
      path.join(
        path.dirname(process.execPath),
        '..',
        'lib',
        'node_modules',
        'npm',
        'node_modules',
        'node-gyp',
        'bin',
        'node-gyp.js',
      ),
  ];
  for (const c of candidates) {
    try {
      const p = c();
      if (fs.existsSync(p)) return p;
    } catch {
      /* next */
    }
  }
  throw new Error('node-gyp not found (it comes with npm; or npm install -g node-gyp)');
}

/** Node's own headers (a Node install has them under include/node); node-gyp would otherwise download them. */
function nodeDir() {
  const dir = path.resolve(path.dirname(process.execPath), '..');
  if (!fs.existsSync(path.join(dir, 'include', 'node', 'node_api.h')))
    throw new Error(
      `Node's headers are not in ${dir}/include/node (install Node from an official build or a package with headers)`,
    );
  return dir;
}

/** The N-API version the package's loader (node-pre-gyp) will look for: the highest it lists that Node has. */
function napiVersion(pkgJson) {
  const have = Number(process.versions.napi);
  return Math.max(...pkgJson.binary.napi_versions.filter((v) => v <= have));
}

/** The CUDA runtime wheels the gpu wheel asks for (its "and-cuda" extra), into dir/nvidia. */
function installCudaWheels(libDir, version) {
  const meta = path.join(libDir, `tensorflow-${version}.dist-info`, 'METADATA');
  const reqs = fs
    .readFileSync(meta, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Requires-Dist:') && l.includes('extra == "and-cuda"'))
    .map((l) => l.slice('Requires-Dist:'.length).split(';')[0].trim());
  if (!reqs.length) throw new Error('the wheel names no CUDA dependency wheels (not a GPU build?)');
  const pip = pipCommand();
  const target = path.join(libDir, 'nvidia-wheels');
  const r = spawnSync(
    pip[0],
    [
      ...pip.slice(1),
      'install',
      '--no-deps',
      '--only-binary=:all:',
      '--disable-pip-version-check',
      '--upgrade',
      '--target',
      target,
      ...reqs,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0)
    throw new Error(`pip install of the CUDA wheels failed: ${(r.stderr || '').trim().split('\n').pop()}`);
  // Each nvidia/<name>/lib holds one library family; the loader needs all of them.
  const base = path.join(target, 'nvidia');
  return fs
    .readdirSync(base)
    .map((d) => path.join(base, d, 'lib'))
    .filter((d) => fs.existsSync(d));
}

function linkDeps(pkgDir, libDir) {
  const deps = path.join(pkgDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  fs.symlinkSync(path.join(libDir, 'tensorflow', 'include'), path.join(deps, 'include'));
  const lib = (name) => path.join(libDir, 'tensorflow', name);
  // The binding links -ltensorflow -ltensorflow_framework and then records the libraries' sonames, which are
  // libtensorflow_cc.so.2 and libtensorflow_framework.so.2: all four names must resolve in deps/lib.
  for (const [link, target] of [
    ['libtensorflow.so', lib('libtensorflow_cc.so.2')],
    ['libtensorflow_cc.so.2', lib('libtensorflow_cc.so.2')],
    ['libtensorflow_framework.so', lib('libtensorflow_framework.so.2')],
    ['libtensorflow_framework.so.2', lib('libtensorflow_framework.so.2')],
  ])
    fs.symlinkSync(target, path.join(deps, 'lib', link));
}

/**
 * tfjs-node keeps the attribute names of every op in one process-wide std::set, inserted into on each op without a
 * lock. dlrec trains on several worker threads, each with its own TensorFlow context, so two threads executing ops
 * at once corrupt the set and the process dies with SIGSEGV (in AssignOpAttr; reproduced with three threads
 * training together, about one run in ten). A mutex around the insert makes it safe; the set's strings never move,
 * so the pointers it hands out stay valid.
 */
const BINDING_PATCH = 'dlrec: attr-name-set-mutex/1';
function patchBinding(pkgDir) {
  const file = path.join(pkgDir, 'binding', 'tfjs_backend.cc');
  let src = fs.readFileSync(file, 'utf8');
  if (src.includes(BINDING_PATCH)) return;
  const decl = 'static std::set<std::string> ATTR_NAME_SET;';
  const use = 'ATTR_NAME_SET.insert(attr_name_string.c_str()).first->c_str();';
  if (!src.includes(decl) || !src.includes(use))
    throw new Error(`${file} has changed: re-check its ATTR_NAME_SET for thread safety before building`);
  src = src
    .replace(decl, `${decl}\n// ${BINDING_PATCH}\nstatic std::mutex ATTR_NAME_SET_MUTEX;`)
    .replace(
      use,
      '[&] { std::lock_guard<std::mutex> lock(ATTR_NAME_SET_MUTEX); ' +
        'return ATTR_NAME_SET.insert(attr_name_string).first->c_str(); }();',
    )
    .replace('#include "napi_auto_ref.h"', '#include <mutex>\n#include "napi_auto_ref.h"');
  fs.writeFileSync(file, src);
}

/** Loads the binding in a fresh process and runs one op; returns TensorFlow's version or throws. */
function verify(pkg, env) {
  const code = `const tf = require(${JSON.stringify(pkg)});
    if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend());
    const s = tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])).sum().dataSync()[0];
    if (s !== 512) throw new Error('matMul gave ' + s);
    process.stdout.write(tf.backend().binding.TF_Version);`;
  const r = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, ...env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (r.status !== 0)
    throw new Error(
      `the built binding does not load: ${(r.stderr || '').trim().split('\n').filter(Boolean).slice(-1)[0]}`,
    );
  return r.stdout.trim();
}

function build(variant) {
  const { pkg, wheel: wheelName } = VARIANTS[variant];
  const pin = pins()[wheelName];
  const pkgDir = packageDir(pkg);
  const pkgJson = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const napi = napiVersion(pkgJson);
  const libDir = path.join(root, '.tools', 'libtensorflow', `${variant}-${pin.version}`);
  const bindingFile = path.join(pkgDir, 'lib', `napi-v${napi}`, 'tfjs_binding.node');
  const stampFile = path.join(pkgDir, 'lib', 'dlrec-native.json');
  const want = {
    wheel: pin.file,
    sha256: pin.sha256,
    package: `${pkg}@${pkgJson.version}`,
    napi,
    nodeAbi: process.versions.modules,
    patch: BINDING_PATCH,
  };
  const envFile = path.join(libDir, 'ld-library-path');
  const ldEnv = () =>
    fs.existsSync(envFile)
      ? {
          LD_LIBRARY_PATH: [fs.readFileSync(envFile, 'utf8').trim(), process.env.LD_LIBRARY_PATH]
            .filter(Boolean)
            .join(':'),
        }
      : {};

  if (fs.existsSync(stampFile) && fs.existsSync(bindingFile)) {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    if (JSON.stringify(stamp.want) === JSON.stringify(want)) {
      // The GPU build needs a driver to load; the CPU one is checked, and rebuilt if its libraries went away.
      if (variant !== 'cpu') return { ...stamp, reused: true };
      try {
        return { ...stamp, reused: true, tensorflow: verify(pkg, ldEnv()) };
      } catch {
        /* rebuild below */
      }
    }
  }
  const t0 = Date.now();
  const libStamp = path.join(libDir, '.wheel-sha256');
  if (!fs.existsSync(libStamp) || fs.readFileSync(libStamp, 'utf8') !== pin.sha256) {
    const wheelFile = fetchWheel(pin);
    fs.rmSync(libDir, { recursive: true, force: true });
    extractWheel(wheelFile, libDir, MEMBERS);
    if (variant === 'gpu') fs.writeFileSync(envFile, installCudaWheels(libDir, pin.version).join(':'));
    fs.writeFileSync(libStamp, pin.sha256);
  }
  linkDeps(pkgDir, libDir);
  patchBinding(pkgDir);
  const gyp = spawnSync(
    process.execPath,
    [
      nodeGyp(),
      'rebuild',
      `--directory=${pkgDir}`,
      `--nodedir=${nodeDir()}`,
      '--module_name=tfjs_binding',
      `--module_path=${path.dirname(bindingFile)}`,
      `--napi_build_version=${napi}`,
      `--jobs=${Math.max(1, require('node:os').availableParallelism())}`,
    ],
    { encoding: 'utf8', cwd: pkgDir },
  );
  if (gyp.status !== 0) {
    const log = path.join(root, '.tools', `native-tensorflow-${variant}.log`);
    fs.writeFileSync(log, `${gyp.stdout}\n${gyp.stderr}`);
    throw new Error(
      `node-gyp failed (a C++ compiler, make and python3 are needed; log: ${path.relative(root, log)})`,
    );
  }
  // Only the GPU build cannot be exercised without a GPU driver: it is checked when the GPU worker starts.
  const tensorflow = variant === 'cpu' ? verify(pkg, ldEnv()) : null;
  const stamp = {
    want,
    libDir: path.relative(root, libDir),
    builtInSeconds: Math.round((Date.now() - t0) / 1000),
    tensorflow,
  };
  fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
  return { ...stamp, reused: false };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--variant');
  const variant = i >= 0 ? args[i + 1] : 'cpu';
  if (!VARIANTS[variant]) {
    console.error(`--variant must be cpu or gpu, not '${variant}'`);
    process.exit(2);
  }
  try {
    const out = build(variant);
    console.log(
      args.includes('--json')
        ? JSON.stringify(out)
        : `[setup] tensorflow (${variant}): ${VARIANTS[variant].pkg} bound to TensorFlow ${out.tensorflow ?? out.want.wheel}${out.reused ? ' (already built)' : ` in ${out.builtInSeconds} s`}`,
    );
  } catch (e) {
    console.error(`[setup] native TensorFlow backend (${variant}) not built: ${e.message}`);
    process.exit(1);
  }
}

module.exports = { build, VARIANTS };
