"""Cold start with 10,000 agents (issue 22, Benchmarks): on SQLite and,
when the PostgreSQL fixture is available (AGENTDESK_TEST_PG_DIR), on
PostgreSQL: the time from exec of `agentdesk serve` to its first 200 on
/readyz (/healthz where the binary has no /readyz), median of RUNS starts,
and the server's RSS once idle (VmRSS after IDLE_S seconds of nothing).

The 10,000 agents: one created through the API (a real sealed SIP secret,
PIN and password hash), the other 9,999 copied from it by SQL in one
statement (each its own user and extension, same sealed values), so the
set-up takes seconds. Figures only."""
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk, free_port  # noqa: E402
from agentdesk_harness.server import BIN  # noqa: E402

AGENTS = int(os.environ.get("AGENTS", "10000"))
RUNS = int(os.environ.get("RUNS", "5"))
IDLE_S = float(os.environ.get("IDLE_S", "3"))
PASSWORD = "bench password 1"

# The 9,999 copies of agent 1, each given the next free extension of the
# pool (made at tenant create) with agent 1's sealed values, in SQL both
# backends take.
COPIES = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {more})
INSERT INTO users (tenant_id, email, first_name, last_name, role, password_hash,
                   must_change_password, created_at, updated_at)
SELECT u.tenant_id, 'copy' || n.i || '@bench.example', u.first_name, u.last_name, u.role,
       u.password_hash, 1, u.created_at, u.updated_at
FROM n, users u WHERE u.email = 'first@bench.example';
UPDATE agent_extensions SET
  user_id = (SELECT c.id FROM users c WHERE c.email =
             'copy' || (CAST(agent_extensions.extension AS INTEGER) - {first}) || '@bench.example'),
  sip_secret = (SELECT e.sip_secret FROM agent_extensions e WHERE e.extension = '{first}'),
  vm_pin = (SELECT e.vm_pin FROM agent_extensions e WHERE e.extension = '{first}'),
  provisioning = 'provisioned', assigned_at = {now}, updated_at = {now}
WHERE user_id IS NULL AND CAST(extension AS INTEGER) BETWEEN {first} + 1 AND {first} + {more};
"""


def readiness_path(ad):
    """/readyz, or /healthz where /readyz is not a route (the web app
    answers for unknown paths with its HTML)."""
    status, headers, _ = ad.request("GET", "/readyz")
    html = headers.get("content-type", "").startswith("text/html")
    return "/readyz" if status in (200, 503) and not html else "/healthz"


def populate(ad):
    t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-base", "100000",
                    "--pool-size", str(AGENTS + 10))
    ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                "--password", PASSWORD, "--role", "admin")
    ad.serve()
    token = ad.login("admin@bench.example", PASSWORD)
    status, _, body = ad.request("POST", "/v1/admin/agents", token=token, json_body={
        "first_name": "First", "last_name": "Agent", "email": "first@bench.example"})
    assert status == 201, body
    path = readiness_path(ad)
    ad.stop()
    sql = COPIES.format(more=AGENTS - 1, first=body["agent"]["extensions"][0]["extension"],
                        now=int(time.time()))
    if ad.backend == "sqlite":
        import sqlite3
        db = sqlite3.connect(ad.db[len("sqlite:"):])
        db.executescript("BEGIN;" + sql + "COMMIT;")
        db.close()
    else:
        subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-d", ad.db, "-1"],
                       input=sql,
                       text=True, check=True, stdout=subprocess.DEVNULL)
    [(n,)] = ad.sql("SELECT COUNT(*) FROM agent_extensions WHERE user_id IS NOT NULL")
    assert int(n) == AGENTS, n
    return path


def cold_start(ad, path):
    """Seconds from exec to the first 200 on path, and the idle RSS in MiB."""
    ad.port = free_port()
    env = dict(ad.env, AGENTDESK_METRICS_LISTEN="127.0.0.1:%d" % free_port(),
               AGENTDESK_LOG_LEVEL="warn")
    start = time.perf_counter()
    proc = subprocess.Popen([BIN, "serve", "--db", ad.db, "--listen", "127.0.0.1:%d" % ad.port],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError("serve exited %d" % proc.returncode)
            try:
                if ad.request("GET", path)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.002)
        ready = time.perf_counter() - start
        time.sleep(IDLE_S)
        with open("/proc/%d/status" % proc.pid) as f:
            rss = [int(l.split()[1]) for l in f if l.startswith("VmRSS:")][0] / 1024
        return ready, rss
    finally:
        proc.terminate()
        proc.wait()


def run(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t0 = time.perf_counter()
        path = populate(ad)
        setup = time.perf_counter() - t0
        results = [cold_start(ad, path) for _ in range(RUNS)]
        starts = sorted(r[0] for r in results)
        rss = statistics.median(r[1] for r in results)
        print("%-10s %d agents: cold start to %s median %.0f ms (min %.0f, max %.0f, %d runs); "
              "idle RSS %.1f MiB (set-up %.1f s)"
              % (backend, AGENTS, path, statistics.median(starts) * 1000, starts[0] * 1000,
                 starts[-1] * 1000, RUNS, rss, setup))


def main():
    print("binary: %s" % BIN)
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
    else:
        print("postgres   skipped (AGENTDESK_TEST_PG_DIR is not set)")


if __name__ == "__main__":
    main()
