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

Run 1: FsWorld — agentdesk (SQLite) serving the node over xml_curl and
listening to its events (the board writes every callcenter::info event);
the queue, its members, the queue settings (wrap-up 0, no no-answer
limit) and the agents' statuses set through agentdesk's API alone, each
agent's extension registered with its UAS as Contact, so mod_callcenter
dials the agent's `user/<ext>@<domain>` contact as in production.
Run 2: a bare FreeSWITCH instance of the same build, nothing listening,
the same queue and agents configured by hand in static XML and
`callcenter_config`, each agent's contact straight at its UAS
(`sofia/internal/sip:…@127.0.0.1:port`: no registration, no directory
lookup — the floor a by-hand configuration of registered phones, which
would use `user/`, cannot go below).

Each run measures REPEAT (3) times on the same queue, one after the other
(a queue this loaded — 200 callers for a capacity of AGENTS/TALK = 2 a
second — turns every difference of a few ms in an agent's cycle into
seconds of wait at the tail, so one p99 against one p99 is mostly noise).
Printed per measurement: offer latency (a caller's member-queue-start →
the first agent-offering for it, FreeSWITCH's Event-Date-Timestamps: the
offer is fired as the agent's INVITE is sent) p50/p99/max, answered and
abandoned, agentdesk's CPU (run 1), and the machine's load; then each
run's median p99 and the spread of its p99s. Target: run 1's median p99
within 200 ms of run 2's. Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_queue_offer.py
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))

import freeswitch  # noqa: E402
import sip  # noqa: E402

AGENTS = int(os.environ.get("QUEUE_OFFER_AGENTS", "20"))
CALLERS = int(os.environ.get("QUEUE_OFFER_CALLERS", "200"))
SECONDS = float(os.environ.get("QUEUE_OFFER_SECONDS", "60"))
TALK = int(os.environ.get("QUEUE_OFFER_TALK", "10"))
REPEAT = int(os.environ.get("QUEUE_OFFER_REPEAT", "3"))

# An agent's phone: answers, talks TALK seconds, hangs up (BYE).
AGENT_UAS = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="agent">
  <recv request="INVITE" rrs="true">
    <action>
      <ereg regexp=".*" search_in="hdr" header="From:" check_it="true" assign_to="caller"/>
    </action>
  </recv>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>
Content-Type: application/sdp
Content-Length: [len]

v=0
o=agent 1 1 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000

]]></send>
  <recv request="ACK"/>
  <pause milliseconds="%(talk_ms)d"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: <sip:agent@[local_ip]:[local_port]>;tag=[pid]SIPpTag01[call_number]
To:[$caller]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200"/>
</scenario>
"""


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def agents_uas(ports):
    """One sipp UAS a port (stopped by stop_uas)."""
    d = tempfile.mkdtemp(prefix="agentdesk-bench-")
    scen = os.path.join(d, "agent.xml")
    with open(scen, "w") as f:
        f.write(AGENT_UAS % {"talk_ms": TALK * 1000})
    procs = [subprocess.Popen(
        ["sipp", "-sf", scen, "-i", "127.0.0.1", "-p", str(port), "-mp",
         str(sip.free_udp_port()), "-nostdin", "-trace_err", "-error_file", "/dev/null"],
        cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]
    return d, procs


def stop_uas(uas):
    d, procs = uas
    for p in procs:
        p.kill()
        p.wait()
    shutil.rmtree(d, ignore_errors=True)


def configure_static(fs, queue, agent_names, ports):
    """Run 2: the queue in static XML (reloadxml, queue load) and its
    agents, by hand."""
    path = fs.conf_dir + "/autoload_configs/callcenter.conf.xml"
    with open(path) as f:
        text = f.read()
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
        contact = "sofia/internal/sip:%s@127.0.0.1:%d" % (name, port)
        for cmd in ("agent add %s Callback" % name, "agent set contact %s %s" % (name, contact),
                    "agent set wrap_up_time %s 0" % name, "agent set max_no_answer %s 0" % name,
                    "tier add %s %s 1 1" % (queue, name), "agent set status %s Available" % name):
            out = fs.esl("callcenter_config " + cmd)
            assert out.startswith("+OK"), (cmd, out)


def configure_agentdesk(fw, ports):
    """Run 1: the queue and its agents through agentdesk's API only (each
    agent's extension registered with its UAS as Contact); returns the
    queue's id once mod_callcenter has every agent Available."""
    from agentdesk_harness.queues import QueueWorld
    qw = QueueWorld(fw)
    status, b = qw.req("A", "PUT", "/v1/admin/queue-settings",
                       {"wrap_up_s": 0, "max_no_answer": 0})
    assert status == 200, b
    agents = [qw.agent("A", "bench%d@a.example" % k, register=False) for k in range(len(ports))]
    q = qw.queue("A", {"name": "Bench", "number": "7000", "strategy": "longest-idle-agent"})
    qw.members("A", q["id"], agents)
    r = sip.sipp_register(fw.fs[0].sip_port, [(a.creds[0], a.creds[1], a.creds[2], port)
                                              for a, port in zip(agents, ports)])
    assert r.ok, r
    for a in agents:
        qw.status("A", a, "available")
    fw.settle(60)
    for a in agents:
        qw.wait_cc_status(a, "Available")
    return q["id"]


def measure(fs, queue, label, pid=None, rep=0):
    """CALLERS callers into queue; prints and returns the offers' p99 (ms)."""
    ev = fs.events("CUSTOM callcenter::info")
    starts, offers, answered, abandoned = {}, {}, set(), set()
    # where an agent's cycle goes: its offer → the bridge (INVITE, answer),
    # and its bridge's end → its next offer (while callers wait)
    offered_at, ended_at, to_bridge, to_next = {}, {}, [], []
    cpu0 = cpu_seconds(pid) if pid else 0
    t0 = time.time()
    c = fs.connect()
    for k in range(CALLERS):
        due = t0 + k * SECONDS / CALLERS
        time.sleep(max(0, due - time.time()))
        c.send("bgapi originate loopback/9196/default "
               "'set:caller_id_number=55%d%04d,callcenter:%s' inline" % (rep, k, queue))
        c.read()
    c.close()
    load_during = os.getloadavg()
    # until every caller was answered or gave up (or a long while)
    deadline = time.time() + CALLERS * TALK / AGENTS + 60
    seen = 0
    while time.time() < deadline:
        events = ev.named("callcenter::info")
        new, seen = events[seen:], len(events)
        for e in new:
            a, m = e.get("CC-Action"), e.get("CC-Member-UUID")
            ts = int(e.get("Event-Date-Timestamp", "0")) / 1e6
            agent = e.get("CC-Agent")
            if a == "member-queue-start":
                starts.setdefault(m, ts)
            elif a == "agent-offering":
                offers.setdefault(m, ts)
                offered_at[agent] = ts
                if agent in ended_at:
                    to_next.append((ts - ended_at.pop(agent)) * 1000)
            elif a == "bridge-agent-start":
                answered.add(m)
                if agent in offered_at:
                    to_bridge.append((ts - offered_at.pop(agent)) * 1000)
            elif a == "bridge-agent-end":
                ended_at[agent] = ts
            elif a == "member-queue-end" and e.get("CC-Cause") == "Cancel":
                abandoned.add(m)
        if len(answered) + len(abandoned) >= CALLERS:
            break
        time.sleep(1)
    time.sleep(TALK + 2)   # the last calls end before the next measurement
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
    for what, xs in (("offer → bridged", to_bridge), ("call end → next offer", to_next)):
        xs.sort()
        if xs:
            print("%-26s   %-22s median %7.1f ms  p90 %7.1f ms  max %7.1f ms  (n=%d)" % (
                "", what, xs[len(xs) // 2], xs[int(len(xs) * 0.9)], xs[-1], len(xs)), flush=True)
    return pct(0.99)


def main():
    from agentdesk_harness import FsWorld
    print("machine: %d cores, load %.2f %.2f %.2f" % (os.cpu_count(), *os.getloadavg()))
    print("%d agents (%d s talk), %d callers over %.0f s" % (AGENTS, TALK, CALLERS, SECONDS))
    with freeswitch.unpacked():
        ports = [sip.free_udp_port() for _ in range(AGENTS)]
        uas = agents_uas(ports)
        try:
            with FsWorld("sqlite") as fw:
                qid = configure_agentdesk(fw, ports)
                p99_ad = [measure(fw.fs[0], "q%d" % qid, "agentdesk provisioned #%d" % (r + 1),
                                  fw.ad.proc.pid, r) for r in range(REPEAT)]
                rows = fw.ad.sql("SELECT offered, answered, abandoned FROM queue_day_counts "
                                 "WHERE queue_id = %d" % qid)
                print("%-26s the board counted offered/answered/abandoned %s" % ("", rows))
        finally:
            stop_uas(uas)
        ports = [sip.free_udp_port() for _ in range(AGENTS)]
        uas = agents_uas(ports)
        fs = freeswitch.Instance(freeswitch.build_or_skip(), "files", name="static")
        try:
            fs.start()
            configure_static(fs, "static", ["a%d" % k for k in range(AGENTS)], ports)
            p99_static = [measure(fs, "static", "static XML #%d" % (r + 1), None, r)
                          for r in range(REPEAT)]
        finally:
            fs.stop()
            stop_uas(uas)
    for label, p99s in (("agentdesk provisioned", p99_ad), ("static XML", p99_static)):
        print("%-26s median p99 %8.1f ms  (p99s from %.1f to %.1f ms)" % (
            label, statistics.median(p99s), min(p99s), max(p99s)))
    print("median p99 difference: %.1f ms (target: within 200 ms)" % (
        statistics.median(p99_ad) - statistics.median(p99_static)))


if __name__ == "__main__":
    main()
