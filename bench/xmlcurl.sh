#!/usr/bin/env bash
# /freeswitch/xml lookups for a tenant of 1,000 agents: the recorded
# sip_auth body (tests/fixtures) with the user swapped per request, through
# wrk, with keep-alive and with "Connection: close" (mod_xml_curl's way),
# each beside nginx answering the same user document as a static file under
# the same wrk settings (both listen with deferred accept, as agentdesk
# does); targets 1.20x nginx with keep-alive, 1.10x with Connection:
# close, and a p99 at most 2x nginx's (both printed). Midway, one agent
# is suspended and its next lookup must be "not found". wrk shares the machine's cores with the servers, so each line
# also gives the CPU time each server and wrk spent per request, and the
# floor: libmicrohttpd doing no work (bench/mhd_floor.c, when built beside
# BIN). Usage: bench/xmlcurl.sh BIN DB_URL (called by bench/run.sh).
# Figures only.
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
# An Event Socket that answers every command as FreeSWITCH does (the
# tests' fixture), so that provisioning settles at once, as it does once
# FreeSWITCH has taken the agents, and lookups are measured in that steady
# state.
export AGENTDESK_FS_ESL_PASSWORD=bench-esl
python3 "$here/tests/harness/esl_fixture.py" --port-file "$tmp/esl.port" --password bench-esl &
pids+=($!)
for _ in $(seq 200); do [ -s "$tmp/esl.port" ] && break; sleep 0.05; done
export AGENTDESK_FS_ESL=127.0.0.1:$(cat "$tmp/esl.port")
$bin tenant create --db "$db" --name "Lookup Bench" --pool-base 700000 --pool-size 1000 >/dev/null 2>&1
$bin user create --db "$db" --tenant 1 --email admin@lookup.example --password "bench password" \
        --role admin >/dev/null 2>&1 || true
p=$(port)
mp=$(port)
AGENTDESK_METRICS_LISTEN=127.0.0.1:$mp $bin serve --db "$db" --listen "127.0.0.1:$p" 2>"$tmp/serve.log" &
serve_pid=$!
pids+=($serve_pid)
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
-- The 1,000 requests are formatted once, so that wrk, which shares the
-- machine with the server, spends its time sending them rather than in Lua.
local f = io.open("$tmp/form.tpl"); local tpl = f:read("*a"); f:close()
local reqs, n = {}, 0
init = function()
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded",
                    ["Authorization"] = "Basic $auth" }
  if os.getenv("CLOSE") == "1" then headers["Connection"] = "close" end
  for i = 0, 999 do
    reqs[i] = wrk.format("POST", nil, headers, (tpl:gsub("%%USER%%", tostring(700000 + i))))
  end
end
request = function()
  n = (n + 1) % 1000
  return reqs[n]
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
nginx_pids=("$(cat "$tmp/nginx/nginx.pid")")
nginx_pids+=($(pgrep -P "${nginx_pids[0]}"))

# The floor: libmicrohttpd set up as agentdesk sets it up, answering the
# same bytes and doing nothing else (bench/mhd_floor.c), when built.
floor=${MHD_FLOOR:-$(dirname "$bin")/bench_mhd_floor}
if [ -x "$floor" ]; then
        fp=$(port)
        "$floor" "$fp" "$tmp/nginx/www/freeswitch/xml" &
        pids+=($!)
        floor_pid=$!
        for _ in $(seq 200); do curl -fs -o /dev/null "http://127.0.0.1:$fp/" && break; sleep 0.05; done
fi

cpu_ticks() {  # PIDS -> user+system clock ticks of those processes (all their threads)
        local t=0 p
        for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done
        echo "$t"
}
# url close pids... -> "rps p50 p99 non2xx server-cpu-us-per-request wrk-cpu-us-per-request"
run() {
        local url=$1 close=$2 c0 c1
        shift 2
        c0=$(cpu_ticks "$@")
        { TIMEFORMAT='%U %S'; time CLOSE=$close \
                wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$tmp/lookup.lua" "$url" >"$tmp/wrk.out"; } \
                2>"$tmp/wrk.time"
        c1=$(cpu_ticks "$@")
        awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v wt="$(awk '{print $1 + $2}' "$tmp/wrk.time")" '
             /requests in/ {n=$1} /Requests\/sec/ {r=$2} $1=="50%" {a=$2} $1=="99%" {b=$2} /Non-2xx/ {e=$5}
             END {print r, a, b, e+0, c / hz / n * 1e6, wt / n * 1e6}' "$tmp/wrk.out"
}
thread_ticks() {  # PID -> "tid ticks" per thread
        local t
        for t in /proc/"$1"/task/*; do echo "${t##*/} $(awk '{print $14 + $15}' "$t/stat")"; done
}
# BEFORE AFTER (thread_ticks outputs) -> the CPU shares of the threads that
# worked: libmicrohttpd's pool hands each connection to the worker that
# accepts it, so an uneven split lengthens the busier worker's queue.
thread_split() {
        awk 'NR == FNR { b[$1] = $2; next } { d[$1] = $2 - b[$1]; s += d[$1] }
             END { n = 0; for (t in d) if (s && d[t] * 20 > s) out[n++] = sprintf("%.0f%%", 100 * d[t] / s)
                   for (i = 0; i < n; i++) printf "%s%s", (i ? "/" : ""), out[i]; if (!n) printf "-" }' \
                <(echo "$1") <(echo "$2")
}
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /ms$/) print v+0; else if (v ~ /us$/) print v/1000; else print v*1000 }'; }

kind=$(case "$db" in sqlite:*) echo sqlite ;; *) echo postgresql ;; esac)
for close in 0 1; do
        label=$([ $close = 1 ] && echo "Connection: close" || echo "keep-alive")
        t0=$(thread_ticks "$serve_pid")
        read -r a_rps a_p50 a_p99 a_err a_cpu a_wrk < <(run "$base/freeswitch/xml" $close "$serve_pid")
        split=$(thread_split "$t0" "$(thread_ticks "$serve_pid")")
        read -r n_rps n_p50 n_p99 n_err n_cpu n_wrk < <(run "http://127.0.0.1:$np/freeswitch/xml" $close \
                "${nginx_pids[@]}")
        printf '  %s, %s: agentdesk %8.0f lookups/s p50 %-8s p99 %-8s | nginx %8.0f req/s p50 %-8s p99 %-8s\n' \
                "$kind" "$label" "$a_rps" "$a_p50" "$a_p99" "$n_rps" "$n_p50" "$n_p99"
        target=$([ $close = 1 ] && echo 1.10 || echo 1.20)
        awk -v a="$a_rps" -v n="$n_rps" -v ap="$(to_ms "$a_p99")" -v np="$(to_ms "$n_p99")" -v e="$a_err$n_err" \
                -v t="$target" \
                'BEGIN { printf "    ratio %.2f of nginx (target >= %s); p99 agentdesk %.2f ms, nginx %.2f ms: %.2fx (target <= 2); non-2xx %s\n", a/n, t, ap, np, ap/np, e }'
        awk -v a="$a_cpu" -v n="$n_cpu" -v aw="$a_wrk" -v nw="$n_wrk" 'BEGIN {
                printf "    CPU per request: agentdesk %.1f us, nginx %.1f us (%.2fx); wrk itself %.1f and %.1f us\n",
                        a, n, n / a, aw, nw }'
        echo "    agentdesk's CPU by thread (those over 5%): $split"
        if [ -n "${floor_pid:-}" ]; then
                read -r f_rps _ _ _ f_cpu _ < <(run "http://127.0.0.1:$fp/freeswitch/xml" $close "$floor_pid")
                awk -v f="$f_rps" -v n="$n_rps" -v c="$f_cpu" 'BEGIN {
                        printf "    the floor (bench/mhd_floor.c, no work): %.0f req/s, %.2fx nginx, %.1f us CPU per request\n",
                                f, f / n, c }'
        fi
        curl -s "http://127.0.0.1:$mp/metrics" | awk -F'[ "]' '/^agentdesk_directory_cache_lookups_total/ {v[$2]=$NF}
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
