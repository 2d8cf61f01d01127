"""The world of the tests against real FreeSWITCH (test_fs_*.py, and
bench/fs_*.py): a World (tenants A and B; in xml_curl mode A on domain
a.example, B on b.example; in files mode both on the default 127.0.0.1,
the one domain of the vanilla directory/default.xml that agentdesk's files
join) served by agentdesk wired to real FreeSWITCH instances, in xml_curl
or files mode, and the SIP credentials of /v1/auth/me.

The FreeSWITCH and SIP server harnesses stay in tests/harness
(freeswitch.py, sip.py); importing this module puts that folder on
sys.path and re-exports both modules."""
import os
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "harness"))

import freeswitch  # noqa: E402  (tests/harness)
import sip  # noqa: E402
from .runner import main  # noqa: E402
from .server import Agentdesk  # noqa: E402
from .world import PASSWORD, World  # noqa: E402

XMLCURL_PASSWORD = "xc-" + os.urandom(6).hex()
DOMAINS = {"A": "a.example", "B": "b.example"}


class FsWorld:
    """agentdesk on a fresh database (World's tenants and users) and n
    FreeSWITCH nodes of its default cluster, all one Event Socket password.
    A context manager: stops FreeSWITCH (printing its log tail if the test
    failed) and agentdesk."""

    def __init__(self, backend, n=1, mode="xml_curl", env=None, pool_size=50, domains=None):
        self.build = freeswitch.build_or_skip()
        self.mode = mode
        self.ad = Agentdesk(backend)
        self.fs = freeswitch.Cluster()
        self.extra_env = dict(env or {})
        try:
            self.w = World(self.ad, pool_size=pool_size)
            t0 = time.time()
            password = freeswitch.Instance.random_password()
            for k in range(n):
                self.fs.append(freeswitch.Instance(self.build, mode, name="fs%d" % (k + 1),
                                                   esl_password=password))
            for fs in self.fs:
                fs.write_conf()
                fs.start(wait=False)
            for fs in self.fs:
                fs.wait_ready()
            print("phase: %d FreeSWITCH node(s) ready in %.1fs" % (n, time.time() - t0), flush=True)
            self.serve()
            if domains if domains is not None else mode == "xml_curl":
                for key, domain in DOMAINS.items():
                    self.patch_tenant(key, {"sip_domain": domain})
            if mode == "xml_curl":
                self.bind_xml_curl()
        except BaseException:
            self.__exit__(RuntimeError, None, None)
            raise

    def bind_xml_curl(self):
        """As an operator would: paste what `agentdesk freeswitch config`
        printed into every node, then follow its instructions (reload
        mod_xml_curl). Again after serve(), which picks a new port."""
        rc, binding, instructions = self.ad.run(
            "freeswitch", "config", "--url", "http://127.0.0.1:%d" % self.ad.port,
            env=self.env())
        assert "reload mod_xml_curl" in instructions, instructions
        for fs in self.fs:
            fs.bind_xml_curl(binding)

    def env(self):
        e = {"AGENTDESK_FS_ESL": ",".join(f.esl_address for f in self.fs),
             "AGENTDESK_FS_ESL_PASSWORD": self.fs[0].esl_password if self.fs else "",
             "AGENTDESK_XMLCURL_PASSWORD": XMLCURL_PASSWORD,
             "AGENTDESK_FS_RETRY_BASE": "1", "AGENTDESK_FS_MODE": self.mode}
        if self.mode == "files":
            e["AGENTDESK_FS_CONF_DIR"] = self.fs[0].conf_dir
        e.update(self.extra_env)
        return e

    def serve(self):
        if self.ad.proc:
            self.ad.stop()
        self.ad.serve(env=self.env())
        self.root = self.ad.login(self.w.super["email"], PASSWORD)
        self.admins = {k: self.ad.login("admin@%s.example" % k.lower(), PASSWORD) for k in DOMAINS}

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, _tb):
        if exc_type is not None:
            # first, before the logs below: a runner that shows only the
            # start of a failing test's output still shows why
            where = traceback.extract_tb(_tb)[-1] if _tb else None
            sys.stdout.write("---- failing%s: %s" % (
                " at %s:%d" % (os.path.basename(where.filename), where.lineno) if where else "",
                "".join(traceback.format_exception_only(exc_type, exc))))
            sys.stdout.flush()
        try:
            self.fs.__exit__(exc_type, None, None)
        finally:
            self.ad.__exit__(exc_type, None, None)

    # ---- API
    def patch_tenant(self, key, body):
        tid = self.w.tenants[key]["id"]
        status, _, b = self.ad.request("PATCH", "/v1/admin/tenants/%d" % tid, token=self.root,
                                       json_body=body)
        assert status == 200, b

    def new_cluster(self, name, fs, node_name):
        """A stored xml_curl cluster named name with one node, FreeSWITCH
        instance fs (its Event Socket on loopback); returns (cluster id,
        node id)."""
        status, _, c = self.ad.request("POST", "/v1/admin/freeswitch/clusters", token=self.root,
                                       json_body={"name": name, "mode": "xml_curl"})
        assert status == 201, c
        cid = c["cluster"]["id"]
        status, _, b = self.ad.request(
            "POST", "/v1/admin/freeswitch/clusters/%d/nodes" % cid, token=self.root,
            json_body={"name": node_name, "esl_host": "127.0.0.1", "esl_port": fs.esl_port,
                       "esl_password": fs.esl_password})
        assert status == 201, b
        return cid, b["node"]["id"]

    def new_agent(self, key, email):
        """A new agent of tenant key, its password changed; returns (user id,
        its token)."""
        u = self.w.create_agent(self.admins[key], email)
        return u["id"], u["token"]

    def me(self, token):
        """(extension, realm, sip_password, websocketUrl) of the first
        extension, from GET /v1/auth/me."""
        status, _, b = self.ad.request("GET", "/v1/auth/me", token=token)
        assert status == 200, b
        d = b["data"]
        x = d["extensions"][0]
        return x["extension"], d["sipConfig"]["realm"], x["sip_password"], d["sipConfig"]["websocketUrl"]

    def agent(self, key, aid):
        status, _, b = self.ad.request("GET", "/v1/admin/agents/%d" % aid, token=self.admins[key])
        assert status == 200, b
        return b["agent"]

    def patch_agent(self, key, aid, body):
        status, _, b = self.ad.request("PATCH", "/v1/admin/agents/%d" % aid,
                                       token=self.admins[key], json_body=body)
        assert status == 200, b
        return b

    def extension(self, key, ext_id):
        status, _, b = self.ad.request("GET", "/v1/admin/extensions/%d" % ext_id,
                                       token=self.admins[key])
        assert status == 200, b
        return b["extension"]

    def create_agents(self, key, n, prefix, clients=8):
        """n agents of tenant key created through the API by concurrent
        clients; returns [(agent id, extension id, extension)] in order."""
        out = [None] * n
        errors = []

        def client(k):
            conn = self.ad.connect()
            for i in range(k, n, clients):
                status, _, b = self.ad.request(
                    "POST", "/v1/admin/agents", token=self.admins[key], conn=conn,
                    json_body={"first_name": "Agent", "last_name": str(i),
                               "email": "%s%d@%s.example" % (prefix, i, key.lower())})
                if status != 201:
                    errors.append(b)
                    continue
                x = b["agent"]["extensions"][0]
                out[i] = (b["agent"]["id"], x["id"], x["extension"])
            conn.close()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors[:3]
        return out

    def sip_user(self, key, ext_id, realm="127.0.0.1"):
        """(extension, realm, SIP password) as an admin sees them."""
        x = self.extension(key, ext_id)
        return x["extension"], realm, x["sip_password"]

    def wait_provisioned(self, key, ext_ids, timeout):
        """Seconds until every extension shows provisioning "provisioned"."""
        start = time.time()
        left = list(ext_ids)
        while left:
            left = [i for i in left if self.extension(key, i)["provisioning"] != "provisioned"]
            assert time.time() - start < timeout, "%d still not provisioned: %r" % (
                len(left), self.extension(key, left[0]))
            if left:
                time.sleep(0.1)
        return time.time() - start

    def jobs(self):
        status, _, b = self.ad.request("GET", "/v1/admin/freeswitch/status", token=self.root)
        assert status == 200, b
        return b["clusters"][0]["jobs"]

    def settle(self, timeout=20):
        deadline = time.time() + timeout
        while True:
            j = self.jobs()
            if j["pending"] == 0:
                return j
            assert time.time() < deadline, j
            time.sleep(0.05)

    # ---- FreeSWITCH
    def ua(self, transport, creds, node=0):
        ext, realm, password = creds[:3]
        fs = self.fs[node]
        return sip.UA(transport, fs.ws_port if transport == "ws" else fs.sip_port, ext, realm,
                      password)

    def wait_unregistered(self, user, node=0, timeout=20):
        """Seconds until `sofia status profile internal reg` no longer lists user
        (ext@domain); fails after timeout."""
        start = time.time()
        while user in self.fs[node].registrations():
            assert time.time() - start < timeout, "%s still registered after %ds" % (user, timeout)
            time.sleep(0.05)
        return time.time() - start


def fs_main():
    """main (the test runner) after the FreeSWITCH build check, so that a
    missing build skips (exit 77, each test recorded SKIP) rather than
    fails."""
    main(precondition=freeswitch.build_or_skip)
