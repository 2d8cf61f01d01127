#!/usr/bin/env bash
# GET /healthz through agentdesk (SQLite, one trivial store ping per
# request) beside nginx serving a static file of the same bytes, under the
# same wrk settings, on 127.0.0.1 only. Prints the settings, each server's
# requests/s and p50/p99 latency, and the ratio agentdesk/nginx (the target
# is >= 0.80). Builds nothing; figures only, never pass/fail on time.
#
#   bench/healthz.sh [AGENTDESK_BIN]        (default build/agentdesk)
#   WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s)
#   HEALTHZ_NGINX_ONLY=1 runs the nginx half alone.
#
# Both servers are stopped on exit (trap), and the temp dir is removed.
set -euo pipefail
bin=${1:-build/agentdesk}
threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
nginx_only=${HEALTHZ_NGINX_ONLY:-0}

. "$(dirname "$0")/lib.sh"
bench_init healthz

echo "healthz bench: wrk -t$threads -c$conns -d$duration --latency, 127.0.0.1, $(nproc) CPUs"

# agentdesk: a demo database, then serve on a free port.
if [ "$nginx_only" != 1 ]; then
        [ -x "$bin" ] || { echo "healthz.sh: no agentdesk binary at $bin" >&2; exit 2; }
        port=$(free_port)
        export AGENTDESK_SECRET_KEY_FILE=$tmp/secret.key
        "$bin" demo --db "sqlite:$tmp/a.db" >/dev/null 2>&1
        # The access log goes to a file, as in production, not to /dev/null.
        "$bin" serve --db "sqlite:$tmp/a.db" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
        pids+=($!)
        wait_http "http://127.0.0.1:$port/healthz"
        curl -s "http://127.0.0.1:$port/healthz" >"$tmp/healthz.json"
else
        printf '{"success":true,"status":"ok","store":"sqlite"}' >"$tmp/healthz.json"
fi

# nginx: the same bytes as a static file, its own pid/log/temp paths.
nport=$(free_port)
mkdir -p "$tmp/nginx/www"
# nginx workers started by root run as nobody: let them read the file.
chmod 755 "$tmp/nginx" "$tmp/nginx/www"
cp "$tmp/healthz.json" "$tmp/nginx/www/healthz"
chmod 644 "$tmp/nginx/www/healthz"
{ nginx_conf_head "$tmp/nginx"; cat <<CONF; } >"$tmp/nginx/nginx.conf"
  server { listen 127.0.0.1:$nport deferred; root $tmp/nginx/www; default_type application/json; }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
wait_http "http://127.0.0.1:$nport/healthz"
echo "  body: $(wc -c <"$tmp/healthz.json") bytes"

if [ "$nginx_only" != 1 ]; then
        read -r a_rps a_p50 a_p99 a_err < <(run_wrk "http://127.0.0.1:$port/healthz")
        printf '  agentdesk /healthz : %10.0f req/s  p50 %-8s p99 %-8s non-2xx %s\n' \
                "$a_rps" "$a_p50" "$a_p99" "$a_err"
fi
read -r n_rps n_p50 n_p99 n_err < <(run_wrk "http://127.0.0.1:$nport/healthz")
printf '  nginx static file  : %10.0f req/s  p50 %-8s p99 %-8s non-2xx %s\n' \
        "$n_rps" "$n_p50" "$n_p99" "$n_err"
if [ "$nginx_only" != 1 ]; then
        awk -v a="$a_rps" -v n="$n_rps" \
                'BEGIN { printf "  ratio agentdesk/nginx: %.2f (target >= 0.80)\n", a / n }'
fi
