#!/usr/bin/env bash
# Per-request costs of the Mesh proxy that do not depend on how busy the machine is: system calls per request
# (strace -c, with the calls that failed, e.g. EAGAIN reads), CPU seconds per 1,000 requests (utime + stime from
# /proc/PID/stat over a closed-loop run, repeated) and, with the JIT-hosted proxy-allocations build, managed bytes
# allocated per request. Same backend, config and pinning as run.sh (proxy cpu0; wrk and backend cpu1).
#   build/bench/perrequest.sh native PATH/mesh-proxy   # the published Native AOT binary: syscalls and CPU
#   build/bench/perrequest.sh jit                      # dotnet mesh-proxy.dll (Release build): syscalls and CPU
#   build/bench/perrequest.sh allocations              # proxy-allocations (Release build): bytes per request
#   build/bench/perrequest.sh yarp | kestrel | nginx   # the references on the same backend: plain YARP (YarpHost),
#                                                      # bare Kestrel answering itself (KestrelHost), nginx
# PERREQ_TYPES=1 (allocations): also the types the runtime's allocation samples name, ranked.
# PERREQ_CONNECTIONS (32), PERREQ_SECONDS (10), PERREQ_REPEATS (3), PERREQ_WARMUP (10 seconds; a JIT build on a
# contended core needs more before its hot methods reach tier 1), PERREQ_WORK (/tmp/mesh-perreq).
# Leaves no process behind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench="$root/build/bench"
work=${PERREQ_WORK:-/tmp/mesh-perreq}
connections=${PERREQ_CONNECTIONS:-32}
seconds=${PERREQ_SECONDS:-10}
repeats=${PERREQ_REPEATS:-3}
warmup=${PERREQ_WARMUP:-10}
# BENCH_PORT_OFFSET moves every port (backend, targets), so that the bench can run beside something holding them.
o=${BENCH_PORT_OFFSET:-0}
backend_ports=($((o + 18081)) $((o + 18082)) $((o + 18083)))
mesh_port=$((o + 18101)) mesh_admin_port=$((o + 18100)) mesh_inbound_port=$((o + 18106))
yarp_port=$((o + 18201)) nginx_port=$((o + 18301)) kestrel_port=$((o + 18501))
mode=${1:?usage: perrequest.sh native PATH | jit | allocations | yarp | kestrel | nginx}
for tool in wrk nginx strace taskset curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

# shellcheck source=lib/configs.sh
source "$bench/lib/configs.sh"
# shellcheck source=lib/process.sh
source "$bench/lib/process.sh"
rm -rf "$work" && mkdir -p "$work"/{tmp-backend,tmp-nginx-body,tmp-nginx-proxy,logs}
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

requests_of() { awk '/requests in/ { print $1 }' "$1"; }

write_backend_conf
write_mesh_config
write_nginx_conf
taskset -c 1 nginx -p "$work" -c "$work/backend-nginx.conf" -e "$work/backend-nginx.error.log" &
pids+=($!)
for port in "${backend_ports[@]}"; do wait_http "http://127.0.0.1:$port/"; done

flags=(--config-file "$work/mesh-config.json" --node-id bench/client-1 --labels app=client --outbound-port "$mesh_port"
  --inbound-port "$mesh_inbound_port" --admin-port "$mesh_admin_port")
case $mode in
  native) command=("${2:?native needs the path of mesh-proxy}" "${flags[@]}") ;;
  jit) command=(dotnet "$root/proxy/Mesh.Proxy/bin/Release/net10.0/mesh-proxy.dll" "${flags[@]}") ;;
  allocations)
    command=(env DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 PROXY_ALLOCATIONS_TYPES="${PERREQ_TYPES:-0}" dotnet
      "$bench/ProxyAllocations/bin/Release/net10.0/proxy-allocations.dll" "$work/mesh-config.json" "$mesh_port"
      "$mesh_inbound_port" "$mesh_admin_port") ;;
  yarp) command=(dotnet "$bench/YarpHost/bin/Release/net10.0/YarpHost.dll" "$yarp_port" "${backend_ports[@]}") ;;
  kestrel) command=(dotnet "$bench/KestrelHost/bin/Release/net10.0/KestrelHost.dll" "$kestrel_port") ;;
  nginx) command=(nginx -p "$work" -c "$work/proxy-nginx.conf" -e "$work/proxy-nginx.error.log") ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac
case $mode in
  yarp) url="http://127.0.0.1:$yarp_port/" ready=$url ;;
  kestrel) url="http://127.0.0.1:$kestrel_port/" ready=$url ;;
  nginx) url="http://127.0.0.1:$nginx_port/" ready=$url ;;
  *) url="http://127.0.0.1:$mesh_port/" ready="http://127.0.0.1:$mesh_admin_port/ready" ;;
esac
taskset -c 0 "${command[@]}" > "$work/logs/proxy.out" 2> "$work/logs/proxy.err" &
proxy=$!
pids+=("$proxy")
# `env` and `taskset` exec, so $proxy is the proxy's own pid.
wait_http "$ready"
taskset -c 1 wrk -t1 -c"$connections" -d"${warmup}s" "$url" > "$work/logs/warmup.txt" 2>&1

echo "mode $mode, $connections connections, load average $(load_average)"
if [ "$mode" = allocations ]; then
  for i in $(seq 1 "$repeats"); do
    kill -HUP "$proxy"; sleep 0.2
    before=$(awk '/^allocated/ { b = $2 } END { print b }' "$work/logs/proxy.out")
    taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" "$url" > "$work/alloc-$i.txt" 2>&1
    kill -HUP "$proxy"; sleep 0.2
    after=$(awk '/^allocated/ { b = $2 } END { print b }' "$work/logs/proxy.out")
    requests=$(requests_of "$work/alloc-$i.txt")
    echo "allocations run $i: $requests requests, $(( (after - before) / requests )) bytes/request"
  done
  if [ "${PERREQ_TYPES:-0}" = 1 ]; then
    echo "allocation samples by type (one per ~100 KB), last run:"
    awk '/^allocated/ { block = "" ; next } { block = block $0 "\n" } END { printf "%s", block }' "$work/logs/proxy.out"
  fi
  exit 0
fi

clk_tck=$(getconf CLK_TCK)
for i in $(seq 1 "$repeats"); do
  before=$(cpu_ticks "$proxy")
  taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" "$url" > "$work/cpu-$i.txt" 2>&1
  after=$(cpu_ticks "$proxy")
  requests=$(requests_of "$work/cpu-$i.txt")
  awk -v r="$requests" -v t=$((after - before)) -v hz="$clk_tck" -v s="$seconds" \
    'BEGIN { printf "cpu run %d: %d requests (%.0f/s), %.4f CPU s per 1,000 requests\n", '"$i"', r, r / s, t / hz / r * 1000 }'
done

echo "peak RSS after the cpu runs: $(awk '/^VmHWM:/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$proxy/status")"

strace -f -c -p "$proxy" -o "$work/strace.txt" &
tracer=$!
sleep 1
taskset -c 1 wrk -t1 -c"$connections" -d5s "$url" > "$work/strace-load.txt" 2>&1
kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
requests=$(requests_of "$work/strace-load.txt")
echo "system calls per request (strace -c over $requests requests; errors are per request too):"
awk -v r="$requests" '$1 ~ /^[0-9.]+$/ && NF >= 5 && $NF != "total" {
    name = $NF; calls = $4; errors = (NF == 6) ? $5 : 0
    printf "  %-16s %6.2f calls  %6.2f errors\n", name, calls / r, errors / r; total += calls
  } END { printf "  %-16s %6.2f calls\n", "total", total / r }' "$work/strace.txt"
