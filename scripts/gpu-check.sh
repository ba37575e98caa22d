#!/usr/bin/env bash
# The GPU check, for anyone with an NVIDIA GPU (driver for CUDA 12), after `npm run setup`; under 10 minutes:
#   1. builds @tensorflow/tfjs-node-gpu against the pinned `tensorflow` wheel and its NVIDIA wheels (once),
#   2. device facts (nvidia-smi, and whether TensorFlow itself uses the GPU),
#   3. LeNet-5 and ResNet-20 training images/s (32×32×3, batch 128) on the GPU and on the native CPU backend,
#   4. a 10-model training campaign (LeNet-5 + 9 generated, smoke sizes) through Temporal on the dlrec-gpu queue.
# Prints one JSON document on stdout (progress on stderr) to compare runs: scripts/gpu-check.sh > gpu.json
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { echo "[gpu-check] $*" >&2; }

if [ ! -f node_modules/@tensorflow/tfjs-node-gpu/lib/dlrec-native.json ]; then
  version=$(node -p "require('./package.json').optionalDependencies['@tensorflow/tfjs-node']")
  say "installing @tensorflow/tfjs-node-gpu@$version without its install script, then building its binding"
  npm install --ignore-scripts --no-save --no-audit --no-fund "@tensorflow/tfjs-node-gpu@$version" >&2
  PIP_BREAK_SYSTEM_PACKAGES=1 node scripts/native-tensorflow.js --variant gpu >&2
fi
LD_LIBRARY_PATH="$(cat .tools/libtensorflow/gpu-*/ld-library-path)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH TF_FORCE_GPU_ALLOW_GROWTH=true TF_CPP_MIN_LOG_LEVEL=2

say "device facts"
node -e "require('tsx/cjs'); require('./src/training/gpu').requireGpu().then(
  (f) => console.log(JSON.stringify(f)), (e) => { console.error(e.message); process.exit(1); })" > "$work/facts.json"

say "training throughput on the GPU (tensorflow-gpu) and on the CPU (tensorflow)"
DLREC_BACKEND=tensorflow-gpu timeout 240 node bin/bench.js train --batches 10 --no-compare --json > "$work/gpu.json"
DLREC_BACKEND=tensorflow timeout 240 node bin/bench.js train --no-compare --json > "$work/cpu.json"

say "10-model campaign through Temporal on the gpu queue (embedded dev server, private DLREC_HOME)"
start=$(date +%s)
DLREC_HOME="$work/home" DLREC_BACKEND=tensorflow-gpu DLREC_TEMPORAL_PORT="${DLREC_TEMPORAL_PORT:-7533}" \
  DLREC_TEMPORAL_UI_PORT="${DLREC_TEMPORAL_UI_PORT:-8533}" \
  timeout 300 node bin/dlrec.js sweep start --profile smoke --generated 9 --campaign gpu-check --json > "$work/sweep.json"
echo "{\"seconds\": $(( $(date +%s) - start ))}" > "$work/sweep-time.json"
DLREC_HOME="$work/home" node bin/dlrec.js server stop >/dev/null 2>&1 || true

node -e "
const fs = require('fs'); const r = (f) => JSON.parse(fs.readFileSync('$work/' + f, 'utf8'));
const gpu = r('gpu.json'), cpu = r('cpu.json');
const ratio = (m) => +(gpu[m].imagesPerSecond / cpu[m].imagesPerSecond).toFixed(1);
console.log(JSON.stringify({
  date: new Date().toISOString(), node: process.version,
  devices: r('facts.json'),
  training: { gpu, cpu, gpuOverCpu: { lenet5: ratio('lenet5'), resnet20: ratio('resnet20') } },
  sweep: { ...r('sweep.json'), ...r('sweep-time.json') },
}, null, 2));"
