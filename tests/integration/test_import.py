"""The CSV import and export of agents (issue 21): POST
/v1/admin/agents/import checks every row (a dry run writes nothing),
creates all rows or none, refuses malformed files with a stable code, has
its own body limit; the temporary passwords download once; above 500 rows
it runs in the background and a second import of the tenant is refused;
GET /v1/admin/agents.csv neutralises formula cells."""
import json
import time

from agentdesk_harness import Agentdesk, World, main, wait_for

HEADER = "first_name,last_name,email,role,extensions_count,voicemail_enabled,send_invite\r\n"


def post(ad, token, text, dry=False, tenant=None, raw=None):
    path = "/v1/admin/agents/import" + ("?dry_run=true" if dry else "")
    if tenant:
        path += ("&" if dry else "?") + "tenant_id=%d" % tenant
    return ad.request("POST", path, token=token, body=raw if raw is not None else text.encode(),
                      headers={"Content-Type": "text/csv"})


def declared(ad, token, path, length, content_type):
    """Sends only the headers of a body of length bytes; the answer comes
    before any of it (a cap refuses by Content-Length, unread)."""
    c = ad.connect()
    try:
        c.putrequest("POST", path)
        c.putheader("Authorization", "Bearer " + token)
        c.putheader("Content-Type", content_type)
        c.putheader("Content-Length", str(length))
        c.endheaders()
        r = c.getresponse()
        return r.status, json.loads(r.read())
    finally:
        c.close()


def agent_count(ad, token):
    status, _, b = ad.request("GET", "/v1/admin/agents?limit=1", token=token)
    assert status == 200, b
    return b["total"]


def rows(n, prefix, start=0):
    return "".join("F%d,L%d,%s%d@a.example,agent,1,false,false\n" % (i, i, prefix, i)
                   for i in range(start, start + n))


def test_import(backend):
    with Agentdesk(backend) as ad:
        w = World(ad, pool_size=700)
        admin = w.token("admin")
        before = agent_count(ad, admin)

        # Only tenant admins (and the platform's) import; a supervisor reads.
        for who in ("agent", "supervisor"):
            status, _, b = post(ad, w.token(who), HEADER + rows(1, "x"))
            assert status == 403, b
        status, _, b = ad.request("POST", "/v1/admin/agents/import", token=admin, body=b"{}",
                                  headers={"Content-Type": "application/json"})
        assert status == 415 and b["error"]["code"] == "unsupported_media_type", b

        # A dry run: every row's errors, by the file's line, nothing written.
        bad = (HEADER
               + "Ann,Lee,ann@a.example,agent,1,true,false\n"
               + "Bob,Ray,not-an-email,agent,1,false,false\n"
               + "Cy,Doe,ANN@a.example,agent,1,false,false\n"
               + "Di,Fox,agent@a.example,agent,1,false,false\n"
               + "Ed,Gil,ed@a.example,superadmin,1,false,false\n"
               + "Flo,Hu,flo@a.example,agent,1,maybe,false\n"
               + "Gus,Ives,gus@a.example,agent,1,false,true\n")
        status, _, b = post(ad, admin, bad, dry=True)
        assert status == 200 and b["dry_run"] is True and b["rows"] == 7, b
        got = {(e["row"], e["field"], e["code"]) for e in b["errors"]}
        assert got == {(3, "email", "invalid"), (4, "email", "duplicate_in_file"),
                       (5, "email", "email_taken"), (6, "role", "role_not_allowed"),
                       (7, "voicemail_enabled", "invalid"),
                       (8, "send_invite", "mail_off")}, b["errors"]
        assert all(e["message"] for e in b["errors"])
        assert b["valid_rows"] == 1, b
        # The real run of that file: refused with the same errors, nothing written.
        status, _, b = post(ad, admin, bad)
        assert status == 400 and b["error"]["code"] == "invalid_rows", b
        assert len(b["error"]["rows"]) == 6, b
        assert agent_count(ad, admin) == before

        # Malformed files: a clear 400 with a stable code, nothing written.
        cases = [
            (HEADER.replace("send_invite", "salary"), "unknown_column"),
            (HEADER + '"Ann,Lee,ann@a.example,agent,1,false,false\n', "csv_unbalanced_quotes"),
            (HEADER + rows(10001, "m"), "csv_too_many_rows"),
            ("a," * 999 + "a\n", "csv_too_many_columns"),
            (HEADER + "Ann,Lee,ann@a.example,agent,1,false\n", "csv_row_width"),
            ("", "csv_empty"),
        ]
        for text, code in cases:
            status, _, b = post(ad, admin, text)
            assert status == 400 and b["error"]["code"] == code, (code, status, b)
        latin1 = (HEADER + "Jos\xe9,M\xfcller,jose@a.example,agent,1,false,false\n").encode("latin-1")
        status, _, b = post(ad, admin, None, raw=latin1)
        assert status == 400 and b["error"]["code"] == "csv_encoding", b
        # Its own body limit (8 MiB), the general one (64 KiB) elsewhere.
        status, b = declared(ad, admin, "/v1/admin/agents/import", 8 * 1024 * 1024 + 1, "text/csv")
        assert status == 413 and b["error"]["code"] == "payload_too_large", b
        status, b = declared(ad, admin, "/v1/admin/agents/import", 50 * 1024 * 1024, "text/csv")
        assert status == 413 and b["error"]["code"] == "payload_too_large", b
        status, b = declared(ad, admin, "/v1/admin/agents", 65 * 1024, "application/json")
        assert status == 413 and b["error"]["code"] == "payload_too_large", b
        big_ok = HEADER + rows(1, "big") + "\n" * (100 * 1024)
        status, _, b = post(ad, admin, big_ok, dry=True)
        assert status == 200 and b["errors"] == [], b
        assert agent_count(ad, admin) == before

        # A real run: UTF-8 with a BOM, ';', quotes; all rows created.
        good = ("\ufeff" + HEADER.replace(",", ";")
                + "Jos\u00e9;M\u00fcller;jose@a.example;agent;2;true;false\r\n"
                + '"=SUM(A1)";"Lee; Jr";ann@a.example;supervisor;;;false\r\n'
                + "Zed;Zu;zed@a.example;;0;false;false\r\n")
        status, _, b = post(ad, admin, good)
        assert status == 201, b
        imp = b["import"]
        assert imp["status"] == "done" and imp["total"] == 3 and imp["done"] == 3, imp
        assert "temporary_password" not in str(b), b
        assert [a["email"] for a in imp["agents"]] == ["jose@a.example", "ann@a.example",
                                                      "zed@a.example"], imp
        assert len(imp["agents"][0]["extensions"]) == 2 and imp["agents"][2]["extensions"] == []
        assert imp["agents"][1]["role"] == "supervisor" and imp["result_csv"] is True
        assert agent_count(ad, admin) == before + 3
        # Audited once, with the count.
        status, _, b = ad.request("GET", "/v1/admin/audit?limit=20", token=admin)
        assert status == 200, b
        actions = [e["action"] for e in b["entries"]]
        # (the World's three creates before it; none per imported row)
        assert actions[:4] == ["agent.import"] + ["agent.create"] * 3, actions
        assert '"count": "3"' in json.dumps(b["entries"][0]), b["entries"][0]
        # Another tenant sees none of it.
        other = w.token("admin", "B")
        for path in ("/v1/admin/imports/%d" % imp["id"], "/v1/admin/imports/%d/result.csv" % imp["id"]):
            status, _, b = ad.request("GET", path, token=other)
            assert status == 404, (path, b)
        # The temporary passwords: once, as CSV, to an admin only, then gone.
        for path in ("/v1/admin/imports/%d" % imp["id"], "/v1/admin/imports/%d/result.csv" % imp["id"]):
            status, _, b = ad.request("GET", path, token=w.token("supervisor"))
            assert status == 403, (path, b)
        status, _, b = ad.request("GET", "/v1/admin/imports/%d" % imp["id"], token=admin)
        assert status == 200 and b["import"]["result_csv"] is True, b
        assert b["import"]["status"] == "done" and len(b["import"]["agents"]) == 3, b
        status, h, text = ad.request("GET", "/v1/admin/imports/%d/result.csv" % imp["id"], token=admin)
        assert status == 200 and h["content-type"].startswith("text/csv"), text
        assert h.get("cache-control") == "no-store"
        lines = text.split("\r\n")
        assert lines[0] == "email,first_name,last_name,temporary_password", lines
        jose = lines[1].split(",")
        assert jose[0] == "jose@a.example" and len(jose[3]) == 16, lines
        assert lines[2].startswith("ann@a.example,'=SUM(A1),"), lines
        ad.login("jose@a.example", jose[3])
        status, _, b = ad.request("GET", "/v1/admin/imports/%d/result.csv" % imp["id"], token=admin)
        assert status == 410 and b["error"]["code"] == "result_gone", b
        status, _, b = ad.request("GET", "/v1/admin/imports/%d" % imp["id"], token=admin)
        assert status == 200 and b["import"]["result_csv"] is False, b
        # The same file again: every email is taken now.
        status, _, b = post(ad, admin, good)
        assert status == 400 and {e["code"] for e in b["error"]["rows"]} == {"email_taken"}, b

        # The export: the import's columns and more, formulas neutralised, no secret.
        status, h, text = ad.request("GET", "/v1/admin/agents.csv", token=w.token("supervisor"))
        assert status == 200 and h["content-type"].startswith("text/csv"), text
        lines = text.split("\r\n")
        assert lines[0] == ("first_name,last_name,email,role,extensions_count,voicemail_enabled,"
                            "send_invite,extensions,status,last_login_at"), lines[0]
        ann = [l for l in lines if "ann@a.example" in l][0]
        assert ann.startswith("'=SUM(A1),Lee; Jr,ann@a.example,supervisor,1,false,false,"), ann
        jose_line = [l for l in lines if "jose@a.example" in l][0]
        assert ",2,true,false," in jose_line and "T" in jose_line.split(",")[-1], jose_line
        assert "admin@b.example" not in text and "v1:" not in text and "hmac$" not in text
        assert len(lines) == 2 + before + 3, lines  # the header, each agent, the last CRLF

        # One running import per tenant: a second one is refused (409), a
        # running one whose node stopped updating it (10 minutes) no longer
        # blocks the tenant.
        tb = w.tenants["B"]["id"]
        now = int(time.time())
        ad.sql("INSERT INTO agent_imports (tenant_id, status, total, created_at, updated_at) "
               "VALUES (%d, 'running', 5, %d, %d)" % (tb, now, now))
        status, _, b = post(ad, other, HEADER + rows(1, "b"))
        assert status == 409 and b["error"]["code"] == "import_running", b
        status, _, b = post(ad, other, HEADER + rows(1, "b"), dry=True)
        assert status == 200, b                     # a dry run writes nothing: allowed
        ad.sql("UPDATE agent_imports SET updated_at = %d WHERE tenant_id = %d"
               % (now - 601, tb))
        status, _, b = post(ad, other, HEADER.replace("a.example", "b.example") + rows(1, "b"))
        assert status == 201, b
        assert ad.sql("SELECT status FROM agent_imports WHERE tenant_id = %d ORDER BY id" % tb) \
            == [("failed",), ("done",)]
        # A dry run also says at which row the pool runs out (700 numbers, 4 used).
        many = HEADER + "".join("F,L,p%d@b.example,agent,4,false,false\n" % i for i in range(200))
        status, _, b = post(ad, other, many, dry=True)
        assert status == 200 and [(e["row"], e["code"]) for e in b["errors"]] == \
            [(2 + 696 // 4, "pool_exhausted")], b["errors"]

        # Above 500 rows: in the background, progress then the result.
        status, _, b = post(ad, admin, HEADER + rows(600, "bulk"))
        assert status == 202 and b["import"]["status"] == "running", b
        assert b["import"]["total"] == 600 and "agents" not in b["import"], b
        big = b["import"]["id"]
        seen = []

        def finished():
            s, _, b = ad.request("GET", "/v1/admin/imports/%d" % big, token=admin)
            assert s == 200, b
            seen.append(b["import"]["done"])
            return b["import"] if b["import"]["status"] != "running" else None
        done = wait_for(finished, timeout=60, what="the background import")
        assert done["status"] == "done" and done["done"] == 600 and len(done["agents"]) == 600, done
        assert seen == sorted(seen), seen
        assert agent_count(ad, admin) == before + 3 + 600
        status, _, text = ad.request("GET", "/v1/admin/imports/%d/result.csv" % big, token=admin)
        assert status == 200 and len(text.split("\r\n")) == 602, text[:200]

if __name__ == "__main__":
    main()
