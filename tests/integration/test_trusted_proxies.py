"""AGENTDESK_TRUSTED_PROXIES: behind a load balancer the client's address
is read from X-Forwarded-For, but only when the TCP peer is a listed
proxy. Without the setting, or from a peer outside it, the header is
ignored: rotating it does not escape the per-address login throttle. With
it, clients behind the proxy are throttled each on its own, and the audit
rows, the access log and the xml_curl allow list see the forwarded
address; the list applies live on SIGHUP."""
import http.client
import os
import signal

from agentdesk_harness import PASSWORD, Agentdesk, main

ROOT = "root@platform.example"
LIMIT = {"AGENTDESK_LOGIN_IP_MAX_FAILURES": "3"}


def start(ad, env=None, extra_args=()):
    ad.run_json("user", "create", "--email", ROOT, "--password", PASSWORD, "--role", "superadmin")
    ad.serve(env=env, extra_args=extra_args)


def login(ad, email, password, xff=None, source="127.0.0.1"):
    """A login sent from source (a loopback address), with X-Forwarded-For
    xff when given; the status."""
    c = http.client.HTTPConnection("127.0.0.1", ad.port, timeout=30, source_address=(source, 0))
    try:
        headers = {"X-Forwarded-For": xff} if xff else None
        return ad.request("POST", "/v1/auth/login", conn=c, headers=headers,
                          json_body={"email": email, "password": password})[0]
    finally:
        c.close()


def failures_then(ad, xffs, source="127.0.0.1"):
    """Three failed logins, then a fourth; the status of each, with the
    nth X-Forwarded-For of xffs (the last one repeated)."""
    return [login(ad, "n%d@x.example" % i, "wrong guess", xffs[min(i, len(xffs) - 1)], source)
            for i in range(4)]


def audited_ip(ad, token, name, xff):
    """Creates a tenant named name with X-Forwarded-For xff: the audit
    row's client address."""
    status, _, body = ad.request("POST", "/v1/admin/tenants", token=token,
                                 headers={"X-Forwarded-For": xff}, json_body={"name": name})
    assert status == 201, body
    rows = ad.sql("SELECT client_ip FROM audit_log WHERE action = 'tenant.create' "
                  "AND target_id = %d" % body["tenant"]["id"])
    assert len(rows) == 1, rows
    return rows[0][0]


def test_header_ignored_without_setting(backend):
    with Agentdesk(backend, env=LIMIT) as ad:
        start(ad)
        token = ad.login(ROOT, PASSWORD)
        spoofed = ["198.51.100.%d" % i for i in range(1, 5)]
        assert failures_then(ad, spoofed) == [401, 401, 401, 429]
        assert audited_ip(ad, token, "Plain", "198.51.100.9") == "127.0.0.1"
        ad.request("GET", "/not-forwarded", headers={"X-Forwarded-For": "198.51.100.9"})
        log = ad.wait_log("GET /not-forwarded ")
        lines = [l for l in log.splitlines() if "GET /not-forwarded " in l]
        assert lines and lines[0].endswith(" ip=127.0.0.1"), log
        assert "ip=198.51.100" not in log, log


def test_trusted_proxy_names_the_client(backend):
    with Agentdesk(backend, env=dict(LIMIT, AGENTDESK_TRUSTED_PROXIES="127.0.0.1")) as ad:
        start(ad)
        # One client behind the proxy is throttled; so are its spoofed
        # leftmost entries (what it wrote itself is not believed).
        assert failures_then(ad, ["198.51.100.7", "203.0.113.1, 198.51.100.7",
                                  "198.51.100.7", "203.0.113.2, 198.51.100.7"]) \
            == [401, 401, 401, 429]
        # Another client behind the same proxy is not.
        assert login(ad, "n9@x.example", "wrong guess", "198.51.100.8") == 401
        assert login(ad, ROOT, PASSWORD, "198.51.100.8, 127.0.0.1") == 200
        # Nor is the proxy's own address, for requests without the header.
        assert login(ad, ROOT, PASSWORD) == 200
        token = ad.login(ROOT, PASSWORD)
        assert audited_ip(ad, token, "Forwarded", "203.0.113.5") == "203.0.113.5"
        assert "ip=203.0.113.5" in ad.wait_log(" ip=203.0.113.5"), ad.log()
        # A malformed header, or one sent twice, names no one: the peer.
        ad.request("GET", "/malformed", headers={"X-Forwarded-For": "[2001:db8::1]:443"})
        c = ad.connect()
        try:
            c.putrequest("GET", "/repeated")
            c.putheader("X-Forwarded-For", "198.51.100.30")
            c.putheader("X-Forwarded-For", "198.51.100.31")
            c.endheaders()
            c.getresponse().read()
        finally:
            c.close()
        for path in ("/malformed", "/repeated"):
            log = ad.wait_log("GET %s " % path)
            lines = [l for l in log.splitlines() if "GET %s " % path in l]
            assert lines and lines[0].endswith(" ip=127.0.0.1"), log
        # The xml_curl allow list (loopback by default) sees the forwarded
        # address too.
        xml = ("POST", "/freeswitch/xml", None, b"section=directory",
               {"Content-Type": "application/x-www-form-urlencoded"})
        assert ad.request(*xml)[0] != 403
        assert ad.request(*xml[:4], dict(xml[4], **{"X-Forwarded-For": "198.51.100.7"}))[0] == 403


def test_untrusted_peer_then_sighup(backend):
    with Agentdesk(backend, env=LIMIT) as ad:
        conf = os.path.join(ad.tmpdir, "agentdesk.conf")
        with open(conf, "w") as f:
            f.write("AGENTDESK_TRUSTED_PROXIES = ::1\n")
        start(ad, extra_args=["--config", conf])
        # ::1 is trusted, but the requests come from 127.0.0.2: ignored.
        spoofed = ["198.51.100.%d" % i for i in range(11, 15)]
        assert failures_then(ad, spoofed, "127.0.0.2") == [401, 401, 401, 429]
        # Trusted live: 127.0.0.2's clients are now told apart.
        with open(conf, "w") as f:
            f.write("AGENTDESK_TRUSTED_PROXIES = ::1, 127.0.0.0/8\n")
        ad.proc.send_signal(signal.SIGHUP)
        log = ad.wait_log("SIGHUP: AGENTDESK_TRUSTED_PROXIES changed: applied")
        assert "SIGHUP: AGENTDESK_TRUSTED_PROXIES changed: applied" in log, log
        assert login(ad, "n1@x.example", "wrong guess", "198.51.100.20", "127.0.0.2") == 401
        assert login(ad, "n1@x.example", "wrong guess", None, "127.0.0.2") == 429


if __name__ == "__main__":
    main()
