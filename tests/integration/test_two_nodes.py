"""docs/deploy.md's layout on loopback (issue 22, "Scale out"): two agentdesk
nodes on one PostgreSQL database behind Debian's nginx running the nginx
block of docs/deploy.md itself (only addresses, port and paths replaced),
over TLS. Client threads create agents (each create with an
Idempotency-Key) and look them up (GET /v1/admin/agents/:id, and
FreeSWITCH's POST /freeswitch/xml) through nginx while the node holding
the reconciler is killed with SIGKILL midway. Then: every request the
client retried succeeded, with the first answer; every lookup succeeded
(nginx sent it on to the survivor); each agent, extension and job exists
once and each job was applied once; the survivor held the reconciler
within 5 s (printed). Some creates lose their answer for certain (the
client hangs up once it is sent) and are retried with their key: without
Idempotency-Key those would get 409 email_taken.

The issue's 1,000 creates take about 5 s here under ASan; bench/two_nodes.py
runs the same code on any build with more clients and prints the figures."""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from agentdesk_harness import (Agentdesk, EslFixture, XC_PASSWORD, XC_USER, changes, encode,
                               free_port, load, main, make_cert, parse, swap, user_of, wait_for)
from agentdesk_harness.server import TESTS

BACKENDS = ("postgres",)

NGINX = "/usr/sbin/nginx"
DEPLOY_MD = os.path.join(os.path.dirname(TESTS), "docs", "deploy.md")
PASSWORD = "correct horse battery"
LEADS = "this node runs the reconciler"
CREATES = 1000
CLIENTS = 4


def nginx_block():
    """The nginx block of docs/deploy.md (the fenced block after its
    marker comment)."""
    with open(DEPLOY_MD) as f:
        text = f.read()
    m = re.search(r"<!-- test_two_nodes\.py reads the block below -->\s*```nginx\n(.*?)```",
                  text, re.S)
    assert m, "docs/deploy.md lost its nginx block"
    return m.group(1)


def nginx_conf(tmp, port, node_ports, cert, key):
    """A whole nginx.conf around the documented block: what the doc's
    example addresses, port and certificate become on loopback. Every
    replaced text must be in the block, so the doc cannot drift from what
    runs here."""
    block = nginx_block()
    swaps = [("server 192.0.2.11:8080", "server 127.0.0.1:%d" % node_ports[0]),
             ("server 192.0.2.12:8080", "server 127.0.0.1:%d" % node_ports[1]),
             ("listen 443 ssl;", "listen 127.0.0.1:%d ssl;" % port),
             ("/etc/ssl/agentdesk/fullchain.pem", cert),
             ("/etc/ssl/agentdesk/privkey.pem", key),
             ("allow 198.51.100.0/24;", "allow 127.0.0.1;")]
    for old, new in swaps:
        assert block.count(old) == 1, "docs/deploy.md's nginx block: %r not found once" % old
        block = block.replace(old, new)
    temp_paths = "".join("    %s_temp_path %s;\n" % (k, os.path.join(tmp, k))
                         for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return ("daemon off;\nworker_processes 1;\npid %s;\nerror_log %s info;\n%s"
            "events { worker_connections 512; }\n"
            "http {\n    access_log %s;\n%s%s}\n"
            % (os.path.join(tmp, "nginx.pid"), os.path.join(tmp, "error.log"),
               "user root;\n" if os.geteuid() == 0 else "",
               os.path.join(tmp, "access.log"), temp_paths, block))


class Nginx:
    """Debian's nginx in the foreground on a scratch prefix."""

    def __init__(self, node_ports):
        self.tmp = tempfile.mkdtemp(prefix="agentdesk-nginx-")
        self.port = free_port()
        cert, key = make_cert(self.tmp)
        conf = os.path.join(self.tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(nginx_conf(self.tmp, self.port, node_ports, cert, key))
        args = [NGINX, "-p", self.tmp, "-c", conf, "-e", os.path.join(self.tmp, "error.log")]
        check = subprocess.run(args + ["-t"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
        assert check.returncode == 0, check.stdout
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.ctx = ssl.create_default_context(cafile=cert)
        wait_for(self.listening, 10, "nginx to listen", 0.02)

    def listening(self):
        try:
            self.connect().close()
            return True
        except OSError:
            return False

    def connect(self):
        c = http.client.HTTPSConnection("localhost", self.port, context=self.ctx, timeout=30)
        c.connect()
        return c

    def log(self):
        with open(os.path.join(self.tmp, "error.log"), errors="replace") as f:
            return f.read()

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


class Client:
    """One client thread's connection to nginx; answers as (status, body),
    with status None when the connection failed (reset, closed)."""

    def __init__(self, lb, token):
        self.lb, self.token, self.conn = lb, token, None

    def request(self, method, path, body=None, headers=None):
        h = dict(headers or {})
        try:
            if self.conn is None:
                self.conn = self.lb.connect()
            self.conn.request(method, path, body=body, headers=h)
            r = self.conn.getresponse()
            return r.status, r.read(), dict((k.lower(), v) for k, v in r.getheaders())
        except (OSError, http.client.HTTPException):
            if self.conn:
                self.conn.close()
            self.conn = None
            return None, b"", {}

    def api(self, method, path, json_body=None, headers=None):
        h = {"Authorization": "Bearer " + self.token}
        h.update(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        status, raw, rh = self.request(method, path, body, h)
        if rh.get("content-type", "").startswith("application/json"):
            return status, json.loads(raw)
        return status, raw.decode(errors="replace")


def abandon(lb, token, body, key):
    """Sends a create and hangs up before the answer: a client that lost
    its answer (its node died, its network broke) and retries."""
    data = json.dumps(body).encode()
    raw = ("POST /v1/admin/agents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
           "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
           "Idempotency-Key: %s\r\nContent-Length: %d\r\n\r\n" % (token, key, len(data)))
    with socket.create_connection(("127.0.0.1", lb.port), timeout=10) as s:
        with lb.ctx.wrap_socket(s, server_hostname="localhost") as t:
            t.sendall(raw.encode() + data)


def lookup(client, extension):
    body = encode(swap(load("directory-sip-auth-register-udp.form"), user=extension,
                       domain="127.0.0.1"))
    auth = base64.b64encode(("%s:%s" % (XC_USER, XC_PASSWORD)).encode()).decode()
    return client.request("POST", "/freeswitch/xml", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic " + auth})


def failover(backend, creates=CREATES, clients=CLIENTS, out=sys.stdout):
    """The run; returns its figures (also printed)."""
    figures = {}
    with Agentdesk(backend) as ad, EslFixture() as fs:
        t = ad.run_json("tenant", "create", "--name", "Two", "--pool-base", "100000",
                        "--pool-size", str(creates + 10))
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@two.example",
                    "--password", PASSWORD, "--role", "admin")
        # As docs/deploy.md: nginx (here on loopback) is a trusted proxy.
        env = {"AGENTDESK_FS_ESL": fs.address, "AGENTDESK_FS_RETRY_BASE": "1",
               "AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD,
               "AGENTDESK_TRUSTED_PROXIES": "127.0.0.1"}
        ad.serve(env=env)
        ad.wait_log(LEADS, timeout=10)
        other = ad.sibling()
        other.serve(env=env)
        nodes = [ad, other]
        lb = None
        try:
            lb = Nginx([ad.port, other.port])
            # Logged in through nginx on either node: the session is a row
            # of the one database, so no node needs to be "its" node.
            c0 = Client(lb, "")
            status, raw, _ = c0.request("POST", "/v1/auth/login", json.dumps(
                {"email": "admin@two.example", "password": PASSWORD}).encode(),
                {"Content-Type": "application/json"})
            assert status == 200, (status, raw)
            token = json.loads(raw)["data"]["token"]
            # The health check a load balancer or a monitor makes.
            assert c0.request("GET", "/readyz")[0] == 200
            leader = ad if LEADS in ad.log() else other
            survivor = other if leader is ad else ad

            lock = threading.Lock()
            done = []            # (k, agent id, extension, answer, tries)
            retried = []         # (k, status of the retry that ended it)
            abandoned = []       # the ks whose first answer the client threw away
            failures = []
            next_k = [0]
            killed = threading.Event()
            half = threading.Event()

            def work():
                client = Client(lb, token)
                while True:
                    with lock:
                        k = next_k[0]
                        next_k[0] += 1
                    if k >= creates:
                        return
                    body = {"first_name": "Tw", "last_name": "O", "email": "t%d@two.example" % k}
                    key = str(uuid.uuid4())
                    tries = 0
                    if k % 100 == 50:
                        # Lost answers, for sure (a SIGKILL loses one only
                        # by luck): the create is committed, then retried
                        # with its key, which must answer it again (201,
                        # the same agent), not 409 email_taken.
                        abandon(lb, token, body, key)
                        wait_for(lambda: ad.sql("SELECT id FROM users WHERE email = '%s'"
                                                % body["email"]), 10,
                                 "the abandoned create to commit", 0.02)
                        tries = 1
                        with lock:
                            abandoned.append(k)
                    while True:
                        tries += 1
                        status, answer = client.api("POST", "/v1/admin/agents", body,
                                                    {"Idempotency-Key": key})
                        if status in (None, 502, 503, 504) and tries < 10:
                            continue          # the node died under it: again, same key
                        break
                    if status != 201:
                        failures.append(("create", k, tries, status, answer))
                        continue
                    if tries > 1:
                        retried.append((k, status))
                    a = answer["agent"]
                    ext = a["extensions"][0]
                    with lock:
                        done.append((k, a["id"], ext["extension"], answer, tries))
                        if len(done) >= creates // 2:
                            half.set()
                    # Lookups: nginx sends them on itself (GET; the
                    # xml_curl location allows it for its POST).
                    status, got = client.api("GET", "/v1/admin/agents/%d" % a["id"])
                    if status != 200 or got["agent"]["id"] != a["id"]:
                        failures.append(("get", k, status, got))
                    status, raw, _ = lookup(client, ext["extension"])
                    if status != 200 or user_of(parse(raw)) is None:
                        failures.append(("xml", k, status, raw[:300]))

            threads = [threading.Thread(target=work) for _ in range(clients)]
            start = time.monotonic()
            for th in threads:
                th.start()
            assert half.wait(120), "half the creates did not happen: %r" % failures[:3]
            t_kill = time.monotonic()
            leader.stop(sig=signal.SIGKILL, expect_rc=None)
            killed.set()
            wait_for(lambda: LEADS in survivor.log(), 15,
                     lambda: "the survivor to lead:\n" + survivor.log()[-3000:], 0.02)
            took_over = time.monotonic() - t_kill
            for th in threads:
                th.join(300)
            elapsed = time.monotonic() - start
            after_kill = len(retried) - len(abandoned)
            figures = {"creates": creates, "clients": clients, "elapsed_s": round(elapsed, 2),
                       "requests_per_s": round(3 * creates / elapsed, 1),
                       "retried_after_kill": after_kill, "retried_answer_lost": len(abandoned),
                       "takeover_s": round(took_over, 2)}
            print("two nodes: %d creates + %d lookups through nginx from %d clients in %.2f s "
                  "(%.1f requests/s); creates retried with their Idempotency-Key: %d after the "
                  "SIGKILL, %d whose answer was thrown away; the survivor led the reconciler "
                  "%.2f s after the SIGKILL" % (creates, 2 * creates, clients, elapsed,
                                                figures["requests_per_s"], after_kill,
                                                len(abandoned), took_over), file=out)
            out.flush()
            assert not failures, failures[:5]
            assert len(done) == creates
            assert all(s == 201 for _, s in retried), retried
            assert took_over < 5, took_over
            status, raw, _ = c0.request("GET", "/readyz")   # the survivor's
            assert status == 200, (status, raw)

            # The database: each agent once, with the id its (first or
            # replayed) answer named; each extension given once; one
            # create job per extension, applied once.
            rows = ad.sql("SELECT email, id FROM users WHERE email LIKE 't%@two.example'")
            by_email = {e: int(i) for e, i in rows}
            assert len(rows) == creates == len(by_email), len(rows)
            for k, aid, _, _, _ in done:
                assert by_email["t%d@two.example" % k] == aid, (k, aid)
            exts = ad.sql("SELECT extension, COUNT(*) FROM agent_extensions "
                          "WHERE user_id IS NOT NULL GROUP BY extension HAVING COUNT(*) > 1")
            assert exts == [], exts
            assert len({x for _, _, x, _, _ in done}) == creates
            owned = ad.sql("SELECT COUNT(*) FROM agent_extensions e JOIN users u "
                           "ON u.id = e.user_id WHERE u.email LIKE 't%@two.example'")
            assert int(owned[0][0]) == creates, owned

            def jobs_settled():
                left = ad.sql("SELECT COUNT(*) FROM provisioning_jobs WHERE status = 'pending'")
                return int(left[0][0]) == 0
            wait_for(jobs_settled, 30, "the survivor to apply every job")
            jobs = ad.sql("SELECT j.kind, j.status, j.attempts, COUNT(*) "
                          "FROM provisioning_jobs j JOIN agent_extensions e "
                          "ON e.id = j.extension_id JOIN users u ON u.id = e.user_id "
                          "WHERE u.email LIKE 't%@two.example' "
                          "GROUP BY j.kind, j.status, j.attempts")
            per_ext = ad.sql("SELECT j.extension_id, COUNT(*) FROM provisioning_jobs j "
                             "JOIN agent_extensions e ON e.id = j.extension_id "
                             "JOIN users u ON u.id = e.user_id "
                             "WHERE u.email LIKE 't%@two.example' "
                             "GROUP BY j.extension_id HAVING COUNT(*) > 1")
            assert per_ext == [], per_ext
            # What FreeSWITCH heard (a create sends nothing in xml_curl
            # mode; whatever was sent, it was sent once).
            cmds = changes(fs)
            assert len(cmds) == len(set(cmds)), cmds
            assert [(s, a) for _, s, a, _ in jobs] == [("done", "1")] * len(jobs), jobs
            assert sum(int(n) for *_, n in jobs) == creates, jobs
            return figures
        except BaseException:
            if lb:
                sys.stdout.write("---- nginx error.log tail ----\n%s\n" % lb.log()[-3000:])
            raise
        finally:
            if lb:
                lb.close()
            for node in nodes:
                if node is not ad and node.proc:
                    node.stop()


def test_failover_behind_nginx(backend):
    failover(backend)


if __name__ == "__main__":
    main()
