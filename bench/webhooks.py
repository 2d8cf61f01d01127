"""Webhook deliveries: 1,000 agents created through the API (8 clients),
each agent.created delivered, signed, to a receiver on 127.0.0.1
(tests/integration/agentdesk_harness/webhooks.py; loopback allowed by
AGENTDESK_WEBHOOK_ALLOW_PRIVATE). Prints the deliveries per second (first
create sent to last delivery received), the time from each create's answer
(its event committed) to its delivery, p50/p99, and the HTTP latency the
delivery log recorded, p50/p99 — beside the references: 1,000 delivered in
under 10 s (as bench/mail_invites.py's invitations), p99 event-to-receiver
under 1 s (the sender looks for due rows every 250 ms). On SQLite and, with
AGENTDESK_TEST_PG_DIR, PostgreSQL. Figures only."""
import json
import os
import statistics
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk, Receiver, free_port, wait_for  # noqa: E402

from agents_create import concurrently  # noqa: E402

DELIVERIES, CLIENTS = 1000, 8
PASSWORD = "bench password 1"
TARGET_S, TARGET_P99_MS = 10.0, 1000.0


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def run(backend):
    with Receiver() as rx, Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-size", "2000")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        ad.serve(env={"AGENTDESK_WEBHOOK_ALLOW_PRIVATE": "true",
                      "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
        token = ad.login("admin@bench.example", PASSWORD)
        status, _, body = ad.request("POST", "/v1/admin/webhooks", token=token, json_body={
            "url": rx.url("/bench"), "events": ["agent.created"]})
        assert status == 201, body
        hook = body["webhook"]["id"]
        answered = {}                    # agent id -> perf_counter() of the create's answer
        lock = threading.Lock()
        errors = []

        def client(k):
            conn = ad.connect()
            for i in range(k, DELIVERIES, CLIENTS):
                status, _, b = ad.request("POST", "/v1/admin/agents", token=token, conn=conn,
                                          json_body={"first_name": "Agent", "last_name": str(i),
                                                     "email": "w%d@bench.example" % i})
                now = time.perf_counter()
                if status != 201:
                    errors.append(b)
                    continue
                with lock:
                    answered[b["agent"]["id"]] = now
            conn.close()

        start = time.perf_counter()
        concurrently(client, CLIENTS)
        wait_for(lambda: len(rx.at("/bench")) >= DELIVERIES - len(errors), timeout=120,
                 what="every delivery", interval=0.05)
        with rx.lock:
            got = [(json.loads(b)["data"]["agent_id"], when)
                   for (p, _, b), when in zip(rx.got, rx.when) if p == "/bench"]
        total = max(when for _, when in got) - start
        e2e = [max(0.0, when - answered[a]) * 1e3 for a, when in got if a in answered]
        http_ms = []
        for offset in range(0, DELIVERIES, 500):
            status, _, body = ad.request(
                "GET", "/v1/admin/webhooks/%d/deliveries?limit=500&offset=%d" % (hook, offset),
                token=token)
            assert status == 200, body
            http_ms += [d["latency_ms"] for d in body["deliveries"] if d["state"] == "delivered"]
        ids = [a for a, _ in got]
        print("webhooks (%s): %d delivered (%d duplicates, %d create errors) in %.2f s from the "
              "first create: %.0f deliveries/s; reference: under %.0f s (%.2fx)"
              % (backend, len(set(ids)), len(ids) - len(set(ids)), len(errors), total,
                 len(got) / total, TARGET_S, total / TARGET_S))
        print("webhooks (%s): create answered -> delivered p50 %.0f ms, p99 %.0f ms "
              "(reference p99 under %.0f ms); HTTP round trip in the delivery log "
              "p50 %d ms, p99 %d ms (mean %.1f ms)"
              % (backend, statistics.median(e2e), pct(e2e, 0.99), TARGET_P99_MS,
                 pct(http_ms, 0.5), pct(http_ms, 0.99), statistics.mean(http_ms)))


if __name__ == "__main__":
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
