"""Shared by the provisioning tests (reconciler, files mode): restarting a
World's server on given Event Socket nodes, waiting for the jobs to
settle, and what the Event Socket fixture received."""
from .wait import wait_for
from .world import PASSWORD

DOMAIN = "127.0.0.1"  # AGENTDESK_SIP_DOMAIN's default; the World's tenants have none of their own


def restart(w, esl, **env):
    e = {"AGENTDESK_FS_ESL": esl, "AGENTDESK_FS_RETRY_BASE": "1"}
    e.update(env)
    if w.ad.proc:
        w.ad.stop()
    w.ad.serve(env=e)
    w.admin = w.ad.login("admin@a.example", PASSWORD)
    w.root = w.ad.login(w.super["email"], PASSWORD)


def jobs(w, who=None):
    status, _, body = w.ad.request("GET", "/v1/admin/freeswitch/status", token=who or w.root)
    assert status == 200, body
    return body["clusters"][0]["jobs"]


def settle(w, timeout=10):
    """Waits until no job is pending and returns the counts; fails after
    timeout seconds."""
    def settled():
        j = jobs(w)
        return j if j["pending"] == 0 else None
    return wait_for(settled, timeout, lambda: "no job pending (jobs: %r)" % jobs(w), 0.05)


def new_agent(w, email):
    status, _, body = w.ad.request("POST", "/v1/admin/agents", token=w.admin, json_body={
        "first_name": "Ada", "last_name": "Lovelace", "email": email})
    assert status == 201, body
    return body["agent"]["id"], body["agent"]["extensions"][0]


def extension(w, ext_id):
    status, _, body = w.ad.request("GET", "/v1/admin/extensions/%d" % ext_id, token=w.admin)
    assert status == 200, body
    return body["extension"]


# Not provisioning: the status probes, and the FreeSWITCH listener's reads
# of a node (domain/live/) after it connects.
PROBES = ("status", "sofia status", "sofia status profile internal reg",
          "sofia xmlstatus profile internal reg", "show channels as json")
# Reads of mod_callcenter's state: the listener's re-read after a
# (re)connect, the reconciler's check of a node with queue state.
READS = ("callcenter_config queue list", "callcenter_config agent list",
         "callcenter_config tier list", "global_getvar core_uuid")


def changes(fs):
    """What the reconciler sent: the fixture's commands without the status
    probes that settle() causes and the reads of mod_callcenter's state."""
    return [c for c in fs.commands() if c not in PROBES and not c.startswith(READS)]


def voicebox(ext):
    """What emptying ext's voicebox sends a node holding nothing in it:
    vm_delete, then whether each of its name and greetings is there."""
    path = "${storage_dir}/voicemail/agentdesk/%s/%s/" % (DOMAIN, ext)
    return (["vm_delete %s@%s/agentdesk" % (ext, DOMAIN)] +
            ["expand file_exists %s%s" % (path, name) for name in
             ["recorded_name.wav"] + ["greeting_%d.wav" % i for i in range(1, 10)]])


def flushes(ext, reg=True):
    out = ["xml_flush_cache id %s %s" % (ext, DOMAIN)]
    if reg:
        out.append("sofia profile internal flush_inbound_reg %s@%s reboot" % (ext, DOMAIN))
    return out
