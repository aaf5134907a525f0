#!/usr/bin/env bash
# Data-plane benchmark: one backend (nginx serving 1 KiB on three ports) reached directly and through the Mesh
# proxy, plain YARP, nginx and haproxy (one route, the three ports round robin, keep-alive, no access logs).
# 1. Closed-loop sweep (wrk, several connection counts) finds each target's maximum rate.
# 2. Fixed-rate runs at 1,000 requests/s and at 25/50/75% of the slowest proxy's maximum: latency percentiles
#    (added over direct), achieved rate, errors, CPU seconds per 1,000 requests and peak RSS. The load comes from
#    OpenLoop/ (evenly spaced sends, latency from each intended send time); BENCH_RATE_TOOL=h2load uses
#    h2load --h1 --rps instead, which sends in bursts of one request per connection.
# Pinning (taskset): proxy on BENCH_CPU_PROXY (0), load generator on BENCH_CPU_LOAD (1), backend on
# BENCH_CPU_BACKEND (1). BENCH_TARGETS picks targets: "mesh" is the shipped Native AOT build (published here, or
# BENCH_MESH_EXECUTABLE), "mesh-jit" the same proxy on the JIT (dotnet mesh-proxy.dll), "mesh-defaults" the JIT build
# with .NET's default runtime settings instead of those in its csproj, "kestrel" a bare Kestrel app that answers
# itself (no forwarding: the serving floor under YARP and Mesh). Install the tools first: build/bench/install.sh.
# Leaves no process behind.
# Output: $BENCH_WORK (default /tmp/mesh-bench): raw tool output, results.tsv files and report.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bench="$root/build/bench"
work=${BENCH_WORK:-/tmp/mesh-bench}
targets=${BENCH_TARGETS:-"direct mesh mesh-jit yarp nginx haproxy"}
sweep_connections=${BENCH_SWEEP_CONNECTIONS:-"8 32 64 128"}
sweep_seconds=${BENCH_SWEEP_SECONDS:-10}
rate_seconds=${BENCH_RATE_SECONDS:-20}
rate_clients=${BENCH_RATE_CLIENTS:-32}
fixed_rates=${BENCH_RATES:-}   # empty: 1000 and 25/50/75% of the slowest proxy's maximum
rate_tool=${BENCH_RATE_TOOL:-openloop}   # openloop: evenly spaced sends; h2load: --rps, bursts of one request per connection
cpu_proxy=${BENCH_CPU_PROXY:-0}
cpu_load=${BENCH_CPU_LOAD:-1}
cpu_backend=${BENCH_CPU_BACKEND:-1}
# BENCH_PORT_OFFSET moves every port (backend, targets), so that the bench can run beside something holding them.
o=${BENCH_PORT_OFFSET:-0}
backend_ports=($((o + 18081)) $((o + 18082)) $((o + 18083)))
mesh_port=$((o + 18101)) mesh_admin_port=$((o + 18100)) mesh_inbound_port=$((o + 18106))
yarp_port=$((o + 18201)) nginx_port=$((o + 18301)) haproxy_port=$((o + 18401)) kestrel_port=$((o + 18501))

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
ulimit -n 65536 2>/dev/null || true
case $rate_tool in openloop | h2load) ;; *) echo "BENCH_RATE_TOOL must be openloop or h2load" >&2; exit 2 ;; esac
tools=(wrk nginx haproxy taskset python3 curl)
if [ "$rate_tool" = h2load ]; then tools+=(h2load); fi
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run build/bench/install.sh" >&2; exit 1; }
done

# shellcheck source=lib/configs.sh
source "$bench/lib/configs.sh"
# shellcheck source=lib/process.sh
source "$bench/lib/process.sh"
rm -rf "$work" && mkdir -p "$work"/{tmp-backend,tmp-nginx-body,tmp-nginx-proxy,logs}
commands="$work/commands.txt"
: > "$commands"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

# Runs a command with its line recorded in commands.txt.
logged() { echo "$*" >> "$commands"; "$@"; }

# Starts a long-running process in the background; sets started_pid.
start() {
  local name=$1; shift
  echo "$*" >> "$commands"
  "$@" > "$work/logs/$name.out" 2> "$work/logs/$name.err" &
  started_pid=$!
  pids+=("$started_pid")
}

stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}


echo "Building (Release)..."
for project in "$root/proxy/Mesh.Proxy" "$bench/YarpHost" "$bench/KestrelHost" "$bench/OpenLoop"; do
  logged dotnet build "$project" -c Release --nologo -v quiet -clp:ErrorsOnly > "$work/logs/build.txt" 2>&1 \
    || { cat "$work/logs/build.txt" >&2; exit 1; }
done
mesh_dll="$root/proxy/Mesh.Proxy/bin/Release/net10.0/mesh-proxy.dll"
# The shipped proxy: the Native AOT build, published as Dockerfile.proxy does, unless BENCH_MESH_EXECUTABLE names one.
mesh_native=${BENCH_MESH_EXECUTABLE:-}
if [ -z "$mesh_native" ] && [[ " $targets " == *" mesh "* ]]; then
  echo "Publishing the Native AOT proxy..."
  logged dotnet publish "$root/proxy/Mesh.Proxy" -c Release --use-current-runtime --nologo -o "$work/mesh-native" \
    > "$work/logs/publish.txt" 2>&1 || { cat "$work/logs/publish.txt" >&2; exit 1; }
  mesh_native="$work/mesh-native/mesh-proxy"
fi
yarp_dll="$bench/YarpHost/bin/Release/net10.0/YarpHost.dll"
kestrel_dll="$bench/KestrelHost/bin/Release/net10.0/KestrelHost.dll"
openloop_dll="$bench/OpenLoop/bin/Release/net10.0/openloop.dll"

write_backend_conf
write_mesh_config
write_nginx_conf
write_haproxy_conf

start backend taskset -c "$cpu_backend" nginx -p "$work" -c "$work/backend-nginx.conf" -e "$work/backend-nginx.error.log"
for port in "${backend_ports[@]}"; do wait_http "http://127.0.0.1:$port/"; done

# Starts a target fresh; sets target_pid (empty for direct) and target_url.
start_target() {
  target_pid=""
  case $1 in
    direct) target_url="http://127.0.0.1:${backend_ports[0]}/"; return 0 ;;
    mesh | mesh-jit | mesh-defaults)
      # mesh-defaults: the JIT build with the runtime settings of Mesh.Proxy.csproj put back to .NET's defaults.
      local command=(dotnet "$mesh_dll")
      case $1 in
        mesh) command=("$mesh_native") ;;
        mesh-defaults) command=(env DOTNET_gcServer=1 DOTNET_gcConcurrent=1 DOTNET_TieredPGO=1 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70 dotnet "$mesh_dll") ;;
      esac
      start "$1" taskset -c "$cpu_proxy" "${command[@]}" --config-file "$work/mesh-config.json" --node-id bench/client-1 \
        --labels app=client --outbound-port "$mesh_port" --inbound-port "$mesh_inbound_port" --admin-port "$mesh_admin_port"
      target_url="http://127.0.0.1:$mesh_port/"
      wait_http "http://127.0.0.1:$mesh_admin_port/ready" ;;
    yarp)
      start yarp taskset -c "$cpu_proxy" dotnet "$yarp_dll" "$yarp_port" "${backend_ports[@]}"
      target_url="http://127.0.0.1:$yarp_port/" ;;
    kestrel)
      start kestrel taskset -c "$cpu_proxy" dotnet "$kestrel_dll" "$kestrel_port"
      target_url="http://127.0.0.1:$kestrel_port/" ;;
    nginx)
      start nginx taskset -c "$cpu_proxy" nginx -p "$work" -c "$work/proxy-nginx.conf" -e "$work/proxy-nginx.error.log"
      target_url="http://127.0.0.1:$nginx_port/" ;;
    haproxy)
      start haproxy taskset -c "$cpu_proxy" haproxy -db -f "$work/haproxy.cfg"
      target_url="http://127.0.0.1:$haproxy_port/" ;;
    *) echo "unknown target $1" >&2; return 1 ;;
  esac
  target_pid=$started_pid
  wait_http "$target_url"
}

stop_target() { if [ -n "$target_pid" ]; then stop "$target_pid"; fi; }

# Runs a load command against the current target; appends the target's CPU ticks and peak RSS to $2 (a TSV row).
measured() {
  local out=$1 row=$2 before=0 after=0 rss=""; shift 2
  if [ -n "$target_pid" ]; then before=$(cpu_ticks "$target_pid"); fi
  local load; load=$(load_average)
  logged "$@" > "$out" 2>&1
  if [ -n "$target_pid" ]; then after=$(cpu_ticks "$target_pid"); rss=$(peak_rss_kib "$target_pid"); fi
  printf '%s\t%s\t%s\t%s\n' "$row" "$((after - before))" "${rss:-}" "$load"
}

clk_tck=$(getconf CLK_TCK)
echo -e "target\tconnections\toutput\tcpu_ticks\tpeak_rss_kib\tload_average" > "$work/sweep.tsv"
echo "Closed-loop sweep (wrk -t1, ${sweep_seconds}s per connection count: $sweep_connections)..."
for target in $targets; do
  start_target "$target"
  logged taskset -c "$cpu_load" wrk -t1 -c32 -d5s "$target_url" > "$work/logs/warmup-$target.txt" 2>&1
  for connections in $sweep_connections; do
    out="$work/wrk-$target-c$connections.txt"
    measured "$out" "$target	$connections	$out" \
      taskset -c "$cpu_load" wrk -t1 -c"$connections" -d"${sweep_seconds}s" --latency "$target_url" >> "$work/sweep.tsv"
    echo "  $target c=$connections: $(awk '/Requests\/sec/ { print $2 }' "$out") req/s"
  done
  stop_target
done

if [ -z "$fixed_rates" ]; then
  fixed_rates=$(python3 "$bench/lib/report.py" rates "$work")
fi
echo "Fixed-rate runs ($rate_tool, $rate_clients connections, ${rate_seconds}s each): $fixed_rates requests/s"
echo -e "target\trate\toutput\tlog\tcpu_ticks\tpeak_rss_kib\tload_average" > "$work/rate.tsv"
for target in $targets; do
  start_target "$target"
  if [ "$rate_tool" = openloop ]; then
    logged taskset -c "$cpu_load" dotnet "$openloop_dll" "$target_url" 1000 5 "$rate_clients" > "$work/logs/rate-warmup-$target.txt" 2>&1
  else
    logged taskset -c "$cpu_load" h2load --h1 -t1 -c"$rate_clients" --rps 30 -D 5 "$target_url" > "$work/logs/rate-warmup-$target.txt" 2>&1
  fi
  for rate in $fixed_rates; do
    out="$work/$rate_tool-$target-r$rate.txt" log="$work/$rate_tool-$target-r$rate.log"
    if [ "$rate_tool" = openloop ]; then
      load=(dotnet "$openloop_dll" "$target_url" "$rate" "$rate_seconds" "$rate_clients" "$log")
    else
      per_client=$(python3 -c "print(round($rate / $rate_clients, 3))")
      load=(h2load --h1 -t1 -c"$rate_clients" --rps "$per_client" -D "$rate_seconds" --log-file "$log" "$target_url")
    fi
    measured "$out" "$target	$rate	$out	$log" taskset -c "$cpu_load" "${load[@]}" >> "$work/rate.tsv"
    echo "  $target $rate req/s: $(grep -m1 '^finished in' "$out")"
  done
  stop_target
done

{
  echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), kernel $(uname -r), .NET $(dotnet --version)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average at end: $(load_average)"
  echo "pinning: proxy cpu$cpu_proxy, load generator cpu$cpu_load, backend cpu$cpu_backend (taskset -c)"
} > "$work/machine.txt"
python3 "$bench/lib/report.py" report "$work" "$clk_tck" "$rate_seconds" "$rate_tool" > "$work/report.md"
cat "$work/report.md"
