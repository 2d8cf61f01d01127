"""Real FreeSWITCH and the listener (domain/live/): an extension that
registers (sipp over UDP) shows registered through the API within a second
and a registration.changed row is in live_events; it unregisters, shown; the
stream down means `registered` null; FreeSWITCH restarted is read again
with nothing counted twice; an extension that registers while it must not
is flushed and counted; on PostgreSQL, a second process takes the stream
over within 5 s of the holder's death, and a cluster deleted through one
process drops the other's Event Socket connections."""
import json
import os
import signal
import sqlite3
import subprocess
import time

from agentdesk_harness import PASSWORD, FsWorld, fs_main, metric, only_on, wait_for
from sip import sipp_register


def sql(fw, query, args=()):
    """Rows of a query on agentdesk's database (either backend)."""
    if fw.ad.db.startswith("sqlite:"):
        db = sqlite3.connect(fw.ad.db[len("sqlite:"):])
        try:
            return [tuple(str(c) for c in row) for row in db.execute(query, args)]
        finally:
            db.close()
    for a in args:
        query = query.replace("?", "'%s'" % str(a).replace("'", "''"), 1)
    out = subprocess.run(["psql", "-XAtq", "-F", "\t", "-d", fw.ad.db, "-c", query], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def changes(fw, ext):
    """The data of every registration.changed event of ext, oldest first."""
    rows = sql(fw, "SELECT data FROM live_events WHERE type = 'registration.changed' "
                   "ORDER BY id")
    return [d for d in (json.loads(r[0]) for r in rows) if d["extension"] == ext]


def ext_state(fw, key, aid, ad=None, token=None):
    """The agent's first extension as GET /v1/admin/agents/:id shows it."""
    ad = ad or fw.ad
    status, _, b = ad.request("GET", "/v1/admin/agents/%d" % aid, token=token or fw.admins[key])
    assert status == 200, b
    return b["agent"]["extensions"][0]


def connected(fw, ad=None):
    """Whether this process holds the default node's stream, connected."""
    node = fw.fs[0].esl_address
    return metric(ad or fw.ad, "agentdesk_event_stream_connected", {"node": node}) == 1


def test_register_unregister_shown(backend):
    with FsWorld(backend, env={"AGENTDESK_LIVE_REREAD_INTERVAL": "2"}) as fw:
        aid, token = fw.new_agent("A", "live1@a.example")
        ext, realm, password, _ = fw.me(token)
        wait_for(lambda: connected(fw), 10, "the event stream")
        x = ext_state(fw, "A", aid)
        assert x["registered"] is False and x["registration"] is None, x
        assert x["last_registered_at"] is None, x
        r = sipp_register(fw.fs[0].sip_port, [(ext, realm, password)])
        assert r.ok, r
        t0 = time.time()
        x = wait_for(lambda: (lambda s: s["registered"] and s)(ext_state(fw, "A", aid)), 1,
                     "registered within 1 s", 0.02)
        print("registered shown %.3fs after sipp's 200" % (time.time() - t0))
        reg = x["registration"]
        assert reg["node"] == fw.fs[0].esl_address and reg["network_ip"] == "127.0.0.1", x
        assert ext in reg["contact"] and x["last_registered_at"], x
        ev = changes(fw, ext)
        assert len(ev) == 1 and ev[0]["registered"] is True, ev
        assert ev[0]["agent_id"] == aid and ev[0]["registration"]["node"] == reg["node"], ev
        # The pool: one registered of those assigned.
        status, _, b = fw.ad.request("GET", "/v1/admin/extensions?limit=1",
                                     token=fw.admins["A"])
        assert status == 200 and b["stats"]["registered"] == 1, b
        assert 0 < b["stats"]["utilisation"] <= 1, b
        assert metric(fw.ad, "agentdesk_registrations") == 1
        # The listener's families keep the text format valid.
        _, text = fw.ad.metrics()
        p = subprocess.run(["promtool", "check", "metrics"], input=text, text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert p.returncode == 0, p.stdout
        for family in ("agentdesk_freeswitch_node_up", "agentdesk_event_stream_connected",
                       "agentdesk_events_received_total", "agentdesk_events_dropped_total",
                       "agentdesk_event_lag_seconds", "agentdesk_registrations_refused_total"):
            assert text.count("# TYPE %s " % family) == 1, family
        # A refresh is no change: no second event.
        r = sipp_register(fw.fs[0].sip_port, [(ext, realm, password)])
        assert r.ok, r
        time.sleep(0.5)
        assert len(changes(fw, ext)) in (1, 2)   # a new call-id may be a new contact
        # Another agent registers and unregisters (the UA keeps its call-id):
        # sofia::unregister, shown at once.
        aid2, token2 = fw.new_agent("A", "live1b@a.example")
        ext2, realm2, password2, _ = fw.me(token2)
        with fw.ua("udp", (ext2, realm2, password2)) as ua:
            assert ua.register() == 200, ua.last
            wait_for(lambda: ext_state(fw, "A", aid2)["registered"], 1, "the UA registered")
            assert ua.register(expires=0) == 200, ua.last
            t0 = time.time()
            wait_for(lambda: ext_state(fw, "A", aid2)["registered"] is False, 1,
                     "unregistered within 1 s")
            print("unregistered shown %.3fs after the 200" % (time.time() - t0))
        ev = changes(fw, ext2)
        assert [e["registered"] for e in ev] == [True, False], ev
        assert ev[-1]["registration"] is None, ev
        # A flush sends no event: the periodic re-read (2 s here) sees it.
        fw.fs[0].esl("sofia profile internal flush_inbound_reg %s@%s" % (ext, realm))
        wait_for(lambda: ext_state(fw, "A", aid)["registered"] is False, 5,
                 "the flushed registration re-read")
        ev = changes(fw, ext)
        assert ev[-1]["registered"] is False and ev[-1]["registration"] is None, ev
        x = ext_state(fw, "A", aid)
        assert x["registration"] is None and x["last_registered_at"], x


def test_stream_down_and_restart(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        aid, token = fw.new_agent("A", "live2@a.example")
        ext, realm, password, _ = fw.me(token)
        wait_for(lambda: connected(fw), 10, "the event stream")
        r = sipp_register(fs.sip_port, [(ext, realm, password)], expires=3600)
        assert r.ok, r
        wait_for(lambda: ext_state(fw, "A", aid)["registered"], 2, "registered")
        fs.stop_process()
        # No stream: unknown, not "not registered".
        x = wait_for(lambda: (lambda s: s["registered"] is None and s)(ext_state(fw, "A", aid)),
                     3, "registered null while the stream is down")
        assert x["registration"] is None, x
        status, _, b = fw.ad.request("GET", "/v1/admin/extensions", token=fw.admins["A"])
        assert status == 200 and b["stats"]["registered"] is None, b
        assert metric(fw.ad, "agentdesk_freeswitch_node_up", {"node": fs.esl_address}) == 0
        before = changes(fw, ext)
        fs.start()
        t0 = time.time()
        wait_for(lambda: connected(fw), 15, "the stream again")
        # Read again: what FreeSWITCH kept after its restart is shown, once.
        regs = fs.registrations()
        kept = "%s@%s" % (ext, realm) in regs
        wait_for(lambda: ext_state(fw, "A", aid)["registered"] is kept, 3,
                 "the state re-read (FreeSWITCH keeps it: %s)" % kept)
        print("stream back and state re-read %.2fs after FreeSWITCH started" % (time.time() - t0))
        after = changes(fw, ext)[len(before):]
        assert len(after) == (0 if kept else 1), after
        rows = sql(fw, "SELECT COUNT(*) FROM live_registrations WHERE extension = ?", (ext,))
        assert int(rows[0][0]) == (1 if kept else 0), rows
        # Registering again after the restart: one event at most, one row.
        r = sipp_register(fs.sip_port, [(ext, realm, password)], expires=3600)
        assert r.ok, r
        wait_for(lambda: ext_state(fw, "A", aid)["registered"], 2, "registered again")
        rows = sql(fw, "SELECT COUNT(*) FROM live_registrations WHERE extension = ?", (ext,))
        assert int(rows[0][0]) in (1, 2), rows   # sipp's call-ids: one binding each
        assert metric(fw.ad, "agentdesk_events_dropped_total", {"node": fs.esl_address}) == 0


def test_suspended_extension_flushed(backend):
    """files mode: FreeSWITCH reads the directory from the conf files, so a
    store that says suspended (written behind the reconciler's back, as a
    job not yet applied would leave it) does not stop the REGISTER; the
    listener flushes it at once and counts it."""
    with FsWorld(backend, mode="files") as fw:
        fs = fw.fs[0]
        aid, token = fw.new_agent("A", "live3@a.example")
        ext, realm, password, _ = fw.me(token)
        fw.settle()
        wait_for(lambda: connected(fw), 10, "the event stream")
        sql_write(fw, "UPDATE agent_extensions SET status = 'suspended' WHERE extension = ?", ext)
        r = sipp_register(fs.sip_port, [(ext, realm, password)])
        assert r.ok, r     # FreeSWITCH took it...
        t0 = time.time()
        wait_for(lambda: "%s@%s" % (ext, realm) not in fs.registrations(), 3,
                 "the registration flushed")   # ...and the listener had it flushed
        print("flushed %.3fs after the 200" % (time.time() - t0))
        assert metric(fw.ad, "agentdesk_registrations_refused_total") >= 1
        assert ext_state(fw, "A", aid)["registered"] is False
        assert not [e for e in changes(fw, ext) if e["registered"]], changes(fw, ext)
        # An active extension is kept.
        _, token2 = fw.new_agent("A", "live4@a.example")
        ext2, realm2, password2, _ = fw.me(token2)
        fw.settle()
        r = sipp_register(fs.sip_port, [(ext2, realm2, password2)])
        assert r.ok, r
        time.sleep(1)
        assert "%s@%s" % (ext2, realm2) in fs.registrations()


def test_suspension_shows_unregistered(backend):
    """A suspension cuts the phone (flush_inbound_reg, which FreeSWITCH
    1.11 does without a sofia::unregister event): the API says not
    registered as soon as the suspension is answered, not at the next
    re-read; reactivated, the phone's next REGISTER shows again."""
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        aid, token = fw.new_agent("A", "live5@a.example")
        ext, realm, password, _ = fw.me(token)
        fw.settle()
        wait_for(lambda: connected(fw), 10, "the event stream")
        assert sipp_register(fs.sip_port, [(ext, realm, password)]).ok
        wait_for(lambda: ext_state(fw, "A", aid)["registered"], 2, "registered")
        status, _, b = fw.ad.request("PATCH", "/v1/admin/agents/%d" % aid,
                                     {"status": "suspended"}, token=fw.admins["A"])
        assert status == 200, b
        assert ext_state(fw, "A", aid)["registered"] is False
        status, _, b = fw.ad.request("PATCH", "/v1/admin/agents/%d" % aid,
                                     {"status": "active"}, token=fw.admins["A"])
        assert status == 200, b
        fw.settle()
        assert sipp_register(fs.sip_port, [(ext, realm, password)]).ok
        wait_for(lambda: ext_state(fw, "A", aid)["registered"], 2, "registered again")


def sql_write(fw, query, arg):
    if fw.ad.db.startswith("sqlite:"):
        db = sqlite3.connect(fw.ad.db[len("sqlite:"):])
        with db:
            db.execute(query, (arg,))
        db.close()
    else:
        sql(fw, query, (arg,))


def esl_connections(pid, port):
    """Established TCP connections of process pid to 127.0.0.1:port."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    n = 0
    with open("/proc/%d/net/tcp" % pid) as f:
        for line in f.read().splitlines()[1:]:
            cols = line.split()
            rport = int(cols[2].split(":")[1], 16)
            if rport == port and cols[3] == "01" and cols[9] in inodes:
                n += 1
    return n


@only_on("postgres")
def test_takeover_when_holder_dies(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        wait_for(lambda: connected(fw), 10, "the first process's stream")
        other = fw.ad.sibling()
        other.serve(env=fw.env())
        try:
            aid, token = fw.new_agent("A", "live5@a.example")
            ext, realm, password, _ = fw.me(token)
            r = sipp_register(fs.sip_port, [(ext, realm, password)], expires=3600)
            assert r.ok, r
            wait_for(lambda: ext_state(fw, "A", aid)["registered"], 1, "registered")
            time.sleep(1.5)
            assert not connected(fw, other), "two holders of one node's stream"
            assert metric(other, "agentdesk_freeswitch_node_up", {"node": fs.esl_address}) == 1
            other_admin = other.login("admin@a.example", PASSWORD)
            assert ext_state(fw, "A", aid, other, other_admin)["registered"] is True
            fw.ad.stop(sig=signal.SIGKILL, expect_rc=None)
            t0 = time.time()
            wait_for(lambda: connected(fw, other), 5, "the other process to take over in 5 s",
                     0.05)
            print("taken over %.2fs after the holder was killed" % (time.time() - t0))
            # The new holder read the node again: the same registration, not
            # published a second time.
            time.sleep(1)
            assert ext_state(fw, "A", aid, other, other_admin)["registered"] is True
            ev = changes(fw, ext)
            assert [e["registered"] for e in ev] == [True], ev
            rows = sql(fw, "SELECT COUNT(*) FROM live_registrations WHERE extension = ?", (ext,))
            assert rows == [("1",)], rows
        finally:
            other.stop()


@only_on("postgres")
def test_cluster_deleted_elsewhere_drops_connections(backend):
    with FsWorld(backend) as fw:
        fs = fw.fs[0]
        cid, _ = fw.new_cluster("second", fs, "n1")
        # The other process serves the API only (it holds no stream), so
        # this one holds every stream and, started first, the reconciler.
        other = fw.ad.sibling()
        other.serve(env=dict(fw.env(), AGENTDESK_LIVE_LISTEN="false"))
        try:
            node = fs.esl_address
            pid = fw.ad.proc.pid
            # This process: the default cluster's stream, the second
            # cluster's stream (same node, another cluster), and the
            # reconciler's command connections to both (a resync of each).
            for body in ({}, {"cluster_id": cid}):
                status, _, b = fw.ad.request("POST", "/v1/admin/freeswitch/resync",
                                             token=fw.root, json_body=body)
                assert status == 202, b
            wait_for(lambda: metric(fw.ad, "agentdesk_event_stream_connected",
                                    {"cluster": "second"}) == 1, 10, "the second cluster's stream")
            wait_for(lambda: esl_connections(pid, fs.esl_port) == 4, 10,
                     lambda: "four connections, not %d" % esl_connections(pid, fs.esl_port))
            root = other.login(fw.w.super["email"], PASSWORD)
            status, _, b = other.request("DELETE", "/v1/admin/freeswitch/clusters/%d" % cid,
                                         token=root)
            assert status in (200, 204), b
            t0 = time.time()
            # The second cluster's stream and every reconciler link of this
            # process close; only the default cluster's stream stays.
            wait_for(lambda: esl_connections(pid, fs.esl_port) == 1, 3,
                     lambda: "only the default stream left, not %d"
                     % esl_connections(pid, fs.esl_port))
            print("connections dropped %.2fs after the delete through the other process"
                  % (time.time() - t0))
            assert metric(fw.ad, "agentdesk_event_stream_connected", {"cluster": "second"}) == 0
            assert metric(fw.ad, "agentdesk_event_stream_connected", {"node": node}) == 1
        finally:
            other.stop()


if __name__ == "__main__":
    fs_main()
