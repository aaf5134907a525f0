#!/usr/bin/env bash
# Runs every test in the solution: restores the external protocol peers (npm), builds, tests, and prints one
# closing line "N passed, N failed, N skipped" summed over all test projects. Exits non-zero when any test fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# External referees that nobody here wrote (@grpc/grpc-js, fast-json-patch) are installed from lockfiles.
while IFS= read -r lock; do
  dir=$(dirname "$lock")
  if [ ! -d "$dir/node_modules" ] || [ "$lock" -nt "$dir/node_modules" ]; then
    echo "npm ci in ${dir#"$root"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done < <(find "$root/tests" -name package-lock.json -not -path '*/node_modules/*' | sort)

configuration=${CONFIGURATION:-Release}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

status=0
dotnet test "$root/Mesh.sln" -c "$configuration" --nologo "$@" 2>&1 | tee "$log" || status=$?

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
