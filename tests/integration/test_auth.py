"""/v1/auth: login, throttling, /me, temporary passwords, change-password,
logout, expiry and revocation."""

from agentdesk_harness import (Agentdesk, PASSWORD, World, main, metric, parse_demo_password,
                               wait_for)


def test_login_shape_and_failures(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        status, _, body = ad.request("POST", "/v1/auth/login", json_body={
            "email": "ADMIN@a.example", "password": PASSWORD})
        assert status == 200, body
        d = body["data"]
        assert d["token"].startswith("ad_") and len(d["token"]) == 46
        assert d["expiresAt"].endswith("Z") and d["mustChangePassword"] is False
        assert d["user"] == {"id": d["user"]["id"], "email": "admin@a.example",
                             "firstName": "Admin", "lastName": "A", "role": "admin",
                             "tenantId": w.tenants["A"]["id"]}, d["user"]
        # A wrong password and an unknown email cost the same work: one
        # argon2id check each (the unknown one against a stand-in hash).
        checks = metric(ad, "agentdesk_argon2id_checks_total")
        s1, _, wrong_pw = ad.request("POST", "/v1/auth/login", json_body={
            "email": "admin@b.example", "password": "not the password"})
        assert metric(ad, "agentdesk_argon2id_checks_total") == checks + 1
        s2, _, no_user = ad.request("POST", "/v1/auth/login", json_body={
            "email": "nobody@b.example", "password": "not the password"})
        assert metric(ad, "agentdesk_argon2id_checks_total") == checks + 2
        assert s1 == s2 == 401 and wrong_pw == no_user, (wrong_pw, no_user)
        assert wrong_pw["error"]["code"] == "invalid_credentials"
        for bad in ({}, {"email": "x@y.example"}, {"email": 5, "password": "x"},
                    {"email": "x@y.example", "password": None}):
            status, _, body = ad.request("POST", "/v1/auth/login", json_body=bad)
            assert status == 400 and body["error"]["code"] == "validation_failed", (bad, body)
        status, _, body = ad.request("GET", "/v1/auth/me", token=w.super["token"])
        assert status == 200 and body["data"]["user"]["tenantId"] is None, body


def test_throttle(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        for i in range(5):
            status, _, _ = ad.request("POST", "/v1/auth/login", json_body={
                "email": "admin@a.example", "password": "wrong %d" % i})
            assert status == 401
        status, headers, body = ad.request("POST", "/v1/auth/login", json_body={
            "email": "admin@a.example", "password": PASSWORD})
        assert status == 429 and body["error"]["code"] == "too_many_attempts", body
        assert 1 <= int(headers["retry-after"]) <= 900, headers
        # Another email from the same address still works.
        ad.login("admin@b.example", PASSWORD)
        # The throttle lives in the store: a restarted server still refuses.
        ad.stop()
        ad.serve()
        status, _, _ = ad.request("POST", "/v1/auth/login", json_body={
            "email": "admin@a.example", "password": PASSWORD})
        assert status == 429
        del w


def test_ip_throttle(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOGIN_IP_MAX_FAILURES": "3"}) as ad:
        World(ad)
        for i in range(3):
            ad.request("POST", "/v1/auth/login", json_body={
                "email": "n%d@x.example" % i, "password": "whatever it is"})
        status, headers, _ = ad.request("POST", "/v1/auth/login", json_body={
            "email": "admin@a.example", "password": PASSWORD})
        assert status == 429 and "retry-after" in headers


def test_me_and_temporary_password(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        temp = w.users[("A", "temp")]
        status, _, body = ad.request("POST", "/v1/auth/login", json_body={
            "email": temp["email"], "password": temp["temporary_password"]})
        assert status == 200 and body["data"]["mustChangePassword"] is True
        t = body["data"]["token"]
        for method, path in (("GET", "/v1/auth/me"), ("GET", "/v1/admin/agents")):
            status, _, body = ad.request(method, path, token=t)
            assert status == 403 and body["error"]["code"] == "password_change_required", body
        # change-password rules
        for new, field in (("short", "new_password"), (temp["email"].upper(), "new_password"),
                           (temp["temporary_password"], "new_password")):
            status, _, body = ad.request("POST", "/v1/auth/change-password", token=t, json_body={
                "current_password": temp["temporary_password"], "new_password": new})
            assert status == 400 and body["error"]["code"] == "validation_failed", body
            assert body["error"]["field"] == field
        status, _, body = ad.request("POST", "/v1/auth/change-password", token=t, json_body={
            "current_password": "not it at all", "new_password": "a fine new password"})
        assert status == 400 and body["error"]["code"] == "wrong_password", body
        status, _, body = ad.request("POST", "/v1/auth/change-password", token=t, json_body={
            "current_password": temp["temporary_password"], "new_password": "a fine new password"})
        assert status == 200 and body["data"]["mustChangePassword"] is False, body
        t2 = body["data"]["token"]
        assert ad.request("GET", "/v1/auth/me", token=t)[0] == 401  # old session revoked
        status, _, me = ad.request("GET", "/v1/auth/me", token=t2)
        assert status == 200, me
        d = me["data"]
        assert d["user"]["email"] == temp["email"] and d["user"]["role"] == "agent"
        assert set(d["user"]) == {"id", "email", "firstName", "lastName", "role", "tenantId"}
        assert len(d["extensions"]) == 1
        e = d["extensions"][0]
        assert set(e) == {"id", "extension", "sip_password", "status"} and e["status"] == "active"
        assert len(e["sip_password"]) >= 20 and e["extension"] == temp["agent"]["extensions"][0]["extension"]
        assert d["sipConfig"] == {"websocketUrl": "ws://127.0.0.1:5066", "realm": "127.0.0.1"}
        # The temporary password no longer works.
        status, _, _ = ad.request("POST", "/v1/auth/login", json_body={
            "email": temp["email"], "password": temp["temporary_password"]})
        assert status == 401


def test_tenant_sip_domain_in_me(backend):
    with Agentdesk(backend, env={"AGENTDESK_SIP_WS_URL": "wss://sip.example.com:7443"}) as ad:
        w = World(ad)
        ad.request("PATCH", "/v1/admin/tenants/%d" % w.tenants["A"]["id"], token=w.super["token"],
                   json_body={"sip_domain": "a.sip.example.com"})
        _, _, me = ad.request("GET", "/v1/auth/me", token=w.token("agent", "A"))
        assert me["data"]["sipConfig"] == {"websocketUrl": "wss://sip.example.com:7443",
                                           "realm": "a.sip.example.com"}, me


def test_logout_garbage_and_expiry(backend):
    with Agentdesk(backend, env={"AGENTDESK_TOKEN_TTL": "1"}) as ad:
        _, out, _ = ad.run("demo")
        ad.serve()
        t = ad.login("admin@demo.local", parse_demo_password(out))
        for bad in ("", "Bearer", "Bearer nonsense", "Basic abc", "Bearer ad_" + "x" * 43):
            status, headers, body = ad.request("GET", "/v1/auth/me", headers={"Authorization": bad})
            assert status == 401 and body["error"]["code"] == "unauthorized", (bad, body)
        assert ad.request("GET", "/v1/auth/me", token=t)[0] == 200
        wait_for(lambda: ad.request("GET", "/v1/auth/me", token=t)[0] == 401, timeout=5,
                 what="the 1 s token to expire")
    with Agentdesk(backend) as ad:
        World(ad)
        t = ad.login("admin@a.example", PASSWORD)
        other = ad.login("admin@a.example", PASSWORD)
        status, _, body = ad.request("POST", "/v1/auth/logout", token=t)
        assert status == 200 and body == {"success": True}
        assert ad.request("GET", "/v1/auth/me", token=t)[0] == 401
        assert ad.request("GET", "/v1/auth/me", token=other)[0] == 200  # only that session


def test_revocation(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        agent = w.users[("A", "agent")]
        sup = w.users[("A", "supervisor")]
        # Suspend revokes; the agent cannot log in.
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                   json_body={"status": "suspended"})
        assert ad.request("GET", "/v1/auth/me", token=agent["token"])[0] == 401
        assert ad.request("POST", "/v1/auth/login", json_body={
            "email": agent["email"], "password": PASSWORD})[0] == 401
        ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                   json_body={"status": "active"})
        assert ad.request("GET", "/v1/auth/me", token=agent["token"])[0] == 401  # stays revoked
        t = ad.login(agent["email"], PASSWORD)
        # Role change revokes.
        ad.request("PATCH", "/v1/admin/agents/%d" % sup["id"], token=admin,
                   json_body={"role": "agent"})
        assert ad.request("GET", "/v1/auth/me", token=sup["token"])[0] == 401
        # Reset-password revokes.
        status, _, body = ad.request("POST", "/v1/admin/agents/%d/reset-password" % agent["id"],
                                     token=admin)
        assert status == 200 and len(body["temporary_password"]) >= 16
        assert ad.request("GET", "/v1/auth/me", token=t)[0] == 401
        status, _, b = ad.request("POST", "/v1/auth/login", json_body={
            "email": agent["email"], "password": body["temporary_password"]})
        assert status == 200 and b["data"]["mustChangePassword"] is True
        # Suspending the tenant revokes every token of its users at once.
        tb = w.token("admin", "B")
        ad.request("PATCH", "/v1/admin/tenants/%d" % w.tenants["B"]["id"], token=w.super["token"],
                   json_body={"status": "suspended"})
        assert ad.request("GET", "/v1/auth/me", token=tb)[0] == 401
        assert ad.request("POST", "/v1/auth/login", json_body={
            "email": "admin@b.example", "password": PASSWORD})[0] == 401
        # Deleting revokes.
        admin_a = w.token("admin")
        victim = w.users[("A", "temp")]
        ad.request("DELETE", "/v1/admin/agents/%d" % victim["id"], token=admin_a)
        assert ad.request("POST", "/v1/auth/logout", token=victim["token"])[0] == 401


if __name__ == "__main__":
    main()
