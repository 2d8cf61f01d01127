"""Harness for integration tests: starts the real agentdesk binary on a free
loopback port against SQLite or a real PostgreSQL database, and talks HTTP
to it; the Event Socket and sshd fixtures. The test runner is runner.py.

Python 3 standard library only. Environment:
  AGENTDESK_BIN          the binary (default build/agentdesk)
  AGENTDESK_TEST_PG_DIR  state dir of the PostgreSQL fixture (tests/harness/pg.sh)
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.normpath(os.path.join(HERE, "..", ".."))
PG_SH = os.path.join(TESTS, "harness", "pg.sh")
BIN = os.environ.get("AGENTDESK_BIN", "build/agentdesk")
sys.path.insert(0, os.path.join(TESTS, "harness"))
import ports  # noqa: E402  (tests/harness)

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "WARNING: ThreadSanitizer")


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port free now and claimed for this test process
    (tests/harness/ports.py), at random in 20000-25399: below the kernel's
    ephemeral range (32768-60999), so no outgoing connection of a parallel
    test takes it between this check and the server's bind (a port the
    kernel hands out with bind(0) is in that range, and CI saw one taken
    that way), and below tests/harness/pg.sh's 25432-25532 and the
    FreeSWITCH fixture's 26000-32767."""
    return ports.reserve(20000, 25399, kinds=(kind,))


def backend_url(kind, tmpdir):
    """A fresh, empty database of the given kind."""
    if kind == "sqlite":
        return "sqlite:%s/agentdesk.db" % tmpdir
    if kind == "postgres":
        pg_dir = os.environ.get("AGENTDESK_TEST_PG_DIR")
        if not pg_dir:
            raise RuntimeError("AGENTDESK_TEST_PG_DIR is not set (run through ctest)")
        name = "t_" + uuid.uuid4().hex[:16]
        out = subprocess.run([PG_SH, "createdb", pg_dir, name], check=True,
                             stdout=subprocess.PIPE, text=True)
        return out.stdout.strip()
    raise ValueError(kind)


def check_sanitizers(text, what):
    for mark in SANITIZER_MARKS:
        if mark in text:
            raise AssertionError("%s reported a sanitizer error:\n%s" % (what, text[-4000:]))


class Agentdesk:
    """One agentdesk data set (a fresh database and key) and, optionally,
    one running server on it. Use as a context manager."""

    def __init__(self, backend, env=None):
        self.backend = backend
        self.tmpdir = tempfile.mkdtemp(prefix="agentdesk-it-")
        self.db = backend_url(backend, self.tmpdir)
        self.env = dict(os.environ)
        self.env["AGENTDESK_SECRET_KEY_FILE"] = os.path.join(self.tmpdir, "key")
        if env:
            self.env.update(env)
        self.proc = None
        self.port = None
        self.metrics_port = None
        self.stderr_path = None

    def sibling(self):
        """Another agentdesk node on the same database and key (not started;
        stop it before this one is left)."""
        other = Agentdesk.__new__(Agentdesk)
        other.__dict__.update(self.__dict__)
        other.proc = other.port = other.metrics_port = other.stderr_path = None
        return other

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        try:
            if self.proc:
                self.stop()
        finally:
            if exc_type is not None and self.stderr_path and os.path.exists(self.stderr_path):
                lines = self.log().splitlines()[-40:]
                sys.stdout.write("---- agentdesk log tail ----\n%s\n----\n" % "\n".join(lines))
                sys.stdout.flush()
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    # ---- the command line
    def run(self, *args, check=True, db=True, env=None):
        cmd = [BIN] + list(args)
        if db:
            cmd += ["--db", self.db]
        e = dict(self.env)
        if env:
            e.update(env)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=e, timeout=120)
        check_sanitizers(p.stderr, " ".join(args))
        if check and p.returncode != 0:
            raise AssertionError("%s exited %d: %s" % (cmd, p.returncode, p.stderr))
        return p.returncode, p.stdout, p.stderr

    def run_json(self, *args):
        rc, out, err = self.run(*args)
        return json.loads(out)

    # ---- the server
    def serve(self, extra_args=(), env=None, wait=True, port=None):
        """port: the one to listen on, when the test must know it before
        (AGENTDESK_PUBLIC_URL names it); else a free one. Tests claim their ports from each other
        (tests/harness/ports.py), but a process outside the tests can still
        bind a port between the check and the server's bind: the server then
        exits saying so, and is started again on ports picked anew (three
        tries)."""
        for attempt in range(3):
            if self._serve_once(extra_args, env, wait, port, last=attempt == 2):
                return self
        raise AssertionError("unreachable")

    def _serve_once(self, extra_args, env, wait, port, last):
        self.port = port or free_port()
        e = dict(self.env)
        # /metrics on a listener of its own (its default port would be
        # shared by every server of the suite); a test may say otherwise.
        self.metrics_port = free_port()
        e["AGENTDESK_METRICS_LISTEN"] = "127.0.0.1:%d" % self.metrics_port
        if env:
            e.update(env)
        own_metrics = e["AGENTDESK_METRICS_LISTEN"] == "127.0.0.1:%d" % self.metrics_port
        self.stderr_path = os.path.join(self.tmpdir, "serve-%d.log" % self.port)
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:%d" % self.port] + list(extra_args),
            stdout=subprocess.DEVNULL, stderr=self._stderr, env=e)
        if not wait:
            return True
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                log = self.log()
                taken = ("127.0.0.1:%d: Failed to bind" % self.port in log and not port) or \
                        ("127.0.0.1:%d: Failed to bind" % self.metrics_port in log and own_metrics)
                if taken and not last:
                    self.proc = None
                    self._stderr.close()
                    return False
                raise AssertionError("serve exited %d: %s" % (self.proc.returncode, log))
            try:
                # /readyz: 200 once every listener is up (/metrics' own
                # starts after the main one), the store and key ready.
                if self.request("GET", "/readyz")[0] == 200:
                    return True
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("serve did not become ready: " + self.log())

    def log(self):
        """The server's log so far. While it runs, lines reach the file
        within 200 ms (the log is block-buffered); after stop() it is whole."""
        if not self.stderr_path:
            return ""
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def wait_log(self, text, timeout=5):
        """The server log once it contains text (access log lines are
        written when a request completes, just after the answer is sent)."""
        deadline = time.time() + timeout
        while True:
            log = self.log()
            if text in log or time.time() > deadline:
                return log
            time.sleep(0.02)

    def stop(self, sig=signal.SIGTERM, expect_rc=0):
        proc, self.proc = self.proc, None
        proc.send_signal(sig)
        try:
            rc = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("serve did not stop on signal %d" % sig)
        self._stderr.close()
        text = self.log()
        check_sanitizers(text, "serve")
        if expect_rc is not None and rc != expect_rc:
            raise AssertionError("serve exited %d, expected %d:\n%s" % (rc, expect_rc, text[-3000:]))
        return rc

    # ---- the database, for what no route writes (rows a test plants)
    def sql(self, statement):
        """Runs one statement on the server's database, on either backend,
        in its own transaction: the rows it answers, each a tuple of text."""
        if self.backend == "sqlite":
            db = sqlite3.connect(self.db[len("sqlite:"):], timeout=10)
            try:
                with db:
                    return [tuple("" if v is None else str(v) for v in row)
                            for row in db.execute(statement).fetchall()]
            finally:
                db.close()
        out = subprocess.run(["psql", "-XAtq", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-d",
                              self.db, "-c", statement],
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    # ---- HTTP
    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method, path, json_body=None, body=None, headers=None, token=None, conn=None):
        """Returns (status, headers dict (lower-case names), parsed JSON or text)."""
        h = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h.setdefault("Content-Type", "application/json")
        if token:
            h["Authorization"] = "Bearer " + token
        own = conn is None
        c = conn or self.connect()
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            raw = r.read()
            rh = {k.lower(): v for k, v in r.getheaders()}
        finally:
            if own:
                c.close()
        if rh.get("content-type", "").startswith("application/json"):
            return r.status, rh, json.loads(raw)
        return r.status, rh, raw.decode(errors="replace")

    def metrics(self, token=None):
        """GET /metrics on its own listener: (status, text)."""
        saved = self.port
        self.port = self.metrics_port
        try:
            status, _, body = self.request("GET", "/metrics", token=token)
        finally:
            self.port = saved
        return status, body if isinstance(body, str) else json.dumps(body)

    def login(self, email, password):
        status, _, body = self.request("POST", "/v1/auth/login",
                                       json_body={"email": email, "password": password})
        assert status == 200, (status, body)
        return body["data"]["token"]


class EslFixture:
    """tests/harness/esl_fixture.py on a kernel-chosen loopback port, as a
    context manager: .address is "127.0.0.1:PORT", .received() the commands
    it got so far, one string each."""

    def __init__(self, mode="normal", password="ClueCon", port=0, delay_ms=0, delay_match=None,
                 registrations=None):
        self.tmpdir = tempfile.mkdtemp(prefix="agentdesk-esl-")
        port_file = os.path.join(self.tmpdir, "port")
        self.record = os.path.join(self.tmpdir, "received")
        script = os.path.join(TESTS, "harness", "esl_fixture.py")
        self.proc = subprocess.Popen([sys.executable, script, "--port-file", port_file,
                                      "--mode", mode, "--password", password,
                                      "--record", self.record, "--port", str(port),
                                      "--delay-ms", str(delay_ms)] +
                                     (["--delay-match", delay_match] if delay_match else []) +
                                     (["--registrations", registrations] if registrations else []))
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                self.proc.kill()
                raise AssertionError("the Event Socket fixture did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read())
        self.address = "127.0.0.1:%d" % self.port

    def commands(self):
        """The api commands received so far, without "api ", auth and exit."""
        return [c[4:] for c in self.received() if c.startswith("api ")]

    def received(self):
        return [msg for _, msg in self._lines()]

    def connections(self):
        """What it received, one list per connection, in order of connecting."""
        out = {}
        for no, msg in self._lines():
            out.setdefault(no, []).append(msg)
        return [out[k] for k in sorted(out)]

    def _lines(self):
        try:
            with open(self.record) as f:
                return [(int(n), msg) for n, msg in
                        (line.split("\t", 1) for line in f.read().splitlines())]
        except FileNotFoundError:
            return []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


class SshdFixture:
    """OpenSSH's sshd on a free loopback port, as a context manager, with a
    fresh host key and a client key allowed to log in as the current user
    (SFTP only). .target is "user@127.0.0.1:PORT", .key the client's
    private key, .known_hosts a file holding the host key, .other_known_hosts
    one holding a different key for the same address."""

    def __init__(self):
        self.tmpdir = tempfile.mkdtemp(prefix="agentdesk-sshd-")
        t = self.tmpdir
        for name in ("host_key", "client_key", "other_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name,
                            "-f", os.path.join(t, name)], check=True)
        shutil.copy(os.path.join(t, "client_key.pub"), os.path.join(t, "authorized_keys"))
        self.port = free_port()
        self.key = os.path.join(t, "client_key")
        self.known_hosts = os.path.join(t, "known_hosts")
        self.other_known_hosts = os.path.join(t, "other_known_hosts")
        for path, key in ((self.known_hosts, "host_key.pub"), (self.other_known_hosts, "other_key.pub")):
            with open(os.path.join(t, key)) as f:
                pub = " ".join(f.read().split()[:2])
            with open(path, "w") as f:
                f.write("[127.0.0.1]:%d %s\n" % (self.port, pub))
        config = os.path.join(t, "sshd_config")
        with open(config, "w") as f:
            f.write("\n".join([
                "Port %d" % self.port, "ListenAddress 127.0.0.1",
                "HostKey " + os.path.join(t, "host_key"),
                "AuthorizedKeysFile " + os.path.join(t, "authorized_keys"),
                "PidFile " + os.path.join(t, "sshd.pid"),
                "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "UsePAM no",
                "StrictModes no", "Subsystem sftp internal-sftp", ""]))
        os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege-separation directory
        self._log = open(os.path.join(t, "sshd.log"), "w")
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config],
                                     stdout=subprocess.DEVNULL, stderr=self._log)
        deadline = time.time() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    self.__exit__()
                    raise AssertionError("sshd did not start")
                time.sleep(0.05)
        import getpass
        self.target = "%s@127.0.0.1:%d" % (getpass.getuser(), self.port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()
        self._log.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def parse_demo_password(text):
    m = re.search(r"password:\s*(\S+)", text)
    assert m, text
    return m.group(1)
