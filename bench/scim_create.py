"""SCIM provisioning through /scim/v2/Users: 1,000 users created by 8
concurrent clients (keep-alive connections) with a tenant's SCIM token, as
an identity provider's first sync sends them (each create preceded by its
`userName eq` lookup, as Entra ID does), on SQLite and, when the
PostgreSQL fixture is available (AGENTDESK_TEST_PG_DIR), on PostgreSQL.
Prints users/second and p50/p99 latency of the creates. Figures only."""
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk  # noqa: E402

USERS, CLIENTS = 1000, 8
PASSWORD = "bench password 1"
HEADERS = {"Content-Type": "application/scim+json"}


def run(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-size", "2000")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        ad.serve()
        admin = ad.login("admin@bench.example", PASSWORD)
        status, _, b = ad.request("POST", "/v1/admin/scim/tokens", token=admin,
                                  json_body={"name": "bench"})
        assert status == 201, b
        token = b["token"]
        latencies, errors = [], []
        lock = threading.Lock()

        def client(k):
            conn = ad.connect()
            mine = []
            for i in range(k, USERS, CLIENTS):
                email = "u%d@bench.example" % i
                query = urllib.parse.quote('userName eq "%s"' % email)
                ad.request("GET", "/scim/v2/Users?filter=" + query, token=token, conn=conn)
                body = json.dumps({
                    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                    "userName": email, "externalId": "ext-%d" % i, "active": True,
                    "name": {"givenName": "User", "familyName": str(i)}}).encode()
                t0 = time.perf_counter()
                status, _, b = ad.request("POST", "/scim/v2/Users", token=token, conn=conn,
                                          body=body, headers=HEADERS)
                mine.append(time.perf_counter() - t0)
                if status != 201:
                    errors.append((status, b))
            conn.close()
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
        start = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        total = time.perf_counter() - start
        latencies.sort()
        print("scim create (%s): %d users (each after its filter lookup), %d clients, %.2f s = "
              "%.0f users/s, create p50 %.1f ms, p99 %.1f ms, %d errors"
              % (backend, USERS, CLIENTS, total, USERS / total,
                 statistics.median(latencies) * 1e3,
                 latencies[int(len(latencies) * 0.99) - 1] * 1e3, len(errors)))


if __name__ == "__main__":
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
