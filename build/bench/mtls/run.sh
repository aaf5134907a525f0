#!/usr/bin/env bash
# Issue 7's latency goal: two sidecar hops with mTLS at 1,000 requests/s, added p99 <= 2 ms. Builds the harness
# and runs it (arguments pass through: --rate 1000 --seconds 20 --warmup 5 --rounds 2). Exit 1 if any request failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build build/bench/mtls/Mesh.Bench.Mtls -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet build/bench/mtls/Mesh.Bench.Mtls/bin/Release/net10.0/Mesh.Bench.Mtls.dll "$@"
