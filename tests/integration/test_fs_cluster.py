"""Real FreeSWITCH, two nodes of one cluster (xml_curl mode, both asking
the same agentdesk): an agent registers on both; suspending it cuts both
registrations; reactivated, it registers on both again."""
from fstest import PASSWORD, FsWorld, run

BACKENDS = ("sqlite",)


def test_two_nodes_one_cluster(backend):
    with FsWorld(backend, n=2) as fw:
        aid, token = fw.new_agent("A", "two@a.example")
        creds = fw.me(token)
        user = "%s@%s" % (creds[0], creds[1])
        fw.settle()
        with fw.ua("ws", creds, node=0) as ua0, fw.ua("udp", creds, node=1) as ua1:
            assert ua0.register() == 200, ua0.last
            assert ua1.register() == 200, ua1.last
            assert user in fw.fs[0].registrations() and user in fw.fs[1].registrations()
            status, _, body = fw.ad.request("GET", "/v1/admin/freeswitch/status", token=fw.root)
            nodes = body["clusters"][0]["nodes"]
            assert [n["registrations"] for n in nodes] == [1, 1], nodes
            assert all(n["profile_state"] == "RUNNING (0)" for n in nodes), nodes

            fw.patch_agent("A", aid, {"status": "suspended"})
            for k in (0, 1):
                print("node %d: registration gone after %.2fs" % (k, fw.wait_unregistered(user, k)))
            assert ua0.register() == 403 and ua1.register() == 403
            fw.settle()

        fw.patch_agent("A", aid, {"status": "active"})
        fw.settle()
        creds = fw.me(fw.ad.login("two@a.example", PASSWORD))
        for k in (0, 1):
            with fw.ua("udp", creds, node=k) as ua:
                assert ua.register() == 200, ua.last


if __name__ == "__main__":
    run([test_two_nodes_one_cluster])
