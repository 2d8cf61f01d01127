"""The agents CSV import: a 10,000-row file (one extension each, an
invitation each) checked by a dry run, then imported for real (above 500
rows it runs in the background: timed from the POST to the import's
"done", polled every 20 ms), on SQLite and, when the PostgreSQL fixture is
available (AGENTDESK_TEST_PG_DIR), on PostgreSQL. Mail is on but its
server does not answer, so the invitations are queued, not sent, as the
target says (< 5 s each). Then the export of those agents. Figures only."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk, free_port  # noqa: E402

ROWS, TARGET_S = 10000, 5.0
PASSWORD = "bench password 1"
HEADER = "first_name,last_name,email,role,extensions_count,voicemail_enabled,send_invite\r\n"


def post(ad, token, body, dry):
    path = "/v1/admin/agents/import" + ("?dry_run=true" if dry else "")
    return ad.request("POST", path, token=token, body=body, headers={"Content-Type": "text/csv"})


def run(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-base", "100000",
                        "--pool-size", str(ROWS + 100))
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        # Mail on, towards a port where nothing listens: queued, never sent.
        ad.serve(env={"AGENTDESK_SMTP_URL": "smtp://127.0.0.1:%d" % free_port(),
                      "AGENTDESK_SMTP_TLS": "none", "AGENTDESK_MAIL_FROM": "desk@bench.example",
                      "AGENTDESK_PUBLIC_URL": "https://desk.bench.example",
                      "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
        token = ad.login("admin@bench.example", PASSWORD)
        body = (HEADER + "".join("Agent,N%d,a%d@bench.example,agent,1,false,true\r\n" % (i, i)
                                 for i in range(ROWS))).encode()

        t0 = time.perf_counter()
        status, _, b = post(ad, token, body, dry=True)
        dry_s = time.perf_counter() - t0
        assert status == 200 and b["errors"] == [], (status, str(b)[:300])
        print("import dry run (%s): %d rows (%.0f KiB), %.2f s; target < %.0f s (%.2fx of target)"
              % (backend, ROWS, len(body) / 1024, dry_s, TARGET_S, dry_s / TARGET_S))

        t0 = time.perf_counter()
        status, _, b = post(ad, token, body, dry=False)
        assert status == 202, (status, str(b)[:300])
        path = "/v1/admin/imports/%d" % b["import"]["id"]
        while True:
            status, _, b = ad.request("GET", path, token=token)
            if b["import"]["status"] != "running":
                break
            time.sleep(0.02)
        real_s = time.perf_counter() - t0
        assert b["import"]["status"] == "done", str(b)[:300]
        queued = ad.sql("SELECT COUNT(*) FROM mail_outbox WHERE status = 'queued'")[0][0]
        print("import real run (%s): %d agents, %d extensions, %s invitations queued, %.2f s "
              "= %.0f agents/s; target < %.0f s (%.2fx of target)"
              % (backend, b["import"]["done"],
                 sum(len(a["extensions"]) for a in b["import"]["agents"]), queued, real_s,
                 ROWS / real_s, TARGET_S, real_s / TARGET_S))

        t0 = time.perf_counter()
        status, _, text = ad.request("GET", "/v1/admin/agents.csv", token=token)
        export_s = time.perf_counter() - t0
        assert status == 200
        print("export (%s): %d rows (%.0f KiB), %.2f s"
              % (backend, text.count("\r\n") - 1, len(text) / 1024, export_s))


if __name__ == "__main__":
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
