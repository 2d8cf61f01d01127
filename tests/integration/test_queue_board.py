"""The supervisor board through the API, no FreeSWITCH: GET
/v1/admin/queues/{id}/live (QueueLive as openapi.yaml says: callers
longest waiting first, the longest wait of those not answered, each
member's status and activity, today's counts in UTC), and the refusals of
POST /v1/admin/queues/{id}/eavesdrop; roles, and tenant isolation (404).
The board's rows are planted in the database, as the listener's holder
writes them (the sink that writes them from mod_callcenter's events is
tested on its own, tests/store/board_sink.c, and against real FreeSWITCH
in test_fs_queue_board.py); the queues too, with plain SQL (their API is
domain/queues/'s)."""
import time

from agentdesk_harness import Agentdesk, World, main


def plant_queue(ad, tenant, name, number, members):
    ad.sql("INSERT INTO queues (tenant_id, name, number, strategy, created_at, updated_at) "
           "VALUES (%d, '%s', '%s', 'longest-idle-agent', 1, 1)" % (tenant, name, number))
    qid = int(ad.sql("SELECT id FROM queues WHERE tenant_id = %d AND name = '%s'"
                     % (tenant, name))[0][0])
    for uid in members:
        ad.sql("INSERT INTO queue_members (queue_id, user_id) VALUES (%d, %d)" % (qid, uid))
    return qid


def plant_caller(ad, qid, tenant, uuid, number, joined, state="waiting", agent=None,
                 agent_uuid=""):
    ad.sql("INSERT INTO queue_callers (member_uuid, queue_id, tenant_id, caller_number, "
           "caller_name, joined_at, state, agent_user_id, agent_uuid) VALUES "
           "('%s', %d, %d, '%s', 'Caller %s', %d, '%s', %s, '%s')"
           % (uuid, qid, tenant, number, number, joined, state,
              "NULL" if agent is None else str(agent), agent_uuid))


def board(w):
    """Tenant A's queue with its agent and supervisor, two callers waiting,
    one talking to the agent, the agent in wrap-up… and tenant B's queue."""
    ad = w.ad
    ta, tb = w.tenants["A"]["id"], w.tenants["B"]["id"]
    agent, sup = w.users[("A", "agent")]["id"], w.users[("A", "supervisor")]["id"]
    qa = plant_queue(ad, ta, "Support", "7000", [agent, sup])
    qb = plant_queue(ad, tb, "Support", "7000", [w.users[("B", "agent")]["id"]])
    now = int(time.time())
    plant_caller(ad, qa, ta, "m-recent", "5550002", now - 10)
    plant_caller(ad, qa, ta, "m-talking", "5550003", now - 300, "answered", agent, "agent-leg-1")
    plant_caller(ad, qa, ta, "m-longest", "5550001", now - 40, "trying", agent)
    plant_caller(ad, qb, tb, "m-b", "5559999", now - 5)
    ad.sql("INSERT INTO queue_agents (user_id, tenant_id, status, reason, status_since, "
           "updated_at) VALUES (%d, %d, 'on_break', 'Lunch', %d, %d)" % (sup, ta, now - 60, now))
    ad.sql("INSERT INTO queue_activity (user_id, tenant_id, state, since, wrap_up_ends_at, "
           "queue_id) VALUES (%d, %d, 'wrap_up', %d, %d, %d)" % (agent, ta, now - 5, now + 25, qa))
    day = now // 86400
    ad.sql("INSERT INTO queue_day_counts (queue_id, day, offered, answered, abandoned, wait_s) "
           "VALUES (%d, %d, 5, 3, 1, 31), (%d, %d, 40, 40, 0, 400)" % (qa, day, qa, day - 1))
    return qa, qb, agent, sup, now


def test_live_shape(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        qa, qb, agent, sup, planted = board(w)
        status, _, body = ad.request("GET", "/v1/admin/queues/%d/live" % qa,
                                     token=w.token("supervisor"))
        # the waits run from the planted times to the answer
        since = int(time.time()) - planted + 1
        assert status == 200, body
        assert body["success"] is True
        live = body["live"]
        assert live["queue_id"] == qa
        # longest waiting first; the one answered waits no more
        assert [c["uuid"] for c in live["waiting"]] == ["m-talking", "m-longest", "m-recent"]
        talking, longest, recent = live["waiting"]
        assert talking["state"] == "answered" and talking["agent_id"] == agent
        assert longest["state"] == "trying" and longest["agent_id"] == agent
        assert recent["state"] == "waiting" and recent["agent_id"] is None
        assert recent["caller_number"] == "5550002" and recent["caller_name"] == "Caller 5550002"
        assert 40 <= longest["wait_s"] <= 40 + since, (longest, since)
        assert 40 <= live["longest_wait_s"] <= 40 + since, (live, since)
        assert longest["joined_at"].endswith("Z")
        # members by id: the agent logged out (no status) in wrap-up; the
        # supervisor on break with its reason
        by_id = {a["agent_id"]: a for a in live["agents"]}
        assert set(by_id) == {agent, sup}
        a = by_id[agent]
        assert a["status"] == "logged_out" and a["reason"] is None
        assert a["activity"]["state"] == "wrap_up" and a["activity"]["queue_id"] == qa
        assert a["activity"]["wrap_up_ends_at"] is not None
        s = by_id[sup]
        assert s["status"] == "on_break" and s["reason"] == "Lunch" and s["activity"] is None
        assert set(s) >= {"first_name", "last_name", "since"}
        # today (UTC) only, not yesterday's
        assert live["today"] == {"offered": 5, "answered": 3, "abandoned": 1,
                                 "average_wait_s": 10}, live["today"]
        # A wrap-up that ended is waiting again
        ad.sql("UPDATE queue_activity SET wrap_up_ends_at = %d" % (int(time.time()) - 1))
        status, _, body = ad.request("GET", "/v1/admin/queues/%d/live" % qa,
                                     token=w.token("admin"))
        assert status == 200, body
        a = {x["agent_id"]: x for x in body["live"]["agents"]}[agent]
        assert a["activity"]["state"] == "waiting" and a["activity"]["wrap_up_ends_at"] is None
        # an empty queue
        ad.sql("DELETE FROM queue_callers")
        status, _, body = ad.request("GET", "/v1/admin/queues/%d/live" % qa,
                                     token=w.token("admin"))
        assert body["live"]["waiting"] == [] and body["live"]["longest_wait_s"] == 0, body


def test_live_roles_and_isolation(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        qa, qb, _, _, _ = board(w)
        path = "/v1/admin/queues/%d/live" % qa
        for who, want in (("admin", 200), ("supervisor", 200), ("agent", 403), ("temp", 403),
                          ("none", 401)):
            status, _, body = ad.request("GET", path, token=w.token(who))
            assert status == want, (who, status, body)
        # a superadmin names the tenant
        status, _, body = ad.request("GET", path, token=w.token("superadmin"))
        assert status == 400, body
        status, _, body = ad.request("GET", path + "?tenant_id=%d" % w.tenants["A"]["id"],
                                     token=w.token("superadmin"))
        assert status == 200 and body["live"]["queue_id"] == qa, body
        # another tenant's queue is as if there were none
        for who, key in (("admin", "B"), ("supervisor", "B")):
            status, _, body = ad.request("GET", path, token=w.token(who, key))
            assert status == 404, (who, key, status, body)
            assert body["error"]["code"] == "not_found", body
        status, _, body = ad.request("GET", path + "?tenant_id=%d" % w.tenants["B"]["id"],
                                     token=w.token("superadmin"))
        assert status == 404, body
        status, _, body = ad.request("GET", "/v1/admin/queues/%d/live" % (qb + 1000),
                                     token=w.token("admin"))
        assert status == 404, body
        # B's own board shows B's caller only
        status, _, body = ad.request("GET", "/v1/admin/queues/%d/live" % qb,
                                     token=w.token("admin", "B"))
        assert status == 200 and [c["uuid"] for c in body["live"]["waiting"]] == ["m-b"], body


def test_eavesdrop_refusals(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        qa, qb, agent, sup, _ = board(w)
        path = "/v1/admin/queues/%d/eavesdrop" % qa
        ok = {"agent_id": agent, "mode": "listen"}
        for who, want in (("agent", 403), ("superadmin", 403), ("temp", 403), ("none", 401)):
            status, _, body = ad.request("POST", path, token=w.token(who), json_body=ok)
            assert status == want, (who, status, body)
        # another tenant's queue, and its agent on ours
        status, _, body = ad.request("POST", path, token=w.token("supervisor", "B"), json_body=ok)
        assert status == 404, body
        status, _, body = ad.request("POST", path, token=w.token("supervisor"), json_body={
            "agent_id": w.users[("B", "agent")]["id"], "mode": "listen"})
        assert status == 404, body
        for bad, field in (({"agent_id": agent}, "mode"), ({"agent_id": agent, "mode": "spy"}, "mode"),
                           ({"mode": "listen"}, "agent_id"),
                           ({"agent_id": "x", "mode": "listen"}, "agent_id"),
                           ({"agent_id": agent, "mode": "barge", "extension": "12a"}, "extension")):
            status, _, body = ad.request("POST", path, token=w.token("supervisor"), json_body=bad)
            assert status == 400, (bad, status, body)
            assert body["error"]["code"] == "validation_failed", body
            assert body["error"].get("field") == field, (bad, body)
        # an agent in no call of this queue (the supervisor)
        status, _, body = ad.request("POST", path, token=w.token("supervisor"), json_body={
            "agent_id": sup, "mode": "listen"})
        assert status == 404, body
        # an extension that is not the supervisor's
        status, _, body = ad.request("POST", path, token=w.token("supervisor"), json_body={
            "agent_id": agent, "mode": "whisper", "extension": "99999"})
        assert status == 409 and body["error"]["code"] == "conflict", body
        # nothing was audited
        status, _, body = ad.request("GET", "/v1/admin/audit?limit=100", token=w.token("admin"))
        assert status == 200, body
        assert not [e for e in body["entries"] if e["action"] == "queue.eavesdrop"], body


if __name__ == "__main__":
    main()
