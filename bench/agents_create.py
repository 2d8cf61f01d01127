"""Agent creation through the API: 1,000 agents by 8 concurrent clients
(keep-alive connections), on SQLite and, when the PostgreSQL fixture is
available (AGENTDESK_TEST_PG_DIR), on PostgreSQL. Prints agents/second,
p50/p99 latency and the total against the target (SQLite < 2 s,
PostgreSQL < 4 s), then the cost of a login (argon2id). Figures only."""
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk  # noqa: E402

AGENTS, CLIENTS = 1000, 8
PASSWORD = "bench password 1"


def concurrently(client, n):
    """Runs client(0) … client(n-1) on n threads; returns the seconds taken."""
    threads = [threading.Thread(target=client, args=(k,)) for k in range(n)]
    start = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - start


def create_burst(ad, token, n, clients, email_format):
    """n agents created by `clients` concurrent keep-alive clients, emails
    email_format % i; returns (seconds, [(status, body) of each failure])."""
    errors = []

    def client(k):
        conn = ad.connect()
        for i in range(k, n, clients):
            status, _, body = ad.request("POST", "/v1/admin/agents", token=token, conn=conn,
                                         json_body={"first_name": "Agent", "last_name": str(i),
                                                    "email": email_format % i})
            if status != 201:
                errors.append((status, body))
        conn.close()

    return concurrently(client, clients), errors


def run(backend, target_s):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-size", "2000")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        ad.serve()
        token = ad.login("admin@bench.example", PASSWORD)
        latencies, errors = [], []
        lock = threading.Lock()

        def client(k):
            conn = ad.connect()
            mine = []
            for i in range(k, AGENTS, CLIENTS):
                t0 = time.perf_counter()
                status, _, body = ad.request("POST", "/v1/admin/agents", token=token, conn=conn,
                                             json_body={"first_name": "Agent", "last_name": str(i),
                                                        "email": "a%d@bench.example" % i})
                mine.append(time.perf_counter() - t0)
                if status != 201:
                    errors.append((status, body))
            conn.close()
            with lock:
                latencies.extend(mine)

        total = concurrently(client, CLIENTS)
        latencies.sort()
        p50 = statistics.median(latencies) * 1e3
        p99 = latencies[int(len(latencies) * 0.99) - 1] * 1e3
        print("agent creation (%s): %d agents, %d clients, %.2f s = %.0f agents/s, "
              "p50 %.1f ms, p99 %.1f ms, %d errors; target < %.0f s (%.2fx of target)"
              % (backend, AGENTS, CLIENTS, total, AGENTS / total, p50, p99, len(errors),
                 target_s, total / target_s))
        logins = []
        for _ in range(20):
            t0 = time.perf_counter()
            ad.login("admin@bench.example", PASSWORD)
            logins.append(time.perf_counter() - t0)
        print("login (%s): %.1f ms mean over 20 sequential logins "
              "(argon2id, libsodium OPSLIMIT_INTERACTIVE=2 passes, MEMLIMIT_INTERACTIVE=64 MiB)"
              % (backend, statistics.mean(logins) * 1e3))


if __name__ == "__main__":
    run("sqlite", 2.0)
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres", 4.0)
