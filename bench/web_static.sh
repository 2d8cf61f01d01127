#!/usr/bin/env bash
# The web app's files through agentdesk (AGENTDESK_WEB_DIR) beside nginx
# serving the same directory with gzip_static, under the same wrk settings,
# on 127.0.0.1 only: index.html by a history-mode path (/admin/agents),
# and a 200 KB hashed asset sent as its .gz sibling. Prints each server's
# requests/s and p50/p99 and the ratio agentdesk/nginx (reference: nginx,
# the usual static server; a ratio near 1 means serving the app from
# agentdesk costs nothing worth a proxy). Figures only, never pass/fail.
#
#   bench/web_static.sh [AGENTDESK_BIN]     (default build/agentdesk)
#   WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s)
set -euo pipefail
bin=${1:-build/agentdesk}
threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
[ -x "$bin" ] || { echo "web_static.sh: no agentdesk binary at $bin" >&2; exit 2; }

tmp=$(mktemp -d /tmp/agentdesk-webbench.XXXXXX)
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
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
        echo "web_static.sh: $1 did not answer 200" >&2
        return 1
}

# wrk's Requests/sec, p50, p99 and non-2xx count, as "rps p50 p99 errors".
run_wrk() {
        wrk -t"$threads" -c"$conns" -d"$duration" --latency -H "Accept-Encoding: gzip" "$1" >"$tmp/wrk.out"
        awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {e=$5}
             END {print rps, p50, p99, e+0}' "$tmp/wrk.out"
}

# An app as Vite builds it: index.html and a hashed chunk with its .gz.
www=$tmp/www
mkdir -p "$www/assets"
printf '<!doctype html><html><head><script type="module" src="/assets/index-4f3a2b.js"></script></head><body><div id="app"></div></body></html>\n' >"$www/index.html"
python3 -c 'import random; r = random.Random(7)
words = ["const", "function", "return", "import", "export", "value", "props", "emit", "ref"]
print(" ".join(r.choice(words) + str(r.randrange(999)) for _ in range(30000)))' >"$www/assets/index-4f3a2b.js"
gzip -9 -k "$www/assets/index-4f3a2b.js"
chmod -R a+rX "$tmp"

port=$(free_port)
export AGENTDESK_SECRET_KEY_FILE=$tmp/secret.key
AGENTDESK_WEB_DIR=$www "$bin" serve --db "sqlite:$tmp/a.db" --listen "127.0.0.1:$port" 2>"$tmp/serve.log" &
pids+=($!)
wait_http "http://127.0.0.1:$port/healthz"

nport=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  etag on;
  client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx; fastcgi_temp_path $tmp/nginx;
  uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server {
    listen 127.0.0.1:$nport; root $www;
    gzip_static on;
    location / { try_files \$uri /index.html; add_header Cache-Control no-cache; }
    location /assets/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
wait_http "http://127.0.0.1:$nport/index.html"

gz=$(wc -c <"$www/assets/index-4f3a2b.js.gz")
echo "web static bench: wrk -t$threads -c$conns -d$duration --latency, Accept-Encoding: gzip, 127.0.0.1, $(nproc) CPUs"
for what in "/admin/agents index.html(fallback)" "/assets/index-4f3a2b.js asset(.gz,${gz}B)"; do
        path=${what%% *}
        label=${what#* }
        read -r a_rps a_p50 a_p99 a_err < <(run_wrk "http://127.0.0.1:$port$path")
        read -r n_rps n_p50 n_p99 n_err < <(run_wrk "http://127.0.0.1:$nport$path")
        printf '  %-28s agentdesk %9.0f req/s p50 %-8s p99 %-8s | nginx %9.0f req/s p50 %-8s p99 %-8s | ratio %.2f | non-2xx %s/%s\n' \
                "$label" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99" \
                "$(awk -v a="$a_rps" -v n="$n_rps" 'BEGIN { print a / n }')" "$a_err" "$n_err"
done
