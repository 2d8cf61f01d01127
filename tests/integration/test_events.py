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

from agentdesk_harness import (Agentdesk, EslFixture, SseStream, World, append_event,
                               free_port, main, metric, only_on, open_stream, restart, settle,
                               sql, ticket, wait_for)


def rename(w, key, agent_key, first_name):
    """PATCH an agent of tenant key: one agent.updated."""
    status, _, body = w.ad.request("PATCH", "/v1/admin/agents/%d" % w.users[(key, agent_key)]["id"],
                                   token=w.token("admin", key),
                                   json_body={"first_name": first_name})
    assert status == 200, body


def agent_events(stream, n, after=0):
    """The next n events of stream about an agent's record (created,
    updated, deleted): the provisioning outcomes of the same changes
    (extension.provisioning) are skipped, and so are an agent's presence
    and queue status, which logins make at their own time."""
    out = []
    while len(out) < n:
        e = stream.event()
        assert e is not None, "the stream ended after %r" % out
        if e["event"] in ("agent.created", "agent.updated", "agent.deleted") and \
                int(e["id"]) > after:
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
        status, _, body = ad.request("POST", "/v1/admin/events/ticket?tenant_id=x",
                                     token=w.token("superadmin"))
        assert status == 400 and body["error"]["field"] == "tenant_id", body

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
        # A stream starts where the server's reader of the log stands, which
        # may still be before the World's last create under load: events up
        # to here are not this test's.
        floor = int(sql(ad, "SELECT COALESCE(MAX(id), 0) FROM live_events")[0][0])
        rename(w, "A", "agent", "Ann")
        rename(w, "B", "agent", "Bob")
        rename(w, "A", "supervisor", "Sue")
        # Ids are in commit order: a stream that skipped the other
        # tenant's event got its own next.
        got_a = agent_events(admin_a, 2, floor)
        assert [e["json"]["tenant_id"] for e in got_a] == [a, a]
        assert [e["json"]["data"]["first_name"] for e in got_a] == ["Ann", "Sue"]
        got_b = agent_events(sup_b, 1, floor)
        assert got_b[0]["json"]["tenant_id"] == b and got_b[0]["json"]["data"]["first_name"] == "Bob", \
            got_b
        got_root = agent_events(root_all, 3, floor)
        assert [e["json"]["tenant_id"] for e in got_root] == [a, b, a]
        got_root_a = agent_events(root_a, 2, floor)
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
        # An invitation's outcome (even one about this agent): admins of its
        # tenant only, never an agent's stream nor another tenant's.
        inv = {"agent_id": me["id"], "email": me["email"], "status": "failed", "code": 550}
        inv_b = append_event(ad, b, "invitation.sent", dict(inv, status="sent", code=None))
        inv_a = append_event(ad, a, "invitation.failed", inv, user_id=me["id"])
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
        seen = []
        while int(full["id"]) != reg_id:
            seen.append(int(full["id"]))
            full = admin.event()
        assert inv_a in seen and inv_b not in seen, seen
        assert full["json"]["data"]["registration"]["contact"] == "sip:10001@198.51.100.9"
        # A superadmin's own stream (no tenant) gets heartbeats only.
        root = open_stream(ad, w.token("superadmin"), "me")
        append_event(ad, a, "registration.changed", reg)
        assert s.event()["event"] == "registration.changed"
        root.settimeout(1.5)
        try:
            while True:   # heartbeats may come; an event may not
                f = root.frame()
                assert f is not None and not f["event"], f
        except OSError:
            pass
        for x in (s, admin, root):
            x.close()


def test_agent_and_provisioning_events(backend):
    with Agentdesk(backend) as ad, EslFixture() as good:
        w = World(ad)
        # A job is done once every node has it: the second node is down,
        # so a job fails, is retried, and gives up after 2 attempts.
        restart(w, "%s,127.0.0.1:%d" % (good.address, free_port()), AGENTDESK_FS_RETRY_LIMIT="2")
        s = open_stream(ad, w.admin)
        other = open_stream(ad, w.token("admin", "B"))
        status, _, body = ad.request("POST", "/v1/admin/agents", token=w.admin, json_body={
            "first_name": "Ada", "last_name": "L", "email": "ada@a.example",
            "extensions_count": 2})
        assert status == 201, body
        agent = body["agent"]
        numbers = [x["extension"] for x in agent["extensions"]]
        created = s.event()
        assert created["event"] == "agent.created", created
        assert created["json"]["data"] == {"agent_id": agent["id"], "first_name": "Ada",
                                           "last_name": "L", "role": "agent",
                                           "status": "active", "extensions": numbers}
        settle(w)
        status, _, _ = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=w.admin,
                                  json_body={"status": "suspended"})
        assert status == 200
        assert s.event()["json"]["data"]["status"] == "suspended"
        # Each extension's job: pending with the node's error after the
        # first attempt, failed after the second; in either order between
        # the two extensions, each in its order.
        seen = {}
        for _ in range(4):
            e = s.event()
            assert e["event"] == "extension.provisioning", e
            d = e["json"]["data"]
            assert set(d) == {"extension_id", "extension", "agent_id", "provisioning",
                              "provisioning_attempts", "provisioning_error"}, d
            assert d["agent_id"] == agent["id"] and "refused" in d["provisioning_error"], d
            seen.setdefault(d["extension"], []).append((d["provisioning"],
                                                        d["provisioning_attempts"]))
        assert seen == {n: [("pending", 1), ("failed", 2)] for n in numbers}, seen
        assert settle(w) == {"pending": 0, "failed": 2}
        # What the API says now is what the last event said.
        x = ad.request("GET", "/v1/admin/extensions/%d" % agent["extensions"][0]["id"],
                       token=w.admin)[2]["extension"]
        assert (x["provisioning"], x["provisioning_attempts"]) == ("failed", 2), x
        # Reactivated (in xml_curl mode nothing to send: FreeSWITCH asks),
        # then new SIP passwords while the node is still down (retried
        # after 10 s, past the restart below): pending with the error.
        last = int(e["id"])
        restart(w, "%s,127.0.0.1:%d" % (good.address, free_port()), AGENTDESK_FS_RETRY_LIMIT="5",
                AGENTDESK_FS_RETRY_BASE="10")
        end = s.event()
        assert end["json"] == {"reason": "shutdown"}, end
        s.close()
        other.close()
        # Resumed across the restart: the ring is loaded from the log.
        s = open_stream(ad, w.admin, last_event_id=last)
        status, _, _ = ad.request("PATCH", "/v1/admin/agents/%d" % agent["id"], token=w.admin,
                                  json_body={"status": "active"})
        assert status == 200
        assert s.event()["json"]["data"]["status"] == "active"
        for x in agent["extensions"]:
            status, _, _ = ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % x["id"],
                                      token=w.admin)
            assert status == 200
        pending = [s.event()["json"]["data"] for _ in numbers]
        assert sorted((d["extension"], d["provisioning"], d["provisioning_attempts"])
                      for d in pending) == [(n, "pending", 1) for n in numbers], pending
        # The node back before the retry: the retry's success moves them.
        last = int(sql(ad, "SELECT MAX(id) FROM live_events")[0][0])
        restart(w, good.address)
        s.close()
        s = open_stream(ad, w.admin, last_event_id=last)
        other = open_stream(ad, w.token("admin", "B"))
        done = [s.event()["json"]["data"] for _ in numbers]
        assert sorted((d["extension"], d["provisioning"], d["provisioning_attempts"],
                       d["provisioning_error"]) for d in done) == \
            [(n, "provisioned", 2, None) for n in numbers], done
        status, _, _ = ad.request("DELETE", "/v1/admin/agents/%d" % agent["id"], token=w.admin)
        assert status == 200
        deleted = s.event()
        assert deleted["event"] == "agent.deleted" and deleted["json"]["data"] == {
            "agent_id": agent["id"]}, deleted
        # Tenant B's stream got none of it: its next event is B's own.
        rename(w, "B", "agent", "Bea")
        assert agent_events(other, 1)[0]["json"]["data"]["first_name"] == "Bea"
        s.close()
        other.close()


def test_slow_client_is_dropped(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        a = w.tenants["A"]["id"]
        # A client that reads nothing (a small receive window, so the
        # kernel buffers little for it), and one that reads.
        slow = open_stream(ad, w.token("admin", "A"), rcvbuf=4096)
        fast = open_stream(ad, w.token("admin", "A"))
        wait_for(lambda: metric(ad, "agentdesk_sse_clients") == 2, what="two streams")
        # 1.6 MB: more than the slow client's queue (512 KiB) and socket
        # hold, in few appends: quick, since a stalled connection that
        # made no progress for 30 s is closed by libmicrohttpd itself
        # (gone, not counted as cut).
        pad = "x" * 200000
        n = 8
        # One at a time, each read by the fast client before the next: its
        # delivery time is measured while the slow one's queue fills up.
        # A server that waited for the stalled client would never deliver
        # (the read times out after 10 s); the delay is printed, not
        # asserted (bench/sse_clients.py measures).
        worst = 0
        for i in range(n):
            eid = append_event(ad, a, "agent.updated", {"agent_id": 1, "pad": pad, "i": i})
            start = time.monotonic()
            e = fast.event()
            worst = max(worst, time.monotonic() - start)
            assert e is not None and int(e["id"]) == eid, "event %d: %r" % (i, e and e["id"])
        print("the reading client got each of %d events of 200 kB within %.3fs of its append "
              "beside a stalled one" % (n, worst))
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
        # (>=: a provisioning outcome of the renames may follow.)
        wait_for(lambda: metric(ad, "agentdesk_live_events_read_id") >= last,
                 what="the reader at the last event")
        r = open_stream(ad, w.token("admin", "A"), last_event_id=int(first["id"]))
        reload = r.event()
        assert reload["event"] == "reload" and reload["json"] == {"reason": "gap"}, reload
        assert reload["id"] is None
        rename(w, "A", "agent", "After")
        assert agent_events(r, 1)[0]["json"]["data"]["first_name"] == "After"
        r.close()
        r = open_stream(ad, w.token("admin", "A"), last_event_id=last - 5)
        expected = [int(x[0]) for x in sql(ad, "SELECT id FROM live_events WHERE id > %d AND "
                                               "id <= %d AND tenant_id = %d ORDER BY id"
                                           % (last - 5, last, a))]
        assert [int(e["id"]) for e in r.events(len(expected))] == expected
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
        # Not ended, they would hold the stop for 10 s (the wait for
        # requests in flight).
        assert took < 8, took
        stalled.close()


@only_on("postgres")
def test_two_nodes(backend):
    """Behind a load balancer without sticky sessions: a ticket issued by
    one node opens the stream on another, which delivers the events the
    first node's changes publish (each node reads the one log)."""
    with Agentdesk(backend) as ad:
        w = World(ad)
        other = ad.sibling()
        other.serve()
        try:
            t = ticket(ad, w.token("admin", "A"))
            s = SseStream(other, "/v1/admin/events?ticket=" + t)
            assert s.status == 200, s.body
            assert s.frame()["comments"] == ["connected"]
            # Spent on the second node: refused on the first.
            again = SseStream(ad, "/v1/admin/events?ticket=" + t)
            assert again.status == 401, again.body
            start = time.monotonic()
            rename(w, "A", "agent", "Across")
            got = agent_events(s, 1)[0]
            print("an event of node 1 reached node 2's stream in %.3fs"
                  % (time.monotonic() - start))
            assert got["json"]["data"]["first_name"] == "Across"
            # Logging out on the first node ends the stream on the second.
            status, _, _ = ad.request("POST", "/v1/auth/logout", token=w.token("admin", "A"))
            assert status == 200
            end = s.event()
            while end["event"] != "end":
                end = s.event()
            assert end["json"] == {"reason": "session_ended"}, end
            s.close()
        finally:
            other.stop()


if __name__ == "__main__":
    main()
