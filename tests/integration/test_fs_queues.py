"""Real FreeSWITCH, xml_curl mode: what agentdesk tells mod_callcenter about
queues (docs/freeswitch.md, "Queues"), made through the API.

- A queue is served by the configuration binding: unloaded by hand, the
  next caller loads it again from agentdesk (`queue list`); its members
  become tiers with their levels and positions, a member removed loses
  its tier (and its agent, in no queue and logged out); statuses set
  through the API are mod_callcenter's (`agent get status u<id>`).
- A caller dialling the queue number from an extension of the tenant is
  offered to the Available agent only, with the X-AD-Queue-Id and
  X-AD-Queue-Waited headers; direct calls to an agent are tracked; the
  caller's blind transfer (REFER) of the agent's leg runs in the tenant's
  context only.
- A queue deleted while a caller waits: the caller goes to the queue's
  timeout destination (another queue, where an agent gets it); a queue
  whose timeout is an extension's voicemail sends the caller there.
- An inbound number called by a "carrier" on 127.0.0.2 (admitted by the
  inbound ACL that `agentdesk freeswitch config` prints, never 127.0.0.1)
  lands in the right tenant's queue.
(FreeSWITCH restarted or down: test_fs_queues_restart.py.)
"""
import re
import time

from agentdesk_harness import FsWorld, QueueWorld, fs_main, headers, sip, wait_for


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
        assert ",force_transfer_context=tenant_%d," % fw.w.tenants["A"]["id"] in agents[
            "u%d" % ann.id]["contact"]
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
        inv = qw.answered_by(ann, caller, "7000")
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

        # a transfer never leaves the tenant: the caller of a queue call
        # REFERs the agent's leg (which mod_callcenter makes with no a-leg:
        # nothing the caller's channel exports reaches it, and its context
        # is "default") to bob; FreeSWITCH looks bob up in tenant A's
        # context only (the force_transfer_context of the agent's contact)
        # and bob answers ann
        log_at = len(fw.fs[0].log())
        qw.answered_by(ann, caller, "7000")
        wait_for(lambda: [m["state"] for m in qw.cc_table("queue list members q%d" % qid)] ==
                 ["Answered"], timeout=10, what="the caller bridged to ann")
        t, got = qw.answer_in_thread(bob)
        assert caller.refer(bob.ext) == 202
        t.join(25)
        looked = re.findall(r"->%s in context (\S+)" % bob.ext, fw.fs[0].log()[log_at:])
        assert looked == ["tenant_%d" % fw.w.tenants["A"]["id"]], looked
        assert got and got[0] is not None, "the transfer to bob rang nothing"
        # told the transfer is done (NOTIFY 200), the caller's leg is hung
        # up (hangup_after_bridge); ann and bob talk, then bob hangs up
        call_id = caller.dialog[1]
        assert caller.wait_request("NOTIFY", 10, pred=lambda m: m.get("call-id") == call_id and
                                   "SIP/2.0 200" in m.body) is not None
        bye = caller.wait_request("BYE", 10, pred=lambda m: m.get("call-id") == call_id)
        assert bye is not None, "the caller's leg outlived its transfer"
        caller.respond(bye, 200, "OK")
        assert sip.hang_up(bob.ua) == 200
        assert ann.ua.wait_request("BYE", 10) is not None

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
            assert e["Application-Data"] == "agentdesk a.example %s" % ann.ext, e
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


if __name__ == "__main__":
    fs_main()
