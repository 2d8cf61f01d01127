"""The SMTP server of the mail tests (tests/harness/smtp.py under Debian's
/usr/bin/python3 with aiosmtpd), with a throwaway certificate, and readers
of what it received: headers, both MIME parts, the link."""
import email
import email.policy
import os
import re
import shutil
import subprocess
import tempfile

from .server import TESTS, free_port
from .wait import wait_for

SMTP_PY = os.path.join(TESTS, "harness", "smtp.py")
DEBIAN_PYTHON = "/usr/bin/python3"
USER, PASSWORD = "agentdesk", "smtp secret 42"


def make_cert(directory, name="cert"):
    """A self-signed certificate for localhost and 127.0.0.1."""
    cert, key = os.path.join(directory, name + ".pem"), os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return cert, key


class SmtpServer:
    """A running SMTP server; use as a context manager."""

    def __init__(self, tls=True, auth=True, implicit_tls=False):
        self.dir = tempfile.mkdtemp(prefix="agentdesk-smtp-")
        self.maildir = os.path.join(self.dir, "mail")
        os.mkdir(self.maildir)
        self.tls, self.auth, self.implicit_tls = tls, auth, implicit_tls
        self.cert = self.key = None
        if tls:
            self.cert, self.key = make_cert(self.dir)
        self.port = free_port()
        self.proc = None
        self.start()

    def start(self):
        cmd = [DEBIAN_PYTHON, SMTP_PY, "--port", str(self.port), "--dir", self.maildir]
        if self.tls:
            cmd += ["--cert", self.cert, "--key", self.key]
        if self.implicit_tls:
            cmd.append("--implicit-tls")
        if self.auth:
            cmd += ["--user", USER, "--password", PASSWORD]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise AssertionError("smtp.py did not start: " + line + self.proc.stderr.read())

    def stop(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc.stdout.close()
            self.proc.stderr.close()
            self.proc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def set_mode(self, mode):
        with open(os.path.join(self.maildir, "mode"), "w") as f:
            f.write(mode)

    def env(self, **extra):
        """The agentdesk settings that send through this server."""
        e = {"AGENTDESK_SMTP_URL": "%s://127.0.0.1:%d" % ("smtps" if self.implicit_tls else "smtp",
                                                            self.port),
             "AGENTDESK_SMTP_TLS": "required" if self.tls else "none",
             "AGENTDESK_MAIL_FROM": "noreply@desk.example",
             "AGENTDESK_PUBLIC_URL": "https://desk.example",
             "AGENTDESK_MAIL_RETRY_BASE": "1"}
        if self.tls:
            e["AGENTDESK_SMTP_CA_FILE"] = self.cert
        if self.auth:
            e["AGENTDESK_SMTP_USER"] = USER
            e["AGENTDESK_SMTP_PASSWORD"] = PASSWORD
        e.update(extra)
        return e

    def connections(self):
        try:
            with open(os.path.join(self.maildir, "connections")) as f:
                return len(f.readlines())
        except FileNotFoundError:
            return 0

    def messages(self):
        """Every message received so far, oldest first, parsed."""
        out = []
        for name in sorted(os.listdir(self.maildir)):
            if name.startswith("msg-") and name.endswith(".eml"):
                with open(os.path.join(self.maildir, name), "rb") as f:
                    raw = f.read()
                m = email.message_from_bytes(raw, policy=email.policy.default)
                m.raw = raw
                out.append(m)
        return out

    def wait_messages(self, n, timeout=30):
        """At least n messages, waiting up to timeout seconds for them."""
        return wait_for(lambda: (lambda msgs: msgs if len(msgs) >= n else None)(self.messages()),
                        timeout, "%d message(s)" % n)

    def to(self, address):
        return [m for m in self.messages() if address in m["X-Envelope-To"]]


def parts(msg):
    """(text, html) bodies of a multipart/alternative message."""
    assert msg.get_content_type() == "multipart/alternative", msg.get_content_type()
    text = html = None
    for p in msg.iter_parts():
        if p.get_content_type() == "text/plain":
            text = p.get_content()
        elif p.get_content_type() == "text/html":
            html = p.get_content()
    assert text is not None and html is not None
    return text, html


def link_token(msg, page):
    """The token of the link to page (set-password or reset-password)."""
    text, html = parts(msg)
    m = re.search(r"https://desk\.example/%s#token=([A-Za-z0-9_-]+)" % page, text)
    assert m, text
    assert m.group(0) in html
    return m.group(1)

