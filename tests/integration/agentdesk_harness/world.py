"""Shared set-up for the API tests: a server with a superadmin, two tenants
(A and B) each with an admin, a supervisor and an agent, logged in."""
import json

from .server import free_port
from .wait import wait_for

PASSWORD = "correct horse battery"


class World:
    def __init__(self, ad, pool_size=50):
        self.ad = ad
        self.super = {"email": "root@platform.example"}
        ad.run_json("user", "create", "--email", self.super["email"], "--password", PASSWORD,
                    "--role", "superadmin")
        self.tenants = {}
        for key, base in (("A", 10000), ("B", 20000)):
            t = ad.run_json("tenant", "create", "--name", "Tenant " + key, "--pool-base", str(base),
                            "--pool-size", str(pool_size))
            self.tenants[key] = t
        # No Event Socket listens on that port: status probes are refused at once.
        ad.serve(env={"AGENTDESK_XMLCURL_PASSWORD": "xc",
                      "AGENTDESK_FS_ESL": "127.0.0.1:%d" % free_port()})
        self.super["token"] = ad.login(self.super["email"], PASSWORD)
        self.users = {}
        for key, t in self.tenants.items():
            admin_email = "admin@%s.example" % key.lower()
            ad.run_json("user", "create", "--tenant", str(t["id"]), "--email", admin_email,
                        "--password", PASSWORD, "--role", "admin", "--first-name", "Admin",
                        "--last-name", key)
            admin_token = ad.login(admin_email, PASSWORD)
            self.users[(key, "admin")] = {"email": admin_email, "token": admin_token}
            for role in ("supervisor", "agent"):
                u = self.create_agent(admin_token, "%s@%s.example" % (role, key.lower()), role=role)
                self.users[(key, role)] = u
            # One agent that keeps its temporary password.
            self.users[(key, "temp")] = self.create_agent(
                admin_token, "temp@%s.example" % key.lower(), activate=False)
        # The creations' provisioning jobs (xml_curl mode: nothing to send)
        # are done before a test starts. Under load a reconciler pass can
        # lag, and a test that then restarts the server in files or ssh
        # mode would have them pushed there: an extra reloadxml, or more
        # failed jobs than its own.
        wait_for(lambda: clusters_settled(ad, self.super["token"]), timeout=20,
                 what="the World's provisioning jobs")

    def create_agent(self, admin_token, email, role="agent", activate=True, tenant_id=None):
        path = "/v1/admin/agents" + ("?tenant_id=%d" % tenant_id if tenant_id else "")
        status, _, body = self.ad.request("POST", path, token=admin_token, json_body={
            "first_name": "First", "last_name": "Last", "email": email, "role": role})
        assert status == 201, (status, body)
        u = {"email": email, "id": body["agent"]["id"], "agent": body["agent"],
             "temporary_password": body["temporary_password"]}
        u["token"] = self.ad.login(email, u["temporary_password"])
        if activate:
            status, _, b = self.ad.request("POST", "/v1/auth/change-password", token=u["token"],
                                           json_body={"current_password": u["temporary_password"],
                                                      "new_password": PASSWORD})
            assert status == 200, b
            u["token"] = b["data"]["token"]
        return u

    def token(self, who, key="A"):
        if who == "superadmin":
            return self.super["token"]
        if who == "none":
            return None
        return self.users[(key, who)]["token"]


def clusters_settled(ad, token):
    """The clusters of GET /v1/admin/freeswitch/status when none has a job
    pending, else None: a probe for wait_for."""
    status, _, body = ad.request("GET", "/v1/admin/freeswitch/status", token=token)
    assert status == 200, body
    if all(c["jobs"]["pending"] == 0 for c in body["clusters"]):
        return body["clusters"]
    return None


def dumps(x):
    return json.dumps(x, sort_keys=True)
