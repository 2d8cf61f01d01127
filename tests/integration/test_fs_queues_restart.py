"""Real FreeSWITCH, xml_curl mode: mod_callcenter's state after FreeSWITCH
restarts or goes down (docs/freeswitch.md, "Queues", "Restart and drift").

- Restarted, with its state made stale by hand first (a tier deleted, a
  status changed, an agent u<id> agentdesk does not hold, one made by hand
  under another name): agentdesk's new connection queues a resync that
  applies agents, tiers and statuses again, removes the u<id> it does not
  hold and leaves the other; the next caller is answered.
- Down while statuses change: each change shows pending; when it returns
  the last status of each agent is applied, and shows provisioned.
"""
import time

from agentdesk_harness import FsWorld, QueueWorld, fs_main, headers, wait_for


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
        inv = qw.answered_by(ann, caller, "7000")
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
