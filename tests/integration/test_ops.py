"""Operations (issue 22, "Install and service"): /readyz; more in later
parts (log format, config file, signals, systemd)."""
import json
import os
import re
import signal
import socket
import subprocess
import time

from agentdesk_harness import (BIN, PASSWORD, Agentdesk, SmtpServer, free_port, main, only_on,
                               parse_demo_password)

SOURCE = os.environ.get("AGENTDESK_SOURCE_DIR",
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def table_settings():
    """Every setting of the table, read from its source (not from the
    binary, whose output is what is checked)."""
    with open(os.path.join(SOURCE, "src", "settings", "settings.c")) as f:
        names = re.findall(r'\{\s*"(AGENTDESK_[A-Z0-9_]+)",\s*CONFIG_', f.read())
    assert len(names) > 40, names
    return names


def test_readyz(backend):
    # FreeSWITCH's Event Socket points at a port nobody listens on: the
    # node is ready all the same (the Decision: that is doctor's to say).
    env = {"AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()}
    with Agentdesk(backend, env=env) as ad:
        ad.serve()
        status, _, body = ad.request("GET", "/readyz")
        assert status == 200, body
        assert body == {"success": True, "status": "ready",
                        "checks": {"store": True, "migrations": True, "key": True,
                                   "listeners": True}}, body
        # A migration pending (a newer binary's database rolled back by
        # hand here): not ready, and the message says why; /healthz,
        # which only asks the store, stays 200.
        last = ad.sql("SELECT MAX(version) FROM schema_migrations")[0][0]
        ad.sql("UPDATE schema_migrations SET version = -version WHERE version = %s" % last)
        status, _, body = ad.request("GET", "/readyz")
        assert status == 503 and body["error"]["code"] == "not_ready", body
        assert body["error"]["message"] == "not ready: migrations", body
        assert ad.request("GET", "/healthz")[0] == 200
        ad.sql("UPDATE schema_migrations SET version = -version WHERE version = -%s" % last)
        assert ad.request("GET", "/readyz")[0] == 200


def test_json_log(backend):
    # Every line one object with the fixed keys in order; no secret of a
    # create and a login in it (debug level: every line there is).
    env = {"AGENTDESK_LOG_FORMAT": "json", "AGENTDESK_LOG_LEVEL": "debug"}
    with Agentdesk(backend, env=env) as ad:
        _, out, _ = ad.run("demo")
        admin_password = parse_demo_password(out)
        ad.serve()
        admin = ad.login("admin@demo.local", admin_password)
        status, _, body = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": "Zo\u00eb \"Q\"", "last_name": "\u5c71\u7530",
            "email": "json.log@demo.local"})
        assert status == 201, body
        temporary = body["temporary_password"]
        agent = ad.login("json.log@demo.local", temporary)
        # A path with a quote and a backslash, for the access log's escaping.
        ad.request("GET", '/v1/a"b\\c?x="y"')
        ad.stop()
        lines = ad.log().splitlines()
        assert len(lines) > 5, lines
        for line in lines:
            obj = json.loads(line)
            assert list(obj)[:4] == ["time", "level", "area", "msg"], line
            assert obj["level"] in ("error", "warn", "info", "debug"), line
        assert any("/v1/admin/agents" in json.loads(l)["msg"] for l in lines), lines
        text = "\n".join(lines)
        for secret in (admin_password, temporary, admin, agent):
            assert secret not in text, secret


@only_on("sqlite")
def test_config_file(backend):
    with Agentdesk(backend) as ad:
        # The example: every setting of the table, and it checks clean.
        _, example, _ = ad.run("config", "example", "--state-dir", "/var/lib/agentdesk", db=False)
        for name in table_settings():
            assert re.search(r"^(# )?%s =" % name, example, re.M), name
        assert "\nAGENTDESK_DB = sqlite:/var/lib/agentdesk/agentdesk.db\n" in example
        conf = os.path.join(ad.tmpdir, "agentdesk.conf")
        with open(conf, "w") as f:
            f.write(example)
        rc, out, _ = ad.run("config", "check", "--config", conf, db=False)
        assert out == "%s: OK\n" % conf, out
        # What is wrong, line by line, in the file's order; nothing starts,
        # and the environment is not the file's (a bad AGENTDESK_LOG_LEVEL
        # there is not reported).
        with open(conf, "w") as f:
            f.write("# agentdesk\nAGENTDESK_LOG_LEVEL = loud\nAGENTDESK_NOPE = 1\n\n"
                    "AGENTDESK_TOKEN_TTL = soon\njust words\nAGENTDESK_LISTEN = 127.0.0.1:1\n")
        rc, out, _ = ad.run("config", "check", "--config", conf, db=False, check=False,
                            env={"AGENTDESK_THREADS": "many"})
        assert rc == 1, (rc, out)
        assert out.splitlines() == [
            conf + ":2: AGENTDESK_LOG_LEVEL: must be one of error, warn, info, debug",
            conf + ":3: unknown setting AGENTDESK_NOPE",
            conf + ":5: AGENTDESK_TOKEN_TTL: 'soon' is not an integer",
            conf + ":6: expected KEY=value",
            conf + ": has the problems above"], out
        # The environment wins over the file (and a flag over both).
        with open(conf, "w") as f:
            f.write("AGENTDESK_LOG_FORMAT = json\n")
        ad.serve(extra_args=["--config", conf])
        ad.stop()
        assert ad.log().startswith('{"time":'), ad.log()
        ad.serve(extra_args=["--config", conf], env={"AGENTDESK_LOG_FORMAT": "plain"})
        ad.stop()
        assert ad.log() and not ad.log().startswith("{"), ad.log()


@only_on("sqlite")
def test_man_page(backend):
    with Agentdesk(backend) as ad:
        _, page, _ = ad.run("config", "man", db=False)
        path = os.path.join(ad.tmpdir, "agentdesk.1")
        with open(path, "w") as f:
            f.write(page)
        lint = subprocess.run(["groff", "-man", "-ww", "-z", path], stderr=subprocess.PIPE,
                              text=True)
        assert lint.returncode == 0 and not lint.stderr, lint.stderr
        text = subprocess.run(["man", "-l", path], stdout=subprocess.PIPE, text=True, check=True,
                              env=dict(os.environ, MANWIDTH="100", LC_ALL="C.UTF-8",
                                       MANPAGER="cat", PAGER="cat")).stdout
        assert text.startswith("AGENTDESK(1)"), text[:200]
        for name in table_settings():
            assert re.search(r"^\s+%s$" % name, text, re.M), name
        _, usage, _ = ad.run("--help", db=False)
        commands = re.findall(r"^  agentdesk ([a-z]+(?: [a-z]+)?)", usage, re.M)
        assert len(commands) >= 12, commands
        for command in commands:
            assert re.search(r"^\s+agentdesk %s\b" % command, text, re.M), command


@only_on("sqlite")
def test_sighup(backend):
    with Agentdesk(backend) as ad:
        conf = os.path.join(ad.tmpdir, "agentdesk.conf")
        with open(conf, "w") as f:
            f.write("AGENTDESK_LOG_LEVEL = warn\n")
        ad.serve(extra_args=["--config", conf])
        xml = ("POST", "/freeswitch/xml", None, b"section=directory",
               {"Content-Type": "application/x-www-form-urlencoded"})
        assert ad.request(*xml)[0] != 403          # loopback is allowed
        # A live setting (the level, the allow list) applies at once; one
        # that is not is logged as needing a restart.
        with open(conf, "w") as f:
            f.write("AGENTDESK_LOG_LEVEL = info\nAGENTDESK_THREADS = 3\n"
                    "AGENTDESK_XMLCURL_ALLOW = 198.51.100.0/24\n")
        ad.proc.send_signal(signal.SIGHUP)
        log = ad.wait_log("SIGHUP: AGENTDESK_XMLCURL_ALLOW changed: applied")
        assert "SIGHUP: AGENTDESK_LOG_LEVEL changed: applied" in log, log
        assert "SIGHUP: AGENTDESK_THREADS changed: needs a restart to apply" in log, log
        ad.request("GET", "/healthz?after")
        assert "GET /healthz 200" in ad.wait_log("GET /healthz 200")
        assert ad.request(*xml)[0] == 403
        # New settings with a problem change nothing.
        with open(conf, "w") as f:
            f.write("AGENTDESK_LOG_LEVEL = warn\nAGENTDESK_TOKEN_TTL = soon\n")
        ad.proc.send_signal(signal.SIGHUP)
        log = ad.wait_log("the settings have problems: nothing changed")
        assert conf + ":2: AGENTDESK_TOKEN_TTL: 'soon' is not an integer" in log, log
        assert ad.request("GET", "/readyz")[0] == 200
        ad.stop()
        # At warn, the start's info lines were not written (an access log
        # line is not a witness: its level is read after the answer).
        assert "agentdesk serving on" not in ad.log(), ad.log()
        assert "GET /readyz 200" in ad.log()


@only_on("sqlite")
def test_sighup_smtp(backend):
    """The relay, its login and the sender address change on SIGHUP: the
    next message goes to the new relay; turning mail off needs a restart."""
    with Agentdesk(backend) as ad, SmtpServer(tls=False, auth=False) as old, \
            SmtpServer(tls=False, auth=True) as new:
        conf = os.path.join(ad.tmpdir, "agentdesk.conf")

        def write(smtp):
            with open(conf, "w") as f:
                for k, v in sorted(smtp.env().items()):
                    f.write("%s = %s\n" % (k, v))

        write(old)
        t = ad.run_json("tenant", "create", "--name", "Acme", "--pool-base", "3000",
                        "--pool-size", "10")
        ad.run("user", "create", "--tenant", str(t["id"]), "--email", "admin@acme.example",
               "--password", PASSWORD, "--role", "admin")
        ad.serve(extra_args=["--config", conf])
        admin = ad.login("admin@acme.example", PASSWORD)

        def invite(email):
            status, _, body = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
                "first_name": "Ivy", "last_name": "Invite", "email": email, "send_invite": True})
            assert status == 201, body

        invite("one@acme.example")
        old.wait_messages(1)
        assert len(old.to("one@acme.example")) == 1
        write(new)                   # another relay, with AUTH this time
        ad.proc.send_signal(signal.SIGHUP)
        log = ad.wait_log("SIGHUP: AGENTDESK_SMTP_URL changed: applied")
        assert "SIGHUP: AGENTDESK_SMTP_PASSWORD changed: applied" in log, log
        invite("two@acme.example")
        new.wait_messages(1)
        assert len(new.to("two@acme.example")) == 1
        assert len(old.messages()) == 1, "the old relay got the second message"
        # Mail off (no relay) cannot apply without a restart: the sender
        # keeps the relay it has.
        with open(conf, "w") as f:
            f.write("AGENTDESK_PUBLIC_URL = https://desk.example\n")
        ad.proc.send_signal(signal.SIGHUP)
        log = ad.wait_log("SIGHUP: AGENTDESK_SMTP_URL changed: needs a restart to apply")
        assert new.env()["AGENTDESK_SMTP_PASSWORD"] not in log, "a password in the log"
        ad.stop()


def slow_request(ad):
    """A login whose body is not sent yet, once the server holds it in
    flight (its 100 Continue says the handler has it): the socket and the
    body to send."""
    body = b'{"email":"nobody@demo.local","password":"not-the-password"}'
    s = socket.create_connection(("127.0.0.1", ad.port), timeout=30)
    s.sendall(b"POST /v1/auth/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
              b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
    assert s.recv(100).startswith(b"HTTP/1.1 100 Continue"), "no 100 Continue"
    return s, body


def test_sigterm_drain(backend):
    with Agentdesk(backend, env={"AGENTDESK_SHUTDOWN_S": "20"}) as ad:
        ad.serve()
        s, body = slow_request(ad)
        proc = ad.proc
        proc.send_signal(signal.SIGTERM)
        ad.wait_log("finishing in-flight requests (within 20s)")
        # The drain has begun; the request in flight still gets its answer.
        assert proc.poll() is None
        s.sendall(body)
        answer = s.recv(4096)
        s.close()
        assert answer.startswith(b"HTTP/1.1 401 "), answer
        ad.stop(expect_rc=0)
        assert "POST /v1/auth/login 401" in ad.log()
    # A request that never completes is cut at the deadline.
    with Agentdesk(backend, env={"AGENTDESK_SHUTDOWN_S": "1"}) as ad:
        ad.serve()
        s, _ = slow_request(ad)
        start = time.time()
        ad.stop(expect_rc=0)
        took = time.time() - start
        assert s.recv(4096) == b"", "the cut request got an answer"
        s.close()
        print("SIGTERM with a request that never ends: stopped in %.2fs (AGENTDESK_SHUTDOWN_S=1)"
              % took)
        assert 0.9 < took < 3.5, took


def test_drain_turns_load_balancers_away(backend):
    """From SIGTERM on, new connections are refused at once (a load
    balancer then sends them to another node, where they would otherwise
    wait in the backlog for the whole drain and be reset), and an answer
    on a kept-alive connection closes it (a load balancer's pooled
    connection is not reused), while the request in flight is answered."""
    with Agentdesk(backend, env={"AGENTDESK_SHUTDOWN_S": "20"}) as ad:
        ad.serve()
        kept = ad.connect()
        status, headers, _ = ad.request("GET", "/healthz", conn=kept)
        assert status == 200 and headers.get("connection", "").lower() != "close", headers
        s, body = slow_request(ad)
        ad.proc.send_signal(signal.SIGTERM)
        ad.wait_log("finishing in-flight requests")
        start = time.monotonic()
        try:
            socket.create_connection(("127.0.0.1", ad.port), timeout=5).close()
            refused = False
        except ConnectionRefusedError:
            refused = True
        assert refused, "a new connection was taken during the drain"
        assert time.monotonic() - start < 1
        status, headers, body_503 = ad.request("GET", "/readyz", conn=kept)
        assert status == 503 and body_503["error"]["code"] == "not_ready", body_503
        assert headers.get("connection", "").lower() == "close", headers
        kept.close()
        s.sendall(body)
        answer = s.recv(4096)
        s.close()
        assert answer.startswith(b"HTTP/1.1 401 "), answer
        assert b"\r\nConnection: close\r\n" in answer, answer
        ad.stop(expect_rc=0)


def unit_file(tmpdir, bindir):
    """packaging/systemd/agentdesk.service.in made as CMake makes it, with
    the binary under test."""
    with open(os.path.join(SOURCE, "packaging", "systemd", "agentdesk.service.in")) as f:
        text = f.read()
    path = os.path.join(tmpdir, "agentdesk.service")
    with open(path, "w") as f:
        f.write(text.replace("@AGENTDESK_BINDIR@", bindir).replace("@AGENTDESK_SYSCONFDIR@", "/etc"))
    return path


@only_on("sqlite")
def test_systemd_unit(backend):
    with Agentdesk(backend) as ad:
        if not os.path.isdir("/run/systemd/system"):
            print("systemd is not PID 1 here: the unit is checked offline only")
        unit = unit_file(ad.tmpdir, os.path.dirname(os.path.abspath(BIN)))
        with open(unit) as f:
            text = f.read()
        for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "StateDirectory=agentdesk",
                     "StateDirectoryMode=0700", "ProtectSystem=strict", "ProtectHome=yes",
                     "PrivateTmp=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=\n",
                     "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                     "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes"):
            assert line in text, line
        assert re.search(r"^ExecStart=\S+/agentdesk serve --config /etc/agentdesk/agentdesk.conf$",
                         text, re.M), text
        verify = subprocess.run(["systemd-analyze", "verify", "--man=no", unit],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert verify.returncode == 0 and not verify.stdout.strip(), verify.stdout
        security = subprocess.run(["systemd-analyze", "security", "--offline=true", unit],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        m = re.search(r"Overall exposure level for agentdesk.service: (\d+\.\d+) (\w+)",
                      security.stdout)
        assert m, security.stdout
        print("systemd-analyze security --offline=true: exposure %s %s" % (m.group(1), m.group(2)))
        assert float(m.group(1)) <= 2.0, security.stdout


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


@only_on("sqlite")
def test_systemd_dropin(backend):
    """`agentdesk config systemd` and the generator: the unit's drop-in comes
    from the config (issue 22: ProtectSystem=strict stays, files mode gets
    its conf dir, a port below 1024 gets CAP_NET_BIND_SERVICE alone)."""
    build = os.path.dirname(os.path.abspath(BIN))
    generator = os.path.join(build, "agentdesk-generator")
    cap = "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
    with Agentdesk(backend) as ad:
        fsdir = os.path.join(ad.tmpdir, "freeswitch")
        os.mkdir(fsdir)

        def dropin(name, text, env=None):
            conf = write(os.path.join(ad.tmpdir, name + ".conf"), text)
            rc, out, err = ad.run("config", "systemd", "--config", conf, db=False, check=False,
                                  env=env)
            return conf, rc, out, err

        # Files mode: its conf dir writable, no capability.
        files, rc, out, _ = dropin("files", "AGENTDESK_FS_MODE = files\n"
                                   "AGENTDESK_FS_CONF_DIR = %s\n" % fsdir)
        assert rc == 0 and "\n[Service]\n" in out, out
        assert "\nReadWritePaths=-%s\n" % fsdir in out and "CAP_" not in out, out
        # The conf dir's group (FreeSWITCH's, the service user is in it) is
        # nobody inside PrivateUsers=yes's namespace.
        assert "\nPrivateUsers=no\n" in out, out
        # A port below 1024 on any of the three listeners: the capability
        # alone (PrivateUsers= would hold it in the wrong namespace).
        for name in ("AGENTDESK_LISTEN", "AGENTDESK_FS_LISTEN", "AGENTDESK_METRICS_LISTEN"):
            port443, rc, out, _ = dropin("p443", "%s = 0.0.0.0:443\n" % name)
            assert rc == 0 and "\n[Service]\n" in out and cap in out, (name, out)
            assert "\nPrivateUsers=no\n" in out and "ReadWritePaths" not in out, (name, out)
        # Neither (the defaults; ssh mode writes on the node, not here):
        # only comments, whatever the environment says (the file alone).
        none, rc, out, _ = dropin(
            "none", "AGENTDESK_FS_MODE = ssh\nAGENTDESK_FS_CONF_DIR = /etc/freeswitch\n"
            "AGENTDESK_FS_SSH = fs@192.0.2.5:22\nAGENTDESK_FS_SSH_KEY = /etc/agentdesk/id\n"
            "AGENTDESK_FS_SSH_KNOWN_HOSTS = /etc/agentdesk/known_hosts\n",
            env={"AGENTDESK_LISTEN": "0.0.0.0:443"})
        assert rc == 0 and out and all(l.startswith("#") for l in out.splitlines()), out
        # A config with a problem: non-zero, nothing on stdout.
        bad, rc, out, err = dropin("bad", "AGENTDESK_FS_MODE = files\n")
        assert rc != 0 and out == "" and "AGENTDESK_FS_CONF_DIR" in err, (rc, out, err)

        # The generator, as systemd runs it (three output dirs), pointed at
        # the binary and config under test.
        def generate(conf):
            out = os.path.join(ad.tmpdir, "gen-" + os.path.basename(conf))
            os.mkdir(out)
            p = subprocess.run([generator, out, out + "-early", out + "-late"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, AGENTDESK_GENERATOR_BIN=BIN,
                                        AGENTDESK_GENERATOR_CONF=conf))
            assert p.returncode == 0, p.stderr
            path = os.path.join(out, "agentdesk.service.d", "50-agentdesk-config.conf")
            return out, path, p.stderr

        units, path, _ = generate(files)
        with open(path) as f:
            assert f.read() == ad.run("config", "systemd", "--config", files, db=False)[1]
        _, path, _ = generate(port443)
        with open(path) as f:
            assert cap in f.read()
        for conf in (none, bad):             # no drop-in; a bad config never fails the boot
            out, path, err = generate(conf)
            assert os.listdir(out) == [], os.listdir(out)
            assert (conf == bad) == ("no drop-in made" in err), err

        # The unit with the generated drop-in beside it verifies clean
        # (systemd-analyze reads the unit's folder's agentdesk.service.d/).
        unit = unit_file(units, build)
        verify = subprocess.run(["systemd-analyze", "verify", "--man=no", unit],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert verify.returncode == 0 and not verify.stdout.strip(), verify.stdout


def test_sd_notify(backend):
    # The service manager's side of Type=notify: a datagram socket.
    with Agentdesk(backend) as ad:
        path = os.path.join(ad.tmpdir, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(30)

        def next_message(want):
            while True:
                msg = sock.recv(4096).decode()
                if want in msg.split("\n"):
                    return msg

        try:
            ad.serve(env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"}, wait=False)
            next_message("READY=1")
            # Ready means /readyz answers 200 at once (no retry).
            status, _, body = ad.request("GET", "/readyz")
            assert status == 200, body
            next_message("WATCHDOG=1")
            ad.proc.send_signal(signal.SIGHUP)
            next_message("RELOADING=1")
            next_message("READY=1")
            ad.proc.send_signal(signal.SIGTERM)
            next_message("STOPPING=1")
            ad.stop(expect_rc=0)
        finally:
            sock.close()


@only_on("sqlite")
def test_install(backend):
    build = os.path.dirname(os.path.abspath(BIN))
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        prefix = re.search(r"^CMAKE_INSTALL_PREFIX:PATH=(.*)$", f.read(), re.M).group(1)
    etc = "/etc" if prefix == "/usr" else prefix + "/etc"
    with Agentdesk(backend) as ad:
        dest = os.path.join(ad.tmpdir, "root")
        subprocess.run(["cmake", "--install", build], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DESTDIR=dest))
        landed = {}
        for top, _, files in os.walk(dest):
            for name in files:
                path = os.path.join(top, name)
                landed[path[len(dest):]] = os.stat(path).st_mode & 0o7777
        print("installed under DESTDIR (prefix %s):" % prefix)
        for path in sorted(landed):
            print("  %04o %s" % (landed[path], path))
        conf = etc + "/agentdesk/agentdesk.conf"
        unit = prefix + "/lib/systemd/system/agentdesk.service"
        generator = prefix + "/lib/systemd/system-generators/agentdesk-generator"
        assert landed == {prefix + "/bin/agentdesk": 0o755, conf: 0o640,
                          prefix + "/share/man/man1/agentdesk.1": 0o644, unit: 0o644,
                          generator: 0o755}, landed
        # The generator runs the installed binary on the installed config.
        with open(dest + generator) as f:
            text = f.read()
        assert "\nbin=${AGENTDESK_GENERATOR_BIN:-%s/bin/agentdesk}\n" % prefix in text, text
        assert "\nconf=${AGENTDESK_GENERATOR_CONF:-%s}\n" % conf in text, text
        subprocess.run(["sh", "-n", dest + generator], check=True)
        # The unit runs the installed binary on the installed config,
        # which checks clean and puts the database in the state directory.
        with open(dest + unit) as f:
            text = f.read()
        assert "\nExecStart=%s/bin/agentdesk serve --config %s\n" % (prefix, conf) in text, text
        rc, out, _ = ad.run("config", "check", "--config", dest + conf, db=False)
        assert out.endswith(": OK\n"), out
        with open(dest + conf) as f:
            assert "\nAGENTDESK_DB = sqlite:/var/lib/agentdesk/agentdesk.db\n" in f.read()
        page = subprocess.run(["man", "-l", dest + prefix + "/share/man/man1/agentdesk.1"],
                              stdout=subprocess.PIPE, text=True, check=True,
                              env=dict(os.environ, MANPAGER="cat", PAGER="cat")).stdout
        assert page.startswith("AGENTDESK(1)"), page[:100]


if __name__ == "__main__":
    main()
