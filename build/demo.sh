#!/usr/bin/env bash
# The local demo: builds the operator, the proxy and the demo driver, then runs bookinfo-role services, the operator
# in local mode over a copy of examples/bookinfo and productpage's sidecar on 127.0.0.1, sends traffic through the
# sidecar and prints configured against observed behaviour. Leaves no process behind. With --keep the mesh keeps
# running after the checks (with a little traffic) so its dashboard, whose address it prints, can be looked at;
# Ctrl-C stops it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "Building (Release)..."
for project in operator/Mesh.Operator proxy/Mesh.Proxy build/demo/Mesh.Demo; do
  dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly
done

dotnet build/demo/Mesh.Demo/bin/Release/net10.0/Mesh.Demo.dll "$root" "$@" &
demo=$!
# The demo kills its children itself; this covers an interrupted run.
trap 'kill "$demo" 2>/dev/null || true; wait "$demo" 2>/dev/null || true' INT TERM
wait "$demo"
