#!/usr/bin/env bash
# The convergence harness: builds the operator and the harness (Release), then runs the real mesh-operator in local
# mode over a synthetic mesh in a temp dir, connects simulated proxies over a few HTTP/2 connections, applies
# manifest changes and prints, per change, the time from the file write to each affected proxy's ACK, and the
# operator's memory. Flags go to the harness, e.g.:
#   build/convergence.sh                                   # 1,000 proxies (500 services)
#   build/convergence.sh --services 1000 --proxies 2000    # the memory goal
# Leaves no process behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [[ "${MESH_SKIP_BUILD:-}" != "1" ]]; then
  echo "Building (Release)..."
  for project in operator/Mesh.Operator build/convergence; do
    dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly
  done
fi

dotnet build/convergence/bin/Release/net10.0/Mesh.Convergence.dll "$root" "$@" &
harness=$!
# The harness kills the operator itself; this covers an interrupted run.
trap 'kill "$harness" 2>/dev/null || true; wait "$harness" 2>/dev/null || true' INT TERM
wait "$harness"
