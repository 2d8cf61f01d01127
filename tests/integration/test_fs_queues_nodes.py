"""Real FreeSWITCH, two nodes in one cluster (xml_curl mode): one node per
tenant for queues (docs/freeswitch.md, "Queues", "One node per tenant").
Each tenant's queue, agents and tiers are on exactly one node, the one
GET /v1/admin/queue-settings names (the queue-node rule); the other node
holds none of them, and a caller reaching the queue node is offered to
the tenant's Available agent registered there.
"""
from agentdesk_harness import FsWorld, QueueWorld, fs_main, headers


def test_one_node_per_tenant(backend):
    with FsWorld(backend, n=2) as fw, QueueWorld(fw) as qw:
        nodes = {"127.0.0.1:%d" % fs.esl_port: k for k, fs in enumerate(fw.fs)}
        placed = {}
        for key in ("A", "B"):
            status, b = qw.req(key, "GET", "/v1/admin/queue-settings")
            assert status == 200 and b["node"] in nodes, (b, nodes)
            k = nodes[b["node"]]
            agent = qw.agent(key, "ann@%s.example" % key.lower(), node=k)
            q = qw.queue(key, {"name": "Support", "number": "7000"})
            qw.members(key, q["id"], [agent])
            qw.status(key, agent, "available")
            placed[key] = (k, agent, q)
        fw.settle()
        for key, (k, agent, q) in placed.items():
            qw.wait_cc_status(agent, "Available", node=k)
            assert qw.tiers(q["id"], node=k) == [("u%d" % agent.id, 1, 1)]
            other = 1 - k
            assert qw.cc_status(agent, node=other) is None, key
            assert "q%d" % q["id"] not in qw.queues_loaded(node=other), key
        # a caller on the queue node is offered to the tenant's agent there
        k, agent, q = placed["A"]
        caller = qw.agent("A", "caller@a.example", node=k).ua
        inv = qw.answered_by(agent, caller, "7000")
        assert headers(inv)[0] == q["id"], inv
        assert caller.bye() == 200


if __name__ == "__main__":
    fs_main()
