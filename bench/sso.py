"""Single sign-on round trip: the time from the provider's redirect back
(GET /v1/auth/oidc/callback: the flow taken, the code traded at the
provider's token endpoint, the ID token checked against its JWKS, the user
found) to the portal page's data (GET /login's HTML, POST
/v1/auth/oidc/exchange, GET /v1/auth/me), against node-oidc-provider on
loopback (tests/harness/oidc_provider.mjs); also the whole login including
the provider's own redirects. On SQLite and, when the PostgreSQL fixture is
available (AGENTDESK_TEST_PG_DIR), on PostgreSQL. Figures only."""
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import (CLIENT_ID, CLIENT_SECRET, Agentdesk, Browser,  # noqa: E402
                               Provider, free_port, make_cert)

LOGINS = 50
PASSWORD = "bench password 1"


def ms(values):
    values = sorted(values)
    return "p50 %.1f ms, p99 %.1f ms" % (statistics.median(values) * 1e3,
                                        values[max(0, int(len(values) * 0.99) - 1)] * 1e3)


def run(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad:
        make_cert(ad.tmpdir, "idp")
        t = ad.run_json("tenant", "create", "--name", "Bench", "--pool-size", "100")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@bench.example",
                    "--password", PASSWORD, "--role", "admin")
        port = free_port()
        public = "http://127.0.0.1:%d" % port
        ad.serve(port=port, env={"AGENTDESK_PUBLIC_URL": public,
                                 "AGENTDESK_OIDC_CA_FILE": ad.tmpdir + "/idp.pem",
                                 "AGENTDESK_OIDC_ALLOW_PRIVATE": "true"})
        op = Provider("oidc_provider.mjs", ad.tmpdir, public + "/v1/auth/oidc/callback")
        try:
            token = ad.login("admin@bench.example", PASSWORD)
            status, _, b = ad.request("PUT", "/v1/admin/sso", token=token, json_body={
                "issuer": op.issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "display_name": "Bench IdP", "email_domains": ["bench.example"]})
            assert status == 200, b
            round_trips, wholes = [], []
            browser = Browser(op.cert)
            for i in range(LOGINS + 1):
                t0 = time.perf_counter()
                status, h, _ = browser.request("GET", public + "/v1/auth/oidc/start?email=" +
                                               urllib.parse.quote("admin@bench.example"))
                assert status == 303, h
                url = browser.navigate(h["location"], public + "/v1/auth/oidc/callback")
                t1 = time.perf_counter()
                status, h, _ = browser.request("GET", urllib.parse.urljoin(public, url))
                assert status == 303 and h["location"].startswith("/login#code="), h
                code = h["location"].split("=", 1)[1]
                status, _, _ = browser.request("GET", public + "/login")
                assert status == 200
                status, _, b = ad.request("POST", "/v1/auth/oidc/exchange",
                                          json_body={"code": code})
                assert status == 200, b
                status, _, me = ad.request("GET", "/v1/auth/me", token=b["data"]["token"])
                assert status == 200, me
                t2 = time.perf_counter()
                if i:   # the first fills the JWKS cache and the connections
                    round_trips.append(t2 - t1)
                    wholes.append(t2 - t0)
            print("sso login (%s): %d logins; callback to portal data %s; whole login through "
                  "the provider %s" % (backend, LOGINS, ms(round_trips), ms(wholes)))
        finally:
            op.stop()


if __name__ == "__main__":
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
