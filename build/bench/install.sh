#!/usr/bin/env bash
# Installs what build/bench/run.sh drives, from Debian's packages: nginx and haproxy (compared proxies; nginx is
# also the backend), wrk (closed-loop sweep), nghttp2-client (h2load, fixed-rate runs with BENCH_RATE_TOOL=h2load),
# util-linux (taskset) and python3 (the report). Safe to run again: apt-get skips what is installed. Needs root (or sudo).
set -euo pipefail
packages=(nginx haproxy wrk nghttp2-client util-linux python3 curl)
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "bench tools already installed: ${packages[*]}"
  exit 0
fi

echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

# The packages start system services on their default ports; the benchmark runs its own instances.
for service in nginx haproxy; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    $sudo systemctl stop "$service" || true
  fi
done
