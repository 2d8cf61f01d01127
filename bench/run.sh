#!/usr/bin/env bash
# Prints agentdesk's figures beside their references, in one run. Only
# 127.0.0.1 is used; every server started here is stopped on exit.
#   1. GET /healthz through agentdesk (SQLite) vs nginx serving a static
#      file of the same size, same wrk settings, with the ratio;
#   2. pool allocations per second on SQLite and PostgreSQL;
#   3. agent creation through the API (bench/agents_create.py), and
#      through SCIM as an identity provider's first sync (bench/scim_create.py);
#   4. /freeswitch/xml lookups vs nginx, keep-alive and Connection: close,
#      on SQLite and PostgreSQL, with the CPU time per request and the
#      libmicrohttpd floor (bench/xmlcurl.sh, bench/mhd_floor.c);
#   5. files mode under a burst of 1,000 creates: reloadxml sent and the
#      time until all are provisioned (bench/push_burst.py);
#   6. GET /v1/admin/agents?limit=500 in a tenant of 1,000 agents: latency
#      and peak RSS growth (bench/agents_list.py);
#   7. the web app's index.html and a .gz asset vs nginx (bench/web_static.sh);
#   8. real FreeSWITCH (../shared/freeswitch, skipped when absent): 200 sipp
#      UAs registering at once, xml_curl vs static directory files
#      (bench/fs_register.py), and suspend -> registration gone
#      (bench/fs_suspend_latency.py);
#   9. the web app in Chromium, tenant of 1,000 agents: navigation to the
#      agents table rendered, cold and warm cache, and the compressed JS+CSS
#      of the login and agents pages (bench/web_agents.ts);
#  10. the agent desk against real FreeSWITCH on loopback, in a network
#      namespace with only lo: login click to Connected (median of 10),
#      suspension and rotation to the desk's new state, its compressed
#      JS+CSS (bench/desk.ts; skipped without ../shared/freeswitch); then
#      a desk left open 8 hours (its page's clock pushed on) through 100
#      short calls over DURATION seconds (default 1800): JS heap and DOM
#      nodes at start and end, growth beside the target (bench/desk_soak.ts);
#  11. 1,000 invitations delivered to a local SMTP server, and the
#      forgot-password medians (bench/mail_invites.py);
#  12. a minute of forgot-password from one address: requests answered,
#      rows written and the database's size (bench/forgot_flood.py);
#  13. 1,000 webhook deliveries to a local receiver: deliveries per second,
#      event-to-receiver p50/p99 and the HTTP latency logged (bench/webhooks.py).
#  14. SIGTERM's drain with 64 requests in flight: held bodies sent after
#      the signal, and 64 clients creating back to back (bench/drain.py);
#  15. two nodes on PostgreSQL behind nginx (docs/deploy.md's block, TLS):
#      1,000 creates and 2,000 lookups while one node is SIGKILLed
#      (bench/two_nodes.py).
#  16. single sign-on through node-oidc-provider: callback to the portal's
#      data, and the whole login (bench/sso.py).
#  17. cold start to /readyz with 10,000 agents and the idle RSS, SQLite
#      and PostgreSQL (bench/coldstart.py).
#  18. a 10,000-row CSV import of agents, dry run and real run, on SQLite
#      and PostgreSQL, invitations queued (bench/import.py).
# Settings: WRK_THREADS (2), WRK_CONNECTIONS (64), WRK_DURATION (10s),
# DURATION (the desk soak's, seconds: 1800).
# Figures only: nothing here passes or fails on time.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test >/dev/null
scripts/build-web.sh >/dev/null
cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-rel -j"$(nproc)" --target agentdesk bench_pool_alloc bench_mhd_floor >/dev/null

threads=${WRK_THREADS:-2}
conns=${WRK_CONNECTIONS:-64}
duration=${WRK_DURATION:-10s}
bin=build-rel/agentdesk
tmp=$(mktemp -d /tmp/agentdesk-bench.XXXXXX)
cleanup() {
        [ -f "$tmp/pg/url" ] && tests/harness/pg.sh stop "$tmp/pg" >/dev/null 2>&1 || true
        rm -rf "$tmp"
}
trap cleanup EXIT

echo "== /healthz: agentdesk vs nginx static file"
bench/healthz.sh "$bin" | sed 's/^/  /'

echo "== pool allocations (one transaction each: sealed secret + lowest free number)"
build-rel/bench_pool_alloc "sqlite:$tmp/pool.db" "$tmp/pool.key" "${POOL_ALLOCATIONS:-2000}" 4 | sed 's/^/  /'
tests/harness/pg.sh start "$tmp/pg" >/dev/null
pgurl=$(tests/harness/pg.sh createdb "$tmp/pg" bench_pool)
build-rel/bench_pool_alloc "$pgurl" "$tmp/pool.key" "${POOL_ALLOCATIONS:-2000}" 4 | sed 's/^/  /'

echo "== agent creation through the API (1,000 agents, 8 clients)"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/agents_create.py | sed 's/^/  /'

echo "== SCIM provisioning (1,000 users, 8 clients, each after its filter lookup)"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/scim_create.py | sed 's/^/  /'

echo "== /freeswitch/xml lookups, tenant of 1,000 agents (wrk -t$threads -c$conns -d$duration)"
bench/xmlcurl.sh "$bin" "sqlite:$tmp/lookup.db"
bench/xmlcurl.sh "$bin" "$(tests/harness/pg.sh createdb "$tmp/pg" bench_lookup)"

echo "== files mode: 1,000 agents in one burst against the Event Socket fixture"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/push_burst.py | sed 's/^/  /'

echo "== GET /v1/admin/agents?limit=500, tenant of 1,000 agents"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/agents_list.py | sed 's/^/  /'
echo "== the web app's files: agentdesk (AGENTDESK_WEB_DIR) vs nginx gzip_static"
bench/web_static.sh "$bin" | sed 's/^/  /'
echo "== real FreeSWITCH: registrations, xml_curl vs static files; suspend latency"
if [ -f ../shared/freeswitch/freeswitch-1.11.1-debian12-amd64.tar.xz ] || [ -n "${AGENTDESK_FREESWITCH_TARBALL:-}" ]; then
        AGENTDESK_BIN=$bin /usr/bin/python3 bench/fs_register.py 2>&1 | grep -v '^phase\|^unpacked' | sed 's/^/  /'
        AGENTDESK_BIN=$bin /usr/bin/python3 bench/fs_suspend_latency.py 2>&1 | grep -v '^phase\|^unpacked' | sed 's/^/  /'
else
        echo "  skipped: no ../shared/freeswitch build"
fi
echo "== web app in Chromium: agents table of a 1,000-agent tenant, page weights"
AGENTDESK_BIN=$bin web/node_modules/.bin/tsx --tsconfig tests/browser/tsconfig.json bench/web_agents.ts

echo "== agent desk in Chromium against real FreeSWITCH"
if /usr/bin/python3 tests/harness/freeswitch.py unpack "$tmp/fs" >/dev/null && [ ! -f "$tmp/fs/missing" ]; then
        AGENTDESK_BIN=$bin AGENTDESK_FREESWITCH_DIR="$tmp/fs" SYSTEM_PYTHON3=/usr/bin/python3 \
                tests/browser/netns.sh web/node_modules/.bin/tsx --tsconfig tests/browser/tsconfig.json bench/desk.ts \
                | sed 's/^/  /' || echo "  (the desk bench could not run: see above)"
        AGENTDESK_BIN=$bin AGENTDESK_FREESWITCH_DIR="$tmp/fs" SYSTEM_PYTHON3=/usr/bin/python3 \
                tests/browser/netns.sh web/node_modules/.bin/tsx --tsconfig tests/browser/tsconfig.json bench/desk_soak.ts \
                | sed 's/^/  /' || echo "  (the desk soak bench could not run: see above)"
else
        echo "  skipped: $(cat "$tmp/fs/missing" 2>/dev/null || echo 'FreeSWITCH build not unpacked')"
fi

echo "== mail: 1,000 invitations to a local SMTP server; forgot-password medians"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/mail_invites.py | sed 's/^/  /'

echo "== growth: a minute of forgot-password from one address"
AGENTDESK_BIN=$bin python3 bench/forgot_flood.py | sed 's/^/  /'

echo "== webhooks: 1,000 deliveries to a local receiver"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/webhooks.py | sed 's/^/  /'

echo "== SIGTERM drain with 64 requests in flight"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/drain.py | sed 's/^/  /'

echo "== two nodes behind nginx, one SIGKILLed midway (1,000 creates, 2,000 lookups)"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/two_nodes.py | sed 's/^/  /'

echo "== single sign-on: callback to portal, whole login through node-oidc-provider"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/sso.py | sed 's/^/  /'

echo "== cold start with 10,000 agents to /readyz (/healthz without it), idle RSS"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/coldstart.py | sed 's/^/  /'

echo "== CSV import of 10,000 agents: dry run and real run (invitations queued)"
AGENTDESK_BIN=$bin AGENTDESK_TEST_PG_DIR="$tmp/pg" python3 bench/import.py | sed 's/^/  /'
