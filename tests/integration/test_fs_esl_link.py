"""Real FreeSWITCH, xml_curl mode: the reconciler keeps one Event Socket
connection per node from batch to batch (agentdesk_esl_connects_total in
/metrics counts its logins per node). Several batches log in once; after
FreeSWITCH restarts, the next batch finds the kept connection dead,
connects again within the same attempt and its job completes at once
(provisioned after one attempt, no error); a node edited through the
cluster administration drops the kept connections, so the next batch
logs in again."""
from agentdesk_harness import FsWorld, clusters_settled, fs_main, metric, wait_for


def connects(fw, fs):
    return metric(fw.ad, "agentdesk_esl_connects_total", {"node": "127.0.0.1:%d" % fs.esl_port})


def settle_all(fw):
    """Until no job of any cluster is pending (none failed)."""
    clusters = wait_for(lambda: clusters_settled(fw.ad, fw.root), timeout=20,
                        what="every job applied")
    assert all(c["jobs"]["failed"] == 0 for c in clusters), clusters


def rotate(fw, key, ext_id):
    """A new SIP password for ext_id (a rekey job: commands on every node of
    its tenant's cluster), and the wait until no job is pending; returns the
    extension as the API shows it then."""
    status, _, b = fw.ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext_id,
                                 token=fw.admins[key])
    assert status == 200, b
    settle_all(fw)
    return fw.extension(key, ext_id)


def applied_at_once(x):
    assert (x["provisioning"], x["provisioning_attempts"], x["provisioning_error"]) == (
        "provisioned", 1, None), x


def test_one_connection_per_node(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        aid, _ = fw.new_agent("A", "link@a.example")
        ext_id = fw.agent("A", aid)["extensions"][0]["id"]
        settle_all(fw)

        # Three batches, one after the other: one login.
        for _ in range(3):
            applied_at_once(rotate(fw, "A", ext_id))
        assert connects(fw, fs) == 1

        # FreeSWITCH restarts: the kept connection is dead; the next batch
        # logs in again and its job is done on its first attempt.
        fs.stop_process()
        fs.start()
        applied_at_once(rotate(fw, "A", ext_id))
        assert connects(fw, fs) == 2
        applied_at_once(rotate(fw, "A", ext_id))
        assert connects(fw, fs) == 2

        # A stored cluster whose one node is the same FreeSWITCH: a link of
        # its own, kept too.
        cid, node_id = fw.new_cluster("Second", fs, "fs1-again")
        fw.patch_tenant("B", {"cluster_id": cid})
        bid, _ = fw.new_agent("B", "link@b.example")
        b_ext = fw.agent("B", bid)["extensions"][0]["id"]
        settle_all(fw)
        assert connects(fw, fs) == 3
        applied_at_once(rotate(fw, "B", b_ext))
        assert connects(fw, fs) == 3

        # The node edited: every kept connection is dropped. Its resync
        # logs in for the stored cluster; the default one's next batch
        # logs in again.
        status, _, n = fw.ad.request(
            "PATCH", "/v1/admin/freeswitch/clusters/%d/nodes/%d" % (cid, node_id),
            token=fw.root, json_body={"esl_password": fs.esl_password})
        assert status == 200, n
        settle_all(fw)
        assert connects(fw, fs) == 4, connects(fw, fs)
        applied_at_once(rotate(fw, "A", ext_id))
        assert connects(fw, fs) == 5


if __name__ == "__main__":
    fs_main()
