"""What the agent gets from a queue, end to end on real FreeSWITCH 1.11.1
(mod_callcenter), through agentdesk's own provisioning only (QueueWorld:
queues, members, settings and statuses through the API, agents as
registered UDP UAs, callers from an extension of the tenant):

- wrap-up and "Ready": after a queue call the agent is not offered the
  next caller during its wrap-up time (its QueueStatus activity says
  wrap_up until wrap_up_ends_at); POST /v1/me/queue-status/ready ends it
  (the waiting caller is offered at once), and the agent's wrap_up_time
  on FreeSWITCH is back to its setting after that next call;
- suspension during ringing: an offer ringing at an agent the admin
  suspends is cancelled, the caller goes to the next agent, and the
  suspended agent (Logged Out on FreeSWITCH) is never offered again."""
import queue
import threading
import time

from agentdesk_harness import FsWorld, QueueWorld, fs_main, wait_for
from agentdesk_harness.queues import Agent

WRAP_UP = 20


def agent_with_token(fw, qw, email):
    """An agent (registered UA) and its own token, for /v1/me routes."""
    uid, token = fw.new_agent("A", email)
    a = Agent(qw, "A", uid, fw.me(token))
    qw.agents.append(a)
    return a.register(), token


def cc_agent(qw, agent):
    """The agent's row of `callcenter_config agent list`, or None."""
    return {a["name"]: a for a in qw.cc_table("agent list")}.get("u%d" % agent.id)


def in_call(qw, agent):
    """Until mod_callcenter has bridged the agent's answered offer to its
    caller: a caller who hangs up between the agent's 200 and the bridge
    leaves the agent no call ("Failed to bridge, member … has gone"), hence
    no wrap-up."""
    wait_for(lambda: (cc_agent(qw, agent) or {}).get("state") == "In a queue call", 15,
             "u%d in a queue call" % agent.id)


def my_activity(fw, token):
    status, _, b = fw.ad.request("GET", "/v1/me/queue-status", token=token)
    assert status == 200, b
    return b["queue_status"]["activity"]


def test_wrap_up_then_ready(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        ann, token = agent_with_token(fw, qw, "ann.wrap@a.example")
        q = qw.queue("A", {"name": "Support", "number": "7000"})
        qw.members("A", q["id"], [ann])
        st, b = qw.req("A", "PUT", "/v1/admin/agents/%d/queue-settings" % ann.id,
                       {"wrap_up_s": WRAP_UP})
        assert st == 200, b
        qw.status("A", ann, "available")
        qw.wait_cc_status(ann, "Available")
        wait_for(lambda: (cc_agent(qw, ann) or {}).get("wrap_up_time") == str(WRAP_UP), 20,
                 "wrap-up %d applied" % WRAP_UP)
        fw.settle(30)
        c1, c2 = qw.caller("A"), qw.caller("A")
        first = qw.answered_by(ann, c1, "7000", timeout=30)
        in_call(qw, ann)
        assert c1.bye() == 200
        ended = time.time()
        act = wait_for(lambda: (lambda a: a if a and a["state"] == "wrap_up" else None)(
            my_activity(fw, token)), 15, "the agent's activity wrap_up")
        assert act["wrap_up_ends_at"] is not None and act["queue_id"] == q["id"], act
        row = cc_agent(qw, ann)
        assert row is not None and row["last_bridge_end"] != "0", row
        # the next caller waits: no offer during the wrap-up
        assert qw.call(c2, "7000").code == 200
        wait_for(lambda: qw.waiting(q["id"]) or None, 10, "caller 2 waiting in q%d" % q["id"])
        quiet = max(0.0, ended + WRAP_UP - 6 - time.time())
        assert quiet >= 4, "too slow to check the wrap-up (%.1f s left)" % quiet
        inv = ann.offer(quiet)
        assert inv is None or inv.get("call-id") == first.get("call-id"), (
            "offered during its wrap-up", inv and inv.start, cc_agent(qw, ann))
        assert my_activity(fw, token)["state"] == "wrap_up"
        assert cc_agent(qw, ann)["wrap_up_time"] == str(WRAP_UP), cc_agent(qw, ann)
        # "Ready": caller 2 is offered now, long before the wrap-up's end
        t, got = qw.answer_in_thread(ann, timeout=15)
        start = time.time()
        status, _, b = fw.ad.request("POST", "/v1/me/queue-status/ready", token=token)
        assert status == 200, b
        t.join(20)
        took = time.time() - start
        assert got and got[0] is not None, "Ready did not end the wrap-up"
        in_call(qw, ann)
        print("offered %.2f s after Ready (wrap-up had %.1f s left)"
              % (took, ended + WRAP_UP - start))
        assert took <= 5, took
        assert ended + WRAP_UP - time.time() > 0, "offered only after the wrap-up's end"
        # that call's bridge-agent-start gave the wrap-up time back
        wait_for(lambda: (cc_agent(qw, ann) or {}).get("wrap_up_time") == str(WRAP_UP), 20,
                 "wrap_up_time %d restored on FreeSWITCH (agent list)" % WRAP_UP)
        assert c2.bye() == 200
        # and it is in force again: after this call the agent wraps up
        act = wait_for(lambda: (lambda a: a if a and a["state"] == "wrap_up" else None)(
            my_activity(fw, token)), 15, "wrap_up after the second call")
        assert act["wrap_up_ends_at"] is not None, act


def test_suspend_while_ringing(backend):
    with FsWorld(backend) as fw, QueueWorld(fw) as qw:
        # no wrap-up: the tenant's default
        st, b = qw.req("A", "PUT", "/v1/admin/queue-settings", {"wrap_up_s": 0})
        assert st == 200, b
        q = qw.queue("A", {"name": "Ring", "number": "7000",
                           "strategy": "longest-idle-agent"})
        agents = [qw.agent("A", "ring%d@a.example" % k) for k in range(2)]
        qw.members("A", q["id"], agents)
        for a in agents:
            qw.status("A", a, "available")
        for a in agents:
            qw.wait_cc_status(a, "Available")
        fw.settle(30)
        # whichever agent is offered first lets it ring
        offers = queue.Queue()

        def watch(a):
            offers.put((a, a.ua.wait_request("INVITE", 40), time.time()))

        threads = [threading.Thread(target=watch, args=(a,), daemon=True) for a in agents]
        for t in threads:
            t.start()
        caller = qw.caller("A")
        assert qw.call(caller, "7000").code == 200
        ringing, inv, _ = offers.get(timeout=40)
        assert inv is not None, "no offer"
        other = [a for a in agents if a is not ringing][0]
        tag = "ring%d" % ringing.id
        ringing.ua.respond(inv, 100, "Trying")
        ringing.ua.respond(inv, 180, "Ringing", to_tag=tag)
        time.sleep(1)
        start = time.time()
        st, b = qw.req("A", "PATCH", "/v1/admin/agents/%d" % ringing.id, {"status": "suspended"})
        assert st == 200, b
        cancel = ringing.ua.wait_request(
            "CANCEL", 15, pred=lambda m: m.get("call-id") == inv.get("call-id"))
        took = time.time() - start
        assert cancel is not None, "the ringing offer was not cancelled"
        ringing.ua.respond(cancel, 200, "OK")
        ringing.ua.respond(inv, 487, "Request Terminated", to_tag=tag)
        print("offer cancelled %.2f s after the suspension" % took)
        assert took <= 5, took
        # the caller goes to the other agent, who answers
        a2, inv2, when = offers.get(timeout=40)
        assert a2 is other and inv2 is not None, "the caller was not offered to the next agent"
        assert when >= start, "the other agent rang before the suspension"
        other.ua.requests.insert(0, inv2)
        assert other.ua.answer(timeout=1) is not None
        qw.wait_cc_status(ringing, "Logged Out")
        # never offered again: a second caller waits while the other is busy
        caller2 = qw.caller("A")
        assert qw.call(caller2, "7000").code == 200
        wait_for(lambda: qw.waiting(q["id"]) or None, 10, "caller 2 waiting")
        again = ringing.offer(8)
        assert again is None, ("the suspended agent was offered", again.start)
        assert qw.cc_status(ringing) == "Logged Out"
        status, _, b = fw.ad.request("GET", "/v1/admin/agents/%d/queue-status" % ringing.id,
                                     token=fw.admins["A"])
        assert status == 200, b
        assert b["queue_status"]["status"] == "logged_out", b
        assert caller.bye() == 200
        caller2.close()


if __name__ == "__main__":
    fs_main()
