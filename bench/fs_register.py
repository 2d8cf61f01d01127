#!/usr/bin/python3
"""Registrations against real FreeSWITCH 1.11.1 (../shared/freeswitch):
200 sipp UAs registering at once (digest, UDP) for a tenant of 1,000
agents, FreeSWITCH asking agentdesk for each user (xml_curl mode, SQLite),
beside the same run against FreeSWITCH's own static directory files for the
same users and passwords (the reference). Prints registrations per second
and the response time of the authenticated REGISTER (p50, p99) for both,
and the ratio (target: at least 0.9x the static reference). Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_register.py

Each side runs ROUNDS times (default 3, alternating); the median round is
printed. Settings: FS_BENCH_UAS (200), FS_BENCH_AGENTS (1000)."""
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
ROUNDS = int(os.environ.get("ROUNDS", "3"))


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


def main():
    from fstest import FsWorld
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
                xc, st = [], []
                cpu = {"agentdesk": 0.0, "fs_xml_curl": 0.0, "fs_static": 0.0}
                for _ in range(ROUNDS):
                    a0, f0 = cpu_seconds(fw.ad.proc.pid), cpu_seconds(fw.fs[0].proc.pid)
                    xc.append(one_round(fw.fs[0].sip_port, sample))
                    cpu["agentdesk"] += cpu_seconds(fw.ad.proc.pid) - a0
                    cpu["fs_xml_curl"] += cpu_seconds(fw.fs[0].proc.pid) - f0
                    r0 = cpu_seconds(ref.proc.pid)
                    st.append(one_round(ref.sip_port, sample))
                    cpu["fs_static"] += cpu_seconds(ref.proc.pid) - r0
            finally:
                ref.stop()
    a, b = median_round(xc), median_round(st)
    print("%d UAs at once, tenant of %d agents, median of %d rounds:" % (UAS, AGENTS, ROUNDS))
    print("  xml_curl (agentdesk): %7.0f registrations/s, REGISTER p50 %6.1f ms, p99 %6.1f ms"
          % (a["rate"], a["p50"], a["p99"]))
    print("  static files (ref.):  %7.0f registrations/s, REGISTER p50 %6.1f ms, p99 %6.1f ms"
          % (b["rate"], b["p50"], b["p99"]))
    print("  ratio xml_curl/static: %.2fx registrations/s (target: at least 0.9x)"
          % (a["rate"] / b["rate"]))
    n = UAS * ROUNDS
    print("  CPU per registration: FreeSWITCH %.2f ms with xml_curl (+ agentdesk %.2f ms), "
          "%.2f ms with static files" % (cpu["fs_xml_curl"] * 1000 / n, cpu["agentdesk"] * 1000 / n,
                                         cpu["fs_static"] * 1000 / n))


if __name__ == "__main__":
    main()
