#!/usr/bin/python3
"""Queue offers through mod_callcenter with agentdesk listening, side by
side with the same queue on a FreeSWITCH no agentdesk listens to, on the
same build (../shared/freeswitch) and machine:

  AGENTS (20) agents, each a sipp UAS (`-sn uas`: it answers every
  INVITE) whose calls FreeSWITCH ends TALK (10) seconds after the answer
  (`execute_on_answer=sched_hangup`); CALLERS (200) callers entering the
  queue over SECONDS (60) seconds (loopback legs to the echo test running
  `callcenter`, originated with bgapi); strategy longest-idle-agent,
  wrap-up 0.

Run 1: FsWorld — agentdesk (SQLite) serving and listening to the node (the
board writes every callcenter::info event), the queue q<id> and its
agents (agentdesk users u<id>, members, Available as stored) configured
on the node by hand in static XML and `callcenter_config`, as the board's
tests do (agentdesk's own queue provisioning is domain/switches/'s).
Run 2: a bare FreeSWITCH instance of the same build, the same queue and
agents, nothing listening.

Printed per run: offer latency (a caller's member-queue-start → the first
agent-offering for it, FreeSWITCH's Event-Date-Timestamps: the offer is
fired as the agent's INVITE is sent) p50/p99/max, answered and abandoned,
agentdesk's CPU (run 1), and the machine's load. Target: run 1's p99
within 200 ms of run 2's. Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_queue_offer.py
"""
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))

import freeswitch  # noqa: E402

AGENTS = int(os.environ.get("QUEUE_OFFER_AGENTS", "20"))
CALLERS = int(os.environ.get("QUEUE_OFFER_CALLERS", "200"))
SECONDS = float(os.environ.get("QUEUE_OFFER_SECONDS", "60"))
TALK = int(os.environ.get("QUEUE_OFFER_TALK", "10"))


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def configure(fs, queue, agent_names, ports):
    """The queue in static XML (reloadxml, queue load) and its agents."""
    path = fs.conf_dir + "/autoload_configs/callcenter.conf.xml"
    with open(path) as f:
        text = f.read()
    if 'name="%s"' % queue not in text:
        text = text.replace("<queues>", '<queues><queue name="%s">'
                            '<param name="strategy" value="longest-idle-agent"/>'
                            '<param name="moh-sound" value="$${hold_music}"/>'
                            '<param name="discard-abandoned-after" value="60"/>'
                            '</queue>' % queue, 1)
        with open(path, "w") as f:
            f.write(text)
    fs.esl("reloadxml")
    assert fs.esl("callcenter_config queue load %s" % queue).startswith("+OK")
    for name, port in zip(agent_names, ports):
        contact = "{execute_on_answer='sched_hangup +%d'}sofia/internal/sip:%s@127.0.0.1:%d" % (
            TALK, name, port)
        for cmd in ("agent add %s Callback" % name, "agent set contact %s %s" % (name, contact),
                    "agent set wrap_up_time %s 0" % name, "agent set max_no_answer %s 0" % name,
                    "tier add %s %s 1 1" % (queue, name), "agent set status %s Available" % name):
            out = fs.esl("callcenter_config " + cmd)
            assert out.startswith("+OK"), (cmd, out)


def uas(ports):
    procs = []
    for port in ports:
        procs.append(subprocess.Popen(
            ["sipp", "-sn", "uas", "-i", "127.0.0.1", "-p", str(port), "-bg", "-nostdin",
             "-trace_err", "-error_file", "/dev/null"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return procs


def free_ports(n):
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))
    import sip
    return [sip.free_udp_port() for _ in range(n)]


def run(fs, queue, agent_names, label, pid=None):
    ports = free_ports(len(agent_names))
    sipps = uas(ports)
    try:
        configure(fs, queue, agent_names, ports)
        ev = fs.events("CUSTOM callcenter::info")
        starts, offers, answered, abandoned = {}, {}, set(), set()
        cpu0 = cpu_seconds(pid) if pid else 0
        t0 = time.time()
        c = fs.connect()
        for k in range(CALLERS):
            due = t0 + k * SECONDS / CALLERS
            time.sleep(max(0, due - time.time()))
            c.send("bgapi originate loopback/9196/default "
                   "'set:caller_id_number=555%04d,callcenter:%s' inline" % (k, queue))
            c.read()
        c.close()
        load_during = os.getloadavg()
        # until every caller was answered or gave up (or a long while)
        deadline = time.time() + CALLERS * TALK / len(agent_names) + 60
        while time.time() < deadline:
            for e in ev.named("callcenter::info"):
                a, m = e.get("CC-Action"), e.get("CC-Member-UUID")
                ts = int(e.get("Event-Date-Timestamp", "0")) / 1e6
                if a == "member-queue-start":
                    starts.setdefault(m, ts)
                elif a == "agent-offering":
                    offers.setdefault(m, ts)
                elif a == "bridge-agent-start":
                    answered.add(m)
                elif a == "member-queue-end" and e.get("CC-Cause") == "Cancel":
                    abandoned.add(m)
            if len(answered) + len(abandoned) >= CALLERS:
                break
            time.sleep(1)
        ev.close()
        cpu = (cpu_seconds(pid) - cpu0) if pid else None
        wall = time.time() - t0
        lat = sorted((offers[m] - starts[m]) * 1000 for m in offers if m in starts)

        def pct(p):
            return lat[min(len(lat) - 1, int(len(lat) * p))] if lat else float("nan")
        print("%-26s offers %3d  p50 %8.1f ms  p99 %8.1f ms  max %8.1f ms  answered %3d  "
              "abandoned %3d  load %.2f %.2f %.2f%s" % (
                  label, len(lat), pct(0.5), pct(0.99), lat[-1] if lat else float("nan"),
                  len(answered), len(abandoned), *load_during,
                  "  agentdesk CPU %.1f s (%.1f%% of a core)" % (cpu, 100 * cpu / wall)
                  if cpu is not None else ""), flush=True)
        return pct(0.99)
    finally:
        for p in sipps:
            p.kill()
            p.wait()


def main():
    from agentdesk_harness import FsWorld
    print("machine: %d cores, load %.2f %.2f %.2f" % (os.cpu_count(), *os.getloadavg()))
    print("%d agents (%d s talk), %d callers over %.0f s" % (AGENTS, TALK, CALLERS, SECONDS))
    with freeswitch.unpacked():
        with FsWorld("sqlite") as fw:
            ad, fs = fw.ad, fw.fs[0]
            tid = fw.w.tenants["A"]["id"]
            users = [fw.w.create_agent(fw.admins["A"], "bench%d@a.example" % k)["id"]
                     for k in range(AGENTS)]
            ad.sql("INSERT INTO queues (tenant_id, name, number, strategy, created_at, "
                   "updated_at) VALUES (%d, 'Bench', '7000', 'longest-idle-agent', 1, 1)" % tid)
            qid = int(ad.sql("SELECT id FROM queues WHERE tenant_id = %d" % tid)[0][0])
            for uid in users:
                ad.sql("INSERT INTO queue_members (queue_id, user_id) VALUES (%d, %d)"
                       % (qid, uid))
                ad.sql("INSERT INTO queue_agents (user_id, tenant_id, status, status_since, "
                       "provisioning, updated_at) VALUES (%d, %d, 'available', 1, "
                       "'provisioned', 1)" % (uid, tid))
            p99_ad = run(fs, "q%d" % qid, ["u%d" % u for u in users], "agentdesk listening",
                         ad.proc.pid)
            rows = ad.sql("SELECT offered, answered, abandoned FROM queue_day_counts "
                          "WHERE queue_id = %d" % qid)
            print("%-26s the board counted offered/answered/abandoned %s" % ("", rows))
        build = freeswitch.build_or_skip()
        fs = freeswitch.Instance(build, "files", name="static")
        try:
            fs.start()
            p99_static = run(fs, "static", ["a%d" % k for k in range(AGENTS)],
                             "static XML, no agentdesk")
        finally:
            fs.stop()
    print("p99 difference: %.1f ms (target: within 200 ms)" % (p99_ad - p99_static))


if __name__ == "__main__":
    main()
