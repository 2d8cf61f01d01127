#!/usr/bin/python3
"""Registrations against real FreeSWITCH 1.11.1 (../shared/freeswitch):
200 sipp UAs registering at once (digest, UDP) for a tenant of 1,000
agents, FreeSWITCH asking agentdesk for each user (xml_curl mode, SQLite),
beside the same run against FreeSWITCH's own static directory files for the
same users and passwords (the reference). Three rows: the static
reference, xml_curl uncached (FreeSWITCH asks agentdesk on every
REGISTER), and xml_curl with AGENTDESK_XMLCURL_CACHE_MS (agentdesk marks
users cacheable; its xml_flush_cache on every change keeps that safe,
tests/integration/test_fs_cut.py). Each with registrations per second and
the response time of the authenticated REGISTER (p50, p99), its ratio
to the reference (target: at least 0.9x), and the CPU time each
registration cost FreeSWITCH and agentdesk (steadier than the rate on a
shared machine). Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_register.py

Each xml_curl side runs ROUNDS times (default 5), each round followed by
one of the reference; the median round is printed. The cached side is
measured warm (one round first fills FreeSWITCH's cache; its rate is
printed too). Settings: FS_BENCH_UAS (200), FS_BENCH_AGENTS (1000),
FS_BENCH_CACHE_MS (300000)."""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))

import freeswitch  # noqa: E402
from sip import sipp_register  # noqa: E402

UAS = int(os.environ.get("FS_BENCH_UAS", "200"))
AGENTS = int(os.environ.get("FS_BENCH_AGENTS", "1000"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))
CACHE_MS = os.environ.get("FS_BENCH_CACHE_MS", "300000")


def static_user(ext, password):
    """The vanilla layout of conf/directory/default/<ext>.xml."""
    return ('<include>\n  <user id="%s">\n    <params>\n'
            '      <param name="password" value="%s"/>\n    </params>\n'
            '    <variables>\n      <variable name="user_context" value="default"/>\n'
            '    </variables>\n  </user>\n</include>\n' % (ext, password))


def cpu_seconds(pid):
    """utime + stime of a process so far (/proc/PID/stat fields 14 and 15)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_round(port, users):
    r = sipp_register(port, users, stats=True, timeout=60)
    if not r.ok:
        raise SystemExit("sipp failed: %r" % r)
    first = min(t - rt for t, rt in r.stat[1])
    last = max(t for t, _ in r.stat[2])
    times = sorted(rt for _, rt in r.stat[2])
    return {"rate": len(users) / ((last - first) / 1000.0),
            "p50": times[len(times) // 2], "p99": times[min(len(times) - 1, int(len(times) * 0.99))]}


def median_round(rounds):
    rounds = sorted(rounds, key=lambda x: x["rate"])
    return rounds[len(rounds) // 2]


def measure(fw, ref, sample, side, rows, cpu):
    """One round of side (a key of rows) through agentdesk's node, then one
    of the static reference, alternating so that both see the same load."""
    a0, f0 = cpu_seconds(fw.ad.proc.pid), cpu_seconds(fw.fs[0].proc.pid)
    rows[side].append(one_round(fw.fs[0].sip_port, sample))
    cpu[side + " agentdesk"] += cpu_seconds(fw.ad.proc.pid) - a0
    cpu[side] += cpu_seconds(fw.fs[0].proc.pid) - f0
    r0 = cpu_seconds(ref.proc.pid)
    rows["static"].append(one_round(ref.sip_port, sample))
    cpu["static"] += cpu_seconds(ref.proc.pid) - r0


def main():
    from agentdesk_harness import FsWorld
    rows = {"static": [], "uncached": [], "cached": []}
    cpu = dict.fromkeys(["static", "uncached", "uncached agentdesk", "cached",
                         "cached agentdesk"], 0.0)
    with freeswitch.unpacked():
        env = {"AGENTDESK_LOG_LEVEL": "warn"}
        with FsWorld("sqlite", pool_size=AGENTS + 10, domains=False, env=env) as fw:
            agents = fw.create_agents("A", AGENTS, "bench")
            fw.settle(timeout=120)
            # Every agent's password, as an admin sees it.
            creds = [fw.sip_user("A", x) for _, x, _ in agents]
            sample = random.sample(creds, UAS)
            ref = freeswitch.Instance(fw.build, "files", name="static")
            try:
                ref.write_conf()
                users = os.path.join(ref.conf_dir, "directory", "default")
                for ext, _, password in creds:
                    with open(os.path.join(users, "%s.xml" % ext), "w") as f:
                        f.write(static_user(ext, password))
                ref.start()
                for _ in range(ROUNDS):
                    measure(fw, ref, sample, "uncached", rows, cpu)
                # The same agentdesk and database, now marking users cacheable.
                fw.extra_env["AGENTDESK_XMLCURL_CACHE_MS"] = CACHE_MS
                fw.serve()
                fw.bind_xml_curl()
                cold = one_round(fw.fs[0].sip_port, sample)
                for _ in range(ROUNDS):
                    measure(fw, ref, sample, "cached", rows, cpu)
            finally:
                ref.stop()
    ref_row = median_round(rows["static"])
    n = UAS * ROUNDS
    ms = {"static": cpu["static"] * 1000 / (2 * n)}
    print("%d UAs at once, tenant of %d agents, median of %d rounds (static: of %d);"
          % (UAS, AGENTS, ROUNDS, 2 * ROUNDS))
    print("ratio = registrations/s over the static reference's (target: at least 0.9x)")
    line = "  %-38s %5.0f reg/s %5.2fx  REGISTER p50 %5.0f ms p99 %5.0f ms  CPU/reg %s"
    print(line % ("static files (reference)", ref_row["rate"], 1.0, ref_row["p50"],
                  ref_row["p99"], "FreeSWITCH %.2f ms" % ms["static"]))
    for side, label in (("uncached", "xml_curl, uncached"),
                        ("cached", "xml_curl, AGENTDESK_XMLCURL_CACHE_MS")):
        r = median_round(rows[side])
        print(line % (label, r["rate"], r["rate"] / ref_row["rate"], r["p50"], r["p99"],
                      "FreeSWITCH %.2f ms + agentdesk %.2f ms"
                      % (cpu[side] * 1000 / n, cpu[side + " agentdesk"] * 1000 / n)))
    print("  (the cached row is warm: one round before it filled the cache, at %.0f reg/s, "
          "%.2fx)" % (cold["rate"], cold["rate"] / ref_row["rate"]))

if __name__ == "__main__":
    main()
