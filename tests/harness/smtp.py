#!/usr/bin/python3
"""A real SMTP server for the tests: Debian's aiosmtpd on a loopback port,
with STARTTLS (a throwaway certificate the caller makes) and AUTH.

Run with Debian's Python (/usr/bin/python3: the python3 first on PATH may
lack Debian's modules):

  smtp.py --port P --dir D [--cert C --key K [--implicit-tls]] [--user U --password W]

With --implicit-tls the server speaks TLS from the first byte (smtps://),
else it requires STARTTLS when given a certificate.

Every accepted message is written to D/msg-NNNNNN.eml (whole files: written
then renamed), every new connection adds a line to D/connections. The file
D/mode, read for each message, decides the answer to DATA: "ok" (default),
"tempfail" (451) or "reject" (550). Prints "ready" once it listens; stops
on SIGTERM/SIGINT.
"""
import argparse
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, directory):
        self.dir = directory
        # A restarted server goes on numbering after what it kept.
        self.count = len([n for n in os.listdir(directory) if n.endswith(".eml")])
        self.lock = threading.Lock()

    def mode(self):
        try:
            with open(os.path.join(self.dir, "mode")) as f:
                return f.read().strip() or "ok"
        except FileNotFoundError:
            return "ok"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        mode = self.mode()
        if mode == "reject":
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if mode == "tempfail":
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        path = os.path.join(self.dir, "msg-%06d.eml" % n)
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Envelope-From: %s\r\n" % envelope.mail_from.encode())
            f.write(b"X-Envelope-To: %s\r\n" % ",".join(envelope.rcpt_tos).encode())
            f.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 Ok: queued as %d" % n


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        with open(os.path.join(self.event_handler.dir, "connections"), "a") as f:
            f.write("1\n")
        super().connection_made(transport)


class CountingController(Controller):
    def factory(self):
        return CountingSMTP(self.handler, **self.SMTP_kwargs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--implicit-tls", action="store_true")
    a = ap.parse_args()

    kwargs = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        if a.implicit_tls:
            kwargs.update(ssl_context=ctx)
        else:
            kwargs.update(tls_context=ctx, require_starttls=True)
    if a.user:
        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login == a.user.encode() and auth_data.password == a.password.encode()
            return AuthResult(success=ok)
        # With implicit TLS aiosmtpd does not see the session as TLS, but
        # it is: AUTH needs no STARTTLS there.
        kwargs.update(authenticator=authenticator, auth_required=True,
                      auth_require_tls=bool(a.cert) and not a.implicit_tls)
    handler = Handler(a.dir)
    controller = CountingController(handler, hostname="127.0.0.1", port=a.port,
                                    server_hostname="localhost", ready_timeout=10, **kwargs)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
