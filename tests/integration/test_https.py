"""HTTPS: AGENTDESK_TLS_CERT_FILE and AGENTDESK_TLS_KEY_FILE make `serve`
speak TLS (a throwaway certificate made by `openssl req` here, verified by
the client), the API and the web app over it, plain HTTP refused on that
port, and clear start failures for a missing, unreadable, malformed or
mismatched certificate or key."""
import http.client
import os
import socket
import ssl
import subprocess

from agentdesk_harness import Agentdesk, check_sanitizers, main, parse_demo_password


def make_cert(tmpdir, name):
    cert, key = (os.path.join(tmpdir, name + ext) for ext in (".crt", ".key"))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return cert, key


class TlsAgentdesk(Agentdesk):
    """The harness's server, spoken to over HTTPS, trusting only cafile."""

    cafile = None

    def connect(self):
        ctx = ssl.create_default_context(cafile=self.cafile)
        return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=ctx)


def start_failure(backend, env, *expected):
    with Agentdesk(backend) as ad:
        ad.serve(env=env, wait=False)
        rc = ad.proc.wait(timeout=60)
        ad.proc = None
        ad._stderr.close()
        log = ad.log()
        check_sanitizers(log, "serve")
        assert rc != 0, (env, log)
        for text in expected:
            assert text in log, (text, log)
        assert "BEGIN" not in log, log  # no PEM text in the message
        print("  refused:", log.strip().splitlines()[-1])
        return log


def test_https_serves_api_and_app(backend):
    with TlsAgentdesk(backend) as ad:
        ad.cafile, key = make_cert(ad.tmpdir, "server")
        web = os.path.join(ad.tmpdir, "web")
        os.makedirs(web)
        with open(os.path.join(web, "index.html"), "w") as f:
            f.write("<!doctype html><title>portal</title>")
        _, out, _ = ad.run("demo")
        password = parse_demo_password(out)
        ad.serve(env={"AGENTDESK_TLS_CERT_FILE": ad.cafile, "AGENTDESK_TLS_KEY_FILE": key,
                      "AGENTDESK_WEB_DIR": web})
        assert "serving on https://" in ad.wait_log("serving on"), ad.log()
        status, h, body = ad.request("GET", "/healthz")
        assert status == 200, body
        status, h, body = ad.request("GET", "/login")
        assert status == 200 and "<title>portal</title>" in body, body
        assert "frame-ancestors 'none'" in h["content-security-policy"], h
        token = ad.login("admin@demo.local", password)
        status, h, body = ad.request("GET", "/v1/auth/me", token=token)
        assert status == 200 and h["cache-control"] == "no-store", (status, h)
        # The client really checked the chain: another CA is refused.
        other, _ = make_cert(ad.tmpdir, "other")
        ctx = ssl.create_default_context(cafile=other)
        c = http.client.HTTPSConnection("127.0.0.1", ad.port, timeout=10, context=ctx)
        try:
            c.request("GET", "/healthz")
            raise AssertionError("a certificate from another CA was accepted")
        except ssl.SSLCertVerificationError:
            pass
        finally:
            c.close()
        # Plain HTTP on the HTTPS port gets no HTTP answer.
        with socket.create_connection(("127.0.0.1", ad.port), timeout=10) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                reply = s.recv(100)
            except ConnectionResetError:
                reply = b""
            assert not reply.startswith(b"HTTP/1.1 200"), reply


def test_tls_start_failures(backend):
    with Agentdesk(backend) as ad:
        cert, key = make_cert(ad.tmpdir, "a")
        cert_b, key_b = make_cert(ad.tmpdir, "b")
        garbage = os.path.join(ad.tmpdir, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
        unreadable = os.path.join(ad.tmpdir, "dir.pem")
        os.makedirs(unreadable)
        missing = os.path.join(ad.tmpdir, "missing.pem")
        start_failure(backend, {"AGENTDESK_TLS_CERT_FILE": cert}, "AGENTDESK_TLS_KEY_FILE",
                      "both")
        start_failure(backend, {"AGENTDESK_TLS_KEY_FILE": key}, "AGENTDESK_TLS_CERT_FILE")
        start_failure(backend, {"AGENTDESK_TLS_CERT_FILE": missing, "AGENTDESK_TLS_KEY_FILE": key},
                      "AGENTDESK_TLS_CERT_FILE " + missing, "No such file")
        start_failure(backend, {"AGENTDESK_TLS_CERT_FILE": cert, "AGENTDESK_TLS_KEY_FILE": unreadable},
                      "AGENTDESK_TLS_KEY_FILE " + unreadable, "Is a directory")
        start_failure(backend, {"AGENTDESK_TLS_CERT_FILE": garbage, "AGENTDESK_TLS_KEY_FILE": key},
                      "not a usable PEM certificate and private key")
        start_failure(backend, {"AGENTDESK_TLS_CERT_FILE": key, "AGENTDESK_TLS_KEY_FILE": cert},
                      "not a usable PEM certificate and private key")
        # A key that is not the certificate's.
        start_failure(backend, {"AGENTDESK_TLS_CERT_FILE": cert, "AGENTDESK_TLS_KEY_FILE": key_b},
                      "not a usable PEM certificate and private key")


if __name__ == "__main__":
    main()
