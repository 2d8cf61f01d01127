#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1 only.
#   pg.sh start DIR         initdb in a temp dir, start on a free high port, write DIR/url
#   pg.sh createdb DIR NAME create a fresh database NAME (dropped first), print its URL
#   pg.sh stop DIR          stop the server and remove DIR
# PostgreSQL refuses to run as root: as root, the server runs as the
# unprivileged 'postgres' user (or 'nobody'), in a data directory of its own
# under /tmp (named in DIR/datadir), so no parent of DIR needs opening up.
set -euo pipefail

cmd=${1:?usage: pg.sh start|createdb|stop DIR [NAME]}
dir=${2:?usage: pg.sh start|createdb|stop DIR [NAME]}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "pg.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
        if [ "$(id -u)" -eq 0 ]; then
                local user=postgres
                id -u postgres >/dev/null 2>&1 || user=nobody
                runuser -u "$user" -- "$@"
        else
                "$@"
        fi
}

free_port() {
        local port
        for port in $(seq 25432 25532); do
                if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                        echo "$port"
                        return 0
                fi
        done
        echo "pg.sh: no free port in 25432-25532" >&2
        return 1
}

case "$cmd" in
start)
        "$0" stop "$dir" >/dev/null 2>&1 || true
        mkdir -p "$dir"
        data=$(mktemp -d /tmp/agentdesk-pg.XXXXXX)
        echo "$data" >"$dir/datadir"
        if [ "$(id -u)" -eq 0 ]; then
                user=postgres
                id -u postgres >/dev/null 2>&1 || user=nobody
                chown "$user" "$data"
        fi
        as_owner "$bin/initdb" -D "$data/data" -A trust -U agentdesk --no-sync -E UTF8 \
                --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        port=$(free_port)
        as_owner "$bin/pg_ctl" -D "$data/data" -l "$data/server.log" -w -t 60 \
                -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
                start >/dev/null || { cat "$data/server.log" >&2; exit 1; }
        url="postgresql://agentdesk@127.0.0.1:$port/postgres"
        echo "postgresql://agentdesk@127.0.0.1:$port" >"$dir/url"
        echo "$url"
        ;;
createdb)
        name=${3:?usage: pg.sh createdb DIR NAME}
        [[ "$name" =~ ^[a-z0-9_]+$ ]] || { echo "pg.sh: bad database name $name" >&2; exit 1; }
        base=$(cat "$dir/url")
        psql -q -v ON_ERROR_STOP=1 "$base/postgres" -c "SET client_min_messages = warning" \
                -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >&2
        echo "$base/$name"
        ;;
stop)
        if [ -f "$dir/datadir" ]; then
                data=$(cat "$dir/datadir")
                case "$data" in /tmp/agentdesk-pg.*) ;; *) echo "pg.sh: odd datadir $data" >&2; exit 1 ;; esac
                as_owner "$bin/pg_ctl" -D "$data/data" -m fast -w stop >/dev/null 2>&1 || true
                rm -rf "$data"
        fi
        rm -rf "$dir"
        ;;
*)
        echo "usage: pg.sh start|createdb|stop DIR [NAME]" >&2
        exit 2
        ;;
esac
