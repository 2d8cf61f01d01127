"""Two agentdesk nodes on one PostgreSQL behind Debian's nginx, the block of
docs/deploy.md over TLS (tests/integration/test_two_nodes.py's run): 1,000
creates and 2,000 lookups from CLIENTS threads (default 8) while the node
holding the reconciler is SIGKILLed midway, RUNS times (default 3). Prints
each run's time, requests/s, the creates retried with their
Idempotency-Key and how long the survivor took to lead the reconciler.
Needs the PostgreSQL fixture (AGENTDESK_TEST_PG_DIR, as bench/run.sh sets
it). Figures only; the run's own checks (nothing twice) still assert."""
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from test_two_nodes import failover  # noqa: E402

if __name__ == "__main__":
    if not os.environ.get("AGENTDESK_TEST_PG_DIR"):
        sys.exit("bench/two_nodes.py: needs the PostgreSQL fixture (AGENTDESK_TEST_PG_DIR)")
    clients = int(os.environ.get("CLIENTS", "8"))
    runs = [failover("postgres", creates=1000, clients=clients)
            for _ in range(int(os.environ.get("RUNS", "3")))]
    print("median of %d runs: %.2f s, %.1f requests/s, survivor leads after %.2f s; "
          "creates retried: %s after the SIGKILL (each run)"
          % (len(runs), statistics.median(r["elapsed_s"] for r in runs),
             statistics.median(r["requests_per_s"] for r in runs),
             statistics.median(r["takeover_s"] for r in runs),
             ", ".join(str(r["retried_after_kill"]) for r in runs)))
