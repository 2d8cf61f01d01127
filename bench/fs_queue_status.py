#!/usr/bin/python3
"""A queue status changed through the API -> applied on real FreeSWITCH
1.11.1 (../shared/freeswitch), xml_curl mode: one agent, member of one
queue, its status flipped 100 times (available / on_break / logged_out in
turn) with PUT /v1/admin/agents/:id/queue-status; for each, the time from
sending the PUT until `callcenter_config agent get status u<id>` (polled
over one Event Socket connection) answers the new status. Prints p50 and
p99 beside the 100 ms target, with the machine's load. Figures only.

    AGENTDESK_BIN=build-rel/agentdesk /usr/bin/python3 bench/fs_queue_status.py [sqlite|postgres]
"""
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "harness"))

import freeswitch  # noqa: E402

N = int(os.environ.get("FS_BENCH_CHANGES", "100"))
CYCLE = [("available", None, "Available"), ("on_break", "Lunch", "On Break"),
         ("logged_out", None, "Logged Out")]


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    from agentdesk_harness import FsWorld, QueueWorld
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    with freeswitch.unpacked():
        with FsWorld(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as fw, QueueWorld(fw) as qw:
            agent = qw.agent("A", "bench@a.example", register=False)
            q = qw.queue("A", {"name": "Bench", "number": "7000"})
            qw.members("A", q["id"], [agent])
            fw.settle()
            esl = fw.fs[0].connect()
            conn = fw.ad.connect()
            token = fw.admins["A"]
            path = "/v1/admin/agents/%d/queue-status" % agent.id
            samples = []
            try:
                for i in range(N):
                    status, reason, want = CYCLE[i % len(CYCLE)]
                    body = {"status": status}
                    if reason:
                        body["reason"] = reason
                    start = time.perf_counter()
                    st, _, b = fw.ad.request("PUT", path, token=token, json_body=body, conn=conn)
                    assert st == 200, b
                    while True:
                        now = esl.api("callcenter_config agent get status u%d" % agent.id).strip()
                        if now == want:
                            break
                        if time.perf_counter() - start > 10:
                            raise SystemExit("change %d: still %r after 10 s" % (i, now))
                        time.sleep(0.001)
                    samples.append((time.perf_counter() - start) * 1000)
            finally:
                esl.close()
                conn.close()
    load = open("/proc/loadavg").read().split()[:3]
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    print("queue status, API -> mod_callcenter (%s, %d changes): p50 %.1f ms, p99 %.1f ms, "
          "max %.1f ms, mean %.1f ms; target p99 < 100 ms: %s" % (
              backend, len(samples), p50, p99, max(samples), statistics.mean(samples),
              "met" if p99 < 100 else "NOT met"))
    print("machine load (1, 5, 15 min): %s on %d cores" % (" ".join(load), os.cpu_count()))


if __name__ == "__main__":
    main()
