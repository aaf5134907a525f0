# Helpers the bench scripts share for the processes they start. Sourced by run.sh, perrequest.sh and reporting.sh.

# Waits up to 60 s for URL to answer 200; further arguments go to curl (e.g. -H "Host: ...").
wait_http() {
  local url=$1 i
  for i in $(seq 1 600); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "${@:2}" "$url" || true)" = 200 ]; then return 0; fi
    sleep 0.1
  done
  echo "not ready: $url" >&2
  return 1
}

# utime+stime of a process and all its threads, in clock ticks.
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
peak_rss_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
