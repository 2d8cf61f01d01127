"""Single sign-on's anonymous start and what it may cost (the start route
needs no session, and each start could make the server ask the tenant's
provider and write a flow): starts are throttled per client address
(AGENTDESK_SSO_START_MAX in the login window, every start counted), the
refusal written before anything else, with a stable code, another address
still served; and the provider's discovery document is kept in memory, so
a second start and a callback do not read it again, while saving the
tenant's settings or a refusal of the provider's token endpoint makes the
next start read it again (tests/harness/oidc_test_idp.mjs counts the
reads)."""
import http.client
import urllib.parse

from agentdesk_harness import (CLIENT_ID, CLIENT_SECRET, PASSWORD, Agentdesk, Browser, Provider,
                               free_port, main, metric)

LIMIT = 8


def start_from(ad, address, email):
    """GET start from the loopback address given (another client as the
    server sees it): (status, headers)."""
    c = http.client.HTTPConnection("127.0.0.1", ad.port, timeout=30, source_address=(address, 0))
    try:
        c.request("GET", "/v1/auth/oidc/start?" + urllib.parse.urlencode({"email": email}))
        r = c.getresponse()
        r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}
    finally:
        c.close()


def flows(ad):
    return int(ad.sql("SELECT COUNT(*) FROM oidc_flows")[0][0])


def test_start_throttle_and_discovery_cache(backend):
    with Agentdesk(backend) as ad:
        t = ad.run_json("tenant", "create", "--name", "Tenant A", "--pool-base", "10000",
                        "--pool-size", "20")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@a.example",
                    "--password", PASSWORD, "--role", "admin", "--first-name", "Admin",
                    "--last-name", "A")
        port = free_port()
        public = "http://127.0.0.1:%d" % port
        idp = Provider("oidc_test_idp.mjs", ad.tmpdir, public + "/v1/auth/oidc/callback")
        try:
            ad.serve(port=port, env={"AGENTDESK_PUBLIC_URL": public,
                                     "AGENTDESK_OIDC_CA_FILE": idp.cert,
                                     "AGENTDESK_OIDC_ALLOW_PRIVATE": "true",
                                     "AGENTDESK_SSO_START_MAX": str(LIMIT)})
            admin = ad.login("admin@a.example", PASSWORD)
            settings = {"issuer": idp.issuer, "client_id": CLIENT_ID,
                        "client_secret": CLIENT_SECRET, "display_name": "Test IdP",
                        "email_domains": ["a.example"], "jit_accounts": True}

            def save():
                status, _, b = ad.request("PUT", "/v1/admin/sso", token=admin, json_body=settings)
                assert status == 200, b

            def reads():
                return idp.counts()["discovery"]
            save()
            email = "agent@a.example"
            idp.control(email=email)

            # The cache: one read for two starts and a whole sign-in.
            browser = Browser(idp.cert)

            def start():
                status, h, _ = browser.request("GET", public + "/v1/auth/oidc/start?" +
                                               urllib.parse.urlencode({"email": email}))
                assert status == 303 and h["location"].startswith(idp.issuer), (status, h)
                return h["location"]
            assert reads() == 0
            start()
            assert reads() == 1
            back = browser.navigate(start(), public + "/v1/auth/oidc/callback")
            status, h, _ = browser.request("GET", urllib.parse.urljoin(public, back))
            assert status == 303 and h["location"].startswith("/login#code="), h
            assert reads() == 1
            # Saved settings (an admin's fix) are read again at once.
            save()
            start()
            assert reads() == 2
            start()
            assert reads() == 2
            # A token endpoint that refuses: the document may be stale.
            back = browser.navigate(start(), public + "/v1/auth/oidc/callback")
            back = back.replace("code=", "code=unknown", 1)
            status, h, _ = browser.request("GET", urllib.parse.urljoin(public, back))
            assert h["location"] == "/login#sso_error=provider_error", h
            start()
            assert reads() == 3
            # Deleted and saved again: read again.
            status, _, b = ad.request("DELETE", "/v1/admin/sso", token=admin)
            assert status == 200, b
            save()
            start()
            assert reads() == 4

            # The throttle: LIMIT starts from one address (each counted,
            # an unknown domain's too), then refusals that write nothing
            # and ask the provider nothing.
            before, reads_before = flows(ad), reads()
            for i in range(LIMIT):
                status, h = start_from(ad, "127.0.0.3",
                                       email if i % 2 else "someone@unknown.example")
                assert status == 303 and not h["location"].startswith("/login#sso_error=too"), h
            assert flows(ad) == before + LIMIT // 2
            save()   # the next start would read the document
            for _ in range(3):
                status, h = start_from(ad, "127.0.0.3", email)
                assert status == 303, h
                assert h["location"] == "/login#sso_error=too_many_attempts", h
                assert int(h["retry-after"]) >= 1, h
                assert "set-cookie" not in h, h
            assert flows(ad) == before + LIMIT // 2
            assert reads() == reads_before
            assert metric(ad, "agentdesk_throttle_refusals_total", {"what": "sso_start"}) == 3
            # Per address: another client still starts.
            status, h = start_from(ad, "127.0.0.4", email)
            assert status == 303 and h["location"].startswith(idp.issuer), h
            assert flows(ad) == before + LIMIT // 2 + 1
            assert reads() == reads_before + 1
        finally:
            idp.stop()


if __name__ == "__main__":
    main()
