"""Onboarding mail: 1,000 agents created through the API with an
invitation each (8 clients), delivered to a local SMTP server
(tests/harness/smtp.py: aiosmtpd, STARTTLS, AUTH). Prints the time from
the first request to the last message accepted (target < 10 s on SQLite)
and the SMTP connections used; then the medians of 200 forgot-password
requests for a known, an unknown and a suspended email (they should be
alike). On SQLite and, with AGENTDESK_TEST_PG_DIR, PostgreSQL. Figures
only."""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk, SmtpServer, free_port  # noqa: E402

from agents_create import create_burst  # noqa: E402

AGENTS, CLIENTS, FORGOT = 1000, 8, 200
PASSWORD = "bench password 1"


def run(backend, target_s):
    with SmtpServer() as smtp, Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-size", "2000")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        env = smtp.env(AGENTDESK_FS_ESL="127.0.0.1:%d" % free_port(),
                       # forgot-password must not be throttled here
                       AGENTDESK_LOGIN_MAX_FAILURES="1000", AGENTDESK_LOGIN_IP_MAX_FAILURES="100000")
        ad.serve(env=env)
        token = ad.login("admin@bench.example", PASSWORD)
        start_wall = time.time()
        queued, errors = create_burst(ad, token, AGENTS, CLIENTS, "a%d@bench.example")
        smtp.wait_messages(AGENTS, timeout=300)
        last = max(os.path.getmtime(os.path.join(smtp.maildir, n))
                   for n in os.listdir(smtp.maildir) if n.endswith(".eml"))
        total = last - start_wall
        print("invitations (%s): %d queued by the API in %.2f s, the last accepted by SMTP "
              "after %.2f s (target < %d s), %d SMTP connection(s), %d error(s)"
              % (backend, AGENTS, queued, total, target_s, smtp.connections(), len(errors)))

        # forgot-password: known, unknown, suspended.
        status, _, b = ad.request("POST", "/v1/admin/agents", token=token, json_body={
            "first_name": "Sus", "last_name": "Pended", "email": "gone@bench.example",
            "send_invite": False})
        ad.request("PATCH", "/v1/admin/agents/%d" % b["agent"]["id"], token=token,
                   json_body={"status": "suspended"})
        conn = ad.connect()
        times = {"known": [], "unknown": [], "suspended": []}
        emails = {"known": "a1@bench.example", "unknown": "nobody@bench.example",
                  "suspended": "gone@bench.example"}
        for i in range(FORGOT):
            for kind, email in emails.items():
                t0 = time.perf_counter()
                status, _, _ = ad.request("POST", "/v1/auth/forgot-password", conn=conn,
                                          json_body={"email": email})
                times[kind].append(time.perf_counter() - t0)
                assert status == 202
        conn.close()
        print("forgot-password medians (%s, %d each): known %.2f ms, unknown %.2f ms, "
              "suspended %.2f ms" % (backend, FORGOT,
                                     *(statistics.median(times[k]) * 1e3 for k in times)))


if __name__ == "__main__":
    run("sqlite", 10)
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres", 10)
