#!/usr/bin/env python3
"""The Debian package (issue 22, "The package"): packaging/deb.sh builds it
offline with dpkg-buildpackage -us -uc -b and lintian accepts it without
errors; then, in a fresh folder (dpkg-deb -x: no dpkg -i on a shared
machine), the installed binary runs on the installed config and answers
/readyz. Prints the .deb's size and installed size.

    tests/packaging/test_deb.py SOURCE_DIR

Takes a minute or so (a release build of the program): ctest runs it only
when configured with -DAGENTDESK_DEB_TEST=ON.
"""
import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    for _ in range(500):
        port = random.randint(20000, 25399)
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port")


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
                     "lib/systemd/system/agentdesk.service", "usr/share/man/man1/agentdesk.1.gz"):
            assert os.path.exists(os.path.join(root, path)), path
        # The installed binary on the installed config; only the paths of a
        # machine where it is installed are moved into this folder.
        port, metrics = free_port(), free_port()
        env = dict(os.environ, AGENTDESK_DB="sqlite:%s/agentdesk.db" % work,
                   AGENTDESK_LISTEN="127.0.0.1:%d" % port,
                   AGENTDESK_METRICS_LISTEN="127.0.0.1:%d" % metrics)
        proc = subprocess.Popen([root + "/usr/bin/agentdesk", "serve", "--config",
                                 root + "/etc/agentdesk/agentdesk.conf"], env=env,
                                stderr=subprocess.PIPE, text=True)
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
            print("the installed binary: /readyz %s after %.2fs" % (status, time.time() - start))
            assert status == 200
        finally:
            proc.send_signal(signal.SIGTERM)
            rc = proc.wait(timeout=30)
        assert rc == 0, rc
        print("PASS test_deb")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
