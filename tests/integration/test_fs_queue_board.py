"""The board against real FreeSWITCH 1.11.1 (mod_callcenter): agentdesk's
listener follows callcenter::info and the supervisor board (GET
/v1/admin/queues/{id}/live) shows it.

Through agentdesk's own queue provisioning (QueueWorld: queues, members
and statuses through the API, agents as registered UAs, callers from an
extension of the tenant):
- a waiting caller shows on /live within 1 s, then answered with its
  agent, the agent in a queue call, then in wrap-up (on the board and in
  its own queue status), and today's counts; queue.live coalesced;
- longest-idle-agent with three agents: five calls follow idle time.

With a queue q<id> configured on the node by hand (a <queue> in its
callcenter.conf.xml, `reloadxml`, `callcenter_config queue load`) and its
agents with `callcenter_config` (contacts agentdesk would not give:
`error/NO_ANSWER`), callers entering as loopback calls to the echo test
that runs callcenter (originated over the Event Socket):
- an agent that lets its offer ring out (max_no_answer 1) is set On Break
  by mod_callcenter: stored with changed_by freeswitch, audited, an
  agent.queue_status event; the caller who gives up counts as abandoned;
- two agentdesk processes on PostgreSQL: one holds the stream and writes,
  a caller is counted once and both answer the same board."""
import threading
import time

from agentdesk_harness import FsWorld, QueueWorld, fs_main, only_on, wait_for


def plant_queue(fw, key, agents):
    """Queue 7000 of tenant key with agents as members (rows as
    domain/queues/ writes them), each Available as agentdesk stored it and
    FreeSWITCH has it; its q<id> configured and loaded on the node."""
    ad, fs = fw.ad, fw.fs[0]
    tid = fw.w.tenants[key]["id"]
    ad.sql("INSERT INTO queues (tenant_id, name, number, strategy, created_at, updated_at) "
           "VALUES (%d, 'Support', '7000', 'longest-idle-agent', 1, 1)" % tid)
    qid = int(ad.sql("SELECT id FROM queues WHERE tenant_id = %d" % tid)[0][0])
    for uid, _ in agents:
        ad.sql("INSERT INTO queue_members (queue_id, user_id) VALUES (%d, %d)" % (qid, uid))
        ad.sql("INSERT INTO queue_agents (user_id, tenant_id, status, status_since, provisioning, "
               "updated_at) VALUES (%d, %d, 'available', 1, 'provisioned', 1)" % (uid, tid))
    path = fs.conf_dir + "/autoload_configs/callcenter.conf.xml"
    with open(path) as f:
        text = f.read()
    text = text.replace("<queues>", '<queues><queue name="q%d">'
                        '<param name="strategy" value="longest-idle-agent"/>'
                        '<param name="moh-sound" value="$${hold_music}"/>'
                        '<param name="discard-abandoned-after" value="60"/>'
                        '</queue>' % qid, 1)
    with open(path, "w") as f:
        f.write(text)
    fs.esl("reloadxml")
    out = fs.esl("callcenter_config queue load q%d" % qid)
    assert out.startswith("+OK"), out
    for uid, contact in agents:
        for cmd in ("agent add u%d Callback" % uid, "agent set contact u%d %s" % (uid, contact),
                    "agent set wrap_up_time u%d 5" % uid, "agent set max_no_answer u%d 1" % uid,
                    "tier add q%d u%d 1 1" % (qid, uid), "agent set status u%d Available" % uid):
            out = fs.esl("callcenter_config " + cmd)
            assert out.startswith("+OK"), (cmd, out)
    return qid


def caller(fs, qid, number):
    uuid = fs.esl("create_uuid").strip()
    out = fs.esl("originate {origination_uuid=%s}loopback/9196/default "
                 "'set:caller_id_number=%s,set:caller_id_name=Caller,callcenter:q%d' inline"
                 % (uuid, number, qid))
    assert out.startswith("+OK"), out
    return uuid


def live(fw, qid, ad=None, token=None):
    ad = ad or fw.ad
    status, _, body = ad.request("GET", "/v1/admin/queues/%d/live" % qid,
                                 token=token or fw.admins["A"])
    assert status == 200, body
    return body["live"]


def test_caller_answered_and_wrap_up(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        ann = qw.agent("A", "ann.board@a.example")
        q = qw.queue("A", {"name": "Support", "number": "7000"})
        qid = q["id"]
        qw.members("A", qid, [ann])
        st, b = qw.req("A", "PUT", "/v1/admin/agents/%d/queue-settings" % ann.id,
                       {"wrap_up_s": 5})
        assert st == 200, b
        # On break: the caller waits.
        qw.status("A", ann, "on_break", "Lunch")
        qw.wait_cc_status(ann, "On Break")
        caller = qw.caller("A")
        assert qw.call(caller, "7000").code == 200
        t0 = time.time()
        w = wait_for(lambda: live(fw, qid)["waiting"] or None, 5, "the caller on /live", 0.02)
        took = time.time() - t0
        print("caller on /live %.3fs after the queue answered it" % took)
        assert took <= 1.0, took
        assert w[0]["caller_number"] == caller.ext and w[0]["state"] == "waiting", w
        # Available: offered, answered.
        t, got = qw.answer_in_thread(ann)
        qw.status("A", ann, "available")
        t.join(25)
        assert got and got[0] is not None, "no offer"
        w = wait_for(lambda: [x for x in live(fw, qid)["waiting"] if x["state"] == "answered"]
                     or None, 10, "the call answered on /live")
        assert w[0]["agent_id"] == ann.id, w
        a = {x["agent_id"]: x for x in live(fw, qid)["agents"]}[ann.id]
        assert a["status"] == "available", a
        assert a["activity"]["state"] == "in_queue_call" and a["activity"]["queue_id"] == qid, a
        # Until mod_callcenter has bridged them: a caller who hangs up
        # between the agent's answer and the bridge leaves the agent no
        # call ("Failed to bridge, member … has gone", seen in CI), hence
        # no wrap-up (test_fs_queue_agent waits the same way).
        wait_for(lambda: {r["name"]: r for r in qw.cc_table("agent list")}
                 .get("u%d" % ann.id, {}).get("state") == "In a queue call", 15,
                 "u%d in a queue call" % ann.id)
        assert caller.bye() == 200
        a = wait_for(lambda: [x for x in live(fw, qid)["agents"]
                              if x["agent_id"] == ann.id and x["activity"]
                              and x["activity"]["state"] == "wrap_up"] or None,
                     10, "the agent in wrap-up")[0]
        assert a["activity"]["wrap_up_ends_at"] is not None, a
        l = wait_for(lambda: (lambda x: x if not x["waiting"] else None)(live(fw, qid)), 10,
                     "the caller gone")
        assert l["today"]["offered"] == 1 and l["today"]["answered"] == 1, l["today"]
        assert l["today"]["abandoned"] == 0, l["today"]
        # the agent's own status carries the activity too
        status, _, b = fw.ad.request("GET", "/v1/admin/agents/%d/queue-status" % ann.id,
                                     token=fw.admins["A"])
        assert status == 200, b
        assert b["queue_status"]["activity"]["state"] in ("wrap_up", "waiting"), b
        # queue.live went out, coalesced (far fewer than the events)
        n = int(fw.ad.sql("SELECT COUNT(*) FROM live_events WHERE type = 'queue.live'")[0][0])
        assert 1 <= n <= 12, n


def test_max_no_answer_sets_on_break(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        uid, _ = fw.new_agent("A", "qb2@a.example")
        qid = plant_queue(fw, "A", [(uid, "error/NO_ANSWER")])
        c = caller(fs, qid, "5552000")
        a = wait_for(lambda: [x for x in live(fw, qid)["agents"]
                              if x["agent_id"] == uid and x["status"] == "on_break"] or None,
                     20, "the agent On Break")[0]
        assert a["reason"] is None, a
        rows = fw.ad.sql("SELECT changed_by FROM queue_agents WHERE user_id = %d" % uid)
        assert rows[0][0] == "freeswitch", rows
        ev = fw.ad.sql("SELECT data FROM live_events WHERE type = 'agent.queue_status' "
                       "AND user_id = %d" % uid)
        assert any('"changed_by":"freeswitch"' in r[0] and '"missed_offers":1' in r[0]
                   for r in ev), ev
        status, _, body = fw.ad.request("GET", "/v1/admin/audit?limit=50", token=fw.admins["A"])
        assert status == 200, body
        e = [x for x in body["entries"] if x["action"] == "agent.queue_status"]
        assert e and e[0]["target_id"] == uid and e[0]["actor_user_id"] is None, e
        assert "freeswitch" in str(e[0]["details"]), e
        # The caller gives up: abandoned
        fs.esl("uuid_kill " + c)
        # (/live reads callers and counts in two statements: one read may
        # fall between the event's commit and see it counted but waiting)
        l = wait_for(lambda: (lambda x: x if x["today"]["abandoned"] == 1 and not x["waiting"]
                              else None)(live(fw, qid)), 10, "abandoned counted, no longer waiting")
        assert l["today"]["offered"] == 1, l


@only_on("postgres")
def test_two_processes_one_writer(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        other = fw.ad.sibling()
        other.serve(env=fw.env())
        try:
            uid, _ = fw.new_agent("A", "qb3@a.example")
            qid = plant_queue(fw, "A", [(uid, "error/USER_BUSY")])
            fs.esl("callcenter_config agent set status u%d 'On Break'" % uid)
            caller(fs, qid, "5553000")
            other_admin = other.login("admin@a.example", "correct horse battery")
            for ad, token in ((fw.ad, fw.admins["A"]), (other, other_admin)):
                wait_for(lambda: live(fw, qid, ad, token)["waiting"] or None, 5,
                         "the caller on both processes' boards")
            time.sleep(1)
            for ad, token in ((fw.ad, fw.admins["A"]), (other, other_admin)):
                l = live(fw, qid, ad, token)
                assert len(l["waiting"]) == 1 and l["today"]["offered"] == 1, l
            n = fw.ad.sql("SELECT COUNT(*) FROM queue_callers")
            assert n == [("1",)], n
        finally:
            other.stop()


def test_longest_idle_order(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        agents = [qw.agent("A", "idle%d@a.example" % k) for k in range(3)]
        q = qw.queue("A", {"name": "Idle", "number": "7000", "strategy": "longest-idle-agent"})
        qw.members("A", q["id"], agents)
        for a in agents:
            st, b = qw.req("A", "PUT", "/v1/admin/agents/%d/queue-settings" % a.id,
                           {"wrap_up_s": 0})
            assert st == 200, b
            qw.status("A", a, "available")
        for a in agents:
            qw.wait_cc_status(a, "Available")
        fw.settle()
        callers = [qw.caller("A") for _ in range(5)]
        order, stop = [], threading.Event()

        def answering(a):
            while not stop.is_set():
                try:
                    if a.ua.answer(timeout=0.5) is not None:
                        order.append(a.id)
                except (OSError, TimeoutError):
                    return

        threads = [threading.Thread(target=answering, args=(a,), daemon=True) for a in agents]
        for t in threads:
            t.start()
        try:
            for k, c in enumerate(callers):
                assert qw.call(c, "7000").code == 200
                wait_for(lambda: len(order) > k or None, 20, "call %d offered" % (k + 1))
                time.sleep(0.5)
                assert c.bye() == 200
                time.sleep(1.2)      # last_bridge_end is in whole seconds
        finally:
            stop.set()
            for t in threads:
                t.join(5)
        # the first three are the three agents; then the one idle longest
        # (the first to finish) and the next
        assert len(set(order[:3])) == 3, order
        assert order[3] == order[0] and order[4] == order[1], order
        l = live(fw, q["id"])
        assert l["today"]["offered"] == 5 and l["today"]["answered"] == 5, l["today"]


if __name__ == "__main__":
    fs_main()
