"""Audit entries name who acted and on whom as they were when the entry
was written: actor_email and target_label are stored with the entry, so
a later rename, a deletion of the target or of the actor leaves old
entries as they were; the command line has no actor email; hostile names
are kept as text."""
from agentdesk_harness import Agentdesk, World, main


def entries(ad, token, tenant_id=None, limit=50):
    path = "/v1/admin/audit?limit=%d" % limit
    if tenant_id:
        path += "&tenant_id=%d" % tenant_id
    status, h, body = ad.request("GET", path, token=token)
    assert status == 200, body
    assert h.get("cache-control") == "no-store", h
    return body["entries"]


def test_labels_stored_when_written(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        status, _, body = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": "Ann", "last_name": "Lee", "email": "Ann@A.example"})
        assert status == 201, body
        aid, ext = body["agent"]["id"], body["agent"]["extensions"][0]
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=admin,
                                     json_body={"first_name": "Anna"})
        assert status == 200, body
        status, _, _ = ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"],
                                  token=admin)
        assert status == 200
        status, _, _ = ad.request("DELETE", "/v1/admin/agents/%d" % aid, token=admin)
        assert status == 200
        got = [(e["action"], e["actor_email"], e["target_label"], e["target_id"])
               for e in entries(ad, admin)[:4]]
        assert got == [
            ("agent.delete", "admin@a.example", "Anna Lee <ann@a.example>", aid),
            ("extension.rotate_password", "admin@a.example", ext["extension"], ext["id"]),
            ("agent.update", "admin@a.example", "Anna Lee <ann@a.example>", aid),
            ("agent.create", "admin@a.example", "Ann Lee <ann@a.example>", aid),
        ], got
        # The other tenant's log is its own.
        assert all(e["actor_email"] != "admin@a.example" for e in entries(ad, w.token("admin", "B")))


def test_reveal_is_audited(backend):
    """Each time an admin is shown a SIP password is an audit entry; a
    supervisor, who is never shown it, leaves none."""
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        status, _, body = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": "Ria", "last_name": "Veal", "email": "ria@a.example"})
        assert status == 201, body
        ext = body["agent"]["extensions"][0]
        path = "/v1/admin/extensions/%d" % ext["id"]
        status, _, body = ad.request("GET", path, token=w.token("supervisor"))
        assert status == 200 and "sip_password" not in body["extension"], body
        assert not [e for e in entries(ad, admin) if e["action"] == "extension.reveal_password"]
        for _ in range(2):
            status, _, body = ad.request("GET", path, token=admin)
            assert status == 200 and body["extension"]["sip_password"], body
        got = [(e["action"], e["actor_email"], e["target_label"], e["target_id"])
               for e in entries(ad, admin) if e["action"] == "extension.reveal_password"]
        assert got == [("extension.reveal_password", "admin@a.example", ext["extension"],
                        ext["id"])] * 2, got


def test_actor_gone_and_command_line(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        second = w.create_agent(admin, "second.admin@a.example", role="admin")
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % w.users[("A", "agent")]["id"],
                                     token=second["token"], json_body={"last_name": "Renamed"})
        assert status == 200, body
        status, _, _ = ad.request("DELETE", "/v1/admin/agents/%d" % second["id"], token=admin)
        assert status == 200
        e = [x for x in entries(ad, admin) if x["actor_user_id"] == second["id"]]
        assert len(e) == 1 and e[0]["actor_email"] == "second.admin@a.example", e
        assert e[0]["target_label"] == "First Renamed <agent@a.example>", e
        # The command line acts without an email; the tenant is named.
        t = ad.run_json("tenant", "create", "--name", "Tenant C", "--pool-base", "30000",
                        "--pool-size", "5")
        e = entries(ad, w.token("superadmin"), tenant_id=t["id"])
        assert [(x["action"], x["actor_user_id"], x["actor_email"], x["target_label"])
                for x in e] == [("tenant.create", None, None, "Tenant C")], e
        status, _, body = ad.request("PATCH", "/v1/admin/tenants/%d" % t["id"],
                                     token=w.token("superadmin"), json_body={"name": "Tenant C2"})
        assert status == 200, body
        e = entries(ad, w.token("superadmin"), tenant_id=t["id"])
        assert [(x["actor_email"], x["target_label"]) for x in e] == [
            ("root@platform.example", "Tenant C2"), (None, "Tenant C")], e


def test_hostile_names_kept_as_text(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        first, last = "<img src=x onerror=alert(1)>", '"><script>alert(2)</script>'
        status, _, body = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
            "first_name": first, "last_name": last, "email": "hostile@a.example"})
        assert status == 201, body
        e = entries(ad, admin)[0]
        assert e["target_label"] == "%s %s <hostile@a.example>" % (first, last), e


if __name__ == "__main__":
    main()
