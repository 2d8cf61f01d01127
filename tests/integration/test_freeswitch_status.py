"""GET /v1/admin/freeswitch/status against the Event Socket fixture
(tests/harness/esl_fixture.py, answering with bytes recorded from
FreeSWITCH 1.11.1): what a healthy node reports, what each failure of the
Event Socket looks like, and hanging nodes asked at once (one bound for
all of them)."""
import os
import re

from agentdesk_harness import Agentdesk, EslFixture, World, free_port, main, wait_for


def status_of(w, nodes, profile="internal", password="ClueCon", who="admin", listen=False):
    """Restarts the server on the given Event Socket nodes and asks. Without
    the event listener unless asked (its connection would mingle with the
    probe's in what the fixture records)."""
    ad = w.ad
    ad.stop()
    ad.serve(env={"AGENTDESK_FS_ESL": ",".join(nodes), "AGENTDESK_FS_PROFILE": profile,
                  "AGENTDESK_FS_ESL_PASSWORD": password,
                  "AGENTDESK_LIVE_LISTEN": "true" if listen else "false"})
    token = ad.login(w.super["email"], "correct horse battery") if who == "superadmin" else \
        ad.login("admin@a.example", "correct horse battery")
    status, _, body = ad.request("GET", "/v1/admin/freeswitch/status", token=token)
    assert status == 200, body
    return body


def test_healthy_node(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        w = World(ad)
        body = status_of(w, [fs.address])
        [cluster] = body["clusters"]
        assert cluster["mode"] == "xml_curl" and cluster["jobs"] == {"pending": 0, "failed": 0}
        [node] = cluster["nodes"]
        assert node == {
            "address": fs.address, "reachable": True, "error": None,
            "version": "1.11.1-release git c2c5964 2026-05-26 20:41:26Z 64bit",
            "uptime": "0 years, 0 days, 0 hours, 0 minutes, 47 seconds, 705 milliseconds, "
                      "181 microseconds",
            "profile": "internal", "profile_state": "RUNNING (0)", "registrations": 4}, node
        # Exactly these commands, one connection, closed with exit (which
        # the fixture may record a moment after the answer came back).
        wait_for(lambda: "exit" in fs.received(), what="the probe's exit")
        assert fs.received() == ["auth ClueCon", "api status", "api sofia status",
                                 "api sofia status profile internal reg", "exit"], fs.received()
        assert "ClueCon" not in str(body)


def test_failures_are_named(backend):
    with Agentdesk(backend) as ad, EslFixture() as good, EslFixture(mode="rude") as rude, \
            EslFixture(mode="drop") as drop, EslFixture(mode="err") as err:
        w = World(ad)
        refused = "127.0.0.1:%d" % free_port()
        body = status_of(w, [good.address, refused, rude.address, drop.address, err.address],
                            password="ClueCon")
        nodes = {n["address"]: n for n in body["clusters"][0]["nodes"]}
        assert nodes[good.address]["reachable"] is True
        assert nodes[refused]["reachable"] is False and "refused" in nodes[refused]["error"]
        assert nodes[rude.address]["reachable"] is False
        assert "reject" in nodes[rude.address]["error"], nodes[rude.address]
        assert nodes[drop.address]["reachable"] is False and nodes[drop.address]["error"]
        # -ERR is an answer: the node is there, the command failed.
        assert nodes[err.address]["reachable"] is True
        assert nodes[err.address]["error"].startswith("status:"), nodes[err.address]
        for n in nodes.values():
            assert n["registrations"] is None or n is nodes[good.address]

        body = status_of(w, [good.address], password="guessed-Secret")
        [node] = body["clusters"][0]["nodes"]
        assert node["reachable"] is False and "password" in node["error"], node
        assert "guessed-Secret" not in str(body)

        # A profile that does not exist: reachable, its state absent.
        body = status_of(w, [good.address], profile="nosuchprofile")
        [node] = body["clusters"][0]["nodes"]
        assert node["reachable"] is True and node["profile_state"] is None
        assert "nosuchprofile" in node["error"], node
    assert ad.proc is None


def test_hanging_nodes_asked_at_once(backend):
    """Two hanging nodes cost one bound, not two: one hanging fixture plays
    both, and both connected before either gave up."""
    with Agentdesk(backend) as ad, EslFixture() as good, EslFixture(mode="hang") as hang:
        w = World(ad)
        before = len(hang.received())
        body = status_of(w, [hang.address, good.address, hang.address])
        wait_for(lambda: hang.received()[before:].count("<gone>") == 2,
                 what="both probes to give up")
        seen = hang.received()[before:]
        assert seen[:2] == ["<connected>"] * 2, seen
        nodes = body["clusters"][0]["nodes"]
        assert [n["reachable"] for n in nodes] == [False, True, False], nodes
        assert "timed out" in nodes[0]["error"], nodes[0]


def test_registered_flag(backend):
    """`registered` comes from the node's event stream (the listener read
    the fixture's recorded listing: 10003 and 10004 in a.example), never
    from a probe per request; null while no stream is connected."""
    with Agentdesk(backend) as ad, EslFixture(registrations="recorded") as fs:
        w = World(ad)
        status, _, body = ad.request("PATCH", "/v1/admin/tenants/%d" % w.tenants["A"]["id"],
                                     token=w.super["token"], json_body={"sip_domain": "a.example"})
        assert status == 200, body
        # Tenant A's lowest free extensions go to two new agents: 10003, 10004.
        admin = w.token("admin")
        ids = [w.create_agent(admin, "r%d@a.example" % k)["id"] for k in range(2)]
        status_of(w, [fs.address], listen=True)
        root = ad.login("admin@a.example", "correct horse battery")

        def flags():
            got = {}
            for aid in ids + [w.users[("A", "agent")]["id"]]:
                status, _, body = ad.request("GET", "/v1/admin/agents/%d" % aid, token=root)
                assert status == 200, body
                [x] = body["agent"]["extensions"]
                got[x["extension"]] = x["registered"]
            return got

        got = wait_for(lambda: (lambda g: None not in g.values() and g)(flags()), 10,
                       "the node's stream")
        assert got == {"10003": True, "10004": True, "10001": False}, got
        # A list says it too; nobody asked the node per request.
        status, _, body = ad.request("GET", "/v1/admin/agents", token=root)
        listed = {x["extension"]: x["registered"] for a in body["agents"] for x in a["extensions"]}
        assert all(listed[k] == v for k, v in got.items()), listed
        # The listener's one read, and the status route's own probe.
        assert sorted(m for m in fs.received() if m.endswith(" reg")) == \
            ["api sofia status profile internal reg",
             "api sofia xmlstatus profile internal reg"], fs.received()
        status, _, body = ad.request("GET", "/v1/admin/agents/%d" % ids[0], token=root)
        reg = body["agent"]["extensions"][0]["registration"]
        assert reg["node"] == fs.address and reg["user_agent"] == "agentdesk-test", reg

        # No node answers: unknown, not "not registered".
        status_of(w, ["127.0.0.1:%d" % free_port()], listen=True)
        status, _, body = ad.request("GET", "/v1/admin/agents/%d" % ids[0],
                                     token=ad.login("admin@a.example", "correct horse battery"))
        assert body["agent"]["extensions"][0]["registered"] is None, body


def test_doctor(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs, EslFixture(password="Other-Secret") as other:
        ad.run("migrate")
        ad.run("demo")  # creates the key file
        env = {"AGENTDESK_FS_ESL": fs.address, "AGENTDESK_XMLCURL_PASSWORD": "xc"}
        rc, out, err = ad.run("doctor", env=env)
        lines = out.splitlines()
        assert rc == 0 and all(l.startswith("ok ") for l in lines), out
        assert any("node %s: Event Socket login and status: FreeSWITCH 1.11.1" % fs.address in l
                   for l in lines), out
        assert any("sofia profile internal RUNNING (0), 4 registration(s)" in l for l in lines), out

        # Each broken part is its own FAIL line, and the exit says so.
        down = "127.0.0.1:%d" % free_port()
        env = {"AGENTDESK_FS_ESL": ",".join([fs.address, other.address, down]),
               "AGENTDESK_FS_PROFILE": "agents"}
        rc, out, err = ad.run("doctor", check=False, env=env)
        assert rc == 1, out
        fails = [l for l in out.splitlines() if l.startswith("FAIL")]
        assert any("AGENTDESK_XMLCURL_PASSWORD is not set" in l for l in fails), out
        assert any(other.address in l and "wrong Event Socket password" in l for l in fails), out
        assert any(down in l and "refused" in l for l in fails), out
        assert any(fs.address in l and "sofia profile agents is not running" in l for l in fails), out
        assert "ClueCon" not in out + err and "Other-Secret" not in out + err

        # A database that was never migrated is reported, and left alone.
        fresh = "sqlite:" + os.path.join(ad.tmpdir, "fresh.db")
        for _ in range(2):
            rc, out, err = ad.run("doctor", "--db", fresh, db=False, check=False,
                                  env={"AGENTDESK_FS_ESL": fs.address})
            assert rc == 1 and re.search(r"\b[1-9][0-9]* migration\(s\) to apply \(agentdesk migrate\)",
                                         out), out


if __name__ == "__main__":
    main()
