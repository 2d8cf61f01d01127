"""Real FreeSWITCH, xml_curl mode: what agentdesk tells mod_callcenter about
queues (docs/freeswitch.md, "Queues"), made through the API.

- A queue is served by the configuration binding: unloaded by hand, the
  next caller loads it again from agentdesk (`queue list`); its members
  become tiers with their levels and positions, a member removed loses
  its tier (and its agent, in no queue and logged out); statuses set
  through the API are mod_callcenter's (`agent get status u<id>`).
- A caller dialling the queue number from an extension of the tenant is
  offered to the Available agent only, with the X-AD-Queue-Id and
  X-AD-Queue-Waited headers; direct calls to an agent are tracked.
- A queue deleted while a caller waits: the caller goes to the queue's
  timeout destination (another queue, where an agent gets it); a queue
  whose timeout is an extension's voicemail sends the caller there.
- An inbound number called by a "carrier" on 127.0.0.2 (admitted by the
  inbound ACL that `agentdesk freeswitch config` prints, never 127.0.0.1)
  lands in the right tenant's queue.
- FreeSWITCH restarted: agents, tiers and statuses are applied again and
  the next caller is answered; FreeSWITCH down while statuses change: the
  jobs wait, and the last status is applied when it returns.
"""
import time

from agentdesk_harness import FsWorld, QueueWorld, fs_main, headers, sip, wait_for


def answered_by(qw, agent, caller, number, timeout=15):
    """caller calls number; agent answers the offer. Returns the INVITE."""
    t, got = qw.answer_in_thread(agent, timeout)
    r = qw.call(caller, number)
    assert r.code == 200, r
    t.join(timeout + 5)
    assert got and got[0] is not None, "the agent was offered nothing"
    return got[0]


def test_queue_members_statuses_offer(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        ann, bob = qw.agent("A", "ann@a.example"), qw.agent("A", "bob@a.example")
        q = qw.queue("A", {"name": "Support", "number": "7000", "strategy": "ring-all"})
        qid = q["id"]
        qw.members("A", qid, [(ann, 1, 2), (bob, 2, 1)])
        fw.settle()
        assert "q%d" % qid in qw.queues_loaded()
        assert qw.tiers(qid) == [("u%d" % ann.id, 1, 2), ("u%d" % bob.id, 2, 1)]
        # members without a status are logged out; their contact reaches
        # their extension in their tenant's realm, with the X-AD headers
        assert qw.cc_status(ann) == "Logged Out" and qw.cc_status(bob) == "Logged Out"
        agents = {a["name"]: a for a in qw.cc_table("agent list")}
        assert agents["u%d" % ann.id]["contact"].endswith("}user/%s@a.example" % ann.ext), agents
        assert "X-AD-Queue-Id" in agents["u%d" % ann.id]["contact"]
        assert agents["u%d" % ann.id]["type"] == "Callback"

        # statuses through the API are mod_callcenter's
        qw.status("A", ann, "available")
        qw.status("A", bob, "on_break", "Lunch")
        qw.wait_cc_status(ann, "Available")
        qw.wait_cc_status(bob, "On Break")

        # the queue comes from agentdesk on first use: unloaded by hand,
        # the next caller loads it again through the configuration binding
        assert "+OK" in qw.cc("queue unload q%d" % qid)
        assert "q%d" % qid not in qw.queues_loaded()
        caller = qw.caller("A")
        time.sleep(1.2)          # the waited seconds the header counts
        start = time.time()
        inv = answered_by(qw, ann, caller, "7000")
        assert "q%d" % qid in qw.queues_loaded()
        assert inv.start.startswith("INVITE sip:%s@" % ann.ext), inv.start
        qid_h, waited = headers(inv)
        assert qid_h == qid, inv
        assert isinstance(waited, int) and 0 <= waited <= int(time.time() - start) + 1, inv
        # the caller's number is the From user
        assert "<sip:%s@" % caller.ext in inv.get("from"), inv.get("from")
        # the agent on break was offered nothing
        assert bob.offer(0.5) is None
        assert caller.bye() == 200

        # a direct call to an agent's extension is tracked for mod_callcenter
        t, got = qw.answer_in_thread(bob)
        r = qw.call(caller, bob.ext)
        t.join(25)
        assert r.code == 200 and got and got[0] is not None, r
        wait_for(lambda: qw.cc_table("agent list") and {a["name"]: a for a in qw.cc_table(
                 "agent list")}["u%d" % bob.id]["external_calls_count"] == "1", timeout=5,
                 what="bob's direct call tracked")
        assert caller.bye() == 200

        # the members change: levels follow, a member removed loses its tier,
        # and, in no queue and logged out, its agent
        qw.status("A", bob, "logged_out")
        qw.members("A", qid, [(ann, 3, 1)])
        fw.settle()
        assert qw.tiers(qid) == [("u%d" % ann.id, 3, 1)]
        wait_for(lambda: qw.cc_status(bob) is None, timeout=10, what="bob's agent deleted")


def test_deleted_queue_callers_go_on(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        ann = qw.agent("A", "ann@a.example")
        overflow = qw.queue("A", {"name": "Overflow", "number": "7001"})
        q = qw.queue("A", {"name": "Support", "number": "7000", "timeout_action": "queue",
                           "timeout_queue_id": overflow["id"]})
        qw.members("A", overflow["id"], [ann])
        qw.status("A", ann, "available")
        fw.settle()
        qw.wait_cc_status(ann, "Available")
        caller = qw.caller("A")
        r = qw.call(caller, "7000")
        assert r.code == 200, r
        wait_for(lambda: len(qw.waiting(q["id"])) == 1, timeout=10, what="the caller waiting")
        assert ann.offer(0.5) is None    # nobody in Support
        t, got = qw.answer_in_thread(ann, 20)
        qw.delete_queue("A", q["id"])
        t.join(25)
        # the caller ran the rest of Support's entry: transferred to Overflow
        assert got and got[0] is not None, "the caller never reached the timeout queue"
        assert headers(got[0])[0] == overflow["id"], got[0]
        assert "q%d" % q["id"] not in qw.queues_loaded()
        assert caller.bye() == 200

        # a timeout to an extension's voicemail: mod_voicemail takes the
        # caller for that user of the tenant's realm
        vm = qw.queue("A", {"name": "After hours", "number": "7002", "max_wait_s": 1,
                            "timeout_action": "voicemail", "timeout_extension": ann.ext})
        fw.settle()
        ev = fw.fs[0].events("CHANNEL_EXECUTE")
        try:
            r = qw.call(caller, "7002")
            assert r.code == 200, r
            e = ev.wait("CHANNEL_EXECUTE", pred=lambda e: e.get("Application") == "voicemail",
                        timeout=15)
            assert e is not None, "no voicemail for the caller of %d" % vm["id"]
            assert e["Application-Data"] == "default a.example %s" % ann.ext, e
        finally:
            ev.close()


def test_inbound_number_from_carrier(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        qw.admit_carrier()
        qa = qw.queue("A", {"name": "Sales", "number": "7000"})
        qb = qw.queue("B", {"name": "Sales", "number": "7000"})
        ann = qw.agent("A", "ann@a.example")
        bea = qw.agent("B", "bea@b.example")
        qw.members("A", qa["id"], [ann])
        qw.members("B", qb["id"], [bea])
        qw.status("B", bea, "available")
        qw.number("A", "+15551230000", queue_id=qa["id"])
        fw.settle()
        qw.wait_cc_status(bea, "Available")
        carrier = qw.carrier()
        try:
            r, _ = carrier.invite("+15551230000")
            assert r.code == 200, r
            # in tenant A's queue, never offered to tenant B's available agent
            wait_for(lambda: len(qw.waiting(qa["id"])) == 1, timeout=10,
                     what="the carrier's caller in A's queue")
            assert qw.waiting(qb["id"]) == []
            assert bea.offer(1) is None
            # A's agent goes available: it gets the carrier's caller
            t, got = qw.answer_in_thread(ann, 15)
            qw.status("A", ann, "available")
            t.join(20)
            assert got and got[0] is not None and headers(got[0])[0] == qa["id"], got
            assert carrier.bye() == 200
        finally:
            carrier.close()
        # a caller on 127.0.0.1 without credentials is still challenged
        plain = sip.UA("udp", fw.fs[0].sip_port, "nobody", "127.0.0.1", "")
        try:
            r, _ = plain.invite("+15551230000")
            assert r.code in (401, 403, 407), r
        finally:
            plain.close()


def test_restart_and_down(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        ann, bob = qw.agent("A", "ann@a.example"), qw.agent("A", "bob@a.example")
        q = qw.queue("A", {"name": "Support", "number": "7000"})
        qw.members("A", q["id"], [ann, bob])
        qw.status("A", ann, "available")
        qw.status("A", bob, "on_break", "Break")
        fw.settle()
        qw.wait_cc_status(ann, "Available")
        fs = fw.fs[0]
        # drift on the node: its state made stale by hand while it runs
        qw.cc("tier del q%d u%d" % (q["id"], bob.id))
        qw.cc("agent set status u%d 'Logged Out'" % ann.id)
        qw.cc("agent add u999999 Callback")          # ours by name, held by no one
        qw.cc("agent add handmade Callback")         # not ours: left
        # restarted: agentdesk sees a new connection and applies it all again
        fs.stop_process()
        fs.start()
        qw.wait_cc_status(ann, "Available", timeout=30)
        qw.wait_cc_status(bob, "On Break")
        wait_for(lambda: sorted(t[0] for t in qw.tiers(q["id"])) ==
                 sorted(["u%d" % ann.id, "u%d" % bob.id]), timeout=10, what="the tiers again")
        # u<id> of no agent of agentdesk's removed, one made by hand left
        wait_for(lambda: "u999999" not in [a["name"] for a in qw.cc_table("agent list")],
                 timeout=10, what="u999999 removed")
        assert "handmade" in [a["name"] for a in qw.cc_table("agent list")]
        # the next caller is answered
        for a in (ann, bob):
            a.close()
            a.register()
        caller = qw.caller("A")
        inv = answered_by(qw, ann, caller, "7000")
        assert headers(inv)[0] == q["id"]
        assert caller.bye() == 200

        # down while statuses change: pending, then the last one applied
        fs.stop_process()
        qw.status("A", ann, "on_break", "Lunch")
        qw.status("A", ann, "logged_out")
        qw.status("A", ann, "available")
        qw.status("A", bob, "available")
        qw.status("A", bob, "logged_out")
        status, b = qw.req("A", "GET", "/v1/admin/agents/%d/queue-status" % ann.id)
        assert status == 200 and b["queue_status"]["provisioning"] == "pending", b
        time.sleep(2)
        fs.start()
        qw.wait_cc_status(ann, "Available", timeout=40)
        qw.wait_cc_status(bob, "Logged Out", timeout=40)
        wait_for(lambda: qw.req("A", "GET", "/v1/admin/agents/%d/queue-status" % ann.id)[1]
                 ["queue_status"]["provisioning"] == "provisioned", timeout=40,
                 what="the status provisioned")


if __name__ == "__main__":
    fs_main()
