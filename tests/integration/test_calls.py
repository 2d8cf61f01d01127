"""Call records and usage analytics through the API: GET /v1/admin/calls,
/v1/admin/analytics/usage and usage.csv (what openapi.yaml says: shapes,
filters, validation with a stable code and field, tenant scope, roles),
agentdesk_calls_in_progress in /metrics, and the purge of old records
(AGENTDESK_CALL_RETENTION_DAYS) and old live events. The rows are planted
in the database (the sink that writes them from FreeSWITCH's events is
tested on its own, tests/store/calls_sink.c, and against real FreeSWITCH
in test_fs_call_records.py)."""
import csv
import io
import time

from agentdesk_harness import Agentdesk, World, free_port, main, wait_for

D1, D2 = "2026-11-28", "2026-11-29"
D1_EPOCH = 1795824000            # 2026-11-28T00:00:00Z
DAY1, DAY2 = D1_EPOCH // 86400, D1_EPOCH // 86400 + 1


def plant_call(ad, tenant, user, ext, leg, started, answered=None, ended=None, talk=0,
               cause=None, codec=None, mos=None, direction="outbound", placed=1,
               callee="9196", node="127.0.0.1:8021"):
    def v(x):
        return "NULL" if x is None else ("'%s'" % x if isinstance(x, str) else str(x))
    ad.sql("INSERT INTO call_records (tenant_id, user_id, extension, leg_uuid, call_uuid, "
           "direction, placed, caller, callee, cluster_id, node, started_at, answered_at, "
           "ended_at, talk_seconds, end_cause, codec, mos_centi) VALUES (%s)" % ", ".join(
               v(x) for x in (tenant, user, ext, leg, "call-" + leg, direction, placed, ext,
                              callee, 0, node, started, answered, ended, talk, cause, codec,
                              mos)))


def plant_usage(ad, tenant, day, ext, user, placed=0, received=0, answered=0, missed=0, talk=0):
    ad.sql("INSERT INTO call_usage (tenant_id, day, extension, user_id, calls_placed, "
           "calls_received, answered, missed, talk_seconds) VALUES (%d, %d, '%s', %d, %d, %d, "
           "%d, %d, %d)" % (tenant, day, ext, user, placed, received, answered, missed, talk))


def agent_of(w, key, role="agent"):
    u = w.users[(key, role)]
    return u["id"], u["agent"]["extensions"][0]["extension"]


def get(ad, path, token):
    return ad.request("GET", path, token=token)


def refused(ad, path, token, field):
    status, _, body = get(ad, path, token)
    assert status == 400, (path, status, body)
    assert body["error"]["code"] == "validation_failed", body
    assert body["error"].get("field") == field, (path, body)


def test_calls_list(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        ta, tb = w.tenants["A"]["id"], w.tenants["B"]["id"]
        ua, ea = agent_of(w, "A")
        ub, eb = agent_of(w, "B")
        plant_call(ad, ta, ua, ea, "a1", D1_EPOCH + 3600, D1_EPOCH + 3605, D1_EPOCH + 3665, 60,
                   "NORMAL_CLEARING", "PCMU", 450)
        plant_call(ad, ta, ua, ea, "a2", D1_EPOCH + 86400 + 7200, direction="inbound", placed=0,
                   callee=ea)
        plant_call(ad, tb, ub, eb, "b1", D1_EPOCH + 3600, D1_EPOCH + 3601, D1_EPOCH + 3602, 1,
                   "NORMAL_CLEARING")
        admin = w.token("admin")

        status, _, body = get(ad, "/v1/admin/calls", admin)
        assert status == 200, body
        assert body["total"] == 2 and [c["call_uuid"] for c in body["calls"]] == \
            ["call-a2", "call-a1"], body          # newest first, only tenant A's
        a2, a1 = body["calls"]
        assert a1 == {"id": a1["id"], "call_uuid": "call-a1", "extension": ea, "agent_id": ua,
                      "agent_name": "First Last", "direction": "outbound", "caller": ea,
                      "callee": "9196", "node": "127.0.0.1:8021",
                      "started_at": "2026-11-28T01:00:00Z", "answered_at": "2026-11-28T01:00:05Z",
                      "ended_at": "2026-11-28T01:01:05Z", "talk_seconds": 60,
                      "end_cause": "NORMAL_CLEARING", "codec": "PCMU", "mos": 4.5}, a1
        assert a2["direction"] == "inbound" and a2["answered_at"] is None and \
            a2["ended_at"] is None and a2["end_cause"] is None and a2["codec"] is None and \
            a2["mos"] is None, a2

        def uuids(query, token=admin):
            status, _, body = get(ad, "/v1/admin/calls" + query, token)
            assert status == 200, (query, body)
            return [c["call_uuid"] for c in body["calls"]]

        assert uuids("?active=true") == ["call-a2"]
        assert uuids("?active=false") == ["call-a2", "call-a1"]
        assert uuids("?from=%s" % D2) == ["call-a2"]
        assert uuids("?to=%s" % D1) == ["call-a1"]
        assert uuids("?from=%s&to=%s" % (D1, D1)) == ["call-a1"]
        assert uuids("?agent_id=%d" % ua) == ["call-a2", "call-a1"]
        assert uuids("?agent_id=%d" % ub) == []            # B's agent: nothing of A's
        assert uuids("?limit=1&offset=1") == ["call-a1"]
        # Every reader of A; B's admin and the superadmin in B see B's only.
        assert uuids("", w.token("supervisor")) == ["call-a2", "call-a1"]
        assert uuids("?tenant_id=%d" % ta, w.token("superadmin")) == ["call-a2", "call-a1"]
        assert uuids("?tenant_id=%d" % tb, w.token("superadmin")) == ["call-b1"]
        assert uuids("", w.token("admin", "B")) == ["call-b1"]
        status, _, body = get(ad, "/v1/admin/calls", w.token("agent"))
        assert status == 403 and body["error"]["code"] == "forbidden", body
        status, _, body = get(ad, "/v1/admin/calls", None)
        assert status == 401, body

        refused(ad, "/v1/admin/calls?from=2026-02-30", admin, "from")
        refused(ad, "/v1/admin/calls?from=28/11/2026", admin, "from")
        refused(ad, "/v1/admin/calls?to=yesterday", admin, "to")
        refused(ad, "/v1/admin/calls?from=%s&to=%s" % (D2, D1), admin, "to")
        refused(ad, "/v1/admin/calls?agent_id=abc", admin, "agent_id")
        refused(ad, "/v1/admin/calls?active=yes", admin, "active")

        # A deleted agent's records stay, the party shown as a deleted agent.
        status, _, body = ad.request("DELETE", "/v1/admin/agents/%d" % ua, token=admin)
        assert status == 200, body
        status, _, body = get(ad, "/v1/admin/calls", admin)
        assert [(c["agent_id"], c["agent_name"]) for c in body["calls"]] == \
            [(None, "deleted agent")] * 2, body


def test_usage(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        ta, tb = w.tenants["A"]["id"], w.tenants["B"]["id"]
        ua, ea = agent_of(w, "A")
        us, es = agent_of(w, "A", "supervisor")
        ub, eb = agent_of(w, "B")
        plant_usage(ad, ta, DAY1, ea, ua, placed=2, received=1, answered=2, missed=1, talk=100)
        plant_usage(ad, ta, DAY2, ea, ua, received=1, answered=1, talk=20)
        plant_usage(ad, ta, DAY1, es, us, placed=1)
        plant_usage(ad, tb, DAY1, eb, ub, placed=5, answered=5, talk=500)
        admin = w.token("admin")
        period = "from=%s&to=%s" % (D1, D2)

        def usage(query, token=admin):
            status, _, body = get(ad, "/v1/admin/analytics/usage?" + query, token)
            assert status == 200, (query, body)
            return body

        def sums(placed, received, answered, missed, talk, **keys):
            keys.update(calls_placed=placed, calls_received=received, answered=answered,
                        missed=missed, talk_seconds=talk)
            return keys

        body = usage(period)                            # group_by defaults to day
        assert body == {"success": True, "from": D1, "to": D2, "group_by": "day", "rows": [
            sums(3, 1, 2, 1, 100, day=D1), sums(0, 1, 1, 0, 20, day=D2)]}, body
        body = usage(period + "&group_by=extension")
        assert body["rows"] == sorted([
            sums(2, 2, 3, 1, 120, extension=ea, agent_id=ua, agent_name="First Last"),
            sums(1, 0, 0, 0, 0, extension=es, agent_id=us, agent_name="First Last")],
            key=lambda r: (len(r["extension"]), r["extension"])), body
        body = usage(period + "&group_by=agent")
        assert body["rows"] == sorted([
            sums(2, 2, 3, 1, 120, agent_id=ua, agent_name="First Last"),
            sums(1, 0, 0, 0, 0, agent_id=us, agent_name="First Last")],
            key=lambda r: r["agent_id"]), body
        assert usage("from=%s&to=%s" % (D2, D2))["rows"] == [sums(0, 1, 1, 0, 20, day=D2)]
        # The default period: the last 7 days ending today (UTC).
        body = usage("")
        today = time.time() // 86400
        assert body["to"] == time.strftime("%Y-%m-%d", time.gmtime(today * 86400)), body
        assert body["from"] == time.strftime("%Y-%m-%d", time.gmtime((today - 6) * 86400)), body
        # The most a period may span: 366 days.
        usage("from=2025-01-01&to=2026-01-01")
        # Tenant scope and roles.
        assert usage(period, w.token("supervisor"))["rows"][0]["calls_placed"] == 3
        assert usage(period + "&tenant_id=%d" % tb, w.token("superadmin"))["rows"] == [
            sums(5, 0, 5, 0, 500, day=D1)]
        assert usage(period, w.token("admin", "B"))["rows"] == [sums(5, 0, 5, 0, 500, day=D1)]
        for path in ("/v1/admin/analytics/usage", "/v1/admin/analytics/usage.csv"):
            status, _, body = get(ad, path, w.token("agent"))
            assert status == 403, body
            refused(ad, path + "?group_by=week", admin, "group_by")
            refused(ad, path + "?from=2026-13-01", admin, "from")
            refused(ad, path + "?to=2026-02-30", admin, "to")
            refused(ad, path + "?from=%s&to=%s" % (D2, D1), admin, "to")
            refused(ad, path + "?from=2025-01-01&to=2026-01-02", admin, "to")   # 367 days


def test_usage_csv(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        ta = w.tenants["A"]["id"]
        ua, ea = agent_of(w, "A")
        admin = w.token("admin")
        # A name made to run as a formula in a spreadsheet.
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % ua, token=admin,
                                     json_body={"first_name": "=cmd|' /C calc'!A0",
                                                "last_name": "-Doe, \"Jr\""})
        assert status == 200, body
        plant_usage(ad, ta, DAY1, ea, ua, placed=2, received=1, answered=2, missed=1, talk=100)
        plant_usage(ad, ta, DAY2, ea, ua, received=1, answered=1, talk=20)
        period = "from=%s&to=%s" % (D1, D2)

        for group in ("day", "extension", "agent"):
            status, headers, text = get(ad, "/v1/admin/analytics/usage.csv?%s&group_by=%s" %
                                        (period, group), admin)
            assert status == 200, text
            assert headers["content-type"] == "text/csv; charset=utf-8", headers
            assert headers["content-disposition"].startswith("attachment"), headers
            assert text.endswith("\r\n") and "\r\n" in text[:-2], repr(text)
            _, _, js = get(ad, "/v1/admin/analytics/usage?%s&group_by=%s" % (period, group), admin)
            table = list(csv.reader(io.StringIO(text, newline="")))
            keys = {"day": ["day"], "extension": ["extension", "agent_id", "agent_name"],
                    "agent": ["agent_id", "agent_name"]}[group]
            counts = ["calls_placed", "calls_received", "answered", "missed", "talk_seconds"]
            assert table[0] == keys + counts, table
            assert len(table) == len(js["rows"]) + 1, (table, js)
            for row, want in zip(table[1:], js["rows"]):
                cells = dict(zip(table[0], row))
                for k in counts:
                    assert cells[k] == str(want[k]), (cells, want)   # numbers as numbers
                if "agent_name" in cells:
                    # The formula is neutralised: a leading ' makes it text.
                    assert cells["agent_name"] == "'=cmd|' /C calc'!A0 -Doe, \"Jr\"", cells
                    assert cells["agent_id"] == str(ua), cells
                if group == "day":
                    assert cells["day"] == want["day"], cells
        # The raw bytes: quoted (a comma, quotes) and prefixed inside the quotes.
        _, _, text = get(ad, "/v1/admin/analytics/usage.csv?%s&group_by=agent" % period, admin)
        assert '"\'=cmd|\' /C calc\'!A0 -Doe, ""Jr"""' in text, text


def test_calls_in_progress_metric(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        ta, tb = w.tenants["A"]["id"], w.tenants["B"]["id"]
        ua, ea = agent_of(w, "A")
        ub, eb = agent_of(w, "B")
        now = int(time.time())
        plant_call(ad, ta, ua, ea, "open-a1", now - 30)
        plant_call(ad, ta, ua, ea, "open-a2", now - 20)
        plant_call(ad, ta, ua, ea, "done-a3", now - 90, now - 80, now - 70, 10, "NORMAL_CLEARING")
        plant_call(ad, tb, ub, eb, "open-b1", now - 10)
        status, text = ad.metrics()
        assert status == 200
        assert "\nagentdesk_calls_in_progress 3\n" in text, text
        assert "# TYPE agentdesk_calls_in_progress gauge" in text
        # Per tenant when the operator asks for tenants by name.
        ad.stop()
        serve_again(ad, AGENTDESK_METRICS_TENANTS="true")
        _, text = ad.metrics()
        slug_a, slug_b = w.tenants["A"]["slug"], w.tenants["B"]["slug"]
        assert 'agentdesk_calls_in_progress{tenant_id="%d",tenant="%s"} 2\n' % (ta, slug_a) \
            in text, text
        assert 'agentdesk_calls_in_progress{tenant_id="%d",tenant="%s"} 1\n' % (tb, slug_b) \
            in text, text


def test_retention(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        ta = w.tenants["A"]["id"]
        ua, ea = agent_of(w, "A")
        now = int(time.time())
        plant_call(ad, ta, ua, ea, "old", now - 100 * 86400, ended=now - 100 * 86400 + 5)
        plant_call(ad, ta, ua, ea, "recent", now - 10 * 86400, ended=now - 10 * 86400 + 5)
        plant_usage(ad, ta, (now - 100 * 86400) // 86400, ea, ua, placed=1)
        ad.sql("INSERT INTO live_events (tenant_id, type, user_id, data, created_at) VALUES "
               "(%d, 'call.ended', %d, '{}', %d)" % (ta, ua, now - 2 * 3600))
        ad.sql("INSERT INTO live_events (tenant_id, type, user_id, data, created_at) VALUES "
               "(%d, 'call.ended', %d, '{\"kept\": 1}', %d)" % (ta, ua, now))

        def legs():
            return sorted(r[0] for r in ad.sql("SELECT leg_uuid FROM call_records"))

        # The purge runs at start: 90 days by default.
        ad.stop()
        serve_again(ad)
        wait_for(lambda: legs() == ["recent"], timeout=10, what="the 100-day-old record purged")
        assert ad.sql("SELECT COUNT(*) FROM call_usage")[0][0] == "1"   # usage stays
        wait_for(lambda: [r[0] for r in ad.sql("SELECT data FROM live_events "
                                                "WHERE type = 'call.ended'")] == ['{"kept": 1}'],
                 timeout=10, what="live events older than an hour purged")
        ad.stop()
        serve_again(ad, AGENTDESK_CALL_RETENTION_DAYS="5")
        wait_for(lambda: legs() == [], timeout=10, what="the 10-day-old record purged")
        _, text = ad.metrics()
        assert 'agentdesk_purged_rows_total{table="call_records"} 1' in text, text


def serve_again(ad, **env):
    """Restarts the server as World served it, with env added."""
    env.update(AGENTDESK_XMLCURL_PASSWORD="xc", AGENTDESK_FS_ESL="127.0.0.1:%d" % free_port())
    ad.serve(env=env)


if __name__ == "__main__":
    main()
