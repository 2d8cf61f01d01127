#!/usr/bin/python3
"""The listener under an event flood: a fixture Event Socket node (a small
server here, speaking the framing of tests/fixtures/freeswitch-1.11/esl/:
the greeting, auth, the subscription's command/reply, api/response
listings and text/event-plain events) sends sofia::register events for
EXTENSIONS extensions of one tenant at RATE events per second for SECONDS
seconds — first every extension registers, then refreshes — while
agentdesk (SQLite by default) listens to it as its default cluster's node.

Printed: events sent and received, dropped, the registration.changed rows
written (one per extension: a refresh is no change), the lag at the end
(agentdesk_event_lag_seconds once the last event is applied: target
< 1 s) and the largest seen while it ran, agentdesk's CPU time (and its
share of one core) and RSS (now and peak). Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_events.py

Settings: FS_EVENTS_RATE (2000), FS_EVENTS_EXTENSIONS (10000),
FS_EVENTS_SECONDS (30), FS_EVENTS_BACKEND (sqlite; postgres needs
AGENTDESK_TEST_PG_DIR, a running tests/harness/pg.sh server)."""
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from agentdesk_harness import Agentdesk  # noqa: E402

RATE = int(os.environ.get("FS_EVENTS_RATE", "2000"))
EXTENSIONS = int(os.environ.get("FS_EVENTS_EXTENSIONS", "10000"))
SECONDS = int(os.environ.get("FS_EVENTS_SECONDS", "30"))
BACKEND = os.environ.get("FS_EVENTS_BACKEND", "sqlite")
PASSWORD = "bench-esl"
REALM = "bench.example"
BASE = 200000


def frame(content_type, body):
    body = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\nContent-Type: %s\n\n%s" % (len(body), content_type.encode(),
                                                            body)


def register_event(ext, seq, port):
    """sofia::register as FreeSWITCH 1.11 sends it (events-plain.txt)."""
    q = urllib.parse.quote
    contact = '"" <sip:%s@127.0.0.1:%d>' % (ext, port)
    headers = [
        ("Event-Subclass", "sofia::register"), ("Event-Name", "CUSTOM"),
        ("Core-UUID", "8ca5f138-6100-4438-8d5e-02159870568a"), ("FreeSWITCH-Hostname", "bench"),
        ("Event-Date-Timestamp", str(int(time.time() * 1e6))),
        ("Event-Calling-File", "sofia_reg.c"), ("Event-Sequence", str(seq)),
        ("profile-name", "internal"), ("from-user", ext), ("from-host", REALM),
        ("contact", contact), ("call-id", "bench-%s" % ext), ("rpid", "unknown"),
        ("status", "Registered(UDP)"), ("expires", "600"), ("to-user", ext), ("to-host", REALM),
        ("network-ip", "127.0.0.1"), ("network-port", str(port)), ("username", ext),
        ("realm", REALM), ("user-agent", "bench-phone"), ("sip_auth_username", ext),
        ("sip_auth_realm", REALM),
    ]
    return frame("text/event-plain",
                 "".join("%s: %s\n" % (k, q(v, safe="")) for k, v in headers) + "\n")


class Node:
    """The fixture node: one listener connection at a time, as agentdesk
    keeps one per node."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.subscribed = threading.Event()
        self.conn = None
        self.commands = []
        self.sent = 0
        self.registered = {}             # ext -> port: what its listing says
        self.lock = threading.Lock()
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        buf = b""
        conn.sendall(b"Content-Type: auth/request\n\n")
        while True:
            while b"\n\n" not in buf:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            msg, buf = buf.split(b"\n\n", 1)
            cmd = msg.decode()
            self.commands.append(cmd.split(" ")[0] if cmd.startswith("auth") else cmd)
            if cmd.startswith("auth "):
                ok = cmd == "auth " + PASSWORD
                conn.sendall(b"Content-Type: command/reply\nReply-Text: %s\n\n"
                             % (b"+OK accepted" if ok else b"-ERR invalid"))
                if not ok:
                    return
            elif cmd.startswith("event plain"):
                with self.lock:
                    conn.sendall(b"Content-Type: command/reply\n"
                                 b"Reply-Text: +OK event listener enabled plain\n\n")
                    self.conn = conn
                self.subscribed.set()
            elif cmd.startswith("api sofia xmlstatus profile"):
                with self.lock:
                    regs = sorted(self.registered.items())
                body = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<profile>\n'
                        '  <registrations>\n%s  </registrations>\n</profile>\n' % "".join(
                            "    <registration>\n        <call-id>bench-%s</call-id>\n"
                            "        <user>%s@%s</user>\n        <contact>&quot;&quot; "
                            "&lt;sip:%s@127.0.0.1:%d&gt;</contact>\n        <agent>bench-phone</agent>\n"
                            "        <status>Registered(UDP)(unknown) exp(2026-12-07 00:00:00) "
                            "expsecs(600)</status>\n        <network-ip>127.0.0.1</network-ip>\n"
                            "        <network-port>%d</network-port>\n"
                            "        <sip-auth-user>%s</sip-auth-user>\n"
                            "        <sip-auth-realm>%s</sip-auth-realm>\n    </registration>\n"
                            % (e, e, REALM, e, p, p, e, REALM) for e, p in regs))
                with self.lock:
                    conn.sendall(frame("api/response", body))
            elif cmd == "api show channels as json":
                with self.lock:
                    conn.sendall(frame("api/response", '{"row_count":0}'))
            elif cmd == "exit":
                return
            else:
                with self.lock:
                    conn.sendall(frame("api/response", "-ERR %s Command not found!\n" % cmd))

    def flood(self):
        """RATE events a second for SECONDS seconds, in 10 ms slices."""
        start = time.time()
        seq = 0
        total = RATE * SECONDS
        while seq < total:
            due = min(total, int((time.time() - start) * RATE) + 1)
            chunk = b"".join(register_event(str(BASE + (i % EXTENSIONS)), i + 1, 10000 + i % EXTENSIONS)
                             for i in range(seq, due))
            if chunk:
                with self.lock:
                    for i in range(seq, due):
                        self.registered[str(BASE + (i % EXTENSIONS))] = 10000 + i % EXTENSIONS
                    self.conn.sendall(chunk)
                seq = due
                self.sent = seq
            time.sleep(0.01)
        return time.time() - start


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            m = re.match(r"(VmRSS|VmHWM):\s+(\d+) kB", line)
            if m:
                out[m.group(1)] = int(m.group(2))
    return out


def metric(ad, name, node):
    _, text = ad.metrics()
    for line in text.splitlines():
        if line.startswith(name + "{") and 'node="%s"' % node in line:
            return float(line.rsplit(" ", 1)[1])
    return None


def sql(ad, statements):
    if BACKEND == "sqlite":
        db = sqlite3.connect(ad.db[len("sqlite:"):])
        with db:
            db.executescript(statements)
        db.close()
    else:
        subprocess.run(["psql", "-XAtq", "-d", ad.db, "-c", statements], check=True,
                       stdout=subprocess.DEVNULL)


def seed(ad):
    """EXTENSIONS assigned extensions of one tenant on REALM, their users
    written directly (the API's argon2id per agent would take an hour)."""
    t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-base", str(BASE),
                    "--pool-size", str(EXTENSIONS))
    tid, now = t["id"], int(time.time())
    sql(ad, "UPDATE tenants SET sip_domain = '%s' WHERE id = %d;"
            "WITH RECURSIVE g(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM g WHERE n < %d) "
            "INSERT INTO users (tenant_id, email, role, password_hash, created_at, updated_at) "
            "SELECT %d, 'b' || n || '@bench.example', 'agent', 'x', %d, %d FROM g;"
            "UPDATE agent_extensions SET assigned_at = %d, user_id = (SELECT u.id FROM users u "
            "WHERE u.email = 'b' || (CAST(agent_extensions.extension AS BIGINT) - %d) "
            "|| '@bench.example') WHERE tenant_id = %d;"
            % (REALM, tid, EXTENSIONS - 1, tid, now, now, now, BASE, tid))
    return tid


def changed_rows(ad):
    q = "SELECT COUNT(*) FROM live_events WHERE type = 'registration.changed'"
    if BACKEND == "sqlite":
        db = sqlite3.connect(ad.db[len("sqlite:"):])
        n = db.execute(q).fetchone()[0]
        db.close()
        return n
    return int(subprocess.run(["psql", "-XAtq", "-d", ad.db, "-c", q], check=True,
                              stdout=subprocess.PIPE, text=True).stdout)


def main():
    node = Node()
    address = "127.0.0.1:%d" % node.port
    with Agentdesk(BACKEND) as ad:
        try:
            run(ad, node, address)
        except BaseException:
            print("agentdesk's log, last lines:\n" + "\n".join(
                l for l in ad.log().splitlines() if " http: " not in l)[-3000:])
            raise


def run(ad, node, address):
    if True:
        ad.run("migrate")
        seed(ad)
        ad.serve(env={"AGENTDESK_FS_ESL": address, "AGENTDESK_FS_ESL_PASSWORD": PASSWORD,
                      "AGENTDESK_LIVE_REREAD_INTERVAL": "3600"})
        if not node.subscribed.wait(20):
            raise SystemExit("agentdesk did not subscribe: %r" % node.commands)
        time.sleep(1)   # its first read of the node is done
        pid = ad.proc.pid
        cpu0 = cpu_seconds(pid)
        worst = [0.0]
        running = [True]

        def sample():
            while running[0]:
                lag = metric(ad, "agentdesk_event_lag_seconds", address)
                if lag is not None:
                    worst[0] = max(worst[0], lag)
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        took = node.flood()
        sent_at = time.time()
        # Applied once every event sent was received and a batch wrote after it.
        while metric(ad, "agentdesk_events_received_total", address) < node.sent:
            if time.time() - sent_at > 60:
                break
            time.sleep(0.05)
        time.sleep(2 * 0.1 + 0.05)
        running[0] = False
        sampler.join()
        lag = metric(ad, "agentdesk_event_lag_seconds", address)
        cpu = cpu_seconds(pid) - cpu0
        mem = rss_kib(pid)
        received = metric(ad, "agentdesk_events_received_total", address)
        dropped = metric(ad, "agentdesk_events_dropped_total", address)
        changes = changed_rows(ad)
        print("backend %s: %d events (%d/s for %ds, %d extensions) sent in %.1fs"
              % (BACKEND, node.sent, RATE, SECONDS, EXTENSIONS, took))
        print("received %d, dropped %d, registration.changed rows %d (one per extension: %s)"
              % (received, dropped, changes, "yes" if changes == EXTENSIONS else "NO"))
        print("lag at the end %.3fs (target < 1 s: %s), largest sampled while running %.3fs"
              % (lag, "met" if lag < 1 else "MISSED", worst[0]))
        print("agentdesk CPU %.2fs over %.1fs (%.0f%% of one core), %.1f us an event"
              % (cpu, took, 100 * cpu / took, 1e6 * cpu / max(1, node.sent)))
        print("agentdesk RSS %.1f MiB now, %.1f MiB peak"
              % (mem.get("VmRSS", 0) / 1024, mem.get("VmHWM", 0) / 1024))
        problems = [l for l in ad.log().splitlines() if " warn " in l or " error " in l]
        print("agentdesk's warnings and errors: %d%s" % (len(problems), "".join(
            "\n  " + l for l in problems[:5])))


if __name__ == "__main__":
    main()
