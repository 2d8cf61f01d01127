#!/usr/bin/env bash
# /freeswitch/xml lookups for a tenant of 1,000 agents: the recorded
# sip_auth body (tests/fixtures) with the user swapped per request, through
# wrk, with keep-alive and with "Connection: close" (mod_xml_curl's way),
# each beside nginx answering the same user document as a static file under
# the same wrk settings (both listen with deferred accept, as agentdesk
# does); targets 1.20x nginx with keep-alive, 1.10x with Connection:
# close. Midway, one agent is suspended and its next lookup must be "not
# found". Usage: bench/xmlcurl.sh BIN DB_URL PG_DIR_OR_EMPTY (called by
# bench/run.sh). Figures only.
set -euo pipefail
bin=$1
db=$2
threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/agentdesk-xmlcurl.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        rm -rf "$tmp"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export AGENTDESK_SECRET_KEY_FILE=$tmp/key AGENTDESK_XMLCURL_PASSWORD=bench-xc
# No Event Socket node: the 1,000 agents' provisioning settles at once, as
# it does once FreeSWITCH has taken them, and lookups are measured in that
# steady state. (With a node that is down, the reconciler's retries would
# rewrite the extensions every few seconds, each time emptying the cache;
# but a FreeSWITCH that is down sends no lookups.)
export AGENTDESK_FS_NODES=
$bin tenant create --db "$db" --name "Lookup Bench" --pool-base 700000 --pool-size 1000 >/dev/null 2>&1
$bin user create --db "$db" --tenant 1 --email admin@lookup.example --password "bench password" \
        --role admin >/dev/null 2>&1 || true
p=$(port)
$bin serve --db "$db" --listen "127.0.0.1:$p" 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$p/healthz" && break; sleep 0.05; done
base="http://127.0.0.1:$p"
token=$(curl -s "$base/v1/auth/login" -d '{"email":"admin@lookup.example","password":"bench password"}' |
        sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
python3 - "$base" "$token" <<'PY'
import http.client, json, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); c = http.client.HTTPConnection(u.hostname, u.port)
for i in range(1000):
    c.request("POST", "/v1/admin/agents", json.dumps({"first_name": "Agent", "last_name": str(i),
              "email": "l%d@lookup.example" % i}), {"Authorization": "Bearer " + sys.argv[2]})
    r = c.getresponse(); r.read(); assert r.status == 201, r.status
PY
for _ in $(seq 300); do
        curl -s "$base/v1/admin/freeswitch/status" -H "Authorization: Bearer $token" |
                grep -q '"jobs":{"pending":0,"failed":0}' && break
        sleep 0.1
done

sed 's/2005/%USER%/g' "$here/tests/fixtures/freeswitch-1.11/xml_curl/directory-sip-auth-register-udp.form" >"$tmp/form.tpl"
auth=$(printf 'freeswitch:%s' "$AGENTDESK_XMLCURL_PASSWORD" | base64)
cat >"$tmp/lookup.lua" <<LUA
local f = io.open("$tmp/form.tpl"); local tpl = f:read("*a"); f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $auth"
if os.getenv("CLOSE") == "1" then wrk.headers["Connection"] = "close" end
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, (tpl:gsub("%%USER%%", tostring(700000 + (n % 1000)))))
end
LUA
lookup() { curl -s -u "freeswitch:$AGENTDESK_XMLCURL_PASSWORD" --data-binary \
        "$(sed "s/%USER%/$1/g" "$tmp/form.tpl")" "$base/freeswitch/xml"; }

# nginx: the same user document as a static file; POST is answered like GET.
mkdir -p "$tmp/nginx/www/freeswitch"
lookup 700500 >"$tmp/nginx/www/freeswitch/xml"
chmod -R a+rX "$tmp/nginx"
np=$(port)
. "$here/bench/lib.sh"
{ nginx_conf_head "$tmp/nginx"; cat <<CONF; } >"$tmp/nginx/nginx.conf"
  server { listen 127.0.0.1:$np deferred; root $tmp/nginx/www; default_type text/xml;
           error_page 405 =200 \$uri; }
}
CONF
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" &
pids+=($!)
for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$np/freeswitch/xml" && break; sleep 0.05; done

run() {  # url close -> "rps p50 p99 non2xx"
        CLOSE=$2 wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$tmp/lookup.lua" "$1" >"$tmp/wrk.out"
        awk '/Requests\/sec/ {r=$2} $1=="50%" {a=$2} $1=="99%" {b=$2} /Non-2xx/ {e=$5}
             END {print r, a, b, e+0}' "$tmp/wrk.out"
}
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /ms$/) print v+0; else if (v ~ /us$/) print v/1000; else print v*1000 }'; }

kind=$(case "$db" in sqlite:*) echo sqlite ;; *) echo postgresql ;; esac)
for close in 0 1; do
        label=$([ $close = 1 ] && echo "Connection: close" || echo "keep-alive")
        read -r a_rps a_p50 a_p99 a_err < <(run "$base/freeswitch/xml" $close)
        read -r n_rps n_p50 n_p99 n_err < <(run "http://127.0.0.1:$np/freeswitch/xml" $close)
        printf '  %s, %s: agentdesk %8.0f lookups/s p50 %-8s p99 %-8s | nginx %8.0f req/s p50 %-8s p99 %-8s\n' \
                "$kind" "$label" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99"
        target=$([ $close = 1 ] && echo 1.10 || echo 1.20)
        awk -v a="$a_rps" -v n="$n_rps" -v ap="$(to_ms "$a_p99")" -v np="$(to_ms "$n_p99")" -v e="$a_err$n_err" \
                -v t="$target" \
                'BEGIN { printf "    ratio %.2f of nginx (target >= %s), p99 %.2fx of nginx (target <= 2), non-2xx %s\n", a/n, t, ap/np, e }'
        curl -s "$base/metrics" | awk -F'[ "]' '/^agentdesk_directory_cache_lookups_total/ {v[$2]=$NF}
                END { printf "    directory cache so far: %d hits, %d misses\n", v["hit"], v["miss"] }'
        if [ $close = 0 ]; then
                # Midway: suspend one agent; its next lookup must be "not found".
                id=$(curl -s "$base/v1/admin/agents?q=l500%40&limit=1" -H "Authorization: Bearer $token" |
                        sed -n 's/.*"agents":\[{"id":\([0-9]*\).*/\1/p')
                curl -s -o /dev/null -X PATCH "$base/v1/admin/agents/$id" -H "Authorization: Bearer $token" \
                        -d '{"status":"suspended"}'
                if lookup 700500 | grep -q 'status="not found"'; then
                        echo "    after suspending 700500 mid-run: its next lookup is \"not found\" (as it must be)"
                else
                        echo "    after suspending 700500 mid-run: STILL SERVED (wrong)"
                fi
        fi
done
