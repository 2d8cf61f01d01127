"""Shared by the tests against real FreeSWITCH (test_fs_*.py): a World
(tenants A and B, tenant A on domain a.example, B on b.example) served by
agentdesk wired to real FreeSWITCH instances (tests/harness/freeswitch.py),
in xml_curl or files mode, and the SIP credentials of /v1/auth/me."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))

import freeswitch  # noqa: E402  (tests/harness)
import sip  # noqa: E402
from apitest import PASSWORD, World  # noqa: E402
from harness import Agentdesk  # noqa: E402

XMLCURL_PASSWORD = "xc-" + os.urandom(6).hex()
DOMAINS = {"A": "a.example", "B": "b.example"}


class FsWorld:
    """agentdesk on a fresh database (World's tenants and users) and n
    FreeSWITCH nodes of its default cluster, all one Event Socket password.
    A context manager: stops FreeSWITCH (printing its log tail if the test
    failed) and agentdesk."""

    def __init__(self, backend, n=1, mode="xml_curl", env=None, pool_size=50):
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
            for key, domain in DOMAINS.items():
                self.patch_tenant(key, {"sip_domain": domain})
            if mode == "xml_curl":
                # As an operator would: paste what `agentdesk freeswitch config`
                # printed, then follow its instructions (reload mod_xml_curl).
                rc, binding, instructions = self.ad.run(
                    "freeswitch", "config", "--url", "http://127.0.0.1:%d" % self.ad.port,
                    env=self.env())
                assert "reload mod_xml_curl" in instructions, instructions
                for fs in self.fs:
                    fs.bind_xml_curl(binding)
        except BaseException:
            self.__exit__(RuntimeError, None, None)
            raise

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

    def __exit__(self, exc_type, *_):
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


def run(tests, backends=("sqlite", "postgres")):
    """harness.main, after the skip check (so that a missing build skips
    rather than fails)."""
    from harness import main
    freeswitch.build_or_skip()
    main(tests)
