#!/usr/bin/env bash
# Webhook latency: the operator in-process (local mode, its HTTPS listener), one client sending ~10 KB pod
# reviews back to back over one kept-alive HTTPS connection. Goal (issue 6): p99 <= 5 ms.
# Usage: build/bench/webhook/run.sh [--requests 5000] [--warmup 500] [--size 10240] [--http 1.1|2]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
dotnet build "$root/tests/Mesh.Benchmarks" -c Release >/dev/null
exec dotnet "$root/tests/Mesh.Benchmarks/bin/Release/net10.0/Mesh.Benchmarks.dll" webhook-latency "$@"
