#!/usr/bin/env bash
# What traffic reports (--traffic-report-interval) cost the proxy: CPU seconds (utime + stime from /proc/PID/stat) of
# one JIT mesh-proxy streaming its config from a local-mode operator, over the same open-loop run (1,000 requests/s
# evenly spaced, OpenLoop/), with reports every 5 s and with reports off, alternately, each run on a fresh proxy.
# Two cases: one destination, and REPORT_DESTINATIONS destinations (the report's edge cap, 100: every edge in every
# report). The proxy is pinned to cpu0; operator, backend (nginx) and load generator to cpu1.
#   build/bench/reporting.sh   # needs Release builds of operator/Mesh.Operator, proxy/Mesh.Proxy, build/bench/OpenLoop
# REPORT_RATE (1000), REPORT_SECONDS (60), REPORT_REPEATS (4 pairs), REPORT_DESTINATIONS (100),
# REPORT_WORK (/tmp/mesh-reporting). Leaves no process behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${REPORT_WORK:-/tmp/mesh-reporting}
rate=${REPORT_RATE:-1000}
seconds=${REPORT_SECONDS:-60}
repeats=${REPORT_REPEATS:-4}
destinations=${REPORT_DESTINATIONS:-100}
backend_port=18081 grpc_port=18010 http_port=18014 proxy_port=18101 proxy_inbound=18106 proxy_admin=18100
connections=100
for tool in nginx taskset curl python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

rm -rf "$work" && mkdir -p "$work"/{manifests,tmp-backend,logs,ca}
pids=()
proxy=""
cleanup() {
  local pid
  for pid in "${pids[@]}" $proxy; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}" $proxy; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

# shellcheck source=lib/process.sh
source "$root/build/bench/lib/process.sh"
host() { echo "svc-$1.default.svc.cluster.local:80"; }

cat > "$work/backend-nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/backend-nginx.pid;
error_log $work/backend-nginx.error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $work/tmp-backend;
  server { listen 127.0.0.1:$backend_port backlog=4096; location / { return 200 "ok"; } }
}
CONF

# One Service per destination, each selecting its own WorkloadEntry: the one backend port.
for i in $(seq 0 $((destinations - 1))); do
  cat <<YAML
apiVersion: v1
kind: Service
metadata: {name: svc-$i, namespace: default}
spec:
  selector: {app: svc-$i}
  ports: [{name: http, port: 80}]
---
apiVersion: mesh.io/v1alpha1
kind: WorkloadEntry
metadata: {name: svc-$i, namespace: default}
spec:
  address: 127.0.0.1
  ports: {http: $backend_port}
  labels: {app: svc-$i, version: v1}
---
YAML
done > "$work/manifests/services.yaml"

taskset -c 1 nginx -p "$work" -c "$work/backend-nginx.conf" -e "$work/backend-nginx.error.log" &
pids+=($!)
taskset -c 1 dotnet "$root/operator/Mesh.Operator/bin/Release/net10.0/mesh-operator.dll" run --source "dir:$work/manifests" \
  --grpc-port "$grpc_port" --http-port "$http_port" --ca-dir "$work/ca" > "$work/logs/operator.out" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$backend_port/"
wait_http "http://127.0.0.1:$http_port/readyz"

openloop() {
  OPENLOOP_HOSTS=$1 taskset -c 1 dotnet "$root/build/bench/OpenLoop/bin/Release/net10.0/openloop.dll" \
    "http://127.0.0.1:$proxy_port/" "$rate" "$2" "$connections" > "$3" 2>&1
}

# One run: a fresh proxy reporting every $2 (0: never) over $1 destinations; sets ticks and ok (2xx answers).
run() {
  local count=$1 interval=$2 name=$3 hosts="" i before after
  for i in $(seq 0 $((count - 1))); do hosts="$hosts${hosts:+,}$(host "$i")"; done
  taskset -c 0 dotnet "$root/proxy/Mesh.Proxy/bin/Release/net10.0/mesh-proxy.dll" \
    --discovery-address "http://127.0.0.1:$grpc_port" --bootstrap-token-file "$work/ca/bootstrap-token" \
    --node-id default/client-1 --namespace default --labels app=client,version=v1 \
    --outbound-port "$proxy_port" --inbound-port "$proxy_inbound" --admin-port "$proxy_admin" \
    --traffic-report-interval "$interval" > "$work/logs/$name.proxy.out" 2>&1 &
  proxy=$!
  wait_http "http://127.0.0.1:$proxy_admin/ready"
  wait_http "http://127.0.0.1:$proxy_port/" -H "Host: $(host 0)"
  # Warm-up (JIT, connections, every destination's series and, when reporting, the baseline sample).
  openloop "$hosts" 10 "$work/logs/$name.warmup.txt"
  before=$(cpu_ticks "$proxy")
  openloop "$hosts" "$seconds" "$work/logs/$name.txt"
  after=$(cpu_ticks "$proxy")
  kill "$proxy"; wait "$proxy" 2>/dev/null || true
  proxy=""
  ticks=$((after - before))
  ok=$(awk '/^status codes:/ { print $3 }' "$work/logs/$name.txt")
}

hz=$(getconf CLK_TCK)
echo "proxy CPU over $((rate * seconds)) requests ($rate/s for ${seconds}s, $connections connections), reports every 5s vs off"
for count in 1 "$destinations"; do
  for i in $(seq 1 "$repeats"); do
    for interval in 5s 0; do
      run "$count" "$interval" "d$count-$interval-$i"
      printf 'destinations %3d  reports %-3s  run %d  cpu %6.2f s  2xx %s  load %s\n' "$count" "$interval" "$i" \
        "$(awk -v t="$ticks" -v hz="$hz" 'BEGIN { print t / hz }')" "$ok" "$(load_average)"
    done
  done
done
curl -s "http://127.0.0.1:$http_port/ui/api/graph?window=900" | python3 -c \
  'import json,sys; g=json.load(sys.stdin); print("operator graph over 15 min: %d edges, %d requests reported" % (len(g["edges"]), sum(e.get("requests", 0) for e in g["edges"])))'
