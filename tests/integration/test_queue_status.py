"""Agents' queue statuses against the real binary (domain/queues/status.c,
api/queue_status.c): every transition with who made it, every bad input
refused with its code and field and nothing written, a suspended agent or
tenant refused, the cut-off of a suspension, a deletion and a tenant's
suspension (logged out, changed_by system), the audit entries with their
actor, the role matrix of each route with tenant isolation, the
agent.queue_status events on the right streams only, "Ready"'s flag, an
agent's own settings, and two writers setting one agent's status at once
(two agentdesk processes on PostgreSQL, one process's threads on SQLite)
ending in one consistent state, and a sign-in racing a suspension never
left standing. Without the row locks of store_queue_agent_get both of
the last fail on PostgreSQL (tried: the audit chain breaks, an agent stays
available while suspended).

No FreeSWITCH runs here: an agent job never applies, so a change shows
provisioning "pending" and stays so — what the desk shows."""
import json
import threading
import time

from agentdesk_harness import Agentdesk, PASSWORD, World, free_port, main, open_stream, sql

ME = "/v1/me/queue-status"


def admin_path(agent_id, what="queue-status", tenant_id=None):
    path = "/v1/admin/agents/%d/%s" % (agent_id, what)
    return path + ("?tenant_id=%d" % tenant_id if tenant_id else "")


def ok(ad, method, path, token, body=None, status=200):
    got, _, answer = ad.request(method, path, token=token, json_body=body)
    assert got == status, (method, path, body, got, answer)
    return answer


def audit(w, key="A", action="agent.queue_status"):
    """The tenant's audit entries of action, oldest first."""
    body = ok(w.ad, "GET", "/v1/admin/audit?limit=500", w.token("admin", key))
    return [e for e in reversed(body["entries"]) if e["action"] == action]


def row(ad, user_id):
    """The agent's queue_agents row (status, reason, changed_by,
    changed_by_user_id, ready_requested, provisioning), or None."""
    rows = sql(ad, "SELECT status, reason, changed_by, COALESCE(changed_by_user_id, 0), "
                   "ready_requested, provisioning FROM queue_agents WHERE user_id = %d" % user_id)
    return rows[0] if rows else None


def agent_jobs(ad, user_id):
    return int(sql(ad, "SELECT COUNT(*) FROM provisioning_jobs WHERE kind = 'queue_agent' "
                       "AND user_id = %d" % user_id)[0][0])


def test_transitions(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        sup = w.users[("A", "supervisor")]
        a = w.tenants["A"]["id"]

        # Never set: logged out since the agent was created, nothing for
        # FreeSWITCH to do, the tenant's defaults and break reasons.
        got = ok(ad, "GET", ME, me["token"])
        assert got["success"] is True and got["queues"] == []
        assert got["break_reasons"] == ["Break", "Lunch", "Training"]
        qs = got["queue_status"]
        assert qs == {"agent_id": me["id"], "status": "logged_out", "reason": None,
                      "since": me["agent"]["created_at"], "changed_by": "agent",
                      "missed_offers": None, "provisioning": "provisioned",
                      "provisioning_error": None, "wrap_up_s": 10, "max_no_answer": 3,
                      "wrap_up_s_own": None, "max_no_answer_own": None,
                      "ready_requested": False, "activity": None}, qs
        assert row(ad, me["id"]) is None

        steps = [  # (who, route, body, changed_by)
            (me, "me", {"status": "available"}, "agent"),
            (me, "me", {"status": "on_break", "reason": "Lunch"}, "agent"),
            (sup, "admin", {"status": "available"}, "supervisor"),
            (w.users[("A", "admin")], "admin", {"status": "on_break", "reason": "Training"},
             "admin"),
            (None, "super", {"status": "logged_out"}, "superadmin"),
            (me, "me", {"status": "available", "reason": None}, "agent"),
        ]
        previous = "logged_out"
        for who, route, body, by in steps:
            if route == "me":
                path, token = ME, who["token"]
            elif route == "admin":
                path, token = admin_path(me["id"]), who["token"]
            else:
                path, token = admin_path(me["id"], tenant_id=a), w.token("superadmin")
            before = agent_jobs(ad, me["id"])
            qs = ok(ad, "PUT", path, token, body)["queue_status"]
            assert qs["status"] == body["status"] and qs["changed_by"] == by, (body, qs)
            assert qs["reason"] == (body.get("reason") if body["status"] == "on_break" else None)
            assert qs["provisioning"] == "pending" and qs["activity"] is None, qs
            assert agent_jobs(ad, me["id"]) == before + 1
            r = row(ad, me["id"])
            assert r[0] == body["status"] and r[2] == by, r
            email = who["email"] if who else w.super["email"]
            assert r[3] == sql(ad, "SELECT id FROM users WHERE email = '%s'" % email)[0][0]
            # The agent reads the same, and every entry names its actor.
            assert ok(ad, "GET", ME, me["token"])["queue_status"] == qs
            entry = audit(w)[-1]
            assert entry["target_id"] == me["id"] and entry["details"]["from"] == previous
            assert entry["details"]["to"] == body["status"]
            assert entry["details"]["changed_by"] == by
            assert entry["actor_email"] == (who["email"] if who else w.super["email"]), entry
            previous = body["status"]
        assert len(audit(w)) == len(steps)

        # The same status again keeps its since (and is told again).
        first = ok(ad, "GET", ME, me["token"])["queue_status"]
        time.sleep(1.1)
        again = ok(ad, "PUT", ME, me["token"], {"status": "available"})["queue_status"]
        assert again["since"] == first["since"]
        later = ok(ad, "PUT", ME, me["token"], {"status": "logged_out"})["queue_status"]
        assert later["since"] > first["since"]

        # Without FreeSWITCH the change stays pending: the desk says so.
        time.sleep(1.5)
        assert ok(ad, "GET", ME, me["token"])["queue_status"]["provisioning"] == "pending"

        # Supervisors and admins are agents too: their own status.
        qs = ok(ad, "PUT", ME, sup["token"], {"status": "available"})["queue_status"]
        assert qs["agent_id"] == sup["id"] and qs["changed_by"] == "agent"


def test_bad_input_writes_nothing(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        admin = w.token("admin", "A")
        ok(ad, "PUT", ME, me["token"], {"status": "on_break", "reason": "Break"})
        state = ok(ad, "GET", ME, me["token"])["queue_status"]
        entries, jobs, r = len(audit(w)), agent_jobs(ad, me["id"]), row(ad, me["id"])
        other = w.users[("A", "supervisor")]
        bad = [
            ({}, "status"),
            ({"status": "busy"}, "status"),
            ({"status": "Available"}, "status"),
            ({"status": 1}, "status"),
            ({"status": None}, "status"),
            ({"status": "on_break"}, "reason"),
            ({"status": "on_break", "reason": None}, "reason"),
            ({"status": "on_break", "reason": ""}, "reason"),
            ({"status": "on_break", "reason": "Vacation"}, "reason"),
            ({"status": "on_break", "reason": "lunch"}, "reason"),
            ({"status": "on_break", "reason": 5}, "reason"),
            ({"status": "available", "reason": "Lunch"}, "reason"),
            ({"status": "logged_out", "reason": "Break"}, "reason"),
        ]
        for body, field in bad:
            for path, token in ((ME, me["token"]), (admin_path(me["id"]), admin)):
                status, _, answer = ad.request("PUT", path, token=token, json_body=body)
                assert status == 400, (body, status, answer)
                assert answer["error"]["code"] == "validation_failed", answer
                assert answer["error"]["field"] == field, (body, answer)
            # An agent never given a status gets no row from a refusal.
            status, _, _ = ad.request("PUT", admin_path(other["id"]), token=admin, json_body=body)
            assert status == 400
        status, _, answer = ad.request("PUT", ME, token=me["token"], body=b"{not json",
                                       headers={"Content-Type": "application/json"})
        assert status == 400, answer
        assert ok(ad, "GET", ME, me["token"])["queue_status"] == state
        assert (len(audit(w)), agent_jobs(ad, me["id"]), row(ad, me["id"])) == (entries, jobs, r)
        assert row(ad, other["id"]) is None

        # The tenant's own list replaces the defaults (qadmin's table).
        a = w.tenants["A"]["id"]
        sql(ad, "INSERT INTO break_reasons (tenant_id, position, name) VALUES "
                "(%d, 1, 'Coaching'), (%d, 2, 'Meeting')" % (a, a))
        status, _, answer = ad.request("PUT", ME, token=me["token"],
                                       json_body={"status": "on_break", "reason": "Lunch"})
        assert status == 400 and answer["error"]["field"] == "reason", answer
        got = ok(ad, "PUT", ME, me["token"], {"status": "on_break", "reason": "Meeting"})
        assert got["break_reasons"] == ["Coaching", "Meeting"]
        assert got["queue_status"]["reason"] == "Meeting"
        # Tenant B keeps the defaults.
        b_agent = w.users[("B", "agent")]
        assert ok(ad, "GET", ME, b_agent["token"])["break_reasons"] == ["Break", "Lunch", "Training"]

        # Settings: integers in range, or null.
        for body, field in (({"wrap_up_s": -1}, "wrap_up_s"), ({"wrap_up_s": 3601}, "wrap_up_s"),
                            ({"wrap_up_s": "10"}, "wrap_up_s"), ({"wrap_up_s": 1.5}, "wrap_up_s"),
                            ({"max_no_answer": 101}, "max_no_answer"),
                            ({"max_no_answer": True}, "max_no_answer")):
            status, _, answer = ad.request("PUT", admin_path(me["id"], "queue-settings"),
                                           token=admin, json_body=body)
            assert status == 400 and answer["error"]["field"] == field, (body, answer)
        assert len(audit(w, action="agent.queue_settings")) == 0


def test_settings(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        admin = w.token("admin", "A")
        path = admin_path(me["id"], "queue-settings")
        # No field: nothing to change, nothing written.
        assert ok(ad, "PUT", path, admin, {})["queue_status"]["wrap_up_s_own"] is None
        assert row(ad, me["id"]) is None and agent_jobs(ad, me["id"]) == 0
        qs = ok(ad, "PUT", path, admin, {"wrap_up_s": 30})["queue_status"]
        assert (qs["wrap_up_s"], qs["wrap_up_s_own"], qs["max_no_answer"],
                qs["max_no_answer_own"]) == (30, 30, 3, None), qs
        # Its own settings do not sign it in.
        assert qs["status"] == "logged_out" and qs["since"] == me["agent"]["created_at"]
        assert qs["provisioning"] == "pending" and agent_jobs(ad, me["id"]) == 1
        qs = ok(ad, "PUT", path, admin, {"max_no_answer": 0})["queue_status"]
        assert (qs["wrap_up_s"], qs["max_no_answer"], qs["max_no_answer_own"]) == (30, 0, 0)
        # null: the tenant's default again; the tenant's default follows.
        qs = ok(ad, "PUT", path, admin, {"wrap_up_s": None})["queue_status"]
        assert (qs["wrap_up_s"], qs["wrap_up_s_own"], qs["max_no_answer"]) == (10, None, 0)
        sql(ad, "UPDATE tenants SET queue_wrap_up_s = 45 WHERE id = %d" % w.tenants["A"]["id"])
        assert ok(ad, "GET", ME, me["token"])["queue_status"]["wrap_up_s"] == 45
        entries = audit(w, action="agent.queue_settings")
        assert [e["details"] for e in entries] == [
            {"wrap_up_s": "30", "max_no_answer": "default"},
            {"wrap_up_s": "30", "max_no_answer": "0"},
            {"wrap_up_s": "default", "max_no_answer": "0"}], entries
        assert all(e["actor_email"] == "admin@a.example" and e["target_id"] == me["id"]
                   for e in entries)
        assert agent_jobs(ad, me["id"]) == 3


def test_ready(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        ready = ME + "/ready"
        # Logged out or on break: no after-call work, nothing recorded.
        assert ok(ad, "POST", ready, me["token"])["queue_status"]["ready_requested"] is False
        assert row(ad, me["id"]) is None and agent_jobs(ad, me["id"]) == 0
        ok(ad, "PUT", ME, me["token"], {"status": "on_break", "reason": "Break"})
        jobs = agent_jobs(ad, me["id"])
        assert ok(ad, "POST", ready, me["token"])["queue_status"]["ready_requested"] is False
        assert agent_jobs(ad, me["id"]) == jobs
        # Available: the flag, a job (wrap_up_time 0 while it is set).
        stream = open_stream(ad, me["token"], "me")
        # A stream starts where the server's reader of the log stands, which
        # under load can be before the on_break above: skip what came before.
        floor = int(ad.sql("SELECT COALESCE(MAX(id), 0) FROM live_events")[0][0])
        ok(ad, "PUT", ME, me["token"], {"status": "available"})
        e = stream.event()
        while e is not None and int(e["id"]) <= floor:
            e = stream.event()
        assert e["json"]["data"]["status"] == "available", e
        assert e["json"]["data"]["ready_requested"] is False
        jobs = agent_jobs(ad, me["id"])
        qs = ok(ad, "POST", ready, me["token"])["queue_status"]
        assert qs["ready_requested"] is True and qs["status"] == "available"
        assert qs["provisioning"] == "pending"
        assert row(ad, me["id"])[4] == "1" and agent_jobs(ad, me["id"]) == jobs + 1
        e = stream.event()
        assert e["event"] == "agent.queue_status" and e["json"]["data"]["ready_requested"] is True
        stream.close()
        # Asked already: answered the same, nothing more.
        assert ok(ad, "POST", ready, me["token"])["queue_status"]["ready_requested"] is True
        assert agent_jobs(ad, me["id"]) == jobs + 1
        # Available again keeps it; another status ends it.
        ok(ad, "PUT", ME, me["token"], {"status": "available"})
        assert row(ad, me["id"])[4] == "1"
        qs = ok(ad, "PUT", ME, me["token"], {"status": "on_break", "reason": "Lunch"})["queue_status"]
        assert qs["ready_requested"] is False and row(ad, me["id"])[4] == "0"


def test_cut_off(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        admin = w.token("admin", "A")
        me = w.users[("A", "agent")]
        sup = w.users[("A", "supervisor")]
        stream = open_stream(ad, admin)

        def next_status():
            e = stream.event()
            while e["event"] != "agent.queue_status":
                e = stream.event()
            return e["json"]["data"]

        ok(ad, "PUT", ME, me["token"], {"status": "available"})
        assert next_status()["changed_by"] == "agent"
        jobs = agent_jobs(ad, me["id"])

        # Suspended: logged out of queues at once, by the system.
        ok(ad, "PATCH", "/v1/admin/agents/%d" % me["id"], admin, {"status": "suspended"})
        qs = ok(ad, "GET", admin_path(me["id"]), admin)["queue_status"]
        assert (qs["status"], qs["changed_by"], qs["provisioning"]) == \
            ("logged_out", "system", "pending"), qs
        assert agent_jobs(ad, me["id"]) == jobs + 1
        entry = audit(w)[-1]
        assert entry["details"] == {"changed_by": "system", "from": "available",
                                    "to": "logged_out", "missed_offers": None, "reason": None}
        assert entry["actor_email"] == "admin@a.example" and entry["target_id"] == me["id"]
        data = next_status()
        assert data["agent_id"] == me["id"] and data["changed_by"] == "system", data
        assert data["status"] == "logged_out"

        # Nobody can sign it in while suspended; nothing written.
        entries, jobs, r = len(audit(w)), agent_jobs(ad, me["id"]), row(ad, me["id"])
        for token, path in ((admin, admin_path(me["id"])), (sup["token"], admin_path(me["id"])),
                            (w.token("superadmin"),
                             admin_path(me["id"], tenant_id=w.tenants["A"]["id"]))):
            for body in ({"status": "available"}, {"status": "on_break", "reason": "Break"},
                         {"status": "logged_out"}):
                status, _, answer = ad.request("PUT", path, token=token, json_body=body)
                assert status == 409 and answer["error"]["code"] == "agent_suspended", answer
        assert (len(audit(w)), agent_jobs(ad, me["id"]), row(ad, me["id"])) == (entries, jobs, r)

        # Reactivated: it stays logged out until somebody signs it in.
        ok(ad, "PATCH", "/v1/admin/agents/%d" % me["id"], admin, {"status": "active"})
        assert ok(ad, "GET", admin_path(me["id"]), admin)["queue_status"]["status"] == "logged_out"
        ok(ad, "PUT", admin_path(me["id"]), admin, {"status": "on_break", "reason": "Lunch"})

        # Deleted: logged out, its job queued (the job deletes its agent).
        jobs = agent_jobs(ad, me["id"])
        ok(ad, "DELETE", "/v1/admin/agents/%d" % me["id"], admin)
        assert row(ad, me["id"])[:3] == ["logged_out", "", "system"]
        assert agent_jobs(ad, me["id"]) == jobs + 1
        assert audit(w)[-1]["details"]["from"] == "on_break"
        status, _, _ = ad.request("GET", admin_path(me["id"]), token=admin)
        assert status == 404
        # An agent already logged out but a member of a queue is told
        # again (no status change); one that never touched queues is not.
        member = w.create_agent(admin, "member@a.example")
        never = w.create_agent(admin, "never@a.example")
        a = w.tenants["A"]["id"]
        sql(ad, "INSERT INTO queues (tenant_id, name, number, strategy, created_at, updated_at) "
                "VALUES (%d, 'Support', '7000', 'ring-all', 0, 0)" % a)
        sql(ad, "INSERT INTO queue_members (queue_id, user_id) SELECT id, %d FROM queues "
                "WHERE tenant_id = %d" % (member["id"], a))
        entries = len(audit(w))
        for u in (member, never):
            ok(ad, "PATCH", "/v1/admin/agents/%d" % u["id"], admin, {"status": "suspended"})
        assert (agent_jobs(ad, member["id"]), agent_jobs(ad, never["id"])) == (1, 0)
        assert len(audit(w)) == entries
        assert row(ad, member["id"]) is None and row(ad, never["id"]) is None
        qs = ok(ad, "GET", admin_path(member["id"]), admin)
        assert qs["queues"] == [{"id": qs["queues"][0]["id"], "name": "Support", "number": "7000",
                                 "level": 1, "position": 1}], qs

        # A tenant suspended: every agent of it signed in is logged out.
        ok(ad, "PUT", ME, sup["token"], {"status": "available"})
        ok(ad, "PUT", ME, w.token("admin", "A"), {"status": "on_break", "reason": "Break"})
        b_agent = w.users[("B", "agent")]
        ok(ad, "PUT", ME, b_agent["token"], {"status": "available"})
        ok(ad, "PATCH", "/v1/admin/tenants/%d" % a, w.token("superadmin"), {"status": "suspended"})
        admin_id = int(sql(ad, "SELECT id FROM users WHERE email = 'admin@a.example'")[0][0])
        for uid in (sup["id"], admin_id):
            assert row(ad, uid)[:3] == ["logged_out", "", "system"], uid
        assert row(ad, b_agent["id"])[0] == "available"
        root = w.token("superadmin")
        status, _, answer = ad.request("PUT", admin_path(sup["id"], tenant_id=a), token=root,
                                       json_body={"status": "available"})
        assert status == 409 and answer["error"]["code"] == "agent_suspended", answer
        ok(ad, "PATCH", "/v1/admin/tenants/%d" % a, root, {"status": "active"})
        qs = ok(ad, "GET", admin_path(sup["id"], tenant_id=a), root)["queue_status"]
        assert (qs["status"], qs["changed_by"]) == ("logged_out", "system")
        body = ok(ad, "GET", "/v1/admin/audit?limit=500&tenant_id=%d" % a, root)
        system = [e for e in body["entries"] if e["action"] == "agent.queue_status"
                  and e["details"]["changed_by"] == "system"]
        assert {e["target_id"] for e in system} >= {sup["id"], admin_id}
        assert all(e["actor_email"] == w.super["email"] for e in system
                   if e["target_id"] in (sup["id"], admin_id))
        stream.close()


def test_role_matrix(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        a, b = w.tenants["A"]["id"], w.tenants["B"]["id"]
        target = w.users[("A", "agent")]["id"]
        foreign = w.users[("B", "agent")]["id"]
        roles = ("superadmin", "admin", "supervisor", "agent", "temp", "none")
        put_status = {"status": "logged_out"}
        put_settings = {"max_no_answer": 4}
        cases = [
            ("GET", ME, None, {"superadmin": 403, "admin": 200, "supervisor": 200, "agent": 200,
                               "temp": 403, "none": 401}),
            ("PUT", ME, put_status, {"superadmin": 403, "admin": 200, "supervisor": 200,
                                     "agent": 200, "temp": 403, "none": 401}),
            ("POST", ME + "/ready", None, {"superadmin": 403, "admin": 200, "supervisor": 200,
                                           "agent": 200, "temp": 403, "none": 401}),
            ("GET", admin_path(target), None, {"superadmin": 400, "admin": 200,
                                               "supervisor": 200, "agent": 403, "temp": 403,
                                               "none": 401}),
            ("PUT", admin_path(target), put_status, {"superadmin": 400, "admin": 200,
                                                     "supervisor": 200, "agent": 403,
                                                     "temp": 403, "none": 401}),
            ("PUT", admin_path(target, "queue-settings"), put_settings,
             {"superadmin": 400, "admin": 200, "supervisor": 403, "agent": 403, "temp": 403,
              "none": 401}),
            # The superadmin names the tenant.
            ("GET", admin_path(target, tenant_id=a), None, {"superadmin": 200}),
            ("PUT", admin_path(target, tenant_id=a), put_status, {"superadmin": 200}),
            ("PUT", admin_path(target, "queue-settings", tenant_id=a), put_settings,
             {"superadmin": 200}),
            # Another tenant's agent: not found, whoever asks.
            ("GET", admin_path(foreign), None, {"admin": 404, "supervisor": 404}),
            ("PUT", admin_path(foreign), put_status, {"admin": 404, "supervisor": 404}),
            ("PUT", admin_path(foreign, "queue-settings"), put_settings, {"admin": 404}),
            ("GET", admin_path(foreign, tenant_id=a), None, {"superadmin": 404}),
            ("PUT", admin_path(foreign, tenant_id=a), put_status, {"superadmin": 404}),
            ("PUT", admin_path(foreign, "queue-settings", tenant_id=a), put_settings,
             {"superadmin": 404}),
            # Nobody's: a superadmin is no agent of a tenant, nor an id unused.
            ("GET", admin_path(int(sql(ad, "SELECT id FROM users WHERE role = 'superadmin'")[0][0])),
             None, {"admin": 404}),
            ("GET", admin_path(999999), None, {"admin": 404, "supervisor": 404}),
            ("PUT", admin_path(999999), put_status, {"admin": 404}),
        ]
        for method, path, body, expect in cases:
            for role in roles:
                if role not in expect:
                    continue
                status, _, answer = ad.request(method, path, token=w.token(role), json_body=body)
                assert status == expect[role], (method, path, role, status, answer)
        # A refused call wrote nothing for the foreign agent.
        assert row(ad, foreign) is None and agent_jobs(ad, foreign) == 0
        # Tenant B's admin sees its own agent, and A's not.
        ok(ad, "GET", admin_path(foreign), w.token("admin", "B"))
        status, _, _ = ad.request("GET", admin_path(target), token=w.token("admin", "B"))
        assert status == 404
        assert b


def data(e):
    """An agent.queue_status event's data as the routes answer the status:
    without queue_ids, which events alone carry (checked here)."""
    d = dict(e["json"]["data"])
    assert isinstance(d.pop("queue_ids"), list), e
    return d


def test_streams(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        colleague = w.users[("A", "supervisor")]
        b_agent = w.users[("B", "agent")]
        mine = open_stream(ad, me["token"], "me")
        theirs = open_stream(ad, colleague["token"], "me")
        admin_a = open_stream(ad, w.token("admin", "A"))
        admin_b = open_stream(ad, w.token("admin", "B"))
        everyone = open_stream(ad, w.token("superadmin"))

        qs = ok(ad, "PUT", ME, me["token"], {"status": "on_break", "reason": "Lunch"})["queue_status"]
        e = mine.event()
        assert e["event"] == "agent.queue_status" and data(e) == qs, e
        assert e["json"]["tenant_id"] == w.tenants["A"]["id"]
        e = admin_a.event()
        while e["event"] != "agent.queue_status":
            e = admin_a.event()
        assert data(e) == qs
        # A supervisor's change of the agent reaches the agent's desk too.
        qs2 = ok(ad, "PUT", admin_path(me["id"]), colleague["token"],
                 {"status": "available"})["queue_status"]
        e = mine.event()
        assert data(e) == qs2 and data(e)["changed_by"] == "supervisor"

        # The colleague's own stream: its own change is the first event it
        # gets, so the agent's two never came (the log is in order).
        own = ok(ad, "PUT", ME, colleague["token"], {"status": "available"})["queue_status"]
        e = theirs.event()
        assert e["event"] == "agent.queue_status" and data(e) == own, e
        # Tenant B's admin: B's agent's change is the first it gets.
        b_qs = ok(ad, "PUT", ME, b_agent["token"], {"status": "available"})["queue_status"]
        e = admin_b.event()
        while e["event"] != "agent.queue_status":
            e = admin_b.event()
        assert data(e) == b_qs, e
        # And A's agent never gets B's or the colleague's.
        ok(ad, "PUT", ME, me["token"], {"status": "logged_out"})
        e = mine.event()
        assert e["json"]["data"]["agent_id"] == me["id"] and e["json"]["data"]["status"] == "logged_out"
        # A superadmin's admin stream has them all.
        seen = set()
        while len(seen) < 3:
            e = everyone.event()
            if e["event"] == "agent.queue_status":
                seen.add(e["json"]["data"]["agent_id"])
        assert seen == {me["id"], colleague["id"], b_agent["id"]}
        # Joining a queue and leaving it reach the agent's desk, with the
        # queues it is a member of now.
        admin = w.token("admin", "A")
        qid = ok(ad, "POST", "/v1/admin/queues", admin, {"name": "Streams", "number": "7100"},
                 status=201)["queue"]["id"]
        for members, want in (([{"agent_id": me["id"]}], [qid]), ([], [])):
            ok(ad, "PUT", "/v1/admin/queues/%d/members" % qid, admin, {"members": members})
            e = mine.event()
            while e["event"] != "agent.queue_status":
                e = mine.event()
            assert e["json"]["data"]["queue_ids"] == want, e
        for s in (mine, theirs, admin_a, admin_b, everyone):
            s.close()


def test_concurrent_writers(backend):
    """Two writers set one agent's status at once, 40 times each: on
    PostgreSQL through two agentdesk processes, on SQLite through one
    process's threads. Every change is serialised: each audit entry's
    "from" is the previous one's "to", the last entry, the last event and
    the stored status agree, and every change queued its job."""
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        nodes = [ad]
        other = None
        if backend == "postgres":
            other = ad.sibling()
            other.serve(env={"AGENTDESK_XMLCURL_PASSWORD": "xc",
                             "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
            nodes.append(other)
        try:
            tokens = [w.token("admin", "A"), nodes[-1].login("supervisor@a.example", PASSWORD)]
            bodies = [{"status": "available"}, {"status": "on_break", "reason": "Break"},
                      {"status": "logged_out"}, {"status": "on_break", "reason": "Training"}]
            errors = []

            def writer(k):
                node = nodes[k % len(nodes)]
                for i in range(40):
                    body = bodies[(i + k) % len(bodies)]
                    status, _, answer = node.request("PUT", admin_path(me["id"]), token=tokens[k],
                                                     json_body=body)
                    if status != 200:
                        errors.append((status, answer))

            threads = [threading.Thread(target=writer, args=(k,)) for k in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == [], errors[:3]
            entries = audit(w)
            assert len(entries) == 80
            previous = "logged_out"
            for e in entries:
                assert e["details"]["from"] == previous, (previous, e)
                previous = e["details"]["to"]
            final = ok(ad, "GET", admin_path(me["id"]), tokens[0])["queue_status"]
            assert final["status"] == previous
            if other:
                assert ok(other, "GET", admin_path(me["id"]), tokens[1])["queue_status"] == final
            events = sql(ad, "SELECT data FROM live_events WHERE type = 'agent.queue_status' "
                             "ORDER BY id")
            assert len(events) == 80
            last = json.loads(events[-1][0])
            assert last.pop("queue_ids") == [] and last == final, (last, final)
            # Each event shows what its change left: the same chain.
            assert [json.loads(d[0])["status"] for d in events] == \
                [e["details"]["to"] for e in entries]
            assert agent_jobs(ad, me["id"]) == 80
        finally:
            if other:
                other.stop()



def test_suspension_races_a_sign_in(backend):
    """An agent signing itself in while an admin suspends it, again and
    again (on PostgreSQL through two agentdesk processes): once the
    suspension has answered, the agent is logged out and stays so — a
    change in flight either committed first (and was cut off) or is
    refused, never left standing."""
    with Agentdesk(backend) as ad:
        w = World(ad)
        me = w.users[("A", "agent")]
        admin = w.token("admin", "A")
        setter = ad
        other = None
        if backend == "postgres":
            other = setter = ad.sibling()
            other.serve(env={"AGENTDESK_XMLCURL_PASSWORD": "xc",
                             "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
        try:
            # The supervisor signs the agent in (the agent's own session
            # ends with the suspension).
            sup = setter.login("supervisor@a.example", PASSWORD)
            stop = threading.Event()
            seen = {}

            def sign_in():
                while not stop.is_set():
                    status, _, answer = setter.request("PUT", admin_path(me["id"]), token=sup,
                                                       json_body={"status": "available"})
                    assert status in (200, 409), answer
                    seen[status] = seen.get(status, 0) + 1

            for _ in range(12):
                stop.clear()
                t = threading.Thread(target=sign_in)
                t.start()
                time.sleep(0.05)
                ok(ad, "PATCH", "/v1/admin/agents/%d" % me["id"], admin, {"status": "suspended"})
                time.sleep(0.05)
                stop.set()
                t.join()
                r = row(ad, me["id"])
                assert r[0] == "logged_out", r
                ok(ad, "PATCH", "/v1/admin/agents/%d" % me["id"], admin, {"status": "active"})
            assert seen.get(200) and seen.get(409), seen
        finally:
            if other:
                other.stop()

if __name__ == "__main__":
    main()
