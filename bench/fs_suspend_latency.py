#!/usr/bin/python3
"""Suspend -> registration gone, against real FreeSWITCH 1.11.1
(../shared/freeswitch) in xml_curl mode: 20 agents registered (sipp, UDP),
suspended one at a time through the API; for each, the time from sending
the PATCH until `sofia status profile internal reg` (polled over one Event
Socket connection) no longer lists it. Prints the median and the max
beside the 2 s target. Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_suspend_latency.py
"""
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))

import freeswitch  # noqa: E402
from sip import sipp_register  # noqa: E402

N = 20


def main():
    from agentdesk_harness import FsWorld
    with freeswitch.unpacked():
        with FsWorld("sqlite", pool_size=N + 10, env={"AGENTDESK_LOG_LEVEL": "warn"}) as fw:
            fs = fw.fs[0]
            agents = fw.create_agents("A", N, "lat")
            fw.settle()
            creds = [fw.sip_user("A", x, "a.example") for _, x, _ in agents]
            r = sipp_register(fs.sip_port, creds)
            if not r.ok:
                raise SystemExit("sipp failed: %r" % r)
            esl = fs.connect()
            took = []
            try:
                for aid, _, ext in agents:
                    user = "%s@a.example" % ext
                    if "<user>%s</user>" % user not in esl.api("sofia xmlstatus profile internal reg"):
                        raise SystemExit("%s is not registered" % user)
                    start = time.perf_counter()
                    fw.patch_agent("A", aid, {"status": "suspended"})
                    while "<user>%s</user>" % user in esl.api("sofia xmlstatus profile internal reg"):
                        if time.perf_counter() - start > 30:
                            raise SystemExit("%s still registered after 30 s" % user)
                    took.append(time.perf_counter() - start)
            finally:
                esl.close()
    print("suspend -> registration gone, %d agents one at a time: median %.3f s, max %.3f s "
          "(target: 2 s)" % (N, statistics.median(took), max(took)))


if __name__ == "__main__":
    main()
