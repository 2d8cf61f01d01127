"""Names (of agents, tenants, clusters) refuse what would make them mean
more than they say: FreeSWITCH's variable syntax ("${…}", "$${…}"), which a
name would carry into caller-ID, and the bidirectional formatting
characters (U+202E and its kin), which make a name read otherwise than it
is stored. FreeSWITCH's own reading is test_fs_names.py."""

from agentdesk_harness import Agentdesk, World, main

REFUSED = ("$${default_password} $${hostname}", "Eve ${sip_from_user}",
           "Eve\u202egpj.exe", "\u200fEve", "Eve\u2066x\u2069", "\u061cEve")


def test_names_refused(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin")
        aid = w.create_agent(admin, "names@a.example")["id"]
        for value in REFUSED:
            for field in ("first_name", "last_name"):
                status, _, b = ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=admin,
                                          json_body={field: value})
                assert status == 400, (value, b)
                assert b["error"]["code"] == "validation_failed", b
                assert b["error"]["field"] == field, b
            status, _, b = ad.request("POST", "/v1/admin/agents", token=admin, json_body={
                "first_name": value, "last_name": "L", "email": "n2@a.example"})
            assert status == 400 and b["error"]["field"] == "first_name", (value, b)
            status, _, b = ad.request("PATCH", "/v1/admin/tenants/%d" % w.tenants["A"]["id"],
                                      token=w.super["token"], json_body={"name": value})
            assert status == 400 and b["error"]["code"] == "validation_failed", (value, b)
        # A '$' or a brace alone is a character like any other.
        status, _, b = ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=admin,
                                  json_body={"first_name": "Ca$h {x}", "last_name": "\u05d3\u05d5\u05d3"})
        assert status == 200, b
        assert b["agent"]["first_name"] == "Ca$h {x}", b


if __name__ == "__main__":
    main()
