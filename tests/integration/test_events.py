"""The live streams (Server-Sent Events) against the real binary: tickets
(single use, bound to session and stream, never the bearer token in a URL
or the ticket in the log), tenant scoping of the admin stream (two tenants
and a superadmin, all tenants or one), the agents' reduced stream, a
client that stops reading dropped without delaying another, a revoked
session ending its stream, resume by Last-Event-ID from the ring and
`reload` past it, and the server's stop ending every stream."""
import json
import signal
import time

from agentdesk_harness import (Agentdesk, SseStream, World, append_event, main, metric,
                               open_stream, sql, ticket, wait_for)


def rename(w, key, agent_key, first_name):
    """PATCH an agent of tenant key: one agent.updated."""
    status, _, body = w.ad.request("PATCH", "/v1/admin/agents/%d" % w.users[(key, agent_key)]["id"],
                                   token=w.token("admin", key),
                                   json_body={"first_name": first_name})
    assert status == 200, body


def agent_events(stream, n):
    """The next n agent.* events of stream (the provisioning outcomes of
    the same changes, extension.provisioning, skipped)."""
    out = []
    while len(out) < n:
        e = stream.event()
        assert e is not None, "the stream ended after %r" % out
        if e["event"].startswith("agent."):
            out.append(e)
    return out


def test_tickets(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin", "A")
        # Who may ask: readers for the admin stream, anyone signed in for
        # their own; nobody without a token.
        for who, stream, expected in (("agent", "admin", 403), ("none", "admin", 401),
                                      ("none", "me", 401), ("supervisor", "admin", 201),
                                      ("agent", "me", 201), ("superadmin", "me", 201)):
            status, _, body = ad.request("POST", "/v1/%s/events/ticket" % stream,
                                         token=w.token(who, "A"))
            assert status == expected, (who, stream, status, body)
        # A superadmin's ticket names an existing tenant, or none (all).
        status, _, body = ad.request("POST", "/v1/admin/events/ticket?tenant_id=999999",
                                     token=w.token("superadmin"))
        assert status == 404, body

        # Single use.
        t = ticket(ad, admin)
        s = open_stream(ad, ticket_value=t)
        again = SseStream(ad, "/v1/admin/events?ticket=" + t)
        assert again.status == 401 and again.body["error"]["code"] == "ticket_invalid", again.body
        s.close()
        # For the stream it was issued for only.
        t = ticket(ad, admin, "admin")
        other = SseStream(ad, "/v1/me/events?ticket=" + t)
        assert other.status == 401, other.body
        # Unknown, missing, or a bearer token instead: refused.
        for path, headers in (("/v1/admin/events?ticket=" + "x" * 43, {}),
                              ("/v1/admin/events", {}),
                              ("/v1/admin/events", {"Authorization": "Bearer " + admin}),
                              ("/v1/admin/events?ticket=" + admin, {})):
            r = SseStream(ad, path, headers=headers)
            assert r.status == 401 and r.body["error"]["code"] == "ticket_invalid", (path, r.body)
        # Expired (30 s after issue; the store's clock made to pass here).
        t = ticket(ad, admin)
        assert {r[0] for r in sql(ad, "SELECT expires_at - created_at FROM event_tickets")} \
            == {"30"}
        sql(ad, "UPDATE event_tickets SET expires_at = %d WHERE used_at IS NULL"
                % (int(time.time()) - 1))
        r = SseStream(ad, "/v1/admin/events?ticket=" + t)
        assert r.status == 401, r.body
        # Bound to its session: a ticket of a session that logged out is
        # refused.
        token = ad.login(w.users[("A", "supervisor")]["email"], "correct horse battery")
        t = ticket(ad, token)
        status, _, _ = ad.request("POST", "/v1/auth/logout", token=token)
        assert status == 200
        r = SseStream(ad, "/v1/admin/events?ticket=" + t)
        assert r.status == 401, r.body
        # A bad last_event_id is a 400 that leaves the ticket unused.
        t = ticket(ad, admin)
        r = SseStream(ad, "/v1/admin/events?last_event_id=-3&ticket=" + t)
        assert r.status == 400 and r.body["error"]["field"] == "last_event_id", r.body
        open_stream(ad, ticket_value=t).close()
        # Only the keyed hash is stored, and no ticket reaches the log
        # (refused ones included: their lines are written at once).
        issued = [ticket(ad, admin) for _ in range(2)]
        open_stream(ad, ticket_value=issued[0]).close()
        r = SseStream(ad, "/v1/admin/events?ticket=" + issued[0])
        assert r.status == 401
        hashes = [r[0] for r in sql(ad, "SELECT token_hash FROM event_tickets")]
        assert all(len(h) == 64 for h in hashes)
        assert not any(t in hashes for t in issued)
        log = wait_for(lambda: (lambda text: text.count("GET /v1/admin/events 401") >= 8
                                and text)(ad.log()), what="the refusals in the log")
        assert not any(t in log for t in issued), "a ticket in the log"


def test_tenants_never_see_each_other(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        a, b = w.tenants["A"]["id"], w.tenants["B"]["id"]
        admin_a = open_stream(ad, w.token("admin", "A"))
        sup_b = open_stream(ad, w.token("supervisor", "B"))
        root_all = open_stream(ad, w.token("superadmin"))
        root_a = open_stream(ad, w.token("superadmin"), tenant_id=a)
        rename(w, "A", "agent", "Ann")
        rename(w, "B", "agent", "Bob")
        rename(w, "A", "supervisor", "Sue")
        # Ids are in commit order: a stream that skipped the other
        # tenant's event got its own next.
        got_a = agent_events(admin_a, 2)
        assert [e["json"]["tenant_id"] for e in got_a] == [a, a]
        assert [e["json"]["data"]["first_name"] for e in got_a] == ["Ann", "Sue"]
        got_b = agent_events(sup_b, 1)
        assert got_b[0]["json"]["tenant_id"] == b and got_b[0]["json"]["data"]["first_name"] == "Bob"
        got_root = agent_events(root_all, 3)
        assert [e["json"]["tenant_id"] for e in got_root] == [a, b, a]
        got_root_a = agent_events(root_a, 2)
        assert [e["json"]["data"]["first_name"] for e in got_root_a] == ["Ann", "Sue"]
        # The framing: id, event, data (the LiveEvent) agree.
        e = got_root[0]
        assert e["id"] == str(e["json"]["id"]) and e["event"] == e["json"]["type"] == "agent.updated"
        assert set(e["json"]) == {"id", "type", "at", "tenant_id", "data"}
        assert set(e["json"]["data"]) == {"agent_id", "first_name", "last_name", "role",
                                          "status", "extensions"}
        assert "email" not in json.dumps(e["json"])
        # B's stream still has nothing of A: the next event it gets is B's.
        rename(w, "A", "agent", "Anna")
        rename(w, "B", "agent", "Bea")
        assert agent_events(sup_b, 1)[0]["json"]["data"]["first_name"] == "Bea"
        assert metric(ad, "agentdesk_sse_clients") == 4
        for s in (admin_a, sup_b, root_all, root_a):
            s.close()


def test_me_stream(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        a, b = w.tenants["A"]["id"], w.tenants["B"]["id"]
        me = w.users[("A", "agent")]
        colleague = w.users[("A", "supervisor")]
        s = open_stream(ad, me["token"], "me")
        admin = open_stream(ad, w.token("admin", "A"))
        reg = {"extension_id": 7, "extension": "10001", "agent_id": colleague["id"],
               "registered": True, "at": "2026-01-01T00:00:00Z",
               "registration": {"node": "127.0.0.1:5060", "contact": "sip:10001@198.51.100.9",
                                "network_ip": "198.51.100.9", "network_port": 5060,
                                "user_agent": "Phone/1.0", "expires_at": "2026-01-01T01:00:00Z"},
               "last_registered_at": "2026-01-01T00:00:00Z",
               "email": colleague["email"]}
        call = {"id": 1, "call_uuid": "u-1", "extension": "10000", "agent_id": me["id"],
                "direction": "internal", "caller": "10000", "callee": "10001"}
        rename(w, "A", "supervisor", "Sue")                              # agent.*: not here
        append_event(ad, b, "registration.changed", dict(reg, agent_id=None))  # another tenant
        append_event(ad, a, "call.started", dict(call, agent_id=colleague["id"]),
                     user_id=colleague["id"])                            # a colleague's call
        mine = append_event(ad, a, "call.started", call, user_id=me["id"])
        reg_id = append_event(ad, a, "registration.changed", reg)
        got = s.events(2)
        assert [int(e["id"]) for e in got] == [mine, reg_id], got
        assert got[0]["json"]["data"] == call
        assert got[1]["json"]["data"] == {"extension_id": 7, "extension": "10001",
                                          "agent_id": colleague["id"], "registered": True,
                                          "at": "2026-01-01T00:00:00Z"}
        assert "198.51.100.9" not in got[1]["data"] and "@" not in got[1]["data"]
        # The admin stream has it all (as published).
        full = admin.event()
        while int(full["id"]) != reg_id:
            full = admin.event()
        assert full["json"]["data"]["registration"]["contact"] == "sip:10001@198.51.100.9"
        # A superadmin's own stream (no tenant) gets heartbeats only.
        root = open_stream(ad, w.token("superadmin"), "me")
        append_event(ad, a, "registration.changed", reg)
        assert s.event()["event"] == "registration.changed"
        root.settimeout(1.5)
        try:
            assert root.frame() is None
            raise AssertionError("the superadmin's own stream got an event")
        except OSError:
            pass
        for x in (s, admin, root):
            x.close()


def test_slow_client_is_dropped(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        a = w.tenants["A"]["id"]
        # A client that reads nothing (a small receive window, so the
        # kernel buffers little for it), and one that reads.
        slow = open_stream(ad, w.token("admin", "A"), rcvbuf=4096)
        fast = open_stream(ad, w.token("admin", "A"))
        wait_for(lambda: metric(ad, "agentdesk_sse_clients") == 2, what="two streams")
        pad = "x" * 60000
        n = 40   # 2.4 MB: more than the slow client's queue and socket hold
        # One at a time, each read by the fast client before the next: its
        # delivery time is measured while the slow one's queue fills up.
        worst = 0
        for i in range(n):
            start = time.monotonic()
            eid = append_event(ad, a, "agent.updated", {"agent_id": 1, "pad": pad, "i": i})
            e = fast.event()
            worst = max(worst, time.monotonic() - start)
            assert e is not None and int(e["id"]) == eid, "event %d: %r" % (i, e and e["id"])
        print("the reading client got each of %d events of 60 kB within %.3fs beside a "
              "stalled one" % (n, worst))
        assert worst < 2, worst
        wait_for(lambda: metric(ad, "agentdesk_sse_dropped_clients_total") == 1,
                 what="the slow client dropped")
        wait_for(lambda: metric(ad, "agentdesk_sse_clients") == 1, what="one stream left")
        # The slow client, reading at last, finds its stream cut short.
        slow.settimeout(10)
        seen = 0
        while True:
            f = slow.frame()
            if f is None:
                break
            seen += bool(f["event"])
        assert seen < n, seen
        # The other stream goes on.
        rename(w, "A", "agent", "Ann")
        assert agent_events(fast, 1)[0]["json"]["data"]["first_name"] == "Ann"
        fast.close()
        slow.close()


def test_session_end_ends_stream(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        token = ad.login(w.users[("A", "admin")]["email"], "correct horse battery")
        s = open_stream(ad, token)
        me = open_stream(ad, token, "me")
        other = open_stream(ad, w.token("admin", "A"))
        status, _, _ = ad.request("POST", "/v1/auth/logout", token=token)
        assert status == 200
        start = time.monotonic()
        for stream in (s, me):
            end = stream.event()
            assert end["event"] == "end" and end["json"] == {"reason": "session_ended"}, end
            assert stream.frame() is None   # and the body ends
        print("streams ended %.2fs after logout" % (time.monotonic() - start))
        # The other session's stream is untouched.
        rename(w, "A", "agent", "Ann")
        assert agent_events(other, 1)[0]["event"] == "agent.updated"
        # A suspended agent's own stream ends too.
        agent = w.users[("A", "agent")]
        mine = open_stream(ad, agent["token"], "me")
        status, _, body = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"],
                                     token=w.token("admin", "A"), json_body={"status": "suspended"})
        assert status == 200, body
        assert mine.event()["json"] == {"reason": "session_ended"}
        for x in (s, me, other, mine):
            x.close()


def test_resume(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        a = w.tenants["A"]["id"]
        s = open_stream(ad, w.token("admin", "A"))
        rename(w, "A", "agent", "One")
        first = agent_events(s, 1)[0]
        s.close()
        for name in ("Two", "Three", "Four"):
            rename(w, "A", "agent", name)
        rename(w, "B", "agent", "Other")
        # From the query (the web client's reconnection), then from the
        # header (EventSource's own): exactly the missed events.
        missed = ["Two", "Three", "Four"]
        for how in ("query", "header"):
            if how == "query":
                r = open_stream(ad, w.token("admin", "A"), last_event_id=int(first["id"]))
            else:
                r = open_stream(ad, w.token("admin", "A"),
                                headers={"Last-Event-ID": first["id"]})
            got = agent_events(r, len(missed))
            assert [e["json"]["data"]["first_name"] for e in got] == missed
            rename(w, "A", "agent", "Live-" + how)
            assert agent_events(r, 1)[0]["json"]["data"]["first_name"] == "Live-" + how
            missed.append("Live-" + how)
            r.close()

        # Past the ring (1024 events): told to reload, then live.
        sql(ad, "INSERT INTO live_events (tenant_id, type, data, created_at) "
                "SELECT %d, 'agent.updated', '{}', 0 FROM (%s) AS n"
            % (a, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
                  "WHERE i < 1100) SELECT i FROM c"))
        last = int(sql(ad, "SELECT MAX(id) FROM live_events")[0][0])
        wait_for(lambda: metric(ad, "agentdesk_live_events_read_id") == last,
                 what="the reader at the last event")
        r = open_stream(ad, w.token("admin", "A"), last_event_id=int(first["id"]))
        reload = r.event()
        assert reload["event"] == "reload" and reload["json"] == {"reason": "gap"}, reload
        assert reload["id"] is None
        rename(w, "A", "agent", "After")
        assert agent_events(r, 1)[0]["json"]["data"]["first_name"] == "After"
        r.close()
        r = open_stream(ad, w.token("admin", "A"), last_event_id=last - 5)
        assert [int(e["id"]) for e in r.events(5)] == list(range(last - 4, last + 1))
        r.close()


def test_stop_ends_streams(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        streams = [open_stream(ad, w.token("admin", "A")) for _ in range(3)]
        streams.append(open_stream(ad, w.users[("A", "agent")]["token"], "me"))
        # One that reads nothing must not hold the stop up.
        stalled = open_stream(ad, w.token("admin", "A"), rcvbuf=4096)
        start = time.monotonic()
        ad.stop(signal.SIGTERM)
        took = time.monotonic() - start
        for s in streams:
            end = s.event()
            assert end["event"] == "end" and end["json"] == {"reason": "shutdown"}, end
            assert s.frame() is None
        print("stopped with 5 open streams in %.2fs" % took)
        assert took < 5, took
        stalled.close()


if __name__ == "__main__":
    main()
