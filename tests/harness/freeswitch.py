"""Real FreeSWITCH 1.11.1 for tests: the build in ../shared/freeswitch
(its README says what is in it), unpacked once per test run by the ctest
fixture "freeswitch", and any number of instances started from it.

    freeswitch.py unpack DIR     the fixture's set-up: unpack the build into DIR
    freeswitch.py clean DIR      its clean-up

Library use (Python 3 standard library only):

    import freeswitch
    build = freeswitch.build_or_skip()        # exits 77 (skip) or fails under CI=true
    with freeswitch.start(build, 2, mode="xml_curl",
                          agentdesk=(bin, "http://127.0.0.1:PORT", xmlcurl_password)) as nodes:
        nodes[0].esl("status"); nodes[0].sip_port; nodes[0].ws_port; nodes[0].wss_port
        nodes[0].esl_address, nodes[0].esl_password, nodes[0].conf_dir
        nodes[0].registrations(); nodes[0].events("CHANNEL_ANSWER"); nodes[0].log_tail()
        nodes[0].stop_process(); nodes[0].start()   # down and back, same ports and conf

Everything binds 127.0.0.1 only, so it also runs inside a network
namespace that has nothing but `lo` (`unshare -n`, lo brought up).

An instance is a temp folder holding a copy of the build's conf/, rewritten
as an operator would: free loopback ports for SIP (UDP and TCP), the
WebSocket bindings and the Event Socket (password random per instance), a
disjoint RTP port range, the vanilla static users 1000-1019 removed,
force-register-domain and its two siblings removed (each tenant registers
in its own domain), hold_music a tone. Its process is `freeswitch -nc -nf`
(foreground, no console: a child of the test, SIGTERMed if the test dies)
with every folder inside the temp folder. Ready means `status` says ready,
the profile list (`sofia status`) shows internal RUNNING (`sofia status
profile internal` has no state line) and the WebSocket port accepts.
stop() sends `shutdown` over the Event Socket, waits for the process
(kills it after 20 s), prints the tail of FreeSWITCH's log when the test
failed, and removes the folder.

Modes: "xml_curl" installs the binding that `agentdesk freeswitch config`
printed and applies it with `reload mod_xml_curl` (the module reads its
bindings only when it loads); "files" keeps the shipped placeholder
binding, so a files-mode test can only pass through the files agentdesk
wrote into conf_dir.
"""
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.parse

import ports  # tests/harness, beside this file

SKIP = 77  # ctest SKIP_RETURN_CODE of every FreeSWITCH test
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.normpath(os.path.join(HERE, "..", ".."))
TARBALL_NAME = "freeswitch-1.11.1-debian12-amd64.tar.xz"
TOP = "freeswitch-1.11.1"
PROFILE = "internal"


def tarball():
    """The shared build: $AGENTDESK_FREESWITCH_TARBALL, else ../shared/freeswitch/
    beside the repository."""
    return os.environ.get("AGENTDESK_FREESWITCH_TARBALL") or \
        os.path.join(SOURCE, "..", "shared", "freeswitch", TARBALL_NAME)


def unpack(dest):
    """The fixture's set-up. A missing build is not an error here (the tests
    skip and say why) except under CI=true, where it must be there."""
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)
    src = tarball()
    if not os.path.exists(src):
        reason = "FreeSWITCH build not found at %s" % os.path.normpath(src)
        with open(os.path.join(dest, "missing"), "w") as f:
            f.write(reason + "\n")
        print(reason)
        return 1 if os.environ.get("CI") == "true" else 0
    start = time.time()
    with tarfile.open(src) as t:
        t.extractall(dest)
    print("unpacked %s in %.1fs" % (TOP, time.time() - start))
    return 0


class unpacked:
    """For scripts run outside ctest (bench/, the fixture recorder): a
    context manager that sets AGENTDESK_FREESWITCH_DIR to a fresh unpack in
    a temp folder (removed on exit) unless it is set already."""

    def __enter__(self):
        self.own = None
        if not os.environ.get("AGENTDESK_FREESWITCH_DIR"):
            self.own = tempfile.mkdtemp(prefix="agentdesk-fs-build-")
            if unpack(self.own) or os.path.exists(os.path.join(self.own, "missing")):
                shutil.rmtree(self.own, ignore_errors=True)
                sys.exit("no FreeSWITCH build at %s" % tarball())
            os.environ["AGENTDESK_FREESWITCH_DIR"] = self.own
        return os.environ["AGENTDESK_FREESWITCH_DIR"]

    def __exit__(self, *exc):
        if self.own:
            del os.environ["AGENTDESK_FREESWITCH_DIR"]
            shutil.rmtree(self.own, ignore_errors=True)


def build_or_skip():
    """The unpacked build's folder. Without one: exit 77 with the reason
    (ctest counts the test as skipped), or fail under CI=true."""
    fixture = os.environ.get("AGENTDESK_FREESWITCH_DIR")
    reason = None
    if not fixture:
        reason = "AGENTDESK_FREESWITCH_DIR is not set (run through ctest)"
    elif os.path.exists(os.path.join(fixture, "missing")):
        with open(os.path.join(fixture, "missing")) as f:
            reason = f.read().strip()
    elif not os.path.exists(os.path.join(fixture, TOP, "bin", "freeswitch")):
        reason = "FreeSWITCH is not unpacked in %s" % fixture
    if reason is None:
        return os.path.join(fixture, TOP)
    if os.environ.get("CI") == "true":
        print("FAIL: %s (CI=true: the FreeSWITCH tests must run)" % reason, flush=True)
        sys.exit(1)
    print("SKIP: %s" % reason, flush=True)
    sys.exit(SKIP)


def _free_port(kinds=(socket.SOCK_STREAM,), taken=()):
    """A loopback port free for every socket kind given (SIP needs UDP and
    TCP) and claimed for this test process (ports.py), at random in
    26000-32767: below the kernel's ephemeral range, so no outgoing
    connection of another test takes it between this check and
    FreeSWITCH's bind, and above tests/harness/pg.sh's 25432-25532."""
    return ports.reserve(26000, 32767, kinds, taken)


def _rtp_range():
    """200 ports at random in 10000-19999 (below the listening ports):
    parallel instances get disjoint ranges with high probability, and
    FreeSWITCH skips a port it cannot bind anyway."""
    block = random.randrange(10000 // 200, 20000 // 200)
    return block * 200, block * 200 + 198


def _die_with_parent():
    """In the child before exec: SIGTERM when the test process dies (a
    ctest timeout kills the test, not its FreeSWITCH)."""
    import ctypes
    import signal
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))


class EslError(Exception):
    pass


class Esl:
    """A minimal Event Socket client (inbound): auth, api, events."""

    def __init__(self, port, password, host="127.0.0.1", timeout=10):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        head, _ = self.read()
        if head.get("Content-Type") != "auth/request":
            raise EslError("no auth/request: %r" % head)
        self.sock.sendall(b"auth %s\n\n" % password.encode())
        head, _ = self.read()
        if not head.get("Reply-Text", "").startswith("+OK"):
            raise EslError("auth refused: %r" % head)

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EslError("connection closed")
        self.buf += data

    def read_raw(self):
        """One message as the exact bytes on the wire."""
        while b"\n\n" not in self.buf:
            self._fill()
        i = self.buf.index(b"\n\n") + 2
        head = self.buf[:i]
        m = re.search(rb"(?m)^Content-Length: (\d+)$", head)
        n = int(m.group(1)) if m else 0
        while len(self.buf) < i + n:
            self._fill()
        raw, self.buf = self.buf[:i + n], self.buf[i + n:]
        return raw

    @staticmethod
    def parse(raw):
        i = raw.index(b"\n\n") + 2
        head = {}
        for line in raw[:i].decode().splitlines():
            if ": " in line:
                k, v = line.split(": ", 1)
                head[k] = v
        return head, raw[i:]

    def read(self):
        return self.parse(self.read_raw())

    def send(self, line):
        self.sock.sendall(line.encode() + b"\n\n")

    def api(self, cmd):
        self.send("api " + cmd)
        while True:
            head, body = self.read()
            if head.get("Content-Type") == "api/response":
                return body.decode(errors="replace")

    def close(self):
        try:
            self.sock.sendall(b"exit\n\n")
        except OSError:
            pass
        self.sock.close()


class Events:
    """Events of the given names (`event plain NAMES`), read on a thread of
    its own into .frames (the exact bytes of each) until close()."""

    def __init__(self, instance, names):
        self.conn = instance.connect()
        self.conn.send("event plain " + names)
        head, _ = self.conn.read()
        if not head.get("Reply-Text", "").startswith("+OK"):
            raise EslError("event subscription refused: %r" % head)
        self.conn.sock.settimeout(None)
        self.frames = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            while True:
                raw = self.conn.read_raw()
                with self.lock:
                    self.frames.append(raw)
        except (OSError, EslError):
            pass

    def named(self, name):
        """The bodies of the events called name so far, as dicts of headers
        (values URL-decoded), with "_raw" the whole frame."""
        out = []
        with self.lock:
            frames = list(self.frames)
        for raw in frames:
            head, body = Esl.parse(raw)
            if head.get("Content-Type") != "text/event-plain":
                continue
            ev = {"_raw": raw}
            for line in body.decode(errors="replace").splitlines():
                if ": " in line:
                    k, v = line.split(": ", 1)
                    ev[k] = urllib.parse.unquote(v)
            if ev.get("Event-Name") == name or ev.get("Event-Subclass") == name:
                out.append(ev)
        return out

    def wait(self, name, pred=None, timeout=20):
        """The first event called name (matching pred) within timeout, or None."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for ev in self.named(name):
                if pred is None or pred(ev):
                    return ev
            time.sleep(0.05)
        return None

    def close(self):
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.sock.close()
        self.thread.join(5)


class Instance:
    """One FreeSWITCH process in a temp folder of its own (see the module's
    paragraph). Attributes: sip_port (UDP and TCP), ws_port, wss_port,
    esl_port, esl_password, esl_address ("127.0.0.1:PORT"), rtp (first,
    last), dir, conf_dir, domain ("127.0.0.1")."""

    @staticmethod
    def random_password():
        return "t" + secrets.token_hex(12)

    def __init__(self, build, mode="files", name="fs", esl_password=None):
        assert mode in ("files", "xml_curl")
        self.build, self.mode, self.name = build, mode, name
        self.dir = tempfile.mkdtemp(prefix="agentdesk-fs-")
        self.conf_dir = os.path.join(self.dir, "conf")
        self.proc = None
        self.domain = "127.0.0.1"
        taken = set()
        self.sip_port = _free_port((socket.SOCK_STREAM, socket.SOCK_DGRAM), taken)
        taken.add(self.sip_port)
        self.tls_port = _free_port(taken=taken)
        taken.add(self.tls_port)
        self.ws_port = _free_port(taken=taken)
        taken.add(self.ws_port)
        self.wss_port = _free_port(taken=taken)
        taken.add(self.wss_port)
        self.esl_port = _free_port(taken=taken)
        self.esl_address = "127.0.0.1:%d" % self.esl_port
        self.esl_password = esl_password or self.random_password()
        self.rtp = _rtp_range()
        self.start_seconds = None

    # ---- the conf an operator would write
    def _edit(self, rel, pairs):
        path = os.path.join(self.conf_dir, rel)
        with open(path) as f:
            text = f.read()
        for pattern, repl in pairs:
            text, n = re.subn(pattern, repl, text)
            if n != 1:
                raise RuntimeError("%s: %r matched %d times" % (rel, pattern, n))
        with open(path, "w") as f:
            f.write(text)

    def write_conf(self):
        shutil.copytree(os.path.join(self.build, "conf"), self.conf_dir, symlinks=True)
        for d in ("log", "run", "db", "tmp", "certs", "storage", "cache", "recordings",
                  "sounds", "scripts", "grammar", "htdocs"):
            os.makedirs(os.path.join(self.dir, d))
        p = r'(<param name="%s" value=")[^"]*(")'
        self._edit("sip_profiles/internal.xml", [
            (p % "sip-port", r"\g<1>%d\2" % self.sip_port),
            (p % "ws-binding", r"\g<1>127.0.0.1:%d\2" % self.ws_port),
            (p % "wss-binding", r"\g<1>127.0.0.1:%d\2" % self.wss_port),
            # Each tenant registers in its own domain: the vanilla profile
            # folds every domain into $${domain} (as agentdesk's instructions say).
            (r'<param name="force-register-domain"[^>]*/>', "<!-- force-register-domain: removed -->"),
            (r'<param name="force-subscription-domain"[^>]*/>',
             "<!-- force-subscription-domain: removed -->"),
            (r'<param name="force-register-db-domain"[^>]*/>',
             "<!-- force-register-db-domain: removed -->")])
        s = r'(<X-PRE-PROCESS cmd="set" data="%s=)[^"]*(")'
        self._edit("vars.xml", [
            (s % "internal_sip_port", r"\g<1>%d\2" % self.sip_port),
            (s % "internal_tls_port", r"\g<1>%d\2" % self.tls_port),
            (s % "hold_music", r"\g<1>tone_stream://%(1000,1000,440);loops=-1\2")])
        self._edit("autoload_configs/event_socket.conf.xml", [
            (p % "listen-ip", r"\g<1>127.0.0.1\2"),
            (p % "listen-port", r"\g<1>%d\2" % self.esl_port),
            (p % "password", r"\g<1>%s\2" % self.esl_password)])
        self._edit("autoload_configs/switch.conf.xml", [
            (r'<!-- (<param name="rtp-start-port" value=")\d+("/>) -->', r"\g<1>%d\2" % self.rtp[0]),
            (r'<!-- (<param name="rtp-end-port" value=")\d+("/>) -->', r"\g<1>%d\2" % self.rtp[1])])
        # The vanilla static users (password 1234) answer whatever agentdesk says.
        users = os.path.join(self.conf_dir, "directory", "default")
        for f in os.listdir(users):
            if re.fullmatch(r"10[01]\d\.xml", f):
                os.remove(os.path.join(users, f))

    def set_binding(self, binding):
        """Puts agentdesk's binding (as `agentdesk freeswitch config` printed
        it) in place of the shipped placeholder."""
        path = os.path.join(self.conf_dir, "autoload_configs", "xml_curl.conf.xml")
        with open(path) as f:
            text = f.read()
        text, n = re.subn(r'<binding name="placeholder">.*?</binding>|<binding name="agentdesk">.*?</binding>',
                          lambda _: binding.strip(), text, flags=re.S)
        assert n == 1, text
        with open(path, "w") as f:
            f.write(text)

    def bind_xml_curl(self, binding):
        """As the printed instructions say: the binding in xml_curl.conf.xml,
        then `reload mod_xml_curl`."""
        self.set_binding(binding)
        out = self.esl("reload mod_xml_curl")
        if "+OK" not in out:
            raise RuntimeError("reload mod_xml_curl: %s" % out)

    # ---- the process
    def start(self, wait=True):
        if not os.path.exists(self.conf_dir):
            self.write_conf()
        d = self.dir
        args = [os.path.join(self.build, "bin", "freeswitch"), "-nc", "-nf", "-nonat", "-nonatmap",
                "-base", d, "-conf", self.conf_dir, "-mod", os.path.join(self.build, "mod")]
        for flag, sub in (("-log", "log"), ("-run", "run"), ("-db", "db"), ("-temp", "tmp"),
                          ("-certs", "certs"), ("-storage", "storage"), ("-cache", "cache"),
                          ("-recordings", "recordings"), ("-sounds", "sounds"),
                          ("-scripts", "scripts"), ("-grammar", "grammar"), ("-htdocs", "htdocs")):
            args += [flag, os.path.join(d, sub)]
        self._out = open(os.path.join(d, "stdout.log"), "ab")
        self.started_at = time.time()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._out,
                                     stderr=subprocess.STDOUT, cwd=d, preexec_fn=_die_with_parent)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        deadline = time.time() + timeout
        last = ""
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited %d" % (self.name, self.proc.returncode))
            try:
                last = self.esl("status")
                if "is ready" in last:
                    # `sofia status profile P` has no state line: the list has it.
                    last = self.esl("sofia status")
                    if re.search(r"(?m)^\s*%s\s+profile\s+\S+\s+RUNNING" % PROFILE, last):
                        socket.create_connection(("127.0.0.1", self.ws_port), timeout=1).close()
                        self.start_seconds = time.time() - self.started_at
                        return self
            except (OSError, EslError) as e:
                last = str(e)
            time.sleep(0.1)
        raise RuntimeError("%s not ready after %ds: %s" % (self.name, timeout, last[-500:]))

    def esl(self, cmd, timeout=30):
        """One api command on a connection of its own; the reply body."""
        c = Esl(self.esl_port, self.esl_password, timeout=timeout)
        try:
            return c.api(cmd)
        finally:
            c.close()

    def connect(self, timeout=30):
        """An Event Socket connection, logged in (close it)."""
        return Esl(self.esl_port, self.esl_password, timeout=timeout)

    def events(self, names):
        """An Events reader subscribed to names ("RELOADXML CHANNEL_ANSWER
        CUSTOM sofia::register"); close it."""
        return Events(self, names)

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def send_shutdown(self):
        if self.proc and self.proc.poll() is None:
            try:
                self.esl("shutdown", timeout=5)
            except (OSError, EslError):
                pass

    def stop_process(self):
        """shutdown over the Event Socket, then wait for the process; the
        folder stays (start() again reuses it)."""
        if not self.proc:
            return
        if self.proc.poll() is None:
            self.send_shutdown()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self._out.close()

    def kill(self):
        """As a crash: SIGKILL, no shutdown."""
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            self._out.close()

    def stop(self, failed=False):
        try:
            self.stop_process()  # first: FreeSWITCH's log is whole once it stopped
            if failed:
                sys.stdout.write("---- %s log tail (%s) ----\n%s\n----\n" % (
                    self.name, self.dir, self.log_tail()))
                sys.stdout.flush()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_path(self):
        return os.path.join(self.dir, "log", "freeswitch.log")

    def log(self):
        try:
            with open(self.log_path(), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def log_tail(self, lines=80):
        """The last lines of FreeSWITCH's log before our shutdown (what
        follows it is modules unloading)."""
        text = self.log()
        cut = text.rfind("[INFO] switch_core.c")
        cut = text.rfind("\n", 0, text.find("Shutting down", cut)) if cut >= 0 else -1
        if cut > 0 and "Shutting down" in text[cut:cut + 200]:
            text = text[:cut]
        if not text:
            try:
                with open(os.path.join(self.dir, "stdout.log"), errors="replace") as f:
                    text = f.read()
            except FileNotFoundError:
                pass
        return "\n".join(text.splitlines()[-lines:])

    # ---- what tests ask
    def registrations(self, profile=PROFILE):
        """{user@host: contact} from `sofia status profile P reg`."""
        out = self.esl("sofia status profile %s reg" % profile)
        regs = {}
        user = None
        for line in out.splitlines():
            if line.startswith("User:"):
                user = line.split(None, 1)[1].strip()
            elif line.startswith("Contact:") and user:
                regs[user] = line.split(None, 1)[1].strip()
        return regs


class Cluster(list):
    """Instances started together; a context manager that stops them all."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        for fs in self:  # they shut down in parallel
            fs.send_shutdown()
        for fs in self:
            fs.stop(failed=exc_type is not None)


def agentdesk_binding(agentdesk_bin, url, xmlcurl_password, cluster=None):
    """What `agentdesk freeswitch config --url URL [--cluster ID]` prints: the
    binding (stdout). Its instructions (stderr) must name the step that
    applies it."""
    cmd = [agentdesk_bin, "freeswitch", "config", "--url", url]
    if cluster:
        cmd += ["--cluster", str(cluster)]
    env = dict(os.environ, AGENTDESK_XMLCURL_PASSWORD=xmlcurl_password)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                       timeout=60)
    if p.returncode != 0 or "reload mod_xml_curl" not in p.stderr:
        raise RuntimeError("agentdesk freeswitch config: %d %s" % (p.returncode, p.stderr))
    return p.stdout


def start(build, n=1, mode="files", binding=None, esl_password=None, agentdesk=None):
    """n instances started together (they take 2-4 s each, in parallel).
    In xml_curl mode the binding is applied by `reload mod_xml_curl`: the
    text given, or agentdesk=(binary, url, xmlcurl password[, cluster id])
    to ask `agentdesk freeswitch config` for it.
    esl_password: one for all (a cluster's nodes share it), else random each."""
    if mode == "xml_curl" and agentdesk and not binding:
        binding = agentdesk_binding(*agentdesk)
    nodes = Cluster(Instance(build, mode, name="fs%d" % (k + 1), esl_password=esl_password)
                    for k in range(n))
    try:
        for fs in nodes:
            fs.start(wait=False)
        for fs in nodes:
            fs.wait_ready()
            if mode == "xml_curl" and binding:
                fs.bind_xml_curl(binding)
    except BaseException:
        nodes.__exit__(RuntimeError, None, None)
        raise
    return nodes


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("unpack", "clean"):
        sys.exit("usage: freeswitch.py unpack|clean DIR")
    if sys.argv[1] == "unpack":
        sys.exit(unpack(sys.argv[2]))
    shutil.rmtree(sys.argv[2], ignore_errors=True)
