"""Unbounded growth: anonymous forgot-password requests from one client
address (4 keep-alive connections, distinct emails, as fast as answered)
for FLOOD_SECONDS (60), against agentdesk on SQLite with its default
settings. Prints the requests answered by status, the rows of mail_outbox
and login_throttle, and the size of the database, its -wal and -shm after
the minute — before this bench the same traffic wrote a message and two
throttle rows per request (28,720 and 28,758 rows after 5 s). Then the
purge's first round on restart, with AGENTDESK_PURGE_AFTER=1 and the
throttle window over. Figures only."""
import collections
import os
import sqlite3
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk, metric, wait_for  # noqa: E402

SECONDS = float(os.environ.get("FLOOD_SECONDS", "60"))
CLIENTS = 4


def sizes(path):
    return {s or "db": os.path.getsize(path + s) if os.path.exists(path + s) else 0
            for s in ("", "-wal", "-shm")}


def count(path, table):
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT COUNT(*) FROM %s" % table).fetchone()[0]
    finally:
        db.close()


def flood(ad, k, stop, statuses, lock):
    conn = ad.connect()
    i = 0
    while not stop.is_set():
        try:
            status, _, _ = ad.request("POST", "/v1/auth/forgot-password", conn=conn,
                                      json_body={"email": "flood%d.%d@x.example" % (k, i)})
        except OSError:
            conn.close()
            conn = ad.connect()
            status = "error"
        with lock:
            statuses[status] += 1
        i += 1
    conn.close()


def main():
    with Agentdesk("sqlite", env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        ad.run_json("tenant", "create", "--name", "Bench")
        ad.serve()
        path = ad.db[len("sqlite:"):]
        before = sizes(path)
        stop, lock = threading.Event(), threading.Lock()
        statuses = collections.Counter()
        threads = [threading.Thread(target=flood, args=(ad, k, stop, statuses, lock))
                   for k in range(CLIENTS)]
        start = time.time()
        for t in threads:
            t.start()
        time.sleep(SECONDS)
        stop.set()
        for t in threads:
            t.join()
        took = time.time() - start
        after = sizes(path)
        print("forgot-password from one address, %d connections, %.0f s: %d requests (%s)"
              % (CLIENTS, took, sum(statuses.values()),
                 ", ".join("%s: %d" % kv for kv in sorted(statuses.items(), key=str))))
        print("rows: mail_outbox %d, login_throttle %d"
              % (count(path, "mail_outbox"), count(path, "login_throttle")))
        print("database: %d bytes (%d before), -wal %d, -shm %d; total %.1f KB"
              % (after["db"], before["db"], after["-wal"], after["-shm"],
                 sum(after.values()) / 1024))
        # The purge: past its use (AGENTDESK_PURGE_AFTER=1, throttle window
        # of 1 s), everything the flood left goes in the first round.
        ad.stop()
        time.sleep(2)
        ad.serve(env={"AGENTDESK_PURGE_AFTER": "1", "AGENTDESK_LOGIN_WINDOW": "1",
                      "AGENTDESK_LOGIN_ACCOUNT_WINDOW": "1"})
        wait_for(lambda: metric(ad, "agentdesk_purge_rounds_total") >= 1, timeout=30)
        print("after the purge's first round: mail_outbox %d, login_throttle %d rows"
              % (count(path, "mail_outbox"), count(path, "login_throttle")))


if __name__ == "__main__":
    main()
