"""Real FreeSWITCH, files mode: the queues reach mod_callcenter through the
files agentdesk writes (docs/freeswitch.md, "Queues", "Files and ssh
modes"). The operator does what `agentdesk freeswitch config` prints: the
conf dir's callcenter/ folder, and in callcenter.conf.xml, inside <queues>,
the include of callcenter/*.xml. Then a queue created through the API is
written as callcenter/q<id>.xml (owned), loaded by mod_callcenter after the
reloadxml, its members are tiers, its number is in the tenant's context
file and answers a caller, and its deletion removes the file and unloads
it.
"""
import os
import re

from agentdesk_harness import MARKER, FsWorld, QueueWorld, fs_main, headers, wait_for


def include_queues(fw):
    """As printed: the include line into callcenter.conf.xml's <queues>."""
    rc, out, _ = fw.ad.run("freeswitch", "config", env=fw.env())
    line = re.search(r'<X-PRE-PROCESS cmd="include" data="\$\$\{conf_dir\}/callcenter/\*\.xml"/>', out)
    assert rc == 0 and line, out
    fs = fw.fs[0]
    os.makedirs(os.path.join(fs.conf_dir, "callcenter"), exist_ok=True)
    fs._edit("autoload_configs/callcenter.conf.xml", [(r"(<queues>)", r"\1\n    " + line.group(0))])
    out = fs.esl("reload mod_callcenter")
    assert "+OK" in out, out


def test_queue_files(backend):
    with FsWorld(backend, mode="files") as fw, QueueWorld(fw) as qw:
        include_queues(fw)
        ann = qw.agent("A", "ann@a.example")
        q = qw.queue("A", {"name": "Support", "number": "7000"})
        qw.members("A", q["id"], [ann])
        qw.status("A", ann, "available")
        fw.settle()
        path = os.path.join(fw.fs[0].conf_dir, "callcenter", "q%d.xml" % q["id"])
        with open(path) as f:
            text = f.read()
        assert text.startswith(MARKER) and '<queue name="q%d">' % q["id"] in text, text
        assert "q%d" % q["id"] in qw.queues_loaded()
        assert qw.tiers(q["id"]) == [("u%d" % ann.id, 1, 1)]
        qw.wait_cc_status(ann, "Available")
        with open(os.path.join(fw.fs[0].conf_dir, "dialplan",
                               "tenant_%d.xml" % fw.w.tenants["A"]["id"])) as f:
            assert 'data="q%d"' % q["id"] in f.read()
        caller = qw.caller("A")
        inv = qw.answered_by(ann, caller, "7000")
        assert headers(inv)[0] == q["id"], inv
        assert caller.bye() == 200

        qw.members("A", q["id"], [])
        qw.delete_queue("A", q["id"])
        fw.settle()
        assert not os.path.exists(path)
        wait_for(lambda: "q%d" % q["id"] not in qw.queues_loaded(), timeout=10,
                 what="the queue unloaded")


if __name__ == "__main__":
    fs_main()
