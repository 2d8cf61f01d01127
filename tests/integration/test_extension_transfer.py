"""Moving an extension between agents (issue 21), against the Event Socket
fixture: POST /v1/admin/extensions/:id/transfer gives the number to another
active agent of the tenant with a new SIP password, cuts the old holder's
registration and empties the voicebox (exactly the commands FreeSWITCH
receives), answers the new holder's /v1/auth/me with it and the old
holder's without, audits, and sends agent.updated for both agents (through
a webhook); every refusal has its code and writes nothing."""
import json

from agentdesk_harness import (Agentdesk, EslFixture, Receiver, World, changes, extension,
                               flushes, main, restart, settle, voicebox, wait_for)

ENV = {"AGENTDESK_WEBHOOK_ALLOW_PRIVATE": "true", "AGENTDESK_MAX_EXTENSIONS_PER_AGENT": "2"}


def me_extensions(ad, token):
    status, _, body = ad.request("GET", "/v1/auth/me", token=token)
    assert status == 200, body
    return {e["extension"]: e["sip_password"] for e in body["data"]["extensions"]}


def audit_count(w):
    status, _, body = w.ad.request("GET", "/v1/admin/audit?limit=1", token=w.admin)
    assert status == 200, body
    return body["total"]


def test_transfer(backend):
    with Receiver() as rx, Agentdesk(backend, env=ENV) as ad, EslFixture() as fs:
        w = World(ad)
        restart(w, fs.address)
        run(w, fs, rx)


def run(w, fs, rx):
    ad = w.ad
    seen = [0]

    def since():
        settle(w)
        cmds = changes(fs)[seen[0]:]
        seen[0] += len(cmds)
        return cmds

    def transfer(ext_id, body, who=None):
        return ad.request("POST", "/v1/admin/extensions/%d/transfer" % ext_id, token=who or w.admin,
                          json_body=body)[::2]

    ada = w.create_agent(w.admin, "ada@a.example")
    bob = w.create_agent(w.admin, "bob@a.example")
    ext = ada["agent"]["extensions"][0]
    e = ext["extension"]
    status, _, resp = ad.request("PATCH", "/v1/admin/extensions/%d" % ext["id"], token=w.admin,
                                 json_body={"voicemail_enabled": True})
    assert status == 200, resp
    status, _, resp = ad.request("POST", "/v1/admin/webhooks", token=w.admin, json_body={
        "url": rx.url("/hook"), "events": ["agent.updated"]})
    assert status == 201, resp
    old_password = me_extensions(ad, ada["token"])[e]
    since()

    # ---- the move
    status, resp = transfer(ext["id"], {"to_agent_id": bob["id"]})
    assert status == 200, resp
    x = resp["extension"]
    assert x["user_id"] == bob["id"] and x["extension"] == e and x["status"] == "active", x
    assert x["voicemail_enabled"] is True and "sip_password" not in x, x
    # FreeSWITCH: the cached directory entry and the old registration
    # flushed, the voicebox emptied (nothing else of the extension).
    cmds = since()
    assert [c for c in cmds if not c.startswith("callcenter_config")] == \
        flushes(e) + voicebox(e), cmds
    # The new holder's /me has it with a new password; the old holder's not.
    bobs = me_extensions(ad, bob["token"])
    assert e in bobs and bobs[e] != old_password and len(bobs) == 2, bobs
    assert e not in me_extensions(ad, ada["token"])
    status, _, body = ad.request("GET", "/v1/admin/extensions/%d" % ext["id"], token=w.admin)
    assert status == 200 and body["extension"]["sip_password"] == bobs[e], body
    # Audited, without a secret.
    status, _, body = ad.request("GET", "/v1/admin/audit?limit=5", token=w.admin)
    entry = [a for a in body["entries"] if a["action"] == "extension.transfer"][0]
    assert entry["target_type"] == "extension" and entry["target_id"] == ext["id"], entry
    assert entry["details"]["from"] == "ada@a.example" and entry["details"]["to"] == "bob@a.example"
    assert old_password not in json.dumps(body) and bobs[e] not in json.dumps(body)
    # agent.updated for both, with their extension lists.
    wait_for(lambda: {ev["data"]["agent_id"] for ev in rx.events("/hook")} >=
             {ada["id"], bob["id"]}, timeout=10, what="agent.updated for both agents")
    last = {ev["data"]["agent_id"]: ev["data"]["extensions"] for ev in rx.events("/hook")}
    assert e in last[bob["id"]] and e not in last[ada["id"]], last
    sent = json.dumps(rx.events("/hook"))
    assert old_password not in sent and bobs[e] not in sent
    hooked = len(rx.events("/hook"))

    # ---- refusals: each with its code, nothing written
    carol = w.create_agent(w.admin, "carol@a.example")
    dave = w.create_agent(w.admin, "dave@a.example")
    status, _, resp = ad.request("PATCH", "/v1/admin/agents/%d" % carol["id"], token=w.admin,
                                 json_body={"status": "suspended"})
    assert status == 200, resp
    status, _, resp = ad.request("DELETE", "/v1/admin/agents/%d" % dave["id"], token=w.admin)
    assert status == 200, resp
    status, _, body = ad.request("GET", "/v1/admin/extensions?state=free&limit=1", token=w.admin)
    free = body["extensions"][0]
    b_agent = w.users[("B", "agent")]
    b_ext = b_agent["agent"]["extensions"][0]
    since()
    before = audit_count(w)
    bob_ext = bob["agent"]["extensions"][0]
    for ext_id, body, code, want, field in (
            (ext["id"], {"to_agent_id": bob["id"]}, 409, "same_holder", "to_agent_id"),
            (ext["id"], {"to_agent_id": carol["id"]}, 409, "agent_suspended", "to_agent_id"),
            (ext["id"], {"to_agent_id": dave["id"]}, 404, "not_found", "to_agent_id"),
            (ext["id"], {"to_agent_id": b_agent["id"]}, 404, "not_found", "to_agent_id"),
            (ext["id"], {"to_agent_id": 999999}, 404, "not_found", "to_agent_id"),
            (b_ext["id"], {"to_agent_id": ada["id"]}, 404, "not_found", None),
            (free["id"], {"to_agent_id": ada["id"]}, 409, "extension_unassigned", None),
            # bob holds two: AGENTDESK_MAX_EXTENSIONS_PER_AGENT
            (w.users[("A", "agent")]["agent"]["extensions"][0]["id"], {"to_agent_id": bob["id"]},
             409, "extension_limit", "to_agent_id"),
            (ext["id"], {}, 400, "validation_failed", "to_agent_id"),
            (ext["id"], {"to_agent_id": str(ada["id"])}, 400, "validation_failed", "to_agent_id"),
            (ext["id"], {"to_agent_id": 0}, 400, "validation_failed", "to_agent_id"),
            (ext["id"], {"to_agent_id": -1}, 400, "validation_failed", "to_agent_id"),
            (ext["id"], {"to_agent_id": None}, 400, "validation_failed", "to_agent_id"),
            (ext["id"], {"to_agent_id": 1.5}, 400, "validation_failed", "to_agent_id"),
            (ext["id"], [1], 400, None, None)):
        status, resp = transfer(ext_id, body)
        assert status == code, (body, status, resp)
        if want:
            assert resp["error"]["code"] == want, (body, resp)
        if field:
            assert resp["error"].get("field") == field, (body, resp)
    status, _, resp = ad.request("POST", "/v1/admin/extensions/%d/transfer" % ext["id"],
                                 token=w.admin, body=b"{not json",
                                 headers={"Content-Type": "application/json"})
    assert status == 400, resp
    status, resp = transfer(ext["id"], {"to_agent_id": ada["id"]}, who=w.token("supervisor"))
    assert status == 403, resp
    assert since() == [] and audit_count(w) == before
    assert me_extensions(ad, bob["token"])[e] == bobs[e]
    assert extension(w, ext["id"])["user_id"] == bob["id"]
    assert extension(w, bob_ext["id"])["user_id"] == bob["id"]

    # ---- and back: a suspended holder's extension may move (it is active again)
    status, _, resp = ad.request("PATCH", "/v1/admin/agents/%d" % bob["id"], token=w.admin,
                                 json_body={"status": "suspended"})
    assert status == 200, resp
    since()
    status, resp = transfer(ext["id"], {"to_agent_id": ada["id"]})
    assert status == 200 and resp["extension"]["status"] == "active", resp
    assert [c for c in since() if not c.startswith("callcenter_config")] == flushes(e) + voicebox(e)
    adas = me_extensions(ad, ada["token"])
    assert e in adas and adas[e] not in (old_password, bobs[e]), adas
    wait_for(lambda: any(ev["data"]["agent_id"] == ada["id"] and e in ev["data"]["extensions"]
                         for ev in rx.events("/hook")[hooked:]),
             timeout=10, what="agent.updated of ada with the extension back")


if __name__ == "__main__":
    main()
