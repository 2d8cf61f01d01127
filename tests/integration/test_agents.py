"""/v1/admin/agents, /v1/admin/extensions, /v1/admin/audit and
/v1/admin/tenants through the real binary: the seed's create and delete
flows, edits, the pool, the audit log, and concurrent creation."""
import json
import threading

from agentdesk_harness import Agentdesk, World, main


def create(ad, token, email_, **kw):
    body = {"first_name": "Zoë", "last_name": "山田", "email": email_}
    body.update(kw)
    return ad.request("POST", "/v1/admin/agents", token=token, json_body=body)


def test_create_shape_and_rules(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        status, _, body = create(ad, admin, "New.Agent@A.example", extensions_count=2,
                                 voicemail_enabled=True)
        assert status == 201, body
        a = body["agent"]
        assert a["email"] == "new.agent@a.example" and a["role"] == "agent"
        assert a["first_name"] == "Zoë" and a["last_name"] == "山田"
        assert a["status"] == "active" and a["must_change_password"] is True
        assert a["tenant_id"] == w.tenants["A"]["id"] and a["created_at"].endswith("Z")
        assert len(body["temporary_password"]) >= 16
        exts = a["extensions"]
        assert len(exts) == 2 and all(e["voicemail_enabled"] for e in exts)
        # xml_curl mode: FreeSWITCH asks at once, nothing waits on a push.
        assert all(e["provisioning"] == "provisioned" for e in exts), exts
        assert "sip_password" not in json.dumps(body["agent"])
        # Lowest free numbers of the pool (World took 10000..10002 already).
        assert [e["extension"] for e in exts] == ["10003", "10004"], exts
        for count, code in ((5, 400), (-1, 400), ("2", 400)):
            status, _, b = create(ad, admin, "c%s@a.example" % count, extensions_count=count)
            assert status == code and b["error"]["field"] == "extensions_count", b
        status, _, b = create(ad, admin, "zero@a.example", extensions_count=0)
        assert status == 201 and b["agent"]["extensions"] == []
        status, _, b = create(ad, admin, "NEW.agent@a.EXAMPLE")
        assert status == 409 and b["error"]["code"] == "email_taken", b
        status, _, b = create(ad, admin, "admin@b.example")  # platform-wide uniqueness
        assert status == 409 and b["error"]["code"] == "email_taken", b
        status, _, b = create(ad, admin, "boss@a.example", role="superadmin")
        assert status == 403 and b["error"]["code"] == "role_not_allowed", b
        status, _, b = create(ad, admin, "r@a.example", role="king")
        assert status == 400 and b["error"]["field"] == "role", b
        for field, value in (("first_name", ""), ("first_name", "   "), ("last_name", "x" * 101),
                             ("email", "not-an-email"), ("first_name", 7)):
            status, _, b = create(ad, admin, "v@a.example", **{field: value})
            assert status == 400 and b["error"]["field"] == field, (field, b)
        status, _, b = create(ad, admin, "hundred@a.example", first_name="ü" * 100)
        assert status == 201, b
        for role in ("supervisor", "admin"):
            status, _, b = create(ad, admin, "%s2@a.example" % role, role=role)
            assert status == 201 and b["agent"]["role"] == role


def test_list_get_patch(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        status, _, body = ad.request("GET", "/v1/admin/agents", token=admin)
        assert status == 200 and body["total"] == 4 and body["limit"] == 50 and body["offset"] == 0
        assert all("sip_password" not in json.dumps(a) for a in body["agents"])
        status, _, body = ad.request("GET", "/v1/admin/agents?limit=2&offset=1", token=admin)
        assert len(body["agents"]) == 2 and body["total"] == 4
        status, _, body = ad.request("GET", "/v1/admin/agents?role=supervisor", token=admin)
        assert [a["email"] for a in body["agents"]] == ["supervisor@a.example"]
        status, _, body = ad.request("GET", "/v1/admin/agents?q=TEMP", token=admin)
        assert [a["email"] for a in body["agents"]] == ["temp@a.example"]
        status, _, body = ad.request("GET", "/v1/admin/agents?q=%25", token=admin)
        assert body["total"] == 0  # LIKE metacharacters are literal
        for bad in ("limit=0", "limit=501", "limit=x", "offset=-1", "status=deleted", "role=root"):
            status, _, b = ad.request("GET", "/v1/admin/agents?" + bad, token=admin)
            assert status == 400 and b["error"]["code"] == "validation_failed", (bad, b)
        agent = w.users[("A", "agent")]
        status, _, body = ad.request("GET", "/v1/admin/agents/%d" % agent["id"], token=admin)
        assert status == 200 and body["agent"]["email"] == agent["email"]
        assert body["agent"]["extensions"][0]["provisioning"] == "provisioned", body
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={"first_name": "Zoë", "last_name": "山田 <b>"})
        assert status == 200 and body["agent"]["last_name"] == "山田 <b>", body
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={})
        assert status == 200
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={"status": "suspended"})
        assert status == 200 and body["agent"]["status"] == "suspended"
        assert body["agent"]["extensions"][0]["status"] == "suspended"
        status, _, body = ad.request("GET", "/v1/admin/agents?status=suspended", token=admin)
        assert [a["id"] for a in body["agents"]] == [agent["id"]]
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={"status": "active"})
        assert body["agent"]["extensions"][0]["status"] == "active"
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={"status": "deleted"})
        assert status == 400 and body["error"]["field"] == "status"
        # An admin cannot suspend, demote or delete itself.
        _, _, me = ad.request("GET", "/v1/admin/agents?q=admin%40a", token=admin)
        my_id = me["agents"][0]["id"]
        for patch in ({"status": "suspended"}, {"role": "agent"}):
            status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % my_id, token=admin,
                                         json_body=patch)
            assert status == 409 and body["error"]["code"] == "cannot_modify_self", body
        status, _, body = ad.request("DELETE", "/v1/admin/agents/%d" % my_id, token=admin)
        assert status == 409 and body["error"]["code"] == "cannot_modify_self"
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=admin,
                                     json_body={"role": "superadmin"})
        assert status == 403 and body["error"]["code"] == "role_not_allowed"


def test_list_sort_and_extensions(backend):
    """sort=name|-name|created_at|-created_at, each a total order (ties by
    id); each listed agent carries the same extensions as its own GET,
    with registered (null here: no node answers). Only the GET has the
    last invitation (null here: none sent)."""
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        for first, last, n in (("bo", "Zed", 2), ("Al", "adams", 3), ("Cy", "Adams", 1)):
            status, _, body = create(ad, admin, "%s@a.example" % first.lower(), first_name=first,
                                     last_name=last, extensions_count=n)
            assert status == 201, body
        _, _, everyone = ad.request("GET", "/v1/admin/agents?limit=500", token=admin)
        rows = everyone["agents"]
        assert [a["id"] for a in rows] == sorted(a["id"] for a in rows)
        by_name = sorted(rows, key=lambda a: (a["last_name"].lower(), a["first_name"].lower(), a["id"]))
        by_created = sorted(rows, key=lambda a: (a["created_at"], a["id"]))
        for sort, want in (("name", by_name), ("-name", by_name[::-1]),
                           ("created_at", by_created), ("-created_at", by_created[::-1])):
            status, _, body = ad.request("GET", "/v1/admin/agents?limit=500&sort=" + sort,
                                         token=admin)
            assert status == 200, body
            assert [a["id"] for a in body["agents"]] == [a["id"] for a in want], sort
        # Pages of a sorted list tile it.
        ids = []
        for offset in range(0, len(rows), 2):
            _, _, body = ad.request("GET", "/v1/admin/agents?sort=-name&limit=2&offset=%d" % offset,
                                    token=admin)
            ids += [a["id"] for a in body["agents"]]
        assert ids == [a["id"] for a in by_name[::-1]]
        def settled(agent):
            """Without what the reconciler may change between two reads."""
            agent.pop("invitation", None)
            for x in agent["extensions"]:
                del x["provisioning"], x["provisioning_attempts"], x["provisioning_error"]
            return agent

        for a in rows:
            _, _, one = ad.request("GET", "/v1/admin/agents/%d" % a["id"], token=admin)
            assert one["agent"]["invitation"] is None, one
            assert settled(dict(a, extensions=[dict(x) for x in a["extensions"]])) == \
                settled(one["agent"]), (a, one["agent"])
            assert all(x["registered"] is None for x in a["extensions"])
        counts = {a["email"]: len(a["extensions"]) for a in rows}
        assert [counts[e] for e in ("al@a.example", "cy@a.example", "bo@a.example")] == [3, 1, 2]
        for bad in ("sort=", "sort=email", "sort=Name", "sort=name,id"):
            status, _, b = ad.request("GET", "/v1/admin/agents?" + bad, token=admin)
            assert status == 400 and b["error"]["code"] == "validation_failed", (bad, b)
            assert b["error"]["field"] == "sort", b


def test_delete_flow(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        agent = w.users[("A", "agent")]
        ext_id = agent["agent"]["extensions"][0]["id"]
        _, _, before = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=admin)
        old_password = before["extension"]["sip_password"]
        status, _, body = ad.request("DELETE", "/v1/admin/agents/%d" % agent["id"], token=admin)
        assert status == 200 and body == {"success": True}
        assert ad.request("DELETE", "/v1/admin/agents/%d" % agent["id"], token=admin)[0] == 404
        assert ad.request("GET", "/v1/admin/agents/%d" % agent["id"], token=admin)[0] == 404
        assert ad.request("GET", "/v1/auth/me", token=agent["token"])[0] == 401
        _, _, after = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=admin)
        e = after["extension"]
        assert e["user_id"] is None and e["sip_password"] != old_password, e
        _, _, free = ad.request("GET", "/v1/admin/extensions?state=free&limit=1", token=admin)
        assert free["extensions"][0]["id"] == ext_id  # lowest free again
        # The email is free again; the new agent gets that extension back.
        status, _, body = create(ad, admin, agent["email"])
        assert status == 201 and body["agent"]["extensions"][0]["id"] == ext_id, body
        _, _, now = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=admin)
        assert now["extension"]["sip_password"] not in (old_password, e["sip_password"])


def test_extensions_and_supervisor(backend):
    with Agentdesk(backend) as ad:
        w = World(ad, pool_size=30)
        admin, sup = w.token("admin"), w.token("supervisor")
        status, _, body = ad.request("GET", "/v1/admin/extensions", token=admin)
        assert status == 200 and body["stats"] == {"total": 30, "assigned": 3, "free": 27,
                                                     "registered": None, "utilisation": 0.1}, body
        assert body["total"] == 30 and len(body["extensions"]) == 30
        assert [e["extension"] for e in body["extensions"][:3]] == ["10000", "10001", "10002"]
        assert all("sip_password" not in e for e in body["extensions"])
        _, _, body = ad.request("GET", "/v1/admin/extensions?state=assigned", token=admin)
        assert body["total"] == 3 and all(e["user_id"] for e in body["extensions"])
        _, _, body = ad.request("GET", "/v1/admin/extensions?state=free&limit=5", token=sup)
        assert body["total"] == 27 and len(body["extensions"]) == 5
        assert ad.request("GET", "/v1/admin/extensions?state=gone", token=admin)[0] == 400
        agent = w.users[("A", "agent")]
        ext_id = agent["agent"]["extensions"][0]["id"]
        _, _, one = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=admin)
        assert len(one["extension"]["sip_password"]) >= 20
        _, _, one_sup = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=sup)
        assert "sip_password" not in one_sup["extension"]
        _, _, me = ad.request("GET", "/v1/auth/me", token=agent["token"])
        assert me["data"]["extensions"][0]["sip_password"] == one["extension"]["sip_password"]
        status, _, rot = ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id,
                                    token=admin)
        assert status == 200 and rot["extension"]["sip_password"] != one["extension"]["sip_password"]
        _, _, me = ad.request("GET", "/v1/auth/me", token=agent["token"])
        assert me["data"]["extensions"][0]["sip_password"] == rot["extension"]["sip_password"]
        status, _, v = ad.request("PATCH", "/v1/admin/extensions/%d" % ext_id, token=admin,
                                  json_body={"voicemail_enabled": True})
        assert status == 200 and v["extension"]["voicemail_enabled"] is True
        for bad in ({}, {"voicemail_enabled": "yes"}):
            status, _, b = ad.request("PATCH", "/v1/admin/extensions/%d" % ext_id, token=admin,
                                      json_body=bad)
            assert status == 400 and b["error"]["field"] == "voicemail_enabled", b
        # The supervisor reads but never writes.
        for method, path, body in (
                ("POST", "/v1/admin/agents", {"first_name": "a", "last_name": "b",
                                              "email": "x@a.example"}),
                ("PATCH", "/v1/admin/agents/%d" % agent["id"], {"first_name": "x"}),
                ("DELETE", "/v1/admin/agents/%d" % agent["id"], None),
                ("POST", "/v1/admin/agents/%d/reset-password" % agent["id"], None),
                ("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id, None),
                ("PATCH", "/v1/admin/extensions/%d" % ext_id, {"voicemail_enabled": False})):
            status, _, b = ad.request(method, path, token=sup, json_body=body)
            assert status == 403 and b["error"]["code"] == "forbidden", (method, path, b)
        assert ad.request("GET", "/v1/admin/audit", token=sup)[0] == 200


def test_audit(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        status, _, created = create(ad, admin, "audited@a.example")
        aid = created["agent"]["id"]
        ext_id = created["agent"]["extensions"][0]["id"]
        _, _, rot = ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id, token=admin)
        ad.request("PATCH", "/v1/admin/extensions/%d" % ext_id, token=admin,
                   json_body={"voicemail_enabled": True})
        ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=admin, json_body={"first_name": "X"})
        ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=admin, json_body={"status": "suspended"})
        ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=admin, json_body={"status": "active"})
        _, _, reset = ad.request("POST", "/v1/admin/agents/%d/reset-password" % aid, token=admin)
        ad.request("DELETE", "/v1/admin/agents/%d" % aid, token=admin)
        status, _, body = ad.request("GET", "/v1/admin/audit?limit=8", token=admin)
        assert status == 200
        actions = [e["action"] for e in body["entries"]]
        assert actions == ["agent.delete", "agent.reset_password", "agent.activate",
                           "agent.suspend", "agent.update", "extension.update",
                           "extension.rotate_password", "agent.create"], actions
        e = body["entries"][-1]
        assert e["target_type"] == "user" and e["target_id"] == aid and e["actor_user_id"]
        assert e["details"]["email"] == "audited@a.example" and e["client_ip"] == "127.0.0.1"
        assert e["request_id"] and e["created_at"].endswith("Z")
        text = json.dumps(body)
        for secret in (created["temporary_password"], reset["temporary_password"],
                       rot["extension"]["sip_password"]):
            assert secret not in text
        # Tenant B sees none of it.
        _, _, b = ad.request("GET", "/v1/admin/audit", token=w.token("admin", "B"))
        assert all(x["details"].get("email") != "audited@a.example" for x in b["entries"])


def test_tenants(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        root = w.super["token"]
        status, _, body = ad.request("POST", "/v1/admin/tenants", token=root, json_body={
            "name": "Acme Corp", "sip_domain": "acme.sip.example.com"})
        assert status == 201, body
        t = body["tenant"]
        assert t["pool_base"] == (t["id"] + 1) * 1000 and t["pool_size"] == 1000
        assert t["stats"] == {"total": 1000, "assigned": 0, "free": 1000, "registered": None,
                              "utilisation": 0}
        assert t["sip_domain"] == "acme.sip.example.com" and t["status"] == "active"
        status, _, body = ad.request("POST", "/v1/admin/tenants", token=root, json_body={
            "name": "Clash", "pool_base": 10010, "pool_size": 5})
        assert status == 409 and body["error"]["code"] == "pool_overlap", body
        for bad in ({"name": ""}, {"name": "x", "pool_size": 0}, {"name": "x", "pool_base": -1},
                    {"name": "x", "sip_domain": "bad domain"}, {"pool_size": 10}):
            status, _, body = ad.request("POST", "/v1/admin/tenants", token=root, json_body=bad)
            assert status == 400 and body["error"]["code"] == "validation_failed", (bad, body)
        status, _, body = ad.request("GET", "/v1/admin/tenants", token=root)
        assert status == 200 and body["total"] == 3
        assert [x["name"] for x in body["tenants"]] == ["Tenant A", "Tenant B", "Acme Corp"]
        status, _, body = ad.request("GET", "/v1/admin/tenants/%d" % t["id"], token=root)
        assert status == 200 and body["tenant"]["id"] == t["id"]
        assert ad.request("GET", "/v1/admin/tenants/999", token=root)[0] == 404
        status, _, body = ad.request("PATCH", "/v1/admin/tenants/%d" % t["id"], token=root,
                                     json_body={"name": "Acme", "sip_domain": None})
        assert status == 200 and body["tenant"]["name"] == "Acme"
        assert body["tenant"]["sip_domain"] is None
        # A superadmin acts in a tenant by naming it.
        status, _, body = ad.request("GET", "/v1/admin/agents", token=root)
        assert status == 400 and body["error"]["field"] == "tenant_id"
        status, _, body = ad.request("GET", "/v1/admin/agents?tenant_id=%d" % w.tenants["B"]["id"],
                                     token=root)
        assert status == 200 and body["total"] == 4
        assert ad.request("GET", "/v1/admin/agents?tenant_id=999", token=root)[0] == 404
        status, _, body = ad.request("POST", "/v1/admin/agents?tenant_id=%d" % t["id"], token=root,
                                     json_body={"first_name": "A", "last_name": "B",
                                                "email": "first@acme.example"})
        assert status == 201 and body["agent"]["tenant_id"] == t["id"]
        assert body["agent"]["extensions"][0]["extension"] == str(t["pool_base"])


def test_concurrent_creates_into_small_pool(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        root = w.super["token"]
        _, _, body = ad.request("POST", "/v1/admin/tenants", token=root, json_body={
            "name": "Tiny", "pool_base": 90000, "pool_size": 20})
        tid = body["tenant"]["id"]
        results = [None] * 50

        def one(i):
            results[i] = ad.request("POST", "/v1/admin/agents?tenant_id=%d" % tid, token=root,
                                    json_body={"first_name": "P", "last_name": str(i),
                                               "email": "p%d@tiny.example" % i})

        threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        created = [r for r in results if r[0] == 201]
        refused = [r for r in results if r[0] == 409]
        assert len(created) == 20 and len(refused) == 30, [r[0] for r in results]
        assert all(r[2]["error"]["code"] == "pool_exhausted" for r in refused)
        numbers = sorted(int(r[2]["agent"]["extensions"][0]["extension"]) for r in created)
        assert numbers == list(range(90000, 90020)), numbers
        _, _, agents = ad.request("GET", "/v1/admin/agents?tenant_id=%d&limit=500" % tid, token=root)
        assert agents["total"] == 20
        _, _, exts = ad.request("GET", "/v1/admin/extensions?tenant_id=%d" % tid, token=root)
        assert exts["stats"] == {"total": 20, "assigned": 20, "free": 0, "registered": None,
                                 "utilisation": 1}
        # No orphan user: a refused email can be created later, elsewhere.
        refused_email = next(r for r in results if r[0] == 409)
        del refused_email
        status, _, body = create(ad, w.token("admin"), "p%d@tiny.example" % results.index(refused[0]))
        assert status == 201, body


def test_secrets_at_rest_and_in_logs(backend):
    """SIP passwords are sealed in the store, never logged, and the key file
    is created 0600."""
    import glob
    import os
    import stat
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        status, _, body = create(ad, admin, "secret@a.example")
        ext_id = body["agent"]["extensions"][0]["id"]
        _, _, e = ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=admin)
        password = e["extension"]["sip_password"]
        temporary = body["temporary_password"]
        key = ad.env["AGENTDESK_SECRET_KEY_FILE"]
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600, oct(os.stat(key).st_mode)
        ad.stop()  # the log is complete once the server has stopped
        assert password not in ad.log() and temporary not in ad.log()
        if backend == "sqlite":
            raw = b"".join(open(f, "rb").read() for f in glob.glob(ad.tmpdir + "/agentdesk.db*"))
            assert password.encode() not in raw and temporary.encode() not in raw
            assert b"v1:" in raw  # sealed values are there


if __name__ == "__main__":
    main()
