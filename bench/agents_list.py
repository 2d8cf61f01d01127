"""GET /v1/admin/agents?limit=500 in a tenant of 1,000 agents (one
extension each), on SQLite and, when the PostgreSQL fixture is available
(AGENTDESK_TEST_PG_DIR), on PostgreSQL. Prints the p50/p99 latency of 50
sequential requests on one keep-alive connection and the server's peak RSS
growth while serving them (VmHWM after resetting it through
/proc/PID/clear_refs), against the targets (< 20 ms, < 2 MB). Figures only."""
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk  # noqa: E402

AGENTS, CLIENTS, REQUESTS = 1000, 8, 50
PASSWORD = "bench password 1"


def kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def run(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-size", "2000")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        ad.serve()
        token = ad.login("admin@bench.example", PASSWORD)

        def client(k):
            conn = ad.connect()
            for i in range(k, AGENTS - 1, CLIENTS):
                status, _, body = ad.request("POST", "/v1/admin/agents", token=token, conn=conn,
                                             json_body={"first_name": "Agent", "last_name": str(i),
                                                        "email": "a%d@bench.example" % i})
                assert status == 201, body
            conn.close()

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

        conn = ad.connect()
        status, _, body = ad.request("GET", "/v1/admin/agents?limit=500", token=token, conn=conn)
        assert status == 200 and len(body["agents"]) == 500, (status, body)
        pid = ad.proc.pid
        rss_before = kib(pid, "VmRSS")
        with open("/proc/%d/clear_refs" % pid, "w") as f:
            f.write("5")   # resets VmHWM to the current RSS
        latencies = []
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            status, _, body = ad.request("GET", "/v1/admin/agents?limit=500", token=token,
                                         conn=conn)
            latencies.append(time.perf_counter() - t0)
            assert status == 200 and len(body["agents"]) == 500, status
        peak = kib(pid, "VmHWM")
        conn.close()
        latencies.sort()
        print("GET /v1/admin/agents?limit=500 (%s, 1,000 agents): p50 %.1f ms, p99 %.1f ms "
              "(target < 20 ms); peak RSS +%.2f MB over %.1f MB (target < 2 MB)"
              % (backend, statistics.median(latencies) * 1e3,
                 latencies[int(len(latencies) * 0.99) - 1] * 1e3,
                 (peak - rss_before) / 1024.0, rss_before / 1024.0))


if __name__ == "__main__":
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
