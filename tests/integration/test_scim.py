"""SCIM 2.0 (issue 21) through the real binary: a tenant's SCIM tokens, and
/scim/v2 driven with the request sequences of Microsoft Entra ID's and
Okta's provisioning documentation (create, get by filter, patch,
deactivate, reactivate, delete); tokens kept apart from sessions and from
the other tenant; bad bodies and filters refused with SCIM's errors and
nothing written.

Entra ID: learn.microsoft.com "Tutorial: Develop and plan provisioning for a
SCIM endpoint" (its request/response examples). Okta: developer.okta.com
"SCIM 2.0 protocol reference" (its request examples)."""
import json
import urllib.parse

from agentdesk_harness import PASSWORD, Agentdesk, SmtpServer, free_port, main

SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


class Tenants:
    """Tenants A and B, each with an admin (and A with a supervisor and an
    agent when roles asks), created by the command line, the server
    serving, the users logged in: what these tests need of World, at a
    fraction of its logins."""

    def __init__(self, ad, roles=(), env=None):
        self.ids, self.tokens = {}, {}
        users = []
        for key, base in (("A", 10000), ("B", 20000)):
            t = ad.run_json("tenant", "create", "--name", "Tenant " + key, "--pool-base",
                            str(base), "--pool-size", "10")
            self.ids[key] = t["id"]
            for role in ("admin",) + (tuple(roles) if key == "A" else ()):
                email = "%s@%s.example" % (role, key.lower())
                ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", email,
                            "--password", PASSWORD, "--role", role, "--first-name", role.title(),
                            "--last-name", key)
                users.append((key, role, email))
        e = {"AGENTDESK_XMLCURL_PASSWORD": "xc", "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()}
        e.update(env or {})
        ad.serve(env=e)
        for key, role, email in users:
            self.tokens[(key, role)] = ad.login(email, PASSWORD)

    def token(self, role, key="A"):
        return self.tokens[(key, role)]


def scim(ad, method, path, token, body=None, raw=None):
    """A /scim/v2 request: (status, headers, parsed body or None)."""
    headers = {"Content-Type": "application/scim+json"}
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    status, h, b = ad.request(method, "/scim/v2" + path, body=data, headers=headers, token=token)
    if isinstance(b, str) and b:
        assert h["content-type"] == "application/scim+json", (status, h, b)
        b = json.loads(b)
    assert h.get("cache-control") == "no-store", h
    return status, h, b or None


def filtered(ad, token, expr, extra=""):
    return scim(ad, "GET", "/Users?filter=" + urllib.parse.quote(expr) + extra, token)


def new_token(ad, admin, name="IdP"):
    status, _, b = ad.request("POST", "/v1/admin/scim/tokens", token=admin,
                              json_body={"name": name})
    assert status == 201 and b["token"].startswith("scim_"), (status, b)
    return b["token"], b["scim_token"]["id"]


def user_row(ad, uid):
    return ad.sql("SELECT status, role, first_name, last_name FROM users WHERE id = %d" % uid)[0]


def counts(ad):
    return ad.sql("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM scim_users), "
                  "(SELECT COUNT(*) FROM audit_log), "
                  "(SELECT COUNT(*) FROM agent_extensions WHERE user_id IS NOT NULL)")[0]


def login_refused(ad, email, password):
    status, _, b = ad.request("POST", "/v1/auth/login",
                              json_body={"email": email, "password": password})
    return status in (401, 403), (status, b)


def test_tokens(backend):
    with Agentdesk(backend) as ad:
        w = Tenants(ad, roles=("supervisor", "agent"))
        admin_a, admin_b = w.token("admin", "A"), w.token("admin", "B")
        # admins only
        for who in ("supervisor", "agent"):
            status, _, b = ad.request("POST", "/v1/admin/scim/tokens", token=w.token(who),
                                      json_body={})
            assert status == 403, b
        token_a, id_a = new_token(ad, admin_a, "Entra")
        token_b, _ = new_token(ad, admin_b, "Okta")
        # listed without the secret; stored only as its keyed hash; audited
        status, _, b = ad.request("GET", "/v1/admin/scim/tokens", token=admin_a)
        assert status == 200 and [t["id"] for t in b["scim_tokens"]] == [id_a], b
        assert token_a not in json.dumps(b) and "token" not in b["scim_tokens"][0], b
        stored = ad.sql("SELECT token_hash FROM scim_tokens WHERE id = %d" % id_a)[0][0]
        assert len(stored) == 64 and token_a not in stored
        audit = ad.sql("SELECT action, details FROM audit_log WHERE action LIKE 'scim_token.%'")
        assert [a for a, _ in audit] == ["scim_token.create", "scim_token.create"], audit
        assert all(token_a not in d and token_b not in d for _, d in audit), audit
        # a SCIM token is not a session, a session is not a SCIM token
        assert ad.request("GET", "/v1/auth/me", token=token_a)[0] == 401
        assert ad.request("GET", "/v1/admin/agents", token=token_a)[0] == 401
        status, h, b = scim(ad, "GET", "/Users", admin_a)
        assert status == 401 and b["schemas"] == [SCIM_ERROR] and b["status"] == "401", b
        assert "www-authenticate" in h
        assert scim(ad, "GET", "/Users", None)[0] == 401
        assert scim(ad, "GET", "/Users", token_a[:-1] + "x")[0] == 401
        # the tenants' users apart: B's token sees none of A's
        status, _, b = scim(ad, "POST", "/Users", token_a, {
            "schemas": [USER], "userName": "iso@a.example",
            "name": {"givenName": "Iso", "familyName": "A"}})
        assert status == 201, b
        uid = b["id"]
        assert scim(ad, "GET", "/Users/" + uid, token_b)[0] == 404
        assert scim(ad, "PATCH", "/Users/" + uid, token_b, {
            "schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active",
                                                   "value": False}]})[0] == 404
        assert scim(ad, "DELETE", "/Users/" + uid, token_b)[0] == 404
        status, _, b = filtered(ad, token_b, 'userName eq "iso@a.example"')
        assert status == 200 and b["totalResults"] == 0, b
        status, _, b = scim(ad, "GET", "/Users?count=100", token_b)
        assert all(r["userName"].endswith("@b.example") for r in b["Resources"]), b
        assert user_row(ad, int(uid))[0] == "active"
        # another tenant's token id is not A's to revoke; A's own is, at once
        ids_b = ad.sql("SELECT id FROM scim_tokens WHERE tenant_id = %d" % w.ids["B"])
        status, _, b = ad.request("DELETE", "/v1/admin/scim/tokens/%s" % ids_b[0][0],
                                  token=admin_a)
        assert status == 404, b
        status, _, b = ad.request("DELETE", "/v1/admin/scim/tokens/%d" % id_a, token=admin_a)
        assert status == 200, b
        assert scim(ad, "GET", "/Users", token_a)[0] == 401
        assert scim(ad, "GET", "/Users", token_b)[0] == 200
        status, _, b = ad.request("GET", "/v1/admin/scim/tokens", token=admin_a)
        assert b["scim_tokens"] == [], b
        # /scim is the server's own path: never the portal's page
        status, h, b = ad.request("GET", "/scim/v2/Nothing", token=token_b)
        assert status == 404 and "text/html" not in h.get("content-type", ""), (status, h)
        status, h, b = ad.request("GET", "/scim", token=token_b)
        assert status == 404 and "text/html" not in h.get("content-type", ""), (status, h)


def test_entra_sequence(backend):
    with Agentdesk(backend) as ad:
        admin = Tenants(ad).token("admin")
        token, _ = new_token(ad, admin)
        # discovery, as the Entra provisioning service reads it
        status, _, b = scim(ad, "GET", "/ServiceProviderConfig", token)
        assert status == 200 and b["patch"]["supported"] is True and \
            b["filter"]["supported"] is True, b
        status, _, b = scim(ad, "GET", "/ResourceTypes", token)
        assert status == 200 and b["Resources"][0]["endpoint"] == "/Users", b
        status, _, b = scim(ad, "GET", "/Schemas", token)
        assert status == 200 and {s["id"] for s in b["Resources"]} == {USER, ENTERPRISE}, b
        # the role from the enterprise extension's department
        status, _, b = ad.request("PUT", "/v1/admin/scim/settings", token=admin, json_body={
            "role_attribute": "department", "role_map": {"Team Leads": "supervisor"}})
        assert status == 200 and b["scim_settings"]["role_attribute"] == "department", b
        name = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com"
        status, _, b = filtered(ad, token, 'userName eq "%s"' % name)
        assert status == 200 and b["totalResults"] == 0 and b["Resources"] == [], b
        status, _, b = scim(ad, "POST", "/Users", token, {
            "schemas": [USER, ENTERPRISE],
            "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            "userName": name, "active": True,
            "emails": [{"primary": True, "type": "work", "value": name}],
            "meta": {"resourceType": "User"},
            "name": {"formatted": "givenName familyName", "familyName": "familyName",
                     "givenName": "givenName"},
            "roles": [],
            ENTERPRISE: {"department": "Team Leads"}})
        assert status == 201, b
        uid = b["id"]
        assert b["userName"] == name.lower() and b["active"] is True and \
            b["externalId"] == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", b
        assert user_row(ad, int(uid))[:2] == ("active", "supervisor")
        # with mail off: no temporary password anywhere in the answer
        assert "password" not in json.dumps(b).lower()
        status, _, b = filtered(ad, token, 'userName eq "%s"' % name.upper())
        assert b["totalResults"] == 1 and b["Resources"][0]["id"] == uid, b
        status, _, b = filtered(ad, token, 'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')
        assert b["totalResults"] == 1 and b["Resources"][0]["id"] == uid, b
        # a second create of the same userName
        status, _, b = scim(ad, "POST", "/Users", token, {
            "schemas": [USER], "userName": name,
            "name": {"givenName": "A", "familyName": "B"}})
        assert status == 409 and b["scimType"] == "uniqueness", b
        # Entra's update: a filtered path it may send, a sub-attribute path,
        # an add without a path carrying an object
        status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP], "Operations": [
                {"op": "Replace", "path": 'emails[type eq "work"].value',
                 "value": "updatedEmail@microsoft.com"},
                {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
                {"op": "Add", "value": {"name.givenName": "updatedGiven",
                                        "externalId": "e-2"}}]})
        assert status == 200 and b["name"]["familyName"] == "updatedFamilyName" and \
            b["name"]["givenName"] == "updatedGiven" and b["externalId"] == "e-2", b
        assert user_row(ad, int(uid))[2:] == ("updatedGiven", "updatedFamilyName")
        status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP], "Operations": [{"op": "Replace", "path": "externalId",
                                                   "value": "e-3"}]})
        assert status == 200 and b["externalId"] == "e-3", b
        status, _, b = filtered(ad, token, 'externalId eq "e-3"')
        assert b["totalResults"] == 1 and b["Resources"][0]["id"] == uid, b
        status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP], "Operations": [{"op": "remove", "path": "externalId"}]})
        assert status == 200 and "externalId" not in b, b
        assert filtered(ad, token, 'externalId eq "e-3"')[2]["totalResults"] == 0
        # the department's path moves the role back to the default
        status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP], "Operations": [
                {"op": "Replace", "path": ENTERPRISE + ":department", "value": "Sales"}]})
        assert status == 200 and user_row(ad, int(uid))[1] == "agent", b
        # a password the admin resets, a session on it
        status, _, b = ad.request("POST", "/v1/admin/agents/%s/reset-password" % uid, token=admin)
        assert status == 200, b
        password = b["temporary_password"]
        session = ad.login(name, password)
        # Entra's deactivation: "False" as a string
        status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "Replace", "path": "active", "value": "False"}]})
        assert status == 200 and b["active"] is False, b
        assert user_row(ad, int(uid))[0] == "suspended"
        assert ad.sql("SELECT status FROM agent_extensions WHERE user_id = %s" % uid) == \
            [("suspended",)]
        assert ad.request("GET", "/v1/auth/me", token=session)[0] == 401
        ok, why = login_refused(ad, name, password)
        assert ok, why
        audit = ad.sql("SELECT actor_email FROM audit_log WHERE action = 'agent.suspend' "
                       "AND target_id = %s" % uid)
        assert audit and audit[0][0].startswith("scim token "), audit
        status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
            "schemas": [PATCH_OP],
            "Operations": [{"op": "Replace", "path": "active", "value": "True"}]})
        assert status == 200 and b["active"] is True and user_row(ad, int(uid))[0] == "active", b
        # delete: the extension back to the pool, the user gone
        ext = ad.sql("SELECT id FROM agent_extensions WHERE user_id = %s" % uid)[0][0]
        status, _, b = scim(ad, "DELETE", "/Users/" + uid, token)
        assert status == 204, b
        assert ad.sql("SELECT COALESCE(user_id, 0) FROM agent_extensions WHERE id = %s" % ext) == \
            [("0",)]
        assert scim(ad, "GET", "/Users/" + uid, token)[0] == 404
        status, _, b = filtered(ad, token, 'userName eq "%s"' % name)
        assert b["totalResults"] == 0, b


def test_okta_sequence(backend):
    with Agentdesk(backend) as ad:
        admin = Tenants(ad).token("admin")
        token, _ = new_token(ad, admin, "Okta")
        status, _, b = filtered(ad, token, 'userName eq "test.user@okta.local"',
                                "&startIndex=1&count=100")
        assert status == 200 and b["totalResults"] == 0 and b["startIndex"] == 1, b
        status, _, b = scim(ad, "POST", "/Users", token, {
            "schemas": [USER], "userName": "test.user@okta.local",
            "name": {"givenName": "Test", "familyName": "User"},
            "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
            "displayName": "Test User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
            "groups": [], "password": "1mz050nq", "active": True})
        assert status == 201, b
        uid = b["id"]
        # Okta's password is never taken
        assert ad.request("POST", "/v1/auth/login", json_body={
            "email": "test.user@okta.local", "password": "1mz050nq"})[0] == 401
        status, _, b = scim(ad, "GET", "/Users/" + uid, token)
        assert status == 200 and b["userName"] == "test.user@okta.local" and \
            b["meta"]["resourceType"] == "User", b
        # paging of the whole list: the tenant's admin, this user and two more
        for i in range(2):
            assert scim(ad, "POST", "/Users", token, {
                "schemas": [USER], "userName": "more%d@okta.local" % i,
                "name": {"givenName": "More", "familyName": str(i)}})[0] == 201
        status, _, b = scim(ad, "GET", "/Users?startIndex=2&count=2", token)
        assert b["totalResults"] == 4 and b["itemsPerPage"] == 2 and b["startIndex"] == 2, b
        assert [r["userName"] for r in b["Resources"]] == ["test.user@okta.local",
                                                           "more0@okta.local"], b
        status, _, b = scim(ad, "GET", "/Users?count=0", token)
        assert b["totalResults"] == 4 and b["Resources"] == [], b
        # Okta's profile update is a PUT of the whole user
        status, _, b = scim(ad, "PUT", "/Users/" + uid, token, {
            "schemas": [USER], "id": uid, "userName": "test.user@okta.local",
            "name": {"givenName": "Another", "familyName": "User"},
            "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
            "displayName": "Another User", "locale": "en-US",
            "externalId": "00ujl29u0le5T6Aj10h7", "groups": [], "active": True})
        assert status == 200 and b["name"]["givenName"] == "Another", b
        # userName is the login email: it does not change
        status, _, b = scim(ad, "PUT", "/Users/" + uid, token, {
            "schemas": [USER], "userName": "other@okta.local",
            "name": {"givenName": "Another", "familyName": "User"}})
        assert status == 400 and b["scimType"] == "mutability", b
        # deactivate and reactivate: replace on active as a boolean
        for active, status_name in ((False, "suspended"), (True, "active")):
            status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, {
                "schemas": [PATCH_OP],
                "Operations": [{"op": "replace", "value": {"active": active}}]})
            assert status == 200 and b["active"] is active, b
            assert user_row(ad, int(uid))[0] == status_name
        status, _, _ = scim(ad, "DELETE", "/Users/" + uid, token)
        assert status == 204
        assert user_row(ad, int(uid))[0] == "deleted"


def test_bad_input(backend):
    with Agentdesk(backend) as ad:
        admin = Tenants(ad).token("admin")
        token, _ = new_token(ad, admin)
        status, _, b = scim(ad, "POST", "/Users", token, {
            "schemas": [USER], "userName": "keep@a.example",
            "name": {"givenName": "Keep", "familyName": "Me"}, "externalId": "k-1"})
        assert status == 201, b
        uid = b["id"]
        before = counts(ad), scim(ad, "GET", "/Users/" + uid, token)[2]
        for expr in ('userName eq "x" or 1 eq 1', 'userName co "x"', 'userName sw "k"',
                     'userName pr', 'title eq "x"', 'emails[type eq "work"]', "garbage",
                     'userName eq "x', "", 'userName eq "\\n"'):
            status, _, b = filtered(ad, token, expr)
            assert status == 400 and b["scimType"] == "invalidFilter" and \
                b["schemas"] == [SCIM_ERROR], (expr, b)
        assert scim(ad, "GET", "/Users?startIndex=x", token)[0] == 400
        bodies = [
            (b"{not json", "invalidSyntax"), (b"[]", "invalidSyntax"), (b"", "invalidSyntax"),
            (b"{\"userName\": \"a@a.example\", \"userName\": \"b@a.example\"}", "invalidSyntax"),
        ]
        for raw, kind in bodies:
            status, _, b = scim(ad, "POST", "/Users", token, raw=raw)
            assert status == 400 and b["scimType"] == kind, (raw, b)
        name = {"givenName": "N", "familyName": "M"}
        for body in ({"name": name}, {"userName": "not-an-email", "name": name},
                     {"userName": 7, "name": name}, {"userName": "n@a.example"},
                     {"userName": "n@a.example", "name": "N M"},
                     {"userName": "n@a.example", "name": {"givenName": "N"}},
                     {"userName": "n@a.example", "name": name, "active": "maybe"},
                     {"userName": "n@a.example", "name": name, "externalId": 5},
                     {"userName": "n@a.example", "name": {"givenName": "${x}", "familyName": "M"}},
                     {"userName": "n@a.example", "name": name, ENTERPRISE: "Sales"},
                     {"userName": "n@a.example", "name": name, "schemas": USER}):
            status, _, b = scim(ad, "POST", "/Users", token, body)
            assert status == 400 and b["scimType"] == "invalidValue", (body, b)
        for ops in (None, [], "replace", [{"path": "active", "value": False}],
                    [{"op": "move", "path": "active", "value": False}],
                    [{"op": "remove"}], [{"op": "replace", "value": False}],
                    [{"op": "replace", "path": "a.b.c", "value": 1}],
                    [{"op": "replace", "path": "active"}],
                    [{"op": "replace", "path": "active", "value": False},
                     {"op": "replace", "path": "active", "value": "nope"}],
                    [{"op": "replace", "path": "externalId", "value": "changed"},
                     {"op": "replace", "path": "name.givenName", "value": ""}],
                    [{"op": "replace", "path": "active", "value": False},
                     {"op": "remove", "path": "userName"}]):
            body = {"schemas": [PATCH_OP]}
            if ops is not None:
                body["Operations"] = ops
            status, _, b = scim(ad, "PATCH", "/Users/" + uid, token, body)
            assert 400 <= status < 500 and b["schemas"] == [SCIM_ERROR], (ops, b)
        assert scim(ad, "PUT", "/Users/" + uid, token, {"userName": "keep@a.example"})[0] == 400
        assert scim(ad, "GET", "/Users/abc", token)[0] == 404
        assert scim(ad, "GET", "/Users/999999", token)[0] == 404
        # nothing written: the same rows, the user as it was, still active
        assert (counts(ad), scim(ad, "GET", "/Users/" + uid, token)[2]) == before
        assert user_row(ad, int(uid))[0] == "active"
        # the admin's settings refuse what they cannot use
        for body in ({"role_attribute": "manager"}, {"role_attribute": "department",
                                                     "role_map": {"X": "superadmin"}},
                     {"role_attribute": "department", "role_map": ["X"]},
                     {"role_attribute": "department", "role_map": {"X": 1}}):
            status, _, b = ad.request("PUT", "/v1/admin/scim/settings", token=admin,
                                      json_body=body)
            assert status == 400, (body, b)
        status, _, b = ad.request("GET", "/v1/admin/scim/settings", token=admin)
        assert b["scim_settings"] == {"role_attribute": "", "role_map": {}}, b


def test_invitation_when_mail_is_on(backend):
    # The create of the portal, reused: with mail on the user is invited
    # (and no temporary password exists for anyone to see).
    with SmtpServer(tls=False, auth=False) as smtp, Agentdesk(backend) as ad:
        t = ad.run_json("tenant", "create", "--name", "Mail", "--pool-base", "10000",
                        "--pool-size", "5")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@m.example",
                    "--password", PASSWORD, "--role", "admin", "--first-name", "A",
                    "--last-name", "M")
        env = smtp.env(AGENTDESK_XMLCURL_PASSWORD="xc",
                       AGENTDESK_FS_ESL="127.0.0.1:%d" % free_port())
        ad.serve(env=env)
        token, _ = new_token(ad, ad.login("admin@m.example", PASSWORD))
        status, _, b = scim(ad, "POST", "/Users", token, {
            "schemas": [USER], "userName": "Invited@M.example",
            "name": {"givenName": "In", "familyName": "Vited"}})
        assert status == 201 and b["userName"] == "invited@m.example", b
        msg = smtp.wait_messages(1)[0]
        assert msg["X-Envelope-To"] == "invited@m.example", msg


if __name__ == "__main__":
    main()
