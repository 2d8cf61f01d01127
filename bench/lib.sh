# Shared by the bench/*.sh scripts (sourced): a temp dir removed on exit
# with every server started into $pids stopped, loopback ports, readiness
# waits, wrk's figures and the head of an nginx.conf.
#   bench_init NAME   sets $tmp (/tmp/agentdesk-NAME.XXXXXX, mode 755) and the trap

bench_init() {
        tmp=$(mktemp -d "/tmp/agentdesk-$1.XXXXXX")
        # nginx workers started by root run as nobody: let them in.
        chmod 755 "$tmp"
        pids=()
        trap bench_cleanup EXIT
}

bench_cleanup() {
        for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
        for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
        rm -rf "$tmp"
}

free_port() {
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits up to 10 s for URL to answer 200.
wait_http() {
        for _ in $(seq 200); do
                curl -fs -o /dev/null "$1" && return 0
                sleep 0.05
        done
        echo "$(basename "$0"): $1 did not answer 200" >&2
        return 1
}

# wrk's Requests/sec, p50, p99 and non-2xx count as "rps p50 p99 errors";
# arguments after the URL go to wrk (-H ...).
run_wrk() {
        local url=$1
        shift
        wrk -t"$threads" -c"$conns" -d"$duration" --latency "$@" "$url" >"$tmp/wrk.out"
        awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {e=$5}
             END {print rps, p50, p99, e+0}' "$tmp/wrk.out"
}

# The start of an nginx.conf whose pid, logs and temp files stay in DIR,
# up to and including "http {"; the caller writes the rest.
nginx_conf_head() {
        cat <<CONF
worker_processes auto;
daemon off;
pid $1/nginx.pid;
error_log $1/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $1; proxy_temp_path $1; fastcgi_temp_path $1;
  uwsgi_temp_path $1; scgi_temp_path $1;
CONF
}
