"""What the agent desktop needs of /v1/auth: a 401 that says why
(error.reason) and POST /v1/auth/refresh, capped by AGENTDESK_SESSION_MAX_AGE."""
import calendar
import time

from agentdesk_harness import PASSWORD, Agentdesk, World, main, wait_for


def epoch(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


def refused(ad, token, path="/v1/auth/me", method="GET"):
    """The reason of the 401 that token gets (asserting it is a 401)."""
    status, headers, body = ad.request(method, path, token=token)
    assert status == 401 and body["error"]["code"] == "unauthorized", (status, body)
    assert headers["www-authenticate"].startswith("Bearer"), headers
    assert headers.get("cache-control") == "no-store", headers
    return body["error"]["reason"]


def wait_reason(ad, token, reason, deadline=10):
    def seen():
        status, _, body = ad.request("GET", "/v1/auth/me", token=token)
        return status == 401 and body["error"].get("reason") == reason
    wait_for(seen, deadline, lambda: "GET /v1/auth/me to answer 401 %s (it answers %r)"
             % (reason, ad.request("GET", "/v1/auth/me", token=token)[::2]), 0.1)


def one_agent(ad):
    """A tenant with one agent made on the command line (no API calls, so
    that a server with a short TTL has nothing to race); returns its email."""
    t = ad.run_json("tenant", "create", "--name", "Short", "--pool-base", "10000",
                    "--pool-size", "10")
    ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "agent@short.example",
                "--password", PASSWORD, "--role", "agent")
    ad.serve()
    return "agent@short.example"


def test_reasons(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        agent = w.users[("A", "agent")]
        # Never issued, or malformed: nothing but a new login helps.
        assert refused(ad, "ad_" + "x" * 43) == "session_revoked"
        assert refused(ad, "nonsense") == "session_revoked"
        # Logout revokes.
        t = ad.login(agent["email"], PASSWORD)
        assert ad.request("POST", "/v1/auth/logout", token=t)[0] == 200
        assert refused(ad, t) == "session_revoked"
        # Suspension, on every authenticated route, and after reactivation
        # the old token is revoked (not suspended: the account is fine).
        t = ad.login(agent["email"], PASSWORD)
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={"status": "suspended"})
        assert status == 200, body
        assert refused(ad, t) == "account_suspended"
        assert refused(ad, t, "/v1/auth/refresh", "POST") == "account_suspended"
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                   json_body={"status": "active"})
        assert refused(ad, t) == "session_revoked"
        # A password change elsewhere revokes.
        t = ad.login(agent["email"], PASSWORD)
        other = ad.login(agent["email"], PASSWORD)
        status, _, body = ad.request("POST", "/v1/auth/change-password", token=other, json_body={
            "current_password": PASSWORD, "new_password": "another fine password"})
        assert status == 200, body
        assert refused(ad, t) == "session_revoked"
        # Deletion.
        sup = w.users[("A", "supervisor")]
        assert ad.request("DELETE", "/v1/admin/agents/%d" % sup["id"], token=admin)[0] == 200
        assert refused(ad, sup["token"]) == "account_deleted"
        # The tenant's suspension suspends its users.
        tb = w.token("agent", "B")
        status, _, body = ad.request("PATCH", "/v1/admin/tenants/%d" % w.tenants["B"]["id"],
                                     token=w.super["token"], json_body={"status": "suspended"})
        assert status == 200, body
        assert refused(ad, tb) == "account_suspended"


def test_expired_reason(backend):
    with Agentdesk(backend, env={"AGENTDESK_TOKEN_TTL": "1"}) as ad:
        t = ad.login(one_agent(ad), PASSWORD)
        wait_reason(ad, t, "session_expired")
        assert refused(ad, t, "/v1/auth/refresh", "POST") == "session_expired"


def test_refresh(backend):
    with Agentdesk(backend, env={"AGENTDESK_TOKEN_TTL": "600"}) as ad:
        w = World(ad)
        agent = w.users[("A", "agent")]
        before = int(time.time())
        status, _, body = ad.request("POST", "/v1/auth/login", json_body={
            "email": agent["email"], "password": PASSWORD})
        after = int(time.time()) + 1
        assert status == 200
        t0, exp0 = body["data"]["token"], epoch(body["data"]["expiresAt"])
        status, headers, body = ad.request("POST", "/v1/auth/refresh", token=t0)
        assert status == 200, body
        assert headers.get("cache-control") == "no-store", headers
        d = body["data"]
        assert set(d) == {"token", "expiresAt", "sessionExpiresAt"}, d
        t1 = d["token"]
        assert t1.startswith("ad_") and t1 != t0
        assert exp0 <= epoch(d["expiresAt"]) <= time.time() + 601, d
        # Default absolute limit: a day after the login began (the token's
        # expiry counts from when it was made, after the password check,
        # which takes seconds on a loaded machine: bound by the request).
        assert before + 86400 <= epoch(d["sessionExpiresAt"]) <= after + 86400, (before, after, d)
        # The old token is revoked, the new one works, and refreshing the
        # old one again does not mint a second live token.
        assert refused(ad, t0) == "session_revoked"
        assert refused(ad, t0, "/v1/auth/refresh", "POST") == "session_revoked"
        status, _, me = ad.request("GET", "/v1/auth/me", token=t1)
        assert status == 200 and me["data"]["user"]["email"] == agent["email"], me
        # A chain of refreshes keeps the limit of the first login.
        status, _, body = ad.request("POST", "/v1/auth/refresh", token=t1)
        assert status == 200 and body["data"]["sessionExpiresAt"] == d["sessionExpiresAt"], body
        # Logout of the newest token ends the chain.
        t2 = body["data"]["token"]
        assert ad.request("POST", "/v1/auth/logout", token=t2)[0] == 200
        assert refused(ad, t2, "/v1/auth/refresh", "POST") == "session_revoked"
        # A temporary-password session must change the password first.
        temp = w.users[("A", "temp")]
        status, _, body = ad.request("POST", "/v1/auth/refresh", token=temp["token"])
        assert status == 403 and body["error"]["code"] == "password_change_required", body
        # Without a token.
        status, _, body = ad.request("POST", "/v1/auth/refresh")
        assert status == 401 and body["error"]["code"] == "unauthorized", body


def test_refresh_absolute_limit(backend):
    # The limit counts from when the login began, and its password check
    # takes seconds on a loaded machine: 10 s leave room for the refresh.
    with Agentdesk(backend, env={"AGENTDESK_TOKEN_TTL": "3600",
                                 "AGENTDESK_SESSION_MAX_AGE": "10"}) as ad:
        email = one_agent(ad)
        before = int(time.time())
        status, _, body = ad.request("POST", "/v1/auth/login", json_body={
            "email": email, "password": PASSWORD})
        limit = epoch(body["data"]["expiresAt"])
        assert before + 10 <= limit <= time.time() + 11, body  # the login itself is capped
        assert time.time() < limit, "the login took past its own limit: %r" % body
        status, _, body = ad.request("POST", "/v1/auth/refresh", token=body["data"]["token"])
        assert status == 200, body
        assert epoch(body["data"]["expiresAt"]) == limit, body
        assert epoch(body["data"]["sessionExpiresAt"]) == limit, body
        # Past the limit the chain ends: refreshing no longer helps.
        t = body["data"]["token"]
        wait_reason(ad, t, "session_expired", deadline=limit - time.time() + 10)
        assert refused(ad, t, "/v1/auth/refresh", "POST") == "session_expired"


def test_bad_setting(backend):
    with Agentdesk(backend) as ad:
        rc, _, err = ad.run("migrate", check=False,
                            env={"AGENTDESK_SESSION_MAX_AGE": "0"})
        assert rc != 0 and "AGENTDESK_SESSION_MAX_AGE" in err, (rc, err)


if __name__ == "__main__":
    main()
