#!/usr/bin/env python3
"""The Debian package (issue 22, "The package"): packaging/deb.sh builds it
offline with dpkg-buildpackage -us -uc -b and lintian accepts it without
errors; then, in a fresh folder (dpkg-deb -x: no dpkg -i on a shared
machine), the installed binary runs on the installed config and answers
/readyz. Prints the .deb's size and installed size.

In CI (CI=true, as root, on a machine where the package was never
installed) it also installs it for real with dpkg -i: the system user, the
0700 state directory, the conffile, nothing started; the installed binary
as that user on /etc/agentdesk/agentdesk.conf answers /readyz and makes its
key file 0600 in the state directory; dpkg -r keeps the data, dpkg --purge
removes it.

    tests/packaging/test_deb.py SOURCE_DIR

Takes a minute or so (a release build of the program): ctest runs it only
when configured with -DAGENTDESK_DEB_TEST=ON.
"""
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import ports  # noqa: E402  (tests/harness)


def free_port():
    return ports.reserve(20000, 25399)


def ready(cmd, env, port, cwd=None):
    """Runs cmd until /readyz answers 200; stops it with SIGTERM (exit 0)."""
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True, cwd=cwd)
    start, status = time.time(), None
    try:
        while time.time() - start < 20 and status != 200:
            assert proc.poll() is None, proc.stderr.read()
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/readyz")
                status = c.getresponse().status
                c.close()
            except OSError:
                time.sleep(0.05)
        print("%s: /readyz %s after %.2fs" % (cmd[0], status, time.time() - start))
        assert status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=30)
    assert rc == 0, rc


def installed(deb):
    """dpkg -i on this machine, the service's user running the installed
    binary on the installed config, then dpkg -r and --purge."""
    subprocess.run(["dpkg", "-i", deb], check=True)
    try:
        user = subprocess.run(["getent", "passwd", "agentdesk"], stdout=subprocess.PIPE,
                              text=True).stdout
        assert user, "postinst made no agentdesk user"
        st = os.stat("/var/lib/agentdesk")
        assert st.st_mode & 0o777 == 0o700, oct(st.st_mode)
        conf = os.stat("/etc/agentdesk/agentdesk.conf")
        assert conf.st_mode & 0o777 == 0o640, oct(conf.st_mode)
        listed = subprocess.run(["dpkg-query", "-W", "-f=${Conffiles}", "agentdesk"],
                                stdout=subprocess.PIPE, text=True).stdout
        assert "/etc/agentdesk/agentdesk.conf" in listed, listed
        running = subprocess.run(["pgrep", "-u", "agentdesk"], stdout=subprocess.PIPE).returncode
        assert running != 0, "the package started the service"
        port, metrics = free_port(), free_port()
        env = dict(os.environ, AGENTDESK_LISTEN="127.0.0.1:%d" % port,
                   AGENTDESK_METRICS_LISTEN="127.0.0.1:%d" % metrics)
        # The unit's WorkingDirectory= (the database's default path is relative to it).
        ready(["setpriv", "--reuid=agentdesk", "--regid=agentdesk", "--init-groups",
               "/usr/bin/agentdesk", "serve", "--config",
               "/etc/agentdesk/agentdesk.conf"], env, port, cwd="/var/lib/agentdesk")
        keys = [f for f in os.listdir("/var/lib/agentdesk") if "key" in f]
        assert keys, os.listdir("/var/lib/agentdesk")
        for k in keys:
            assert os.stat("/var/lib/agentdesk/" + k).st_mode & 0o777 == 0o600, k
        print("dpkg -i: user, 0700 state dir, 0640 conffile, nothing started, /readyz 200 as agentdesk")
        subprocess.run(["dpkg", "-r", "agentdesk"], check=True)
        assert os.path.exists("/var/lib/agentdesk/" + keys[0]), "dpkg -r removed the data"
    finally:
        subprocess.run(["dpkg", "--purge", "agentdesk"], check=True)
    assert not os.path.exists("/var/lib/agentdesk"), "dpkg --purge kept the data"
    print("dpkg -r kept the data; dpkg --purge removed it")


def main():
    source = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="agentdesk-deb-")
    try:
        out = subprocess.run([os.path.join(source, "packaging", "deb.sh"), work + "/out"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(out.stdout)
        assert out.returncode == 0, "deb.sh or lintian failed"
        deb = out.stdout.splitlines()[0]
        info = subprocess.run(["dpkg-deb", "-f", deb, "Installed-Size"], check=True,
                              stdout=subprocess.PIPE, text=True).stdout.strip()
        print("%s: %d bytes, installed size %s KiB" % (os.path.basename(deb),
                                                        os.path.getsize(deb), info))
        control = work + "/control"
        subprocess.run(["dpkg-deb", "-e", deb, control], check=True)
        with open(control + "/conffiles") as f:
            assert f.read().split() == ["/etc/agentdesk/agentdesk.conf"]
        for script in ("postinst", "postrm"):
            subprocess.run(["sh", "-n", os.path.join(control, script)], check=True)
        with open(control + "/postinst") as f:
            postinst = f.read()
        assert "adduser --system" in postinst and "deb-systemd-helper enable" in postinst
        assert "deb-systemd-invoke start" not in postinst, "the package starts the service"
        root = work + "/root"
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
        for path in ("usr/bin/agentdesk", "etc/agentdesk/agentdesk.conf",
                     "lib/systemd/system/agentdesk.service", "usr/share/man/man1/agentdesk.1.gz",
                     "lib/systemd/system-generators/agentdesk-generator"):
            assert os.path.exists(os.path.join(root, path)), path
        # The installed binary on the installed config; only the paths of a
        # machine where it is installed are moved into this folder.
        port, metrics = free_port(), free_port()
        env = dict(os.environ, AGENTDESK_DB="sqlite:%s/agentdesk.db" % work,
                   AGENTDESK_LISTEN="127.0.0.1:%d" % port,
                   AGENTDESK_METRICS_LISTEN="127.0.0.1:%d" % metrics)
        ready([root + "/usr/bin/agentdesk", "serve", "--config",
               root + "/etc/agentdesk/agentdesk.conf"], env, port)
        if os.environ.get("CI") == "true" and os.geteuid() == 0 \
                and not os.path.exists("/etc/agentdesk") and not os.path.exists("/var/lib/agentdesk"):
            installed(deb)
        else:
            print("dpkg -i: not on this machine (only in CI, as root, where nothing of the package exists)")
        print("PASS test_deb")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
