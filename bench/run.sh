#!/usr/bin/env bash
# Prints agentdesk's figures beside their references, in one run. Only
# 127.0.0.1 is used; every server started here is stopped on exit.
#   1. GET /healthz through agentdesk (SQLite) vs nginx serving a static
#      file of the same size, same wrk settings, with the ratio;
#   2. pool allocations per second on SQLite and PostgreSQL;
#   3. agent creation through the API (bench/agents_create.py);
#   4. /freeswitch/xml lookups vs nginx, keep-alive and Connection: close,
#      on SQLite and PostgreSQL (bench/xmlcurl.sh).
# Settings: WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s).
# Figures only: nothing here passes or fails on time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test >/dev/null
cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-rel -j"$(nproc)" --target agentdesk bench_pool_alloc >/dev/null

threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
bin=build-rel/agentdesk
tmp=$(mktemp -d /tmp/agentdesk-bench.XXXXXX)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        [ -f "$tmp/nginx/nginx.pid" ] && kill "$(cat "$tmp/nginx/nginx.pid")" 2>/dev/null || true
        [ -f "$tmp/pg/url" ] && tests/harness/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true
        rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() {
        for _ in $(seq 200); do
                curl -fs -o /dev/null "$1" && return 0
                sleep 0.05
        done
        echo "bench: $1 did not answer" >&2
        return 1
}

# wrk's "Requests/sec" and latency percentiles, as "rps p50 p99".
run_wrk() {
        wrk -t"$threads" -c"$conns" -d"$duration" --latency "$1" >"$tmp/wrk.out"
        awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {print rps, p50, p99}' "$tmp/wrk.out"
}

echo "== /healthz: agentdesk vs nginx static file (wrk -t$threads -c$conns -d$duration, 127.0.0.1)"
port=$(free_port)
$bin demo --db "sqlite:$tmp/bench.db" >/dev/null 2>&1
# The access log goes to a file, as in production, not to /dev/null.
$bin serve --db "sqlite:$tmp/bench.db" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
pids+=($!)
wait_http "http://127.0.0.1:$port/healthz"
curl -s "http://127.0.0.1:$port/healthz" >"$tmp/healthz.json"

nport=$(free_port)
mkdir -p "$tmp/nginx/www"
# nginx workers started by root run as nobody: let them read the file.
chmod 755 "$tmp" "$tmp/nginx" "$tmp/nginx/www"
cp "$tmp/healthz.json" "$tmp/nginx/www/healthz"
chmod 644 "$tmp/nginx/www/healthz"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$nport; root $tmp/nginx/www; default_type application/json; }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
wait_http "http://127.0.0.1:$nport/healthz"

read -r a_rps a_p50 a_p99 < <(run_wrk "http://127.0.0.1:$port/healthz")
read -r n_rps n_p50 n_p99 < <(run_wrk "http://127.0.0.1:$nport/healthz")
printf '  agentdesk /healthz : %10.0f req/s  p50 %-8s p99 %s\n' "$a_rps" "$a_p50" "$a_p99"
printf '  nginx static file  : %10.0f req/s  p50 %-8s p99 %s\n' "$n_rps" "$n_p50" "$n_p99"
awk -v a="$a_rps" -v n="$n_rps" 'BEGIN { printf "  ratio agentdesk/nginx: %.2f (target >= 0.80)\n", a / n }'

echo "== pool allocations (one transaction each: sealed secret + lowest free number)"
build-rel/bench_pool_alloc "sqlite:$tmp/pool.db" "$tmp/pool.key" "${POOL_ALLOCATIONS:-2000}" 4 | sed 's/^/  /'
tests/harness/pg.sh start "$tmp/pg" >/dev/null
pgurl=$(tests/harness/pg.sh createdb "$tmp/pg" bench_pool)
build-rel/bench_pool_alloc "$pgurl" "$tmp/pool.key" "${POOL_ALLOCATIONS:-2000}" 4 | sed 's/^/  /'

echo "== agent creation through the API (1,000 agents, 8 clients)"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/agents_create.py | sed 's/^/  /'

kill "${pids[@]}" 2>/dev/null || true  # free the CPU for the next figures
echo "== /freeswitch/xml lookups, tenant of 1,000 agents (wrk -t$threads -c$conns -d$duration)"
bench/xmlcurl.sh "$bin" "sqlite:$tmp/lookup.db"
bench/xmlcurl.sh "$bin" "$(tests/harness/pg.sh createdb "$tmp/pg" bench_lookup)"
