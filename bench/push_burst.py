"""Files mode under a burst: 1,000 agents created by 8 concurrent clients
while agentdesk writes FreeSWITCH's conf dir (a temp dir) and talks to the
Event Socket fixture (tests/harness/esl_fixture.py). Prints how many
reloadxml the node received (target: a handful, not one per agent), how
many files were written, and the time from the first create until every
extension shows "provisioned". On SQLite and, when the PostgreSQL fixture
is available (AGENTDESK_TEST_PG_DIR), on PostgreSQL. Figures only."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from agentdesk_harness import Agentdesk, EslFixture  # noqa: E402

from agents_create import create_burst  # noqa: E402

AGENTS, CLIENTS = 1000, 8
PASSWORD = "bench password 1"


def run(backend):
    with Agentdesk(backend, env={"AGENTDESK_LOG_LEVEL": "warn"}) as ad, EslFixture() as fs:
        conf = os.path.join(ad.tmpdir, "conf")
        os.makedirs(os.path.join(conf, "directory", "default"))
        os.makedirs(os.path.join(conf, "dialplan"))
        t = ad.run_json("tenant", "create", "--name", "Burst", "--pool-size", "2000")
        ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", "admin@burst.example",
                    "--password", PASSWORD, "--role", "admin")
        ad.serve(env={"AGENTDESK_FS_MODE": "files", "AGENTDESK_FS_CONF_DIR": conf,
                      "AGENTDESK_FS_ESL": fs.address})
        token = ad.login("admin@burst.example", PASSWORD)
        start = time.perf_counter()
        created, errors = create_burst(ad, token, AGENTS, CLIENTS, "b%d@burst.example")
        while True:
            pending = 0
            for offset in (0, 500):
                _, _, body = ad.request("GET", "/v1/admin/extensions?state=assigned&limit=500"
                                        "&offset=%d" % offset, token=token)
                pending += sum(1 for x in body["extensions"] if x["provisioning"] != "provisioned")
            if pending == 0 or time.perf_counter() - start > 120:
                break
            time.sleep(0.05)
        done = time.perf_counter() - start
        reloads = sum(1 for c in fs.commands() if c == "reloadxml")
        files = len(os.listdir(os.path.join(conf, "directory", "default")))
        print("files mode burst (%s): %d agents by %d clients created in %.2f s, all provisioned "
              "after %.2f s; %d reloadxml sent (target: a handful, not %d), %d user files, "
              "%d errors, %d still pending"
              % (backend, AGENTS, CLIENTS, created, done, reloads, AGENTS, files, len(errors),
                 pending))
        if errors:
            print("  first error: %s" % json.dumps(errors[0]))


if __name__ == "__main__":
    run("sqlite")
    if os.environ.get("AGENTDESK_TEST_PG_DIR"):
        run("postgres")
