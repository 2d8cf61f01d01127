"""Single sign-on with OpenID Connect (issue 21) through the real binary:
the tenant's provider settings (the client secret sealed, never answered),
the login page's lookup (an unknown domain answers as one without single
sign-on), the flow against node-oidc-provider (a certified provider:
login, a replayed state, another browser's callback, key rotation, an
unverified email, another email domain, password logins turned off), and
the refusals a certified provider cannot be made to show, against
tests/harness/oidc_test_idp.mjs (a wrong audience, issuer or nonce, an
expired or tampered ID token, a key it never published), each with the
stable code the login page explains."""
import urllib.parse

from agentdesk_harness import (CLIENT_ID, CLIENT_SECRET, PASSWORD, Agentdesk, Browser, Provider,
                               free_port, main, make_cert)


def served(ad):
    """Tenants A and B with an admin each, served at a port known in advance
    (AGENTDESK_PUBLIC_URL makes the redirect URI from it); returns (public
    URL, {key: (tenant, admin token)})."""
    make_cert(ad.tmpdir, "idp")
    tenants = {}
    for key, base in (("A", 10000), ("B", 20000)):
        t = ad.run_json("tenant", "create", "--name", "Tenant " + key, "--pool-base", str(base),
                        "--pool-size", "20")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email",
                    "admin@%s.example" % key.lower(), "--password", PASSWORD, "--role", "admin",
                    "--first-name", "Admin", "--last-name", key)
        tenants[key] = t
    port = free_port()
    public = "http://127.0.0.1:%d" % port
    ad.serve(port=port, env={"AGENTDESK_PUBLIC_URL": public,
                             "AGENTDESK_OIDC_CA_FILE": ad.tmpdir + "/idp.pem",
                             "AGENTDESK_OIDC_ALLOW_PRIVATE": "true",
                             "AGENTDESK_XMLCURL_PASSWORD": "xc",
                             "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
    for key in tenants:
        tenants[key] = (tenants[key], ad.login("admin@%s.example" % key.lower(), PASSWORD))
    return public, tenants


def configure(ad, token, issuer, domains, **more):
    body = {"issuer": issuer, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "display_name": "Test IdP", "email_domains": domains}
    body.update(more)
    status, _, b = ad.request("PUT", "/v1/admin/sso", token=token, json_body=body)
    assert status == 200, (status, b)
    return b["sso"]


def new_agent(ad, token, email, activate=False):
    status, _, b = ad.request("POST", "/v1/admin/agents", token=token, json_body={
        "first_name": "F", "last_name": "L", "email": email})
    assert status == 201, b
    if activate:
        t = ad.login(email, b["temporary_password"])
        status, _, c = ad.request("POST", "/v1/auth/change-password", token=t, json_body={
            "current_password": b["temporary_password"], "new_password": PASSWORD})
        assert status == 200, c
    return b["agent"]


def start(ad, public, browser, email):
    """GET start in browser: the provider's authorization URL."""
    status, h, _ = browser.request("GET", public + "/v1/auth/oidc/start?" +
                                   urllib.parse.urlencode({"email": email}))
    assert status == 303, (status, h)
    return h["location"]


def callback_url(ad, public, browser, email, login=None):
    """Runs the flow up to the provider's redirect back; returns its URL.
    login: who signs in at the provider (else email)."""
    auth = start(ad, public, browser, email)
    assert auth.startswith("https://127.0.0.1:"), auth
    return browser.navigate(auth, public + "/v1/auth/oidc/callback", login=login)


def finish(browser, url):
    """The callback: the fragment of the login page it ends at."""
    status, h, _ = browser.request("GET", url)
    assert status == 303, (status, h)
    loc = h["location"]
    assert loc.startswith("/login#"), loc
    return dict(urllib.parse.parse_qsl(loc.split("#", 1)[1]))


def sign_in(ad, public, browser, email, login=None):
    """The whole flow: the login page's fragment."""
    return finish(browser, urllib.parse.urljoin(public, callback_url(ad, public, browser, email,
                                                                     login)))


def exchange(ad, code):
    return ad.request("POST", "/v1/auth/oidc/exchange", json_body={"code": code})


def test_settings_lookup_and_refusals(backend):
    with Agentdesk(backend) as ad:
        public, tenants = served(ad)
        (ta, admin_a), (_, admin_b) = tenants["A"], tenants["B"]
        base = {"issuer": "https://idp.example", "client_id": CLIENT_ID,
                "display_name": "Acme Login", "email_domains": ["a.example"]}
        # The secret is required the first time; the issuer must be https.
        status, _, b = ad.request("PUT", "/v1/admin/sso", token=admin_a, json_body=base)
        assert status == 400 and b["error"]["field"] == "client_secret", b
        for field, bad in (("issuer", "http://idp.example"), ("email_domains", ["not a domain"]),
                           ("email_domains", [])):
            status, _, b = ad.request("PUT", "/v1/admin/sso", token=admin_a,
                                      json_body=dict(base, client_secret="s", **{field: bad}))
            assert status == 400 and b["error"]["field"] == field, (field, b)
        assert ad.request("GET", "/v1/admin/sso", token=admin_a)[0] == 404
        sso = configure(ad, admin_a, "https://idp.example", ["A.example"])
        assert sso["email_domains"] == ["a.example"] and sso["client_secret_set"] is True
        status, _, b = ad.request("GET", "/v1/admin/sso", token=admin_a)
        assert status == 200 and CLIENT_SECRET not in str(b), b
        # Sealed at rest: the database alone does not hold it.
        stored = ad.sql("SELECT client_secret FROM tenant_sso")
        assert stored[0][0].startswith("v1:") and CLIENT_SECRET not in stored[0][0], stored
        # Left out, the secret is kept.
        status, _, b = ad.request("PUT", "/v1/admin/sso", token=admin_a,
                                  json_body=dict(base, display_name="Acme SSO"))
        assert status == 200 and ad.sql("SELECT client_secret FROM tenant_sso") == stored, b
        # A domain signs in one tenant only.
        status, _, b = ad.request("PUT", "/v1/admin/sso", token=admin_b, json_body=dict(
            base, client_secret="x", email_domains=["b.example", "a.example"]))
        assert status == 409 and b["error"]["code"] == "domain_taken", b
        # Agents may not read or change it.
        agent = new_agent(ad, admin_a, "agent@a.example", activate=True)
        token = ad.login("agent@a.example", PASSWORD)
        assert ad.request("GET", "/v1/admin/sso", token=token)[0] == 403

        # The login page: the provider's name for its domain, the same answer
        # for an unknown domain as for a tenant's domain without it.
        def lookup(email):
            status, _, b = ad.request("POST", "/v1/auth/oidc/lookup", json_body={"email": email})
            assert status == 200, b
            return b
        assert lookup("someone@A.EXAMPLE")["sso"] == {"name": "Acme SSO"}
        assert lookup("x@b.example") == lookup("x@nowhere.example") == lookup("not an email")
        assert lookup("x@nowhere.example")["sso"] is None

        # Unknown, used or malformed codes and states.
        status, _, b = exchange(ad, "A" * 43)
        assert status == 401 and b["error"]["code"] == "invalid_code", b
        browser = Browser(ad.tmpdir + "/idp.pem")
        for query in ("", "?state=" + "x" * 43 + "&code=c", "?state=short"):
            assert finish(browser, public + "/v1/auth/oidc/callback" + query) == {
                "sso_error": "state_invalid"}, query
        status, h, _ = browser.request("GET", public + "/v1/auth/oidc/start?email=x@nowhere.example")
        assert status == 303 and h["location"] == "/login#sso_error=sso_unavailable", h
        assert "set-cookie" not in h

        # Password logins turned off: refused once the password is right
        # (a wrong one still says only that).
        configure(ad, admin_a, "https://idp.example", ["a.example"], password_login=False)
        assert lookup("agent@a.example")["password"] == {"allowed": False}
        status, _, b = ad.request("POST", "/v1/auth/login", json_body={
            "email": "agent@a.example", "password": PASSWORD})
        assert status == 403 and b["error"]["code"] == "sso_required", b
        status, _, b = ad.request("POST", "/v1/auth/login", json_body={
            "email": "agent@a.example", "password": "wrong password!"})
        assert status == 401, b
        assert ad.request("DELETE", "/v1/admin/sso", token=admin_a)[0] == 200
        ad.login("agent@a.example", PASSWORD)
        assert agent["email"] == "agent@a.example"


def test_certified_provider(backend):
    with Agentdesk(backend) as ad:
        public, tenants = served(ad)
        admin_a = tenants["A"][1]
        redirect = public + "/v1/auth/oidc/callback"
        op = Provider("oidc_provider.mjs", ad.tmpdir, redirect, kid="k1",
                      accounts={"unverified@a.example": {"email_verified": False}})
        try:
            configure(ad, admin_a, op.issuer, ["a.example"])
            agent = new_agent(ad, admin_a, "agent@a.example")
            new_agent(ad, admin_a, "unverified@a.example")
            browser = Browser(op.cert)
            status, h, _ = Browser(op.cert).request(
                "GET", public + "/v1/auth/oidc/start?email=agent%40a.example")
            cookie = h["set-cookie"]
            for attribute in ("HttpOnly", "SameSite=Lax", "Path=/v1/auth/oidc/callback",
                              "Max-Age=600"):
                assert attribute in cookie, cookie
            auth = start(ad, public, browser, "agent@a.example")
            q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(auth).query))
            assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) == 43, q
            assert q["redirect_uri"] == redirect and q["client_id"] == CLIENT_ID, q
            assert "code_verifier" not in q and CLIENT_SECRET not in auth
            # The binding cookie: HttpOnly, SameSite=Lax, the callback's path only.
            binding = browser.cookie_header(public, "agentdesk_oidc")
            assert binding and len(binding) == 43
            url = browser.navigate(auth, redirect)
            fragment = finish(browser, url)
            assert set(fragment) == {"code"}, fragment
            assert browser.cookie_header(public, "agentdesk_oidc") is None   # spent
            status, _, b = exchange(ad, fragment["code"])
            assert status == 200 and b["data"]["user"]["id"] == agent["id"], b
            assert b["data"]["mustChangePassword"] is False
            status, _, me = ad.request("GET", "/v1/auth/me", token=b["data"]["token"])
            assert status == 200, me
            # The one-time code and the state are spent.
            assert exchange(ad, fragment["code"])[0] == 401
            assert finish(browser, url) == {"sso_error": "state_invalid"}
            # Audited as the user's own act, and the secret in no row of the log.
            rows = ad.sql("SELECT actor_user_id, details FROM audit_log "
                          "WHERE action = 'user.sso_login'")
            assert len(rows) == 1 and rows[0][0] == str(agent["id"]), rows
            assert CLIENT_SECRET not in str(ad.sql("SELECT * FROM audit_log"))
            # Linked: the (iss, sub) pair now names the user.
            assert ad.sql("SELECT subject, user_id FROM user_identities") == [
                ("agent@a.example", str(agent["id"]))]

            # A callback in another browser than the one that started: refused.
            url = callback_url(ad, public, browser, "agent@a.example")
            assert finish(Browser(op.cert), urllib.parse.urljoin(public, url)) == {
                "sso_error": "browser_mismatch"}
            # The state was used by that attempt: the right browser is too late.
            assert finish(browser, urllib.parse.urljoin(public, url)) == {
                "sso_error": "state_invalid"}

            # An email the provider has not verified links nothing.
            # (A new browser each: the provider's own session would sign the
            # previous user in again.)
            got = sign_in(ad, public, Browser(op.cert), "unverified@a.example")
            assert got == {"sso_error": "email_not_verified"}, got
            assert len(ad.sql("SELECT subject FROM user_identities")) == 1
            # A user of another email domain (the login page's email was one
            # of the tenant's; the provider's account is not).
            got = sign_in(ad, public, Browser(op.cert), "agent@a.example",
                          login="someone@other.example")
            assert got == {"sso_error": "email_domain_not_allowed"}, got
            # Nobody with that email in the tenant, no just-in-time accounts.
            got = sign_in(ad, public, Browser(op.cert), "nobody@a.example")
            assert got == {"sso_error": "no_account"}, got

            # Key rotation: the provider restarts with another key; its kid
            # is unknown to the set agentdesk kept, which fetches it again.
            op.stop()
            op.start(kid="k2")
            fragment = sign_in(ad, public, Browser(op.cert), "agent@a.example")
            assert set(fragment) == {"code"}, fragment
            assert exchange(ad, fragment["code"])[0] == 200

            # A suspended user is refused even with a linked identity.
            status, _, b = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"],
                                      token=admin_a, json_body={"status": "suspended"})
            assert status == 200, b
            assert sign_in(ad, public, Browser(op.cert), "agent@a.example") == {
                "sso_error": "account_disabled"}
        finally:
            op.stop()


def test_misbehaving_provider(backend):
    with Agentdesk(backend) as ad:
        public, tenants = served(ad)
        admin_b = tenants["B"][1]
        idp = Provider("oidc_test_idp.mjs", ad.tmpdir, public + "/v1/auth/oidc/callback")
        try:
            configure(ad, admin_b, idp.issuer, ["b.example"], jit_accounts=True)
            agent = new_agent(ad, admin_b, "agent@b.example")
            email = "agent@b.example"

            def attempt(**mode):
                idp.control(email=email, **mode)
                return sign_in(ad, public, Browser(idp.cert), email)
            for mode, code in (({"aud": "someone-else"}, "id_token_audience"),
                               ({"iss": "https://evil.example"}, "id_token_issuer"),
                               ({"exp": -120}, "id_token_expired"),
                               ({"iat": 600}, "id_token_issued_at"),
                               ({"tamper": True}, "id_token_signature"),
                               ({"nonce": "another"}, "id_token_nonce"),
                               ({"kid": "b"}, "id_token_unknown_key")):
                assert attempt(**mode) == {"sso_error": code}, (mode, code)
            assert ad.sql("SELECT COUNT(*) FROM user_identities") == [("0",)]
            assert ad.sql("SELECT COUNT(*) FROM oidc_codes") == [("0",)]
            # The key it then publishes (rotation), and a good token: in.
            fragment = attempt(kid="b", published=["a", "b"])
            status, _, b = exchange(ad, fragment["code"])
            assert status == 200 and b["data"]["user"]["id"] == agent["id"], b
            # Deleted, the account's link is stale: the same person at the
            # provider gets a new account (just-in-time), not the old one.
            status, _, b = ad.request("DELETE", "/v1/admin/agents/%d" % agent["id"],
                                      token=admin_b)
            assert status in (200, 204), b
            fragment = attempt(kid="b", published=["a", "b"])
            assert "code" in fragment, fragment
            status, _, b = exchange(ad, fragment["code"])
            assert status == 200 and b["data"]["user"]["id"] != agent["id"], b
            assert b["data"]["user"]["email"] == "agent@b.example", b
            # Just-in-time: an unknown user of the domain becomes an agent.
            email = "fresh@b.example"
            fragment = attempt()
            assert "code" in fragment, fragment
            status, _, b = exchange(ad, fragment["code"])
            assert status == 200 and b["data"]["user"]["role"] == "agent", b
            assert b["data"]["user"]["tenantId"] == tenants["B"][0]["id"], b
        finally:
            idp.stop()


if __name__ == "__main__":
    main()
