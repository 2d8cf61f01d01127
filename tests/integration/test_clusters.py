"""Stored FreeSWITCH clusters: the superadmin's CRUD of clusters and nodes
with its validation (Event Socket passwords go in, never come out), a
tenant in a stored cluster (its realm and WebSocket URL, its directory and
dialplan only at its cluster's /freeswitch/xml/:id, its changes sent to
that cluster's nodes only, the status route per cluster), moving a tenant
between clusters, a disabled cluster's jobs waiting, a files-mode cluster
next to the default xml_curl one, and the command line's --cluster."""
import base64
import os

from agentdesk_harness import (Agentdesk, EslFixture, World, XC_PASSWORD, changes, clusters_settled,
                               conf_dir,
                               contexts, encode, free_port, is_not_found, main, parse,
                               reconciler_rounds, restart, user_file, user_of, wait_for)


CLUSTERS = "/v1/admin/freeswitch/clusters"


def xml(ad, path, pairs):
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Authorization": "Basic " + base64.b64encode(
                   ("freeswitch:%s" % XC_PASSWORD).encode()).decode()}
    status, _, body = ad.request("POST", path, body=encode(pairs), headers=headers)
    assert status == 200, body
    return parse(body)


def user_lookup(user, domain):
    return [("hostname", "fs1"), ("section", "directory"), ("tag_name", "domain"),
            ("key_name", "name"), ("key_value", domain), ("action", "sip_auth"),
            ("user", user), ("domain", domain)]


def context_lookup(context):
    return [("hostname", "fs1"), ("section", "dialplan"), ("tag_name", ""), ("key_name", ""),
            ("key_value", ""), ("Hunt-Context", context), ("Caller-Context", context)]


def serve(w, esl, **env):
    e = {"AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD}
    e.update(env)
    restart(w, esl, **e)


def call(w, method, path, body=None, token=None):
    return w.ad.request(method, path, token=token or w.root, json_body=body)


def make_cluster(w, body, nodes=()):
    status, _, resp = call(w, "POST", CLUSTERS, body)
    assert status == 201, resp
    cid = resp["cluster"]["id"]
    for n in nodes:
        status, _, resp = call(w, "POST", "%s/%d/nodes" % (CLUSTERS, cid), n)
        assert status == 201, resp
    return cid


def node(fs, name="fs1", **more):
    host, port = fs.address.rsplit(":", 1)
    n = {"name": name, "esl_host": host, "esl_port": int(port), "esl_password": "ClueCon"}
    n.update(more)
    return n


def status_of(w, token=None):
    status, _, body = call(w, "GET", "/v1/admin/freeswitch/status", token=token)
    assert status == 200, body
    return {c["id"]: c for c in body["clusters"]}


def settle_all(w, timeout=10):
    """The clusters by id once no active cluster has a job pending; fails
    after timeout seconds."""
    def settled():
        st = status_of(w)
        return st if all(c["jobs"]["pending"] == 0 for c in st.values()
                         if c["status"] == "active") else None
    return wait_for(settled, timeout, lambda: "no job pending in an active cluster (%r)"
                    % {i: c["jobs"] for i, c in status_of(w).items()})


def test_crud_and_validation(backend):
    with Agentdesk(backend) as ad:
        w = World(ad)
        w.root = w.super["token"]
        status, _, body = call(w, "POST", CLUSTERS, {
            "name": "Frankfurt", "region": "eu-central", "sip_domain": "sip.fra.example",
            "websocket_url": "wss://fra.example:7443"})
        assert status == 201, body
        c = body["cluster"]
        assert (c["name"], c["mode"], c["status"], c["region"], c["nodes"]) == \
            ("Frankfurt", "xml_curl", "active", "eu-central", []), c
        cid = c["id"]
        assert call(w, "POST", CLUSTERS, {"name": "Frankfurt"})[2]["error"] == {
            "code": "conflict", "message": "conflicts with existing data", "field": "name"}

        bad = [({"name": ""}, "name"), ({"name": "x", "mode": "scp"}, "mode"),
               ({"name": "x", "websocket_url": "http://x.example"}, "websocket_url"),
               ({"name": "x", "websocket_url": "wss://a b"}, "websocket_url"),
               # They go into the CSP's connect-src: a host, no wildcard or password.
               ({"name": "x", "websocket_url": "wss://*"}, "websocket_url"),
               ({"name": "x", "websocket_url": "wss://u:pw@x.example"}, "websocket_url"),
               ({"name": "x", "sip_domain": "not a domain"}, "sip_domain"),
               ({"name": "x", "status": "paused"}, "status"), ({"name": 7}, "name"),
               ({"name": "x" * 101}, "name"), ({}, "name")]
        for body, field in bad:
            status, _, resp = call(w, "POST", CLUSTERS, body)
            assert status == 400 and resp["error"]["field"] == field, (body, resp)

        secret = "s3cret-Event-Socket"
        # Loopback ports nothing listens on: the resyncs these edits queue
        # are refused at once (tests talk to loopback only).
        esl_port, ssh_port = free_port(), free_port()
        status, _, body = call(w, "POST", "%s/%d/nodes" % (CLUSTERS, cid), {
            "name": "fs1", "esl_host": "127.0.0.1", "esl_port": esl_port, "esl_password": secret})
        assert status == 201, body
        n = body["node"]
        assert (n["esl_port"], n["sofia_profile"], n["status"], n["ssh_target"], n["conf_dir"]) == \
            (esl_port, "internal", "active", None, None), n
        assert "esl_password" not in n
        bad_nodes = [({"esl_host": "h", "esl_password": "p"}, "name"),
                     ({"name": "a", "esl_password": "p"}, "esl_host"),
                     ({"name": "a", "esl_host": "h"}, "esl_password"),
                     ({"name": "a b", "esl_host": "h", "esl_password": "p"}, "name"),
                     ({"name": "a", "esl_host": "h;x", "esl_password": "p"}, "esl_host"),
                     ({"name": "a", "esl_host": "h", "esl_password": "p", "esl_port": 0}, "esl_port"),
                     ({"name": "a", "esl_host": "h", "esl_password": "p\nexit"}, "esl_password"),
                     ({"name": "a", "esl_host": "h", "esl_password": "p",
                       "sofia_profile": "internal reboot"}, "sofia_profile"),
                     ({"name": "a", "esl_host": "h", "esl_password": "p", "ssh_target": "nohost"},
                      "ssh_target"),
                     ({"name": "a", "esl_host": "h", "esl_password": "p", "conf_dir": "etc/fs"},
                      "conf_dir"),
                     ({"name": "a", "esl_host": "h", "esl_password": "p", "conf_dir": "/a/../b"},
                      "conf_dir")]
        for body, field in bad_nodes:
            status, _, resp = call(w, "POST", "%s/%d/nodes" % (CLUSTERS, cid), body)
            assert status == 400 and resp["error"]["code"] == "validation_failed" and \
                resp["error"]["field"] == field, (body, resp)
        # A name the cluster already has: a conflict, not a malformed request.
        status, _, resp = call(w, "POST", "%s/%d/nodes" % (CLUSTERS, cid),
                               {"name": "fs1", "esl_host": "h", "esl_password": "p"})
        assert status == 409 and resp["error"] == {
            "code": "conflict", "message": "conflicts with existing data", "field": "name"}, resp
        assert call(w, "POST", "%s/999999/nodes" % CLUSTERS, {
            "name": "a", "esl_host": "h", "esl_password": "p"})[0] == 404

        # A mode the nodes cannot serve is refused; with what it needs, taken.
        status, _, resp = call(w, "PATCH", "%s/%d" % (CLUSTERS, cid), {"mode": "ssh"})
        assert status == 400 and resp["error"]["field"] == "mode", resp
        status, _, resp = call(w, "PATCH", "%s/%d/nodes/%d" % (CLUSTERS, cid, n["id"]), {
            "ssh_target": "freeswitch@127.0.0.1:%d" % ssh_port, "conf_dir": "/etc/freeswitch"})
        assert status == 200 and resp["node"]["conf_dir"] == "/etc/freeswitch", resp
        status, _, resp = call(w, "PATCH", "%s/%d" % (CLUSTERS, cid),
                               {"mode": "ssh", "region": None})
        assert status == 200 and resp["cluster"]["mode"] == "ssh", resp
        assert resp["cluster"]["region"] is None
        status, _, resp = call(w, "PATCH", "%s/%d/nodes/%d" % (CLUSTERS, cid, n["id"]),
                               {"ssh_target": None})
        assert status == 400 and resp["error"]["field"] == "ssh_target", resp

        # Lists and reads: the nodes, never a password.
        status, _, body = call(w, "GET", CLUSTERS)
        assert status == 200 and body["total"] == 1 and body["clusters"][0]["id"] == cid, body
        assert secret not in repr(body) and "esl_password" not in repr(body)
        status, _, body = call(w, "GET", "%s/%d" % (CLUSTERS, cid))
        assert status == 200 and len(body["cluster"]["nodes"]) == 1, body
        assert call(w, "GET", "%s/999999" % CLUSTERS)[0] == 404
        if backend == "sqlite":
            with open(os.path.join(ad.tmpdir, "agentdesk.db"), "rb") as f:
                assert secret.encode() not in f.read()

        # A tenant keeps its cluster: it cannot be deleted under it.
        ta = w.tenants["A"]["id"]
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % ta, {"cluster_id": 999999})
        assert status == 400 and body["error"]["field"] == "cluster_id", body
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % ta, {"cluster_id": cid})
        assert status == 200 and body["tenant"]["cluster_id"] == cid, body
        status, _, body = call(w, "DELETE", "%s/%d" % (CLUSTERS, cid))
        assert status == 409 and body["error"]["code"] == "cluster_in_use", body
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % ta, {"cluster_id": None})
        assert status == 200 and body["tenant"]["cluster_id"] is None, body
        status, _, body = call(w, "POST", "/v1/admin/tenants", {
            "name": "Born clustered", "pool_base": 90000, "pool_size": 5, "cluster_id": cid})
        assert status == 201 and body["tenant"]["cluster_id"] == cid, body
        status, _, _ = call(w, "PATCH", "/v1/admin/tenants/%d" % body["tenant"]["id"],
                            {"cluster_id": None})
        assert status == 200
        assert call(w, "DELETE", "%s/%d/nodes/%d" % (CLUSTERS, cid, n["id"]))[0] == 200
        assert call(w, "DELETE", "%s/%d/nodes/%d" % (CLUSTERS, cid, n["id"]))[0] == 404
        assert call(w, "DELETE", "%s/%d" % (CLUSTERS, cid))[0] == 200
        assert call(w, "GET", "%s/%d" % (CLUSTERS, cid))[0] == 404

        # Every write was audited on the platform, without the password.
        log = ad.log()
        assert secret not in log


def test_tenant_in_stored_cluster(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs0, EslFixture() as fs1:
        w = World(ad)
        serve(w, fs0.address)
        cid = make_cluster(w, {"name": "Paris", "sip_domain": "sip.par.example",
                               "websocket_url": "wss://par.example/ws"}, [node(fs1)])
        ta = w.tenants["A"]["id"]
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % ta, {"cluster_id": cid})
        assert status == 200, body
        settle_all(w)
        before0, before1 = len(changes(fs0)), len(changes(fs1))

        agent = w.create_agent(w.admin, "ada@a.example")
        status, _, me = ad.request("GET", "/v1/auth/me", token=agent["token"])
        assert status == 200, me
        assert me["data"]["sipConfig"] == {"realm": "sip.par.example",
                                           "websocketUrl": "wss://par.example/ws"}, me
        ext = me["data"]["extensions"][0]["extension"]

        # The directory and the dialplan answer at the cluster's own path only.
        doc = xml(ad, "/freeswitch/xml/%d" % cid, user_lookup(ext, "sip.par.example"))
        assert user_of(doc).get("id") == ext
        for path, domain in (("/freeswitch/xml", "sip.par.example"), ("/freeswitch/xml", "127.0.0.1"),
                             ("/freeswitch/xml/%d" % cid, "127.0.0.1"),
                             ("/freeswitch/xml/999999", "sip.par.example"),
                             ("/freeswitch/xml/0", "sip.par.example")):
            assert is_not_found(xml(ad, path, user_lookup(ext, domain))), (path, domain)
        ctx = "tenant_%d" % ta
        assert not is_not_found(xml(ad, "/freeswitch/xml/%d" % cid, context_lookup(ctx)))
        assert is_not_found(xml(ad, "/freeswitch/xml", context_lookup(ctx)))
        # Tenant B stayed in the default cluster.
        tb_agent = w.users[("B", "agent")]["agent"]["extensions"][0]["extension"]
        assert user_of(xml(ad, "/freeswitch/xml", user_lookup(tb_agent, "127.0.0.1"))) is not None
        assert is_not_found(xml(ad, "/freeswitch/xml/%d" % cid, user_lookup(tb_agent, "127.0.0.1")))

        # A change goes to the cluster's nodes, in its domain, and nowhere else.
        ext_id = me["data"]["extensions"][0]["id"]
        status, _, body = call(w, "POST", "/v1/admin/extensions/%d/rotate-password" % ext_id,
                               token=w.admin)
        assert status == 200, body
        settle_all(w)
        assert changes(fs1)[before1:] == [
            "xml_flush_cache id %s sip.par.example" % ext,
            "sofia profile internal flush_inbound_reg %s@sip.par.example reboot" % ext]
        assert changes(fs0)[before0:] == []

        # Status: the superadmin sees both clusters, the tenant's admin its own.
        st = status_of(w)
        assert set(st) == {None, cid} and st[cid]["name"] == "Paris", st
        assert [n["address"] for n in st[cid]["nodes"]] == [fs1.address]
        assert [n["address"] for n in st[None]["nodes"]] == [fs0.address]
        mine = status_of(w, token=w.admin)
        assert list(mine) == [cid] and mine[cid]["nodes"][0]["reachable"] is True, mine
        # Not registered, once the cluster's event stream is up (null until
        # the listener has connected to the new cluster's node).
        def registered():
            _, _, body = call(w, "GET", "/v1/admin/agents/%d" % agent["id"], token=w.admin)
            return body["agent"]["extensions"][0]["registered"]
        wait_for(lambda: registered() is not None, timeout=15,
                 what="the stored cluster's event stream", interval=0.1)
        assert registered() is False

        # Moving back: the old cluster forgets the tenant's phones and its
        # cache; the default cluster is resynced; the directory follows.
        before0, before1 = len(changes(fs0)), len(changes(fs1))
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % ta, {"cluster_id": None})
        assert status == 200, body
        settle_all(w)
        sent1 = changes(fs1)[before1:]
        assert "sofia profile internal flush_inbound_reg %s@sip.par.example reboot" % ext in sent1
        assert "xml_flush_cache" in sent1, sent1
        assert "xml_flush_cache" in changes(fs0)[before0:]
        assert is_not_found(xml(ad, "/freeswitch/xml/%d" % cid, user_lookup(ext, "sip.par.example")))
        assert user_of(xml(ad, "/freeswitch/xml", user_lookup(ext, "127.0.0.1"))) is not None
        status, _, me = ad.request("GET", "/v1/auth/me", token=agent["token"])
        assert me["data"]["sipConfig"]["realm"] == "127.0.0.1", me

        # A disabled cluster's jobs wait, and go out when it is enabled.
        call(w, "PATCH", "/v1/admin/tenants/%d" % ta, {"cluster_id": cid})
        settle_all(w)
        status, _, _ = call(w, "PATCH", "%s/%d" % (CLUSTERS, cid), {"status": "disabled"})
        assert status == 200
        before1 = len(changes(fs1))
        call(w, "POST", "/v1/admin/extensions/%d/rotate-password" % ext_id, token=w.admin)
        reconciler_rounds(ad)   # a whole round ran after the job was queued
        st = status_of(w)
        assert st[cid]["status"] == "disabled" and st[cid]["jobs"]["pending"] == 1, st
        assert changes(fs1)[before1:] == []
        status, _, _ = call(w, "PATCH", "%s/%d" % (CLUSTERS, cid), {"status": "active"})
        assert status == 200
        settle_all(w)
        sent1 = changes(fs1)[before1:]
        assert "sofia profile internal flush_inbound_reg %s@sip.par.example reboot" % ext in sent1
        assert sent1[-1] == "xml_flush_cache", sent1  # enabled again: resynced


def test_files_cluster_beside_default(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs0, EslFixture() as fs1:
        w = World(ad)
        conf = conf_dir(ad)
        serve(w, fs0.address)
        cid = make_cluster(w, {"name": "Lyon", "mode": "files"},
                           [node(fs1, conf_dir=conf)])
        tb = w.tenants["B"]["id"]
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % tb, {"cluster_id": cid})
        assert status == 200, body
        st = settle_all(w)
        assert st[cid]["jobs"] == {"pending": 0, "failed": 0}, st
        assert st[cid]["mode"] == "files" and st[cid]["nodes"][0]["profile"] == "internal", st
        status, _, body = ad.request("GET", "/v1/admin/extensions?state=assigned&limit=100",
                                     token=w.token("admin", "B"))
        b_exts = sorted(x["extension"] for x in body["extensions"])
        assert b_exts and all(user_file(conf, e) for e in b_exts)
        assert all(x["provisioning"] == "provisioned" for x in body["extensions"]), body
        assert contexts(conf) == {"tenant_%d.xml" % tb: "tenant_%d" % tb}
        # Tenant A (default cluster, xml_curl) has no file there.
        a_ext = w.users[("A", "agent")]["agent"]["extensions"][0]["extension"]
        assert user_file(conf, a_ext) is None
        assert "reloadxml" in changes(fs1) and "reloadxml" not in changes(fs0)

        # A new agent of B: a pending extension until its reloadxml answered.
        admin_b = w.token("admin", "B")
        status, _, body = ad.request("POST", "/v1/admin/agents", token=admin_b, json_body={
            "first_name": "Bo", "last_name": "B", "email": "bo@b.example"})
        assert status == 201 and body["agent"]["extensions"][0]["provisioning"] == "pending", body
        aid, e = body["agent"]["id"], body["agent"]["extensions"][0]["extension"]
        settle_all(w)
        assert user_file(conf, e) is not None
        status, _, _ = ad.request("DELETE", "/v1/admin/agents/%d" % aid, token=admin_b)
        assert status == 200
        settle_all(w)
        assert user_file(conf, e) is None
        assert "sofia profile internal flush_inbound_reg %s@127.0.0.1 reboot" % e in changes(fs1)
        assert "flush_inbound_reg %s@" % e not in repr(changes(fs0))

        # Back to the default cluster: its files leave the conf dir, the
        # site's own stay.
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % tb, {"cluster_id": None})
        assert status == 200, body
        settle_all(w)
        assert not any(user_file(conf, x) for x in b_exts) and contexts(conf) == {}
        assert os.path.exists(os.path.join(conf, "directory", "default", "1000.xml"))

        # A resync of the stored cluster through the API: written again.
        status, _, body = call(w, "PATCH", "/v1/admin/tenants/%d" % tb, {"cluster_id": cid})
        assert status == 200, body
        settle_all(w)
        os.remove(os.path.join(conf, "dialplan", "tenant_%d.xml" % tb))
        status, _, body = call(w, "POST", "/v1/admin/freeswitch/resync", {"cluster_id": cid})
        assert status == 202, body
        settle_all(w)
        assert contexts(conf) == {"tenant_%d.xml" % tb: "tenant_%d" % tb}
        status, _, body = call(w, "POST", "/v1/admin/freeswitch/resync", {"cluster_id": 999999})
        assert status == 400 and body["error"]["field"] == "cluster_id", body

        # The command line: the binding of a stored cluster and its resync.
        ad.stop()
        _, out, _ = ad.run("freeswitch", "config", "--cluster", str(cid))
        assert "/freeswitch/xml/%d\"" % cid in out, out
        rc, out, err = ad.run("resync", "--cluster", str(cid), check=False)
        assert rc == 0 and "applied" in out, (rc, out, err)
        rc, out, err = ad.run("resync", "--cluster", "999999", check=False)
        assert rc != 0 and "not_found" in err, (rc, out, err)
        rc, out, err = ad.run("doctor", check=False, env={
            "AGENTDESK_FS_ESL": fs0.address, "AGENTDESK_XMLCURL_PASSWORD": XC_PASSWORD})
        assert "ok    cluster Lyon conf dir dialplan: " in out, out
        assert "ok    cluster Lyon node %s: Event Socket login" % fs1.address in out, out


def test_status_bounded_across_clusters(backend):
    """Every node of every cluster is asked at once: hanging nodes in three
    clusters still cost one bound, not one per cluster. One hanging fixture
    plays the three nodes: it sees all three probes connect before the
    first gives up."""
    with Agentdesk(backend) as ad, EslFixture(mode="hang") as hang, EslFixture() as good:
        w = World(ad)
        # The clusters' resync jobs fail once and stop: after them, only the
        # status probes connect.
        # (Without the event listener: its connections to the hanging node
        # would mingle with the probes'.)
        serve(w, hang.address, AGENTDESK_FS_RETRY_LIMIT="1", AGENTDESK_LIVE_LISTEN="false")
        c1 = make_cluster(w, {"name": "One"}, [node(hang), node(good, name="fs2")])
        c2 = make_cluster(w, {"name": "Two"}, [node(hang)])
        wait_for(lambda: clusters_settled(ad, w.root), timeout=30, what="the resync jobs to end")
        wait_for(lambda: hang.received().count("<connected>") == hang.received().count("<gone>"),
                 what="every earlier connection to the hanging node to end")
        before = len(hang.received())
        st = status_of(w)
        wait_for(lambda: hang.received()[before:].count("<gone>") == 3,
                 what="the three probes to give up")
        assert hang.received()[before:before + 3] == ["<connected>"] * 3, hang.received()
        assert [n["reachable"] for n in st[c1]["nodes"]] == [False, True], st[c1]
        assert not st[None]["nodes"][0]["reachable"] and not st[c2]["nodes"][0]["reachable"], st
        assert "timed out" in st[c2]["nodes"][0]["error"], st[c2]


if __name__ == "__main__":
    main()
