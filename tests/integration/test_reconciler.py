"""The reconciler against the Event Socket fixture (tests/harness/esl_fixture.py):
for each row of freeswitch/provision.c's table in xml_curl mode, exactly the commands
FreeSWITCH receives; retries with backoff while a node is down, giving up
after the limit; kill -9 mid-way and a restart converge; and with two
agentdesk nodes on one PostgreSQL, each job is applied once."""
import signal
import subprocess

from agentdesk_harness import (PROBES, READS, Agentdesk, EslFixture, PASSWORD, World, changes,
                               extension, flushes, free_port, jobs, main, metric, new_agent,
                               only_on, reconciler_rounds, restart, settle, voicebox, wait_for)


def test_commands_for_each_event(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        w = World(ad)
        restart(w, fs.address)
        assert settle(w) == {"pending": 0, "failed": 0}
        seen = [len(changes(fs))]

        def since():
            settle(w)
            cmds = changes(fs)[seen[0]:]
            seen[0] += len(cmds)
            return cmds

        aid, ext = new_agent(w, "ada@a.example")
        e = ext["extension"]
        assert since() == []  # created: FreeSWITCH asks when it needs the user
        assert extension(w, ext["id"])["provisioning"] == "provisioned"

        steps = [
            ("PATCH", "/v1/admin/agents/%d" % aid, {"first_name": "Augusta"}, flushes(e, reg=False)),
            ("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"], None, flushes(e)),
            ("PATCH", "/v1/admin/extensions/%d" % ext["id"], {"voicemail_enabled": True},
             flushes(e, reg=False)),
            ("PATCH", "/v1/admin/agents/%d" % aid, {"status": "suspended"}, flushes(e)),
            ("PATCH", "/v1/admin/agents/%d" % aid, {"status": "active"}, []),
            # deleted: its voicebox emptied too (the next holder inherits nothing)
            ("DELETE", "/v1/admin/agents/%d" % aid, None, flushes(e) + voicebox(e)),
        ]
        for method, path, body, expected in steps:
            status, _, resp = ad.request(method, path, token=w.admin, json_body=body)
            assert status == 200, resp
            assert since() == expected, (method, path, body, changes(fs))
        x = extension(w, ext["id"])
        assert x["provisioning"] == "provisioned" and x["provisioning_error"] is None, x

        # Suspending a tenant flushes every assigned extension of it, in one
        # batch.
        status, _, body = ad.request("GET", "/v1/admin/extensions?state=assigned&limit=100",
                                     token=w.admin)
        assigned = sorted(x["extension"] for x in body["extensions"])
        assert assigned
        status, _, body = ad.request("PATCH", "/v1/admin/tenants/%d" % w.tenants["A"]["id"],
                                     token=w.root, json_body={"status": "suspended"})
        assert status == 200, body
        cmds = since()
        assert sorted(cmds) == sorted(sum((flushes(x) for x in assigned), [])), cmds
        # Every batch of this test went over one connection, logged in
        # once and kept from batch to batch, closed with exit when
        # agentdesk stops (the status probes of settle() have their own, and
        # the listener's reads theirs).
        ad.stop()
        [kept] = [x for x in fs.connections()
                  if any(m[4:] not in PROBES and not m[4:].startswith(READS)
                         for m in x if m.startswith("api "))]
        assert kept[0] == "auth ClueCon" and kept[-1] == "exit", kept
        assert [c[4:] for c in kept[1:-1]] == changes(fs), kept
        assert sorted(c[4:] for c in kept[-1 - len(cmds):-1]) == sorted(cmds), kept
        assert "ClueCon" not in ad.log()


def test_retries_while_node_down_then_converges(backend):
    port = free_port()
    with Agentdesk(backend) as ad:
        w = World(ad)
        restart(w, "127.0.0.1:%d" % port)
        aid, ext = new_agent(w, "ada@a.example")
        status, _, _ = ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"],
                                  token=w.admin)
        assert status == 200
        # The admin is never blocked; the extension shows the trouble.
        def two_attempts():
            x = extension(w, ext["id"])
            return x if x["provisioning_attempts"] >= 2 else None
        x = wait_for(two_attempts, 5, lambda: "two failed attempts (%r)" % extension(w, ext["id"]),
                     0.1)
        assert x["provisioning"] == "pending", x
        assert x["provisioning_attempts"] >= 2 and "refused" in x["provisioning_error"], x
        assert jobs(w)["pending"] == 1
        with EslFixture(port=port) as fs:
            j = settle(w, timeout=15)
            assert j == {"pending": 0, "failed": 0}, j
            assert changes(fs) == flushes(ext["extension"]), changes(fs)
        x = extension(w, ext["id"])
        assert x["provisioning"] == "provisioned" and x["provisioning_error"] is None, x
        assert "will be retried" in ad.wait_log("will be retried")


def test_gives_up_after_the_limit(backend):
    with Agentdesk(backend) as ad, EslFixture() as good:
        w = World(ad)
        # The second node is down: a job is done only when every node has it.
        restart(w, "%s,127.0.0.1:%d" % (good.address, free_port()), AGENTDESK_FS_RETRY_LIMIT="2")
        aid, ext = new_agent(w, "ada@a.example")
        status, _, _ = ad.request("PATCH", "/v1/admin/agents/%d" % aid, token=w.admin,
                                  json_body={"status": "suspended"})
        assert status == 200
        j = settle(w, timeout=10)
        assert j == {"pending": 0, "failed": 1}, j
        x = extension(w, ext["id"])
        assert x["provisioning"] == "failed" and x["provisioning_attempts"] == 2, x
        assert "refused" in x["provisioning_error"], x
        assert changes(good) == flushes(ext["extension"]) * 2, changes(good)
        # Tenant B's admin sees B's jobs only.
        assert jobs(w, w.token("admin", "B")) == {"pending": 0, "failed": 0}
        assert "failed for good" in ad.wait_log("failed for good")


def test_failure_answer_is_recorded(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        w = World(ad)
        restart(w, fs.address, AGENTDESK_FS_PROFILE="nosuchprofile", AGENTDESK_FS_RETRY_LIMIT="1")
        aid, ext = new_agent(w, "ada@a.example")
        ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"], token=w.admin)
        assert settle(w) == {"pending": 0, "failed": 1}
        x = extension(w, ext["id"])
        # Not every failure starts with -ERR.
        assert "Invalid Profile [nosuchprofile]" in x["provisioning_error"], x


def test_kill9_then_restart_converges(backend):
    port = free_port()
    with Agentdesk(backend) as ad:
        w = World(ad)
        restart(w, "127.0.0.1:%d" % port)
        exts = []
        for k in range(5):
            aid, ext = new_agent(w, "a%d@a.example" % k)
            ad.request("POST", "/v1/admin/extensions/%d/rotate-password" % ext["id"], token=w.admin)
            exts.append(ext["extension"])
        ad.stop(sig=signal.SIGKILL, expect_rc=None)
        with EslFixture(port=port) as fs:
            restart(w, "127.0.0.1:%d" % port)
            assert settle(w, timeout=15) == {"pending": 0, "failed": 0}
            assert sorted(changes(fs)) == sorted(sum((flushes(e) for e in exts), []))


def test_resync(backend):
    with Agentdesk(backend) as ad, EslFixture() as fs:
        w = World(ad)
        restart(w, fs.address)
        settle(w)
        status, _, body = ad.request("POST", "/v1/admin/freeswitch/resync", token=w.root)
        assert status == 202 and body["job"]["kind"] == "resync", body
        assert settle(w) == {"pending": 0, "failed": 0}
        assert changes(fs) == ["xml_flush_cache"], changes(fs)
        status, _, body = ad.request("POST", "/v1/admin/freeswitch/resync", token=w.admin)
        assert status == 403 and body["error"]["code"] == "forbidden", body
        ad.stop()
        # The command line applies it itself when no agentdesk runs.
        rc, out, err = ad.run("resync", env={"AGENTDESK_FS_ESL": fs.address})
        assert rc == 0 and "applied" in out, (out, err)
        assert changes(fs) == ["xml_flush_cache"] * 2, changes(fs)
        rc, out, err = ad.run("resync", check=False,
                              env={"AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
        assert rc == 1 and "refused" in err, (rc, out, err)


# Several agentdesk nodes share a PostgreSQL database; SQLite is one process.
@only_on("postgres")
def test_two_nodes_apply_each_job_once(backend):
    # A slow node keeps each batch in flight long enough for the other
    # agentdesk to poll meanwhile: without the lock it would send it again.
    with Agentdesk(backend) as ad, EslFixture(delay_ms=40) as fs:
        w = World(ad)
        restart(w, fs.address)
        settle(w)
        other = ad.sibling()
        other.serve(env={"AGENTDESK_FS_ESL": fs.address, "AGENTDESK_FS_RETRY_BASE": "1"})
        try:
            admins = [w.admin, other.login("admin@a.example", PASSWORD)]
            exts = []
            for k in range(20):
                node = (ad, other)[k % 2]
                status, _, body = node.request("POST", "/v1/admin/agents", token=admins[k % 2],
                                               json_body={"first_name": "N", "last_name": "N",
                                                          "email": "n%d@a.example" % k})
                assert status == 201, body
                x = body["agent"]["extensions"][0]
                node.request("POST", "/v1/admin/extensions/%d/rotate-password" % x["id"],
                             token=admins[k % 2])
                exts.append(x["extension"])
            assert settle(w) == {"pending": 0, "failed": 0}
            # Both nodes ran whole rounds after the last job was done: had the
            # follower sent anything, it would be in the fixture's record.
            reconciler_rounds(other)
            reconciler_rounds(ad)
            cmds = changes(fs)
            assert sorted(cmds) == sorted(sum((flushes(e) for e in exts), [])), cmds
        finally:
            other.stop()


LOCK_OBJID = 0x74646b01  # the low half of the reconciler's advisory key, as pg_locks shows it
LEADS = "this node runs the reconciler"


def psql(ad, sql):
    return subprocess.run(["psql", "-XAtq", "-d", ad.db, "-c", sql], check=True,
                          stdout=subprocess.PIPE, text=True).stdout.strip()


# Several agentdesk nodes share a PostgreSQL database; SQLite is one process.
@only_on("postgres")
def test_leader_losing_its_lock_connection(backend):
    """Two nodes, each with its own Event Socket fixture (so what each node
    sent is known); the leader's lock connection is killed mid-run. A node
    leads again (the other, or the same one on a new session); from then on
    only the leader sends anything, and every job is recorded done once."""
    with Agentdesk(backend) as ad, EslFixture(delay_ms=40) as fa, EslFixture(delay_ms=40) as fb:
        w = World(ad)
        restart(w, fa.address)
        assert LEADS in ad.wait_log(LEADS), ad.log()
        other = ad.sibling()
        other.serve(env={"AGENTDESK_FS_ESL": fb.address, "AGENTDESK_FS_RETRY_BASE": "1"})
        try:
            admins = {ad: w.admin, other: other.login("admin@a.example", PASSWORD)}
            created = []

            def create_on(node, k):
                status, _, body = node.request("POST", "/v1/admin/agents", token=admins[node],
                                               json_body={"first_name": "N", "last_name": "N",
                                                          "email": "l%d@a.example" % k})
                assert status == 201, body
                x = body["agent"]["extensions"][0]
                # A new password is what FreeSWITCH must hear of (a flush).
                status, _, body = node.request("POST", "/v1/admin/extensions/%d/rotate-password"
                                               % x["id"], token=admins[node])
                assert status == 200, body
                created.append(x)

            for k in range(10):        # a batch in flight (40 ms a command)...
                create_on(ad, k)
            # (pg_locks shows every database of the server: other tests run too.)
            pids = psql(ad, "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                            "AND objid = %d AND database = (SELECT oid FROM pg_database "
                            "WHERE datname = current_database())" % LOCK_OBJID).split()
            assert len(pids) == 1, pids
            psql(ad, "SELECT pg_terminate_backend(%s)" % pids[0])   # ...when its lock goes
            wait_for(lambda: other.log().count(LEADS) + ad.log().count(LEADS) >= 2, 15,
                     lambda: "a node to lead again:\n%s\n---\n%s" % (ad.log(), other.log()), 0.05)
            leader, follower = (other, ad) if LEADS in other.log() else (ad, other)
            fs_of = {ad: fa, other: fb}
            # The old leader may still be sending the batch it had in flight
            # (its outcomes are not recorded): that round ends in failure,
            # with the lock found gone, and its gauge falls to 0.
            wait_for(lambda: metric(follower, "agentdesk_reconciler_leader") == 0, 15,
                     "the follower's round in flight to end")
            sent_before = changes(fs_of[follower])
            # Writes through the follower wake its reconciler: it must not act.
            for k in range(10, 20):
                create_on(follower, k)
            assert settle(w, timeout=30) == {"pending": 0, "failed": 0}
            late = [x["extension"] for x in created[10:]]
            assert changes(fs_of[follower]) == sent_before, changes(fs_of[follower])
            sent = changes(fs_of[leader])
            for e in late:
                assert sent.count(flushes(e)[0]) == 1, (e, sent)
            # Each job recorded once: one attempt on every extension.
            for x in created:
                assert extension(w, x["id"])["provisioning_attempts"] == 1, extension(w, x["id"])
            counts = psql(ad, "SELECT status, attempts, COUNT(*) FROM provisioning_jobs "
                              "WHERE extension_id IN (%s) GROUP BY status, attempts ORDER BY 1, 2"
                          % ",".join(str(x["id"]) for x in created))
            assert all(line.startswith("done|1|") for line in counts.splitlines()), counts
        finally:
            other.stop()


if __name__ == "__main__":
    main()
