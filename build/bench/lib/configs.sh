# Writes the configs of the backend and of every proxy under $work. Sourced by run.sh, which sets the ports.
# Every proxy: one route to the three backend ports, round robin, pooled keep-alive upstream connections, no
# access log, one worker (the proxy is pinned to one core).

write_backend_conf() {
  local body
  body=$(head -c 1024 /dev/zero | tr '\0' 'x')
  cat > "$work/backend-nginx.conf" <<CONF
# The backend: 1 KiB from memory on three ports, keep-alive without a request limit.
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
  server {
    listen 127.0.0.1:${backend_ports[0]} backlog=4096;
    listen 127.0.0.1:${backend_ports[1]} backlog=4096;
    listen 127.0.0.1:${backend_ports[2]} backlog=4096;
    default_type text/plain;
    location / { return 200 "$body"; }
  }
}
CONF
}

write_mesh_config() {
  local service=bench.default.svc.cluster.local domains endpoints port
  domains="\"127.0.0.1:$mesh_port\", \"localhost:$mesh_port\""
  for name in bench bench.default bench.default.svc "$service"; do
    domains="$domains, \"$name\", \"$name:80\""
  done
  endpoints=""
  for port in "${backend_ports[@]}"; do
    endpoints="$endpoints${endpoints:+, }{\"address\": \"127.0.0.1\", \"port\": $port, \"workload\": \"bench/backend-$port\"}"
  done
  cat > "$work/mesh-config.json" <<CONF
{"version": "bench-1", "config": {
  "clusters": [{
    "name": "outbound|80||$service", "serviceHost": "$service", "port": 80,
    "loadBalancer": {"simple": "ROUND_ROBIN"},
    "endpoints": [$endpoints]
  }],
  "virtualHosts": [{
    "name": "$service", "domains": [$domains],
    "routes": [{"name": "default", "forward": {"destinations": [{"cluster": "outbound|80||$service", "weight": 100}]}}]
  }]
}}
CONF
}

write_nginx_conf() {
  local servers="" port
  for port in "${backend_ports[@]}"; do servers="$servers    server 127.0.0.1:$port;"$'\n'; done
  cat > "$work/proxy-nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/proxy-nginx.pid;
error_log $work/proxy-nginx.error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  client_body_temp_path $work/tmp-nginx-body;
  proxy_temp_path $work/tmp-nginx-proxy;
  upstream backends {
$servers    keepalive 256;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
  }
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
    }
  }
}
CONF
}

write_haproxy_conf() {
  local i=0 port
  {
    cat <<CONF
global
  nbthread 1
  maxconn 8000
  pidfile $work/haproxy.pid
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 300s
  timeout server 300s
  timeout http-keep-alive 300s
frontend bench
  bind 127.0.0.1:$haproxy_port
  default_backend backends
backend backends
  balance roundrobin
  http-reuse always
CONF
    for port in "${backend_ports[@]}"; do
      i=$((i + 1))
      echo "  server backend$i 127.0.0.1:$port"
    done
  } > "$work/haproxy.cfg"
}
