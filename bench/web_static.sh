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

. "$(dirname "$0")/lib.sh"
bench_init webbench

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
{ nginx_conf_head "$tmp/nginx"; cat <<CONF; } >"$tmp/nginx/nginx.conf"
  include /etc/nginx/mime.types;
  etag on;
  server {
    listen 127.0.0.1:$nport deferred; root $www;
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
        read -r a_rps a_p50 a_p99 a_err < <(run_wrk "http://127.0.0.1:$port$path" -H "Accept-Encoding: gzip")
        read -r n_rps n_p50 n_p99 n_err < <(run_wrk "http://127.0.0.1:$nport$path" -H "Accept-Encoding: gzip")
        printf '  %-28s agentdesk %9.0f req/s p50 %-8s p99 %-8s | nginx %9.0f req/s p50 %-8s p99 %-8s | ratio %.2f | non-2xx %s/%s\n' \
                "$label" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99" \
                "$(awk -v a="$a_rps" -v n="$n_rps" 'BEGIN { print a / n }')" "$a_err" "$n_err"
done
