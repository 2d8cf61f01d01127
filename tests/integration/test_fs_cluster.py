"""Real FreeSWITCH, two nodes of one cluster (xml_curl mode, both asking
the same agentdesk): an agent registers on both; suspending it cuts both
registrations; reactivated, it registers on both again. And a second,
stored cluster with a node of its own (binding from `agentdesk freeswitch
config --cluster ID`): each node learns only its own cluster's tenants."""
from agentdesk_harness import PASSWORD, XMLCURL_PASSWORD, FsWorld, freeswitch, fs_main, sip

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


def test_second_cluster(backend):
    with FsWorld(backend) as fw:
        other = freeswitch.Instance(fw.build, "xml_curl", name="fs-cluster2")
        failed = True
        try:
            other.start()
            cid, _ = fw.new_cluster("Second", other, "fs2")
            fw.patch_tenant("B", {"cluster_id": cid})
            rc, binding, _ = fw.ad.run("freeswitch", "config", "--cluster", str(cid), "--url",
                                       "http://127.0.0.1:%d" % fw.ad.port,
                                       env={"AGENTDESK_XMLCURL_PASSWORD": XMLCURL_PASSWORD})
            assert "/freeswitch/xml/%d" % cid in binding, binding
            other.bind_xml_curl(binding)

            a = fw.me(fw.new_agent("A", "c1@a.example")[1])
            b = fw.me(fw.new_agent("B", "c2@b.example")[1])
            fw.settle()
            ports = {"default": fw.fs[0].sip_port, "second": other.sip_port}
            for who, creds, home in (("A", a, "default"), ("B", b, "second")):
                for node, port in ports.items():
                    with sip.UA("udp", port, *creds[:3]) as ua:
                        code = ua.register()
                    assert code == (200 if node == home else 403), (who, node, code)
            assert list(other.registrations()) == ["%s@%s" % (b[0], b[1])]
            assert list(fw.fs[0].registrations()) == ["%s@%s" % (a[0], a[1])]
            failed = False
        finally:
            other.stop(failed=failed)


if __name__ == "__main__":
    fs_main()
